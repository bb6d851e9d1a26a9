package component

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// newCoreInstance instantiates a core-module plugin: it binds the linked
// imports, instantiates the host modules of its lowered imports and the
// module itself, runs _initialize, and lifts the exports.
func (pre *InstancePre) newCoreInstance(ctx context.Context, data map[any]any) (_ *instance, err error) {
	c := pre.c
	p := c.core
	n := c.root
	inst := c.newInstanceOf(n, nil, len(p.hostFuncs))
	if len(data) > 0 {
		inst.data = data
	}
	defer c.endInstantiate(ctx, inst, &err)
	fail := func(format string, args ...any) (*instance, error) {
		return nil, fmt.Errorf("instantiate %s: "+format, append([]any{c.name}, args...)...)
	}

	// Imports: the Linker's items, and the run-time types of the resources
	// they carry.
	for name, want := range p.world.Imports.All() {
		it, ok := pre.imports[name]
		if !ok {
			return fail("missing import %q", name)
		}
		switch {
		case it.sort == binary.SortInstance && want.Instance != nil:
			if err := inst.bindResources(want.Instance, it.inst); err != nil {
				return fail("import %q: %w", name, err)
			}
		case it.sort == binary.SortType && it.resource != nil:
			if id, ok := want.Type.(wit.TypeID); ok {
				inst.resources[id] = it.resource
			}
		}
	}
	// Resources the plugin defines: new types for every instance.
	for _, r := range p.resources {
		inst.resources[r.id] = &ResourceType{name: r.name, owner: inst}
	}

	// The guest's memory and reallocs exist once the module is
	// instantiated; lowered imports read them then.
	var mem api.Memory
	var importRealloc api.Function
	var typed []func() // typed host functions: lowered once the memory is known
	for i, h := range p.hostFuncs {
		switch h.kind {
		case coreLower:
			var callee *funcVal
			if it, ok := pre.imports[h.iface]; ok && h.iface != "" && it.inst != nil {
				callee = it.inst.exports[h.name].fn
			} else if it, ok := pre.imports[h.name]; ok && h.iface == "" {
				callee = it.fn
			}
			if callee == nil {
				return fail("import %q: no function %q", h.iface, h.name)
			}
			d := h.lower
			if callee.typedHost != nil {
				typed = append(typed, func() { inst.host[i] = inst.lowerTyped(d, callee, mem, importRealloc) })
				continue
			}
			inst.host[i] = func(ctx context.Context, stack []uint64) {
				inst.callLowered(ctx, d, callee, mem, importRealloc, stack)
			}
		case coreImportedDrop, coreResourceDrop:
			id := h.resource
			inst.host[i] = func(ctx context.Context, stack []uint64) {
				inst.resourceDrop(ctx, id, uint32(stack[0]))
			}
		case coreResourceNew:
			rt := inst.resources[h.resource]
			inst.host[i] = func(ctx context.Context, stack []uint64) {
				stack[0] = uint64(inst.resourceNew(rt, uint32(stack[0])))
			}
		case coreResourceRep:
			rt := inst.resources[h.resource]
			inst.host[i] = func(ctx context.Context, stack []uint64) {
				stack[0] = uint64(inst.resourceRep(rt, uint32(stack[0])))
			}
		}
	}

	byName := map[string]api.Module{}
	for name, m := range pre.core.modules {
		byName[name] = m
	}
	for _, hm := range p.hostMods {
		m, err := c.rt.wz.InstantiateModule(ctx, hm.compiled, internalModuleConfig)
		if err != nil {
			return fail("host module %q: %w", hm.name, err)
		}
		inst.own(m)
		byName[hm.name] = m
	}
	cfg := wazero.NewModuleConfig()
	if pre.core.config != nil {
		// This instance's data, and no other's (ctx may be a host
		// function's, called by an instance with data of its own).
		cfg, err = pre.core.config(context.WithValue(ctx, hostDataKey{}, data))
		if err != nil {
			return fail("module configuration: %w", err)
		}
	}
	rctx := experimental.WithImportResolver(ctx, func(name string) api.Module { return byName[name] })
	m, err := c.rt.wz.InstantiateModule(rctx, p.compiled, cfg.WithName("").WithStartFunctions())
	if err != nil {
		return fail("%w", err)
	}
	inst.own(m)
	if p.memory != "" {
		mem = m.ExportedMemory(p.memory)
	}
	if p.importRealloc != "" {
		importRealloc = m.ExportedFunction(p.importRealloc)
	}
	for _, lower := range typed {
		lower()
	}
	var exportRealloc api.Function
	if p.exportRealloc != "" {
		exportRealloc = m.ExportedFunction(p.exportRealloc)
	}

	// Exports.
	ifaces := map[string]*instVal{}
	ifaceOf := func(name string) *instVal {
		v, ok := ifaces[name]
		if !ok {
			v = &instVal{exports: map[string]item{}}
			ifaces[name] = v
			inst.exports[name] = item{sort: binary.SortInstance, inst: v}
		}
		return v
	}
	for _, r := range p.resources {
		rt := inst.resources[r.id]
		if r.dtor != "" {
			f := m.ExportedFunction(r.dtor)
			rt.dtor = func(ctx context.Context, rep uint32) error {
				_, err := f.Call(ctx, uint64(rep))
				return err
			}
		}
		ifaceOf(r.iface).exports[r.name] = item{sort: binary.SortType, resource: rt}
	}
	for _, l := range p.lifts {
		f := &funcVal{inst: inst, ft: l.ft, sig: l.sig, name: l.core, mem: mem, realloc: exportRealloc,
			opts: types.Options{Encoding: types.UTF8}, core: m.ExportedFunction(l.core)}
		if l.post != "" {
			f.postReturn = m.ExportedFunction(l.post)
		}
		if l.iface == "" {
			inst.exports[l.name] = item{sort: binary.SortFunc, fn: f}
			continue
		}
		ifaceOf(l.iface).exports[l.name] = item{sort: binary.SortFunc, fn: f}
	}

	// A reactor's initialisation (Go's runtime, C's constructors) runs once
	// the instance can serve its imports.
	if p.initialize {
		if err := catch(c.name, coreInitialize, func() {
			if _, err := m.ExportedFunction(coreInitialize).Call(ctx); err != nil {
				panic(err)
			}
		}); err != nil {
			return nil, fmt.Errorf("instantiate %s: %w", c.name, err)
		}
	}
	return inst, nil
}

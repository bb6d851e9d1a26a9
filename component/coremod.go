package component

import (
	"context"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// Core-module plugins: a core WebAssembly module whose imports and exports
// follow the Component Model's core naming conventions (the ones
// wit-component reads when it makes a component of it), with its world
// from its `component-type` custom section or from WIT the host supplies
// (WithWorld). Compile turns one into the plan of the component that
// `wasm-tools component new` would make of it — one core instance, its
// imports lowered, its exports lifted with UTF-8 strings, its memory, its
// realloc and its post-return functions — so that linking, calls (Value and
// typed) and resources work as for any component. See RATIONALE.md, "Why
// are core-module plugins planned directly instead of made into a
// component?".

// WithWorld gives Compile the world of a core-module plugin as WIT: world w
// of r. It takes precedence over the module's `component-type` custom
// sections. It has no effect on components, which carry their own types.
// r must not change after Compile.
func WithWorld(r *wit.Resolve, w wit.WorldID) CompileOption {
	return func(c *Compiled) { c.hostWorld = &hostWorld{r: r, w: w} }
}

type hostWorld struct {
	r *wit.Resolve
	w wit.WorldID
}

// corePlan is what Compile made of a core-module plugin.
type corePlan struct {
	module   *binary.CoreModule
	compiled wazero.CompiledModule
	// world is the plugin's world: imports and exports as component types.
	world *types.ComponentType
	// witWorld is the world the plan was made from, for World: the
	// decoded component-type section or the host's WIT.
	witWorld func(c *Compiled) (*wit.Resolve, wit.WorldID, error)

	memory        string // the memory export, "" when the module has none
	exportRealloc string // realloc for lifting exports, "" when none
	importRealloc string // realloc for lowering imports' results, "" when none
	initialize    bool   // the module exports _initialize

	hostMods []*coreHostModule
	// others are the imports from modules the conventions do not name
	// (wasi_snapshot_preview1, …), by module: the Linker provides them
	// (Linker.DefineCoreModule).
	others     map[string][]binary.CoreImport
	otherOrder []string
	lifts      []coreLift
	// exported resources: interface -> resource name -> type and its
	// destructor export.
	resources []coreResource
	hostFuncs []*coreHostFunc
}

// coreHostModule is a module the core module imports from and that the
// plan implements: `$root`, an imported interface, `[export]iface`.
type coreHostModule struct {
	name     string
	compiled wazero.CompiledModule
}

type coreHostKind uint8

const (
	coreLower        coreHostKind = iota // a lowered import
	coreImportedDrop                     // [resource-drop]r of an imported resource
	coreResourceNew                      // [resource-new]r of an exported resource
	coreResourceRep                      // [resource-rep]r
	coreResourceDrop                     // [resource-drop]r
)

// coreHostFunc is one function of a coreHostModule.
type coreHostFunc struct {
	kind          coreHostKind
	module, field string // the core import
	iface         string // the world import (or export, for resources) it belongs to; "" for $root
	name          string // the function's (or resource's) name
	lower         *types.LowerDef
	resource      wit.TypeID
}

// coreLift is an exported function.
type coreLift struct {
	iface string // "" for a function the world exports directly
	name  string
	core  string // core export name
	post  string // cabi_post_ export name, "" when none
	ft    *types.FuncType
	sig   wit.Signature
}

// coreResource is a resource an exported interface defines.
type coreResource struct {
	iface, name string
	id          wit.TypeID
	dtor        string // core export name of the destructor, "" when none
}

// compileCoreModule compiles a core-module plugin.
func (c *Compiled) compileCoreModule(ctx context.Context, wasm []byte) error {
	m, err := binary.DecodeCoreModule(wasm)
	if err != nil {
		return err
	}
	p := &corePlan{module: m}
	var r *wit.Resolve
	var names *types.Names
	var res map[wit.TypeID]*types.ResourceInfo
	switch {
	case c.hostWorld != nil:
		hw := c.hostWorld
		if hw.r == nil || int(hw.w) < 0 || int(hw.w) >= len(hw.r.Worlds) {
			return fmt.Errorf("WithWorld: world %d is not in the Resolve", hw.w)
		}
		world, err := worldComponentType(hw.r, hw.w)
		if err != nil {
			return fmt.Errorf("world %s: %w", worldName(hw.r, hw.w), err)
		}
		r, p.world = hw.r, world
		p.witWorld = func(*Compiled) (*wit.Resolve, wit.WorldID, error) { return hw.r, hw.w, nil }
	default:
		ws, err := decodeComponentTypeSections(m)
		if err != nil {
			return err
		}
		r, p.world, names, res = ws.checked.Types, ws.world, ws.checked.Names, ws.checked.Resources
		p.witWorld = ws.decodeWIT
	}
	c.types = r
	c.abi = wit.NewABI(r)
	if names == nil {
		names = types.NewNames()
	}
	if res == nil {
		res = map[wit.TypeID]*types.ResourceInfo{}
	}
	checked := &types.Component{Bin: &binary.Component{}, Types: r, Names: names, Resources: res,
		Imports: p.world.Imports, Exports: p.world.Exports}
	if err := p.plan(c); err != nil {
		return err
	}
	p.compiled, err = c.rt.wz.CompileModule(ctx, wasm)
	if err != nil {
		return err
	}
	n := &compNode{c: c, checked: checked, types: r, hostFuncs: map[types.Def]int{}}
	if err := p.compileHost(ctx, n); err != nil {
		return err
	}
	c.root = n
	c.core = p
	return nil
}

func worldName(r *wit.Resolve, w wit.WorldID) string {
	wd := r.Worlds[w]
	if int(wd.Package) >= 0 && int(wd.Package) < len(r.Packages) {
		return "`" + r.Packages[wd.Package].Name.String() + "/" + wd.Name + "`"
	}
	return "`" + wd.Name + "`"
}

// Core naming conventions (wit-component's legacy names).
const (
	coreRootModule   = "$root"
	coreExportPrefix = "[export]"
	corePostPrefix   = "cabi_post_"
	coreMemory       = "memory"
	coreRealloc      = "cabi_realloc"
	coreExportRe     = "cabi_export_realloc"
	coreImportRe     = "cabi_import_realloc"
	coreInitialize   = "_initialize"
)

// plan matches the module's imports and exports with the world.
func (p *corePlan) plan(c *Compiled) error {
	m := p.module
	exports := map[string]binary.CoreExport{}
	for _, e := range m.Exports {
		exports[e.Name] = e
	}
	funcExport := func(name string) (*binary.CoreFuncType, bool, error) {
		e, ok := exports[name]
		if !ok {
			return nil, false, nil
		}
		if e.Sort != binary.SortCoreFunc {
			return nil, true, fmt.Errorf("core export %q is a %s, not a function", name, e.Sort)
		}
		ft, ok := m.FuncType(e.Index)
		if !ok {
			return nil, true, fmt.Errorf("core export %q: function %d has no function type", name, e.Index)
		}
		return ft, true, nil
	}
	if e, ok := exports[coreMemory]; ok {
		if e.Sort != binary.SortCoreMemory {
			return fmt.Errorf("core export %q is a %s, not a memory", coreMemory, e.Sort)
		}
		p.memory = coreMemory
	}
	reallocType := &binary.CoreFuncType{Params: i32s(4), Results: i32s(1)}
	for _, name := range []string{coreExportRe, coreImportRe, coreRealloc} {
		ft, ok, err := funcExport(name)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if !sameCoreType(ft, reallocType) {
			return fmt.Errorf("core export %q has type %s, a realloc function must have type %s", name, ft, reallocType)
		}
		switch name {
		case coreExportRe:
			p.exportRealloc = name
		case coreImportRe:
			p.importRealloc = name
		default:
			if p.exportRealloc == "" {
				p.exportRealloc = name
			}
			if p.importRealloc == "" {
				p.importRealloc = name
			}
		}
	}
	if ft, ok, err := funcExport(coreInitialize); err != nil {
		return err
	} else if ok {
		if len(ft.Params) != 0 || len(ft.Results) != 0 {
			return fmt.Errorf("core export %q has type %s, want func()", coreInitialize, ft)
		}
		p.initialize = true
	}

	// Exports: every function of the world must be there.
	for name, e := range p.world.Exports.All() {
		switch e.Sort {
		case binary.SortFunc:
			if err := p.lift(c, funcExport, "", name, name, e.Func); err != nil {
				return err
			}
		case binary.SortInstance:
			for en, x := range e.Instance.Exports.All() {
				switch x.Sort {
				case binary.SortFunc:
					if err := p.lift(c, funcExport, name, en, name+"#"+en, x.Func); err != nil {
						return err
					}
				case binary.SortType:
					id, ok := x.Type.(wit.TypeID)
					if !ok || !isResourceType(c.types, id) {
						continue
					}
					cr := coreResource{iface: name, name: en, id: id}
					dtor := name + "#[dtor]" + en
					ft, ok, err := funcExport(dtor)
					if err != nil {
						return err
					}
					if ok {
						if !sameCoreType(ft, &binary.CoreFuncType{Params: i32s(1)}) {
							return fmt.Errorf("core export %q has type %s, a destructor must have type (i32) -> ()", dtor, ft)
						}
						cr.dtor = dtor
					}
					p.resources = append(p.resources, cr)
				}
			}
		default:
			return fmt.Errorf("world export %q is a %s: core-module plugins export functions and interfaces", name, e.Sort)
		}
	}

	// Imports.
	hostMods := map[string]*coreHostModule{}
	p.others = map[string][]binary.CoreImport{}
	for _, im := range m.Imports {
		if err := p.importFunc(c, im, hostMods); err != nil {
			return err
		}
	}
	return nil
}

func i32s(n int) []binary.CoreValType {
	out := make([]binary.CoreValType, n)
	for i := range out {
		out[i] = binary.CoreValType{Kind: binary.CoreI32}
	}
	return out
}

func sameCoreType(a, b *binary.CoreFuncType) bool {
	return a.String() == b.String()
}

// coreFuncType is the core function type of a signature.
func coreFuncType(sig wit.Signature) *binary.CoreFuncType {
	cs := sigOf(sig)
	return &binary.CoreFuncType{Params: coreVals(cs.params), Results: coreVals(cs.results)}
}

// signature flattens a component function type as v.
func (c *Compiled) signature(ft *types.FuncType, v wit.ABIVariant) wit.Signature {
	f := &wit.Function{Result: ft.Result}
	for _, p := range ft.Params {
		f.Params = append(f.Params, wit.Param{Name: p.Name, Type: p.Type})
	}
	return c.abi.Signature(f, v)
}

// needsMemory tells whether a signature passes anything through memory,
// and whether the callee must allocate for it (realloc).
func (c *Compiled) needsMemory(ft *types.FuncType, sig wit.Signature, lift bool) (mem, realloc bool) {
	mem = sig.IndirectParams || sig.IndirectResults
	ptrs := func(t wit.Type) bool { return t != nil && c.hasPointers(t, map[wit.TypeID]bool{}) }
	params := false
	for _, p := range ft.Params {
		params = params || ptrs(p.Type)
	}
	result := ptrs(ft.Result)
	mem = mem || params || result
	if lift {
		realloc = params || sig.IndirectParams
	} else {
		realloc = result
	}
	return mem, realloc
}

// hasPointers tells whether values of t live partly in memory (strings,
// lists).
func (c *Compiled) hasPointers(t wit.Type, seen map[wit.TypeID]bool) bool {
	if p, ok := t.(wit.Primitive); ok {
		return p == wit.String
	}
	id, ok := t.(wit.TypeID)
	if !ok || seen[id] || int(id) < 0 || int(id) >= len(c.types.Types) {
		return false
	}
	seen[id] = true
	any := func(ts ...wit.Type) bool {
		for _, t := range ts {
			if t != nil && c.hasPointers(t, seen) {
				return true
			}
		}
		return false
	}
	switch k := c.types.Types[id].Kind.(type) {
	case *wit.List, *wit.Map:
		return true
	case *wit.Alias:
		return any(k.Type)
	case *wit.FixedList:
		return any(k.Elem)
	case *wit.Tuple:
		return any(k.Types...)
	case *wit.Option:
		return any(k.Type)
	case *wit.Result:
		return any(k.OK, k.Err)
	case *wit.Record:
		for _, f := range k.Fields {
			if any(f.Type) {
				return true
			}
		}
	case *wit.Variant:
		for _, cs := range k.Cases {
			if any(cs.Type) {
				return true
			}
		}
	}
	return false
}

type funcExportFn func(name string) (*binary.CoreFuncType, bool, error)

// lift plans the export of one function.
func (p *corePlan) lift(c *Compiled, funcExport funcExportFn, iface, name, core string, ft *types.FuncType) error {
	what := name
	if iface != "" {
		what = iface + "#" + name
	}
	if ft.Async {
		return fmt.Errorf("world export %s is async: %w", what, types.ErrNotSupported)
	}
	sig := c.signature(ft, wit.Lift)
	want := coreFuncType(sig)
	got, ok, err := funcExport(core)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("the world exports %s: %s, but the core module has no export %q", what, c.funcString(ft), core)
	}
	if !sameCoreType(got, want) {
		return fmt.Errorf("core export %q has type %s, but %s: %s lifts from %s", core, got, what, c.funcString(ft), want)
	}
	mem, realloc := c.needsMemory(ft, sig, true)
	if mem && p.memory == "" {
		return fmt.Errorf("export %s passes values through memory, but the core module exports no %q", what, coreMemory)
	}
	if realloc && p.exportRealloc == "" {
		return fmt.Errorf("export %s needs the guest to allocate its arguments, but the core module exports no %q (or %q)", what, coreRealloc, coreExportRe)
	}
	l := coreLift{iface: iface, name: name, core: core, ft: ft, sig: sig}
	post := corePostPrefix + core
	if pt, ok, err := funcExport(post); err != nil {
		return err
	} else if ok {
		if !sameCoreType(pt, &binary.CoreFuncType{Params: want.Results}) {
			return fmt.Errorf("core export %q has type %s, a post-return function of %s must have type %s", post, pt, what,
				&binary.CoreFuncType{Params: want.Results})
		}
		l.post = post
	}
	p.lifts = append(p.lifts, l)
	return nil
}

func (c *Compiled) funcString(ft *types.FuncType) string {
	return (&types.Component{Types: c.types}).FuncString(ft)
}

// importFunc plans one core import.
func (p *corePlan) importFunc(c *Compiled, im binary.CoreImport, hostMods map[string]*coreHostModule) error {
	where := fmt.Sprintf("core import %q %q", im.Module, im.Name)
	fe, isFunc := im.Type.(binary.CoreFuncExtern)
	var got *binary.CoreFuncType
	if isFunc {
		if int(fe.Type) < len(p.module.Types) {
			got, _ = p.module.Types[fe.Type].Type.(*binary.CoreFuncType)
		}
	}
	add := func(h *coreHostFunc, want *binary.CoreFuncType) error {
		if !isFunc || got == nil {
			return fmt.Errorf("%s: must be a function of type %s", where, want)
		}
		if !sameCoreType(got, want) {
			return fmt.Errorf("%s has type %s, want %s", where, got, want)
		}
		h.module, h.field = im.Module, im.Name
		for _, prev := range p.hostFuncs {
			if prev.module == im.Module && prev.field == im.Name {
				return nil // imported twice: one function serves both
			}
		}
		if _, ok := hostMods[im.Module]; !ok {
			hm := &coreHostModule{name: im.Module}
			hostMods[im.Module] = hm
			p.hostMods = append(p.hostMods, hm)
		}
		p.hostFuncs = append(p.hostFuncs, h)
		return nil
	}
	lower := func(iface, name string, ft *types.FuncType) error {
		what := name
		if iface != "" {
			what = iface + "#" + name
		}
		if ft.Async {
			return fmt.Errorf("%s: world import %s is async: %w", where, what, types.ErrNotSupported)
		}
		sig := c.signature(ft, wit.Lower)
		mem, realloc := c.needsMemory(ft, sig, false)
		if mem && p.memory == "" {
			return fmt.Errorf("%s: %s passes values through memory, but the core module exports no %q", where, what, coreMemory)
		}
		if realloc && p.importRealloc == "" {
			return fmt.Errorf("%s: %s returns values the guest must allocate, but the core module exports no %q (or %q)", where, what, coreRealloc, coreImportRe)
		}
		d := &types.LowerDef{Type: ft, Options: types.Options{Encoding: types.UTF8}, Sig: sig}
		return add(&coreHostFunc{kind: coreLower, iface: iface, name: name, lower: d}, coreFuncType(sig))
	}
	resourceFunc := func(prefix string) (string, bool) {
		return strings.CutPrefix(im.Name, prefix)
	}
	dropType := &binary.CoreFuncType{Params: i32s(1)}
	newType := &binary.CoreFuncType{Params: i32s(1), Results: i32s(1)}

	if im.Module == coreRootModule {
		e, ok := p.world.Imports.Get(im.Name)
		if !ok || e.Sort != binary.SortFunc {
			return fmt.Errorf("%s: the world imports no function %q", where, im.Name)
		}
		return lower("", im.Name, e.Func)
	}
	if iface, ok := strings.CutPrefix(im.Module, coreExportPrefix); ok {
		e, ok := p.world.Exports.Get(iface)
		if !ok || e.Sort != binary.SortInstance {
			return fmt.Errorf("%s: the world exports no interface %q", where, iface)
		}
		for _, k := range []struct {
			prefix string
			kind   coreHostKind
			t      *binary.CoreFuncType
		}{{"[resource-new]", coreResourceNew, newType}, {"[resource-rep]", coreResourceRep, newType}, {"[resource-drop]", coreResourceDrop, dropType}} {
			if r, ok := resourceFunc(k.prefix); ok {
				x, ok := e.Instance.Exports.Get(r)
				id, isID := x.Type.(wit.TypeID)
				if !ok || x.Sort != binary.SortType || !isID || !isResourceType(c.types, id) {
					return fmt.Errorf("%s: exported interface %q has no resource %q", where, iface, r)
				}
				return add(&coreHostFunc{kind: k.kind, iface: iface, name: r, resource: id}, k.t)
			}
		}
		return fmt.Errorf("%s: a module %q provides only [resource-new], [resource-rep] and [resource-drop] functions", where, im.Module)
	}
	if e, ok := p.world.Imports.Get(im.Module); ok && e.Sort == binary.SortInstance {
		if r, ok := resourceFunc("[resource-drop]"); ok {
			x, ok := e.Instance.Exports.Get(r)
			id, isID := x.Type.(wit.TypeID)
			if !ok || x.Sort != binary.SortType || !isID || !isResourceType(c.types, id) {
				return fmt.Errorf("%s: imported interface %q has no resource %q", where, im.Module, r)
			}
			return add(&coreHostFunc{kind: coreImportedDrop, iface: im.Module, name: r, resource: id}, dropType)
		}
		x, ok := e.Instance.Exports.Get(im.Name)
		if !ok || x.Sort != binary.SortFunc {
			return fmt.Errorf("%s: imported interface %q has no function %q", where, im.Module, im.Name)
		}
		return lower(im.Module, im.Name, x.Func)
	}
	if isInterfaceName(im.Module) {
		return fmt.Errorf("%s: the world does not import interface %q", where, im.Module)
	}
	if _, ok := p.others[im.Module]; !ok {
		p.otherOrder = append(p.otherOrder, im.Module)
	}
	p.others[im.Module] = append(p.others[im.Module], im)
	return nil
}

// isInterfaceName tells `ns:pkg/iface` names from plain module names.
func isInterfaceName(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0 && strings.IndexByte(s[i:], '/') > 0
}

// compileHost compiles one host module per import module the plan
// implements; each function finds the calling instance and runs its
// closure (see RATIONALE.md, "Why is a lowered import one shared host
// function that looks up its instance?").
func (p *corePlan) compileHost(ctx context.Context, n *compNode) error {
	rt := n.c.rt
	byModule := map[string]wazero.HostModuleBuilder{}
	for i, h := range p.hostFuncs {
		hb, ok := byModule[h.module]
		if !ok {
			hb = rt.wz.NewHostModuleBuilder(h.module)
			byModule[h.module] = hb
		}
		var sig coreSig
		switch h.kind {
		case coreLower:
			sig = sigOf(h.lower.Sig)
		case coreResourceNew, coreResourceRep:
			sig = coreSig{params: []api.ValueType{api.ValueTypeI32}, results: []api.ValueType{api.ValueTypeI32}}
		default:
			sig = coreSig{params: []api.ValueType{api.ValueTypeI32}}
		}
		fn := api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
			e := n.last.Load()
			if e == nil || e.mod != mod {
				if e = rt.callerOf(mod); e != nil {
					n.last.Store(e)
				}
			}
			var inst *instance
			if e != nil {
				inst = e.inst
			}
			if inst == nil || i >= len(inst.host) || inst.host[i] == nil {
				panic(fmt.Errorf("plugwit: core-module import %d called from an unknown module", i))
			}
			inst.host[i](ctx, stack)
		})
		hb.NewFunctionBuilder().WithGoModuleFunction(fn, sig.params, sig.results).Export(h.field)
	}
	for _, hm := range p.hostMods {
		compiled, err := byModule[hm.name].Compile(ctx)
		if err != nil {
			return fmt.Errorf("host module %q: %w", hm.name, err)
		}
		hm.compiled = compiled
	}
	return nil
}

// isCoreModule reports whether wasm starts with a core module's preamble.
func isCoreModule(wasm []byte) bool {
	p, err := binary.ReadPreamble(wasm)
	return err == nil && !p.IsComponent()
}

// IsCoreModule reports whether c was compiled from a core-module plugin
// rather than a component.
func (c *Compiled) IsCoreModule() bool { return c.core != nil }

// producers decodes the module's producers custom section.
func (p *corePlan) producers() []ProducerField {
	for _, h := range p.module.Sections {
		if h.ID != binary.CoreSectionCustom || h.Name != "producers" {
			continue
		}
		if data, ok := customSectionData(p.module.Raw, h); ok {
			if f, ok := decodeProducers(data); ok {
				return f
			}
		}
	}
	return nil
}

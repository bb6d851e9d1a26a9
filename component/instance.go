package component

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// instance is a component instance at run time: its index spaces, filled by
// replaying the component's definitions (types.Component.Defs).
type instance struct {
	comp   *compNode
	rt     *Runtime
	parent *instance // the instance whose component defines this one's, for outer aliases

	coreFuncs   []coreRef
	coreTables  []coreRef
	coreMems    []coreRef
	coreGlobals []coreRef
	coreTags    []coreRef
	coreInsts   []*coreInst
	modules     []*coreModule
	funcs       []*funcVal
	typeItems   []item
	comps       []item
	insts       []*instVal

	resources map[wit.TypeID]*ResourceType
	host      []func(ctx context.Context, stack []uint64) // per host function index of comp
	hostMod   api.Module
	exports   map[string]item
	owned     []api.Module // core instances to close with the instance

	handles  handleTable
	borrowed []uint32    // handles lowered as borrows into the current call (see endCall)
	task     uint64      // the current call's borrow scope
	taskSeq  uint64      // the last borrow scope numbered
	entered  bool        // a call into this instance is on the stack (spec: !may_enter)
	cxFree   []*canonCx  // contexts of lowered calls, recycled
	data     map[any]any // WithHostData, on the outermost instance
	onClose  []func(ctx context.Context) error
	exports1 map[exportKey]api.Function // exported's
	noLeave  bool                       // in post-return or realloc (spec: !may_leave)
}

// coreRef is a core item: an export of a core module instance.
type coreRef struct {
	mod  api.Module
	name string
	sig  *coreSig // for functions
}

// internalModuleConfig configures every core module instance plugwit
// makes for a component: anonymous, no start function called by name (a
// glue module re-exports a preview1 command's _start, which wasi:cli/run
// calls later through the adapter; the wasm start section still runs),
// and the system's clocks and randomness — no component core module
// reaches them (they import no WASI preview1), and without them wazero
// makes and seeds a fake source for each instance (≈ 15% of an
// Instantiate).
var internalModuleConfig = wazero.NewModuleConfig().WithName("").WithStartFunctions().
	WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime()

// exportKey names a core export for instance.exported.
type exportKey struct {
	mod  api.Module
	name string
}

// exported returns the exported core function ref names, made once per
// instance: wazero allocates a call engine (with its stack) for every
// api.Function it returns, so a function lifted, used as realloc and as
// post-return gets one, not three.
func (inst *instance) exported(ref coreRef) api.Function {
	k := exportKey{ref.mod, ref.name}
	if f, ok := inst.exports1[k]; ok {
		return f
	}
	f := ref.mod.ExportedFunction(ref.name)
	if inst.exports1 == nil {
		inst.exports1 = map[exportKey]api.Function{}
	}
	inst.exports1[k] = f
	return f
}

// coreInst is a core instance: a module instance, or exports bundled from
// other instances (made into a glue module when used as an import).
type coreInst struct {
	mod   api.Module
	items map[string]coreItem
	order []string
}

type coreItem struct {
	sort binary.Sort
	ref  coreRef
}

type coreModule struct {
	compiled wazero.CompiledModule
}

// Instance is an instance of a component.
type Instance struct {
	inst *instance
}

// Component returns the component p instantiates.
func (p *InstancePre) Component() *Compiled { return p.c }

// Instantiate makes a new instance.
func (p *InstancePre) Instantiate(ctx context.Context, opts ...InstantiateOption) (*Instance, error) {
	var cfg instantiateConfig
	for _, o := range opts {
		o(&cfg)
	}
	var inst *instance
	var err error
	if len(cfg.data) > 0 {
		p.c.rt.hasData.Store(true)
	}
	if p.core != nil {
		inst, err = p.newCoreInstance(ctx, cfg.data)
	} else if inst, err = p.c.newInstance(ctx, p.c.root, nil, p.imports); err == nil && len(cfg.data) > 0 {
		inst.data = cfg.data
	}
	if err != nil {
		for _, fn := range cfg.onClose { // what was made for the instance goes with it
			fn(ctx)
		}
		return nil, err
	}
	inst.onClose = cfg.onClose
	return &Instance{inst: inst}, nil
}

// InstantiateOption configures one instantiation.
type InstantiateOption func(*instantiateConfig)

type instantiateConfig struct {
	data    map[any]any
	onClose []func(ctx context.Context) error
}

// OnClose runs fn when the instance is closed (Instance.Close), after its
// core modules, or at once if instantiating fails: it is how a host
// releases what it made for one instance (files, sockets, a WASI context).
// Functions given with several OnClose options run in reverse order.
func OnClose(fn func(ctx context.Context) error) InstantiateOption {
	return func(c *instantiateConfig) { c.onClose = append(c.onClose, fn) }
}

// JoinOptions returns the option that applies opts in order.
func JoinOptions(opts ...InstantiateOption) InstantiateOption {
	return func(c *instantiateConfig) {
		for _, o := range opts {
			o(c)
		}
	}
}

// WithHostData attaches value under key to the new instance: host functions
// called by it (or by components nested in it) get it from
// HostData(ctx, key). It is how a host keeps per-instance state (a WASI
// context, a plugin's handle) while defining its functions once in a
// Linker. Keys follow the rules of context keys: use a type of your own.
func WithHostData(key, value any) InstantiateOption {
	return func(c *instantiateConfig) {
		if c.data == nil {
			c.data = map[any]any{}
		}
		c.data[key] = value
	}
}

type hostDataKey struct{}

// HostData returns, inside a host function, the value the calling instance
// was created with under key (WithHostData), or nil.
func HostData(ctx context.Context, key any) any {
	m, _ := ctx.Value(hostDataKey{}).(map[any]any)
	return m[key]
}

// hostCtx is ctx as a host function called by inst sees it: carrying
// inst's host data (WithHostData), and no other instance's — a call can
// reach inst from a host function that another instance called, whose ctx
// carries that instance's data (a WASI context with its grants, say).
func (inst *instance) hostCtx(ctx context.Context) context.Context {
	if d := inst.hostData(); d != nil {
		return context.WithValue(ctx, hostDataKey{}, d)
	}
	if inst.rt.hasData.Load() && ctx.Value(hostDataKey{}) != nil {
		return context.WithValue(ctx, hostDataKey{}, map[any]any(nil))
	}
	return ctx
}

// hostData is the data of the instance's outermost instance.
func (inst *instance) hostData() map[any]any {
	for i := inst; i != nil; i = i.parent {
		if i.parent == nil {
			return i.data
		}
	}
	return nil
}

// newInstanceOf makes the instance state of node n, with hostFuncs canon
// functions, before anything of it is instantiated.
func (c *Compiled) newInstanceOf(n *compNode, parent *instance, hostFuncs int) *instance {
	return &instance{comp: n, rt: c.rt, parent: parent, resources: map[wit.TypeID]*ResourceType{},
		exports: map[string]item{}, host: make([]func(context.Context, []uint64), hostFuncs)}
}

// endInstantiate is deferred by the functions that instantiate: it turns
// a trap raised meanwhile into *err, and closes what was made of inst when
// instantiating fails.
func (c *Compiled) endInstantiate(ctx context.Context, inst *instance, err *error) {
	if r := recover(); r != nil {
		switch e := r.(type) {
		case *trapError:
			*err = fmt.Errorf("instantiate %s: %s", c.name, e.reason)
		case *valueError:
			*err = fmt.Errorf("instantiate %s: %s", c.name, e.msg)
		default:
			panic(r)
		}
	}
	if *err != nil {
		inst.close(ctx) // the instances made so far
	}
}

func (c *Compiled) newInstance(ctx context.Context, n *compNode, parent *instance, args map[string]item) (_ *instance, err error) {
	inst := c.newInstanceOf(n, parent, len(n.hostFuncs))
	defer c.endInstantiate(ctx, inst, &err)
	hm, err := c.rt.wz.InstantiateModule(ctx, n.host, internalModuleConfig)
	if err != nil {
		return nil, fmt.Errorf("instantiate %s: %w", c.name, err)
	}
	inst.hostMod = hm
	inst.own(hm)
	for i, d := range n.checked.Defs {
		if err := inst.def(ctx, d, args); err != nil {
			return nil, fmt.Errorf("instantiate %s: definition %d: %w", c.name, i, err)
		}
	}
	return inst, nil
}

func (inst *instance) own(m api.Module) {
	inst.owned = append(inst.owned, m)
	inst.rt.register(m, inst)
}

func (inst *instance) close(ctx context.Context) error {
	var errs []error
	for i := len(inst.owned) - 1; i >= 0; i-- {
		m := inst.owned[i]
		inst.rt.unregister(m)
		if err := m.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	inst.owned = nil
	for i := len(inst.onClose) - 1; i >= 0; i-- {
		if err := inst.onClose[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	inst.onClose = nil
	return errors.Join(errs...)
}

// Close releases the instance's core module instances, then runs its
// OnClose functions. Closing again does nothing.
func (i *Instance) Close(ctx context.Context) error { return i.inst.close(ctx) }

// addItem appends a component-level item to its index space.
func (inst *instance) addItem(it item) {
	switch it.sort {
	case binary.SortFunc:
		inst.funcs = append(inst.funcs, it.fn)
	case binary.SortType:
		idx := len(inst.typeItems)
		inst.typeItems = append(inst.typeItems, it)
		if it.resource != nil && idx < len(inst.comp.checked.TypeSpace) {
			if id, ok := inst.comp.checked.TypeSpace[idx].Type.(wit.TypeID); ok {
				inst.resources[id] = it.resource
			}
		}
	case binary.SortInstance:
		inst.insts = append(inst.insts, it.inst)
	case binary.SortComponent:
		inst.comps = append(inst.comps, it)
	case binary.SortCoreModule:
		inst.modules = append(inst.modules, it.module)
	}
}

// bindResources records the run-time resource types of an instance item
// whose static type is t.
// The same resource may come from several imports (an interface re-exports
// another's resource): they must provide the same run-time type.
func (inst *instance) bindResources(t *types.InstanceType, v *instVal) error {
	for name, e := range t.Exports.All() {
		x, ok := v.exports[name]
		if !ok {
			continue
		}
		switch e.Sort {
		case binary.SortType:
			if id, ok := e.Type.(wit.TypeID); ok && x.resource != nil {
				if prev, ok := inst.resources[id]; ok && prev != x.resource {
					return fmt.Errorf("resource type %s is provided twice, as two different types (%s and %s); an interface that re-exports a resource must be given the same resource type",
						name, prev.name, x.resource.name)
				}
				inst.resources[id] = x.resource
			}
		case binary.SortInstance:
			if x.inst != nil {
				if err := inst.bindResources(e.Instance, x.inst); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (inst *instance) itemAt(si binary.SortIdx) item {
	switch si.Sort {
	case binary.SortFunc:
		return item{sort: si.Sort, fn: inst.funcs[si.Index]}
	case binary.SortType:
		return inst.typeItems[si.Index]
	case binary.SortInstance:
		return item{sort: si.Sort, inst: inst.insts[si.Index]}
	case binary.SortComponent:
		return inst.comps[si.Index]
	case binary.SortCoreModule:
		return item{sort: si.Sort, module: inst.modules[si.Index]}
	}
	panic(fmt.Sprintf("plugwit: unexpected sort %s", si.Sort))
}

func (inst *instance) coreSpace(s binary.Sort) *[]coreRef {
	switch s {
	case binary.SortCoreFunc:
		return &inst.coreFuncs
	case binary.SortCoreTable:
		return &inst.coreTables
	case binary.SortCoreMemory:
		return &inst.coreMems
	case binary.SortCoreGlobal:
		return &inst.coreGlobals
	case binary.SortCoreTag:
		return &inst.coreTags
	}
	panic(fmt.Sprintf("plugwit: unexpected core sort %s", s))
}

// def replays one definition.
func (inst *instance) def(ctx context.Context, d types.Def, args map[string]item) error {
	n := inst.comp
	switch d := d.(type) {
	case *types.ImportDef:
		it, ok := args[d.Name]
		if !ok {
			return fmt.Errorf("missing import %q", d.Name)
		}
		if it.sort == binary.SortInstance && d.Type.Instance != nil {
			if err := inst.bindResources(d.Type.Instance, it.inst); err != nil {
				return fmt.Errorf("import %q: %w", d.Name, err)
			}
		}
		inst.addItem(it)
	case *types.CoreModuleDef:
		inst.modules = append(inst.modules, &coreModule{compiled: n.modules[d.Module]})
	case *types.CoreInstanceDef:
		return inst.coreInstance(ctx, d.Instance)
	case *types.ComponentDef:
		inst.comps = append(inst.comps, item{sort: binary.SortComponent, comp: n.nested[d.Component], compEnv: inst})
	case *types.InstanceDef:
		return inst.instanceDef(ctx, d.Instance)
	case *types.AliasDef:
		return inst.alias(d.Alias)
	case *types.StaticDef:
		if d.Sort == binary.SortType {
			inst.typeItems = append(inst.typeItems, item{sort: binary.SortType})
		}
	case *types.ResourceDef:
		rt := &ResourceType{name: inst.comp.types.Types[d.Type].Name, owner: inst}
		if info := n.checked.Resources[d.Type]; info != nil && info.Dtor != nil {
			f := inst.exported(inst.coreFuncs[*info.Dtor])
			rt.dtor = func(ctx context.Context, rep uint32) error {
				_, err := f.Call(ctx, uint64(rep))
				return err
			}
		}
		inst.resources[d.Type] = rt
		inst.typeItems = append(inst.typeItems, item{sort: binary.SortType, resource: rt})
	case *types.LiftDef:
		inst.funcs = append(inst.funcs, inst.lift(d))
	case *types.LowerDef:
		inst.lower(d)
	case *types.ResourceNewDef:
		idx := n.hostFuncs[d]
		rt := inst.resources[d.Resource]
		inst.host[idx] = func(ctx context.Context, stack []uint64) {
			stack[0] = uint64(inst.resourceNew(rt, uint32(stack[0])))
		}
		inst.coreFuncs = append(inst.coreFuncs, coreRef{mod: inst.hostMod, name: "f" + itoa(idx)})
	case *types.ResourceRepDef:
		idx := n.hostFuncs[d]
		rt := inst.resources[d.Resource]
		inst.host[idx] = func(ctx context.Context, stack []uint64) {
			stack[0] = uint64(inst.resourceRep(rt, uint32(stack[0])))
		}
		inst.coreFuncs = append(inst.coreFuncs, coreRef{mod: inst.hostMod, name: "f" + itoa(idx)})
	case *types.ResourceDropDef:
		idx := n.hostFuncs[d]
		id := d.Resource
		inst.host[idx] = func(ctx context.Context, stack []uint64) {
			inst.resourceDrop(ctx, id, uint32(stack[0]))
		}
		inst.coreFuncs = append(inst.coreFuncs, coreRef{mod: inst.hostMod, name: "f" + itoa(idx)})
	case *types.UnsupportedDef:
		return fmt.Errorf("%w: canon %s", types.ErrNotSupported, d.Builtin)
	case *types.ExportDef:
		var it item
		if d.Item.Sort.IsCore() {
			return fmt.Errorf("exporting a %s is not supported", d.Item.Sort)
		}
		it = inst.itemAt(d.Item)
		it.resource.nameIfAnonymous(d.Name)
		inst.exports[d.Name] = it
		inst.addItem(it)
	default:
		return fmt.Errorf("unexpected definition %T", d)
	}
	return nil
}

func (inst *instance) coreInstance(ctx context.Context, ci binary.CoreInstance) error {
	switch ci := ci.(type) {
	case *binary.CoreInstantiate:
		mod := inst.modules[ci.Module]
		byName := map[string]api.Module{}
		for _, a := range ci.Args {
			m, err := inst.coreInsts[a.Instance].module(ctx, inst)
			if err != nil {
				return err
			}
			name := a.Name
			if name == "" {
				name = emptyModuleName
			}
			byName[name] = m
		}
		rctx := experimental.WithImportResolver(ctx, func(name string) api.Module { return byName[name] })
		m, err := inst.rt.wz.InstantiateModule(rctx, mod.compiled, internalModuleConfig)
		if err != nil {
			return err
		}
		inst.own(m)
		inst.coreInsts = append(inst.coreInsts, &coreInst{mod: m})
	case *binary.CoreInstanceExports:
		c := &coreInst{items: map[string]coreItem{}}
		for _, e := range ci.Exports {
			space := *inst.coreSpace(e.Sort)
			c.items[e.Name] = coreItem{sort: e.Sort, ref: space[e.Index]}
			c.order = append(c.order, e.Name)
		}
		inst.coreInsts = append(inst.coreInsts, c)
	default:
		return fmt.Errorf("unexpected core instance %T", ci)
	}
	return nil
}

// export returns a core export of the instance.
func (c *coreInst) export(name string, s binary.Sort) coreRef {
	if c.mod != nil {
		return coreRef{mod: c.mod, name: name}
	}
	return c.items[name].ref
}

// module returns an api.Module exporting the instance's items, making the
// glue module of a bundled instance on first use.
func (c *coreInst) module(ctx context.Context, inst *instance) (api.Module, error) {
	if c.mod != nil {
		return c.mod, nil
	}
	var items []glueItem
	var sources []api.Module
	srcIndex := map[api.Module]int{}
	for _, name := range c.order {
		it := c.items[name]
		i, ok := srcIndex[it.ref.mod]
		if !ok {
			i = len(sources)
			srcIndex[it.ref.mod] = i
			sources = append(sources, it.ref.mod)
		}
		g := glueItem{name: name, from: i, field: it.ref.name}
		switch it.sort {
		case binary.SortCoreFunc:
			g.kind = 0
			f := inst.exported(it.ref)
			if f == nil {
				return nil, fmt.Errorf("core function %q not found", it.ref.name)
			}
			def := f.Definition()
			g.fn = &coreSig{params: def.ParamTypes(), results: def.ResultTypes()}
		case binary.SortCoreTable:
			g.kind = 1
		case binary.SortCoreMemory:
			g.kind = 2
		case binary.SortCoreGlobal:
			g.kind = 3
			g.global = it.ref.mod.ExportedGlobal(it.ref.name)
			if g.global == nil {
				return nil, fmt.Errorf("core global %q not found", it.ref.name)
			}
		default:
			return nil, fmt.Errorf("%w: core instances exporting a %s", types.ErrNotSupported, it.sort)
		}
		items = append(items, g)
	}
	bin := encodeGlue(items)
	compiled, err := inst.rt.wz.CompileModule(ctx, bin)
	if err != nil {
		return nil, fmt.Errorf("glue module: %w", err)
	}
	rctx := experimental.WithImportResolver(ctx, func(name string) api.Module {
		for i, s := range sources {
			if itoa(i) == name {
				return s
			}
		}
		return nil
	})
	// No start functions: wazero would otherwise call an export named
	// _start, and a glue module re-exports a preview1 command's _start
	// (wasi:cli/run calls it, later, through the adapter).
	m, err := inst.rt.wz.InstantiateModule(rctx, compiled, internalModuleConfig)
	if err != nil {
		return nil, fmt.Errorf("glue module: %w", err)
	}
	inst.own(m)
	c.mod = m
	return m, nil
}

func (inst *instance) instanceDef(ctx context.Context, in binary.Instance) error {
	switch in := in.(type) {
	case *binary.Instantiate:
		ci := inst.comps[in.Component]
		args := map[string]item{}
		for _, a := range in.Args {
			args[a.Name] = inst.itemAt(a.SortIdx)
		}
		child, err := inst.comp.c.newInstance(ctx, ci.comp, ci.compEnv, args)
		if err != nil {
			return err
		}
		inst.owned = append(inst.owned, child.owned...)
		v := &instVal{exports: child.exports}
		idx := len(inst.insts)
		inst.insts = append(inst.insts, v)
		if idx < len(inst.comp.checked.Instances) {
			if err := inst.bindResources(inst.comp.checked.Instances[idx], v); err != nil {
				return err
			}
		}
	case *binary.InstanceExports:
		v := &instVal{exports: map[string]item{}}
		for _, e := range in.Exports {
			it := inst.itemAt(e.SortIdx)
			it.resource.nameIfAnonymous(e.Name.FullName())
			v.exports[e.Name.FullName()] = it
		}
		inst.insts = append(inst.insts, v)
	default:
		return fmt.Errorf("unexpected instance %T", in)
	}
	return nil
}

func (inst *instance) alias(a binary.Alias) error {
	switch t := a.Target.(type) {
	case binary.AliasExport:
		v := inst.insts[t.Instance]
		it, ok := v.exports[t.Name]
		if !ok {
			return fmt.Errorf("instance %d has no export %q", t.Instance, t.Name)
		}
		it.sort = a.Sort
		inst.addItem(it)
	case binary.AliasCoreExport:
		ref := inst.coreInsts[t.Instance].export(t.Name, a.Sort)
		space := inst.coreSpace(a.Sort)
		*space = append(*space, ref)
	case binary.AliasOuter:
		outer := inst
		for i := uint32(0); i < t.Count; i++ {
			outer = outer.parent
			if outer == nil {
				return fmt.Errorf("outer alias past the outermost component")
			}
		}
		switch a.Sort {
		case binary.SortType:
			inst.typeItems = append(inst.typeItems, outer.typeItems[t.Index])
		case binary.SortCoreModule:
			inst.modules = append(inst.modules, outer.modules[t.Index])
		case binary.SortComponent:
			inst.comps = append(inst.comps, outer.comps[t.Index])
		case binary.SortCoreType:
		default:
			return fmt.Errorf("outer alias of a %s", a.Sort)
		}
	}
	return nil
}

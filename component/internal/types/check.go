package types

import (
	"errors"
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// Error is a type error in a component, at an offset of the binary.
type Error struct {
	Offset uint64
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("validate component: at offset 0x%x: %s", e.Offset, e.Msg)
}

// ErrNotSupported marks features that decode and type-check but that
// plugwit cannot run yet (async builtins, value imports, start functions).
var ErrNotSupported = errors.New("not supported yet")

// Component is a type-checked component definition: the types of all its
// index spaces and the ordered definitions that make an instance of it.
type Component struct {
	Bin    *binary.Component
	Parent *Component
	// Types holds every value and resource type; shared by the whole tree.
	Types *wit.Resolve
	// Resources describes the resource types defined in the tree.
	Resources map[wit.TypeID]*ResourceInfo

	// Index spaces, in definition order.
	CoreFuncs     []*CoreFuncType
	CoreTables    int
	CoreMemories  int
	CoreGlobals   int
	CoreTags      int
	CoreTypes     []binary.CoreType // *binary.CoreModuleType or a func type holder
	coreFuncTypes []*CoreFuncType   // per core type index, nil if not a func type
	coreModTypes  []*ModuleType     // per core type index, nil if not a module type
	CoreModules   []*ModuleType
	CoreInstances []*CoreInstanceType
	Funcs         []*FuncType
	TypeSpace     []Extern // SortType entries: value types, resources, and func/instance/component types
	Components    []*ComponentType
	Nested        []*Component // per component index: its definition, nil when imported
	Instances     []*InstanceType

	Imports wit.OrderedMap[string, Extern]
	Exports wit.OrderedMap[string, Extern]

	// Defs lists every definition in binary order; replaying them builds an
	// instance (docs/runtime-plan.md, "instantiation plan").
	Defs []Def

	// Type is this component's type, as seen by whoever instantiates it.
	Type *ComponentType

	abi      *wit.ABI
	created  []wit.TypeID // resources created while checking this body
	imported map[wit.TypeID]bool
	names    *nameSet // import names
	exports  *nameSet // export names
}

// Check type-checks a decoded component.
func Check(c *binary.Component) (comp *Component, err error) {
	r := wit.NewResolve()
	defer func() {
		if e := recover(); e != nil {
			te, ok := e.(*Error)
			if !ok {
				panic(e)
			}
			comp, err = nil, te
		}
	}()
	comp = newComponent(c, nil, r, map[wit.TypeID]*ResourceInfo{})
	comp.check()
	return comp, nil
}

func newComponent(c *binary.Component, parent *Component, r *wit.Resolve, res map[wit.TypeID]*ResourceInfo) *Component {
	return &Component{Bin: c, Parent: parent, Types: r, Resources: res, abi: wit.NewABI(r),
		imported: map[wit.TypeID]bool{}, names: &nameSet{}, exports: &nameSet{}}
}

func fail(off uint64, format string, args ...any) {
	panic(&Error{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

func failNotSupported(off uint64, what string) {
	panic(&Error{Offset: off, Msg: fmt.Sprintf("%v: %s", ErrNotSupported, what)})
}

// check walks the sections in order.
func (c *Component) check() {
	for _, s := range c.Bin.Sections {
		switch s := s.(type) {
		case *binary.CustomSection:
		case *binary.CoreModuleSection:
			c.coreModule(s)
		case *binary.CoreInstanceSection:
			for i, inst := range s.Instances {
				c.coreInstance(s.Offsets[i], inst)
			}
		case *binary.CoreTypeSection:
			for i, t := range s.Types {
				c.coreType(s.Offsets[i], t)
			}
		case *binary.ComponentSection:
			nested := newComponent(s.Component, c, c.Types, c.Resources)
			nested.check()
			c.Components = append(c.Components, nested.Type)
			c.Nested = append(c.Nested, nested)
			c.Defs = append(c.Defs, &ComponentDef{Component: nested})
		case *binary.InstanceSection:
			for i, inst := range s.Instances {
				c.instance(s.Offsets[i], inst)
			}
		case *binary.AliasSection:
			for i, a := range s.Aliases {
				c.alias(s.Offsets[i], a)
			}
		case *binary.TypeSection:
			for i, t := range s.Types {
				c.typeDef(s.Offsets[i], t)
			}
		case *binary.CanonSection:
			for i, f := range s.Funcs {
				c.canon(s.Offsets[i], f)
			}
		case *binary.StartSection:
			failNotSupported(s.Offset, "start functions (component-model values)")
		case *binary.ImportSection:
			for i, im := range s.Imports {
				c.importDef(s.Offsets[i], im)
			}
		case *binary.ExportSection:
			for i, ex := range s.Exports {
				c.exportDef(s.Offsets[i], ex)
			}
		case *binary.ValueSection:
			failNotSupported(s.Offset, "value definitions (component-model values)")
		default:
			fail(s.Header().Offset, "unexpected section %T", s)
		}
	}
	t := &ComponentType{Imports: c.Imports, Exports: c.Exports}
	for _, id := range c.created {
		if c.imported[id] {
			t.Imported = append(t.Imported, id)
		} else {
			t.Defined = append(t.Defined, id)
		}
	}
	c.Type = t
}

// index checks that i is within an index space of length n.
func index(off uint64, what string, i uint32, n int) int {
	if uint64(i) >= uint64(n) {
		fail(off, "%s index %d out of bounds (%d defined)", what, i, n)
	}
	return int(i)
}

// ---- core definitions ----

func (c *Component) coreModule(s *binary.CoreModuleSection) {
	m := s.Module
	mt := &ModuleType{Exports: map[string]CoreExtern{}}
	for _, im := range m.Imports {
		mt.Imports = append(mt.Imports, CoreImport{Module: im.Module, Name: im.Name, Type: coreExternOf(m.Types, im.Type)})
	}
	for _, ex := range m.Exports {
		ext := CoreExtern{Sort: ex.Sort}
		if ex.Sort == binary.SortCoreFunc {
			ft, ok := m.FuncType(ex.Index)
			if !ok {
				fail(s.Offset, "core module export %q: function %d has no function type", ex.Name, ex.Index)
			}
			ext.Func = ft
		}
		mt.Exports[ex.Name] = ext
	}
	c.CoreModules = append(c.CoreModules, mt)
	c.Defs = append(c.Defs, &CoreModuleDef{Module: m})
}

// coreExternOf gives the type of a core import within a module whose type
// section is types.
func coreExternOf(types []binary.CoreSubType, t binary.CoreExternType) CoreExtern {
	ext := CoreExtern{Sort: t.Sort()}
	if f, ok := t.(binary.CoreFuncExtern); ok && uint64(f.Type) < uint64(len(types)) {
		ext.Func, _ = types[f.Type].Type.(*binary.CoreFuncType)
	}
	return ext
}

func (c *Component) coreType(off uint64, t binary.CoreType) {
	switch t := t.(type) {
	case *binary.CoreRecGroup:
		for _, st := range t.Types {
			c.CoreTypes = append(c.CoreTypes, t)
			ft, _ := st.Type.(*binary.CoreFuncType)
			c.coreFuncTypes = append(c.coreFuncTypes, ft)
			c.coreModTypes = append(c.coreModTypes, nil)
		}
	case *binary.CoreModuleType:
		c.CoreTypes = append(c.CoreTypes, t)
		c.coreFuncTypes = append(c.coreFuncTypes, nil)
		c.coreModTypes = append(c.coreModTypes, c.moduleType(off, t))
	default:
		fail(off, "unexpected core type %T", t)
	}
	c.Defs = append(c.Defs, &StaticDef{Sort: binary.SortCoreType})
}

// moduleType checks a core module type declaration.
func (c *Component) moduleType(off uint64, t *binary.CoreModuleType) *ModuleType {
	mt := &ModuleType{Exports: map[string]CoreExtern{}}
	var local []*CoreFuncType // the module type's own type index space
	fn := func(idx uint32) *CoreFuncType {
		if uint64(idx) >= uint64(len(local)) || local[idx] == nil {
			fail(off, "module type: type index %d is not a function type", idx)
		}
		return local[idx]
	}
	ext := func(et binary.CoreExternType) CoreExtern {
		e := CoreExtern{Sort: et.Sort()}
		if f, ok := et.(binary.CoreFuncExtern); ok {
			e.Func = fn(f.Type)
		}
		return e
	}
	for _, d := range t.Decls {
		switch d := d.(type) {
		case *binary.CoreTypeDecl:
			switch ct := d.Type.(type) {
			case *binary.CoreRecGroup:
				for _, st := range ct.Types {
					ft, _ := st.Type.(*binary.CoreFuncType)
					local = append(local, ft)
				}
			default:
				fail(off, "module type: a module type cannot declare %T", ct)
			}
		case *binary.CoreOuterAliasDecl:
			if d.Count != 1 {
				fail(off, "module type: outer alias count must be 1, found %d", d.Count)
			}
			i := index(off, "core type", d.Index, len(c.coreFuncTypes))
			local = append(local, c.coreFuncTypes[i])
		case *binary.CoreImportDecl:
			mt.Imports = append(mt.Imports, CoreImport{Module: d.Import.Module, Name: d.Import.Name, Type: ext(d.Import.Type)})
		case *binary.CoreExportDecl:
			if _, dup := mt.Exports[d.Name]; dup {
				fail(off, "module type: duplicate export %q", d.Name)
			}
			mt.Exports[d.Name] = ext(d.Type)
		}
	}
	return mt
}

func (c *Component) coreInstance(off uint64, inst binary.CoreInstance) {
	switch inst := inst.(type) {
	case *binary.CoreInstantiate:
		mt := c.CoreModules[index(off, "core module", inst.Module, len(c.CoreModules))]
		args := map[string]*CoreInstanceType{}
		for _, a := range inst.Args {
			if _, dup := args[a.Name]; dup {
				fail(off, "duplicate instantiation argument %q", a.Name)
			}
			args[a.Name] = c.CoreInstances[index(off, "core instance", a.Instance, len(c.CoreInstances))]
		}
		for _, im := range mt.Imports {
			arg, ok := args[im.Module]
			if !ok {
				fail(off, "core module import %q %q: missing instantiation argument %q", im.Module, im.Name, im.Module)
			}
			got, ok := arg.Exports[im.Name]
			if !ok {
				fail(off, "core module import %q %q: argument instance %q has no export %q", im.Module, im.Name, im.Module, im.Name)
			}
			checkCoreExtern(off, fmt.Sprintf("core module import %q %q", im.Module, im.Name), im.Type, got)
		}
		c.CoreInstances = append(c.CoreInstances, &CoreInstanceType{Exports: mt.Exports})
	case *binary.CoreInstanceExports:
		it := &CoreInstanceType{Exports: map[string]CoreExtern{}}
		for _, e := range inst.Exports {
			if _, dup := it.Exports[e.Name]; dup {
				fail(off, "duplicate core instance export %q", e.Name)
			}
			it.Exports[e.Name] = c.coreItem(off, e.SortIdx)
		}
		c.CoreInstances = append(c.CoreInstances, it)
	default:
		fail(off, "unexpected core instance %T", inst)
	}
	c.Defs = append(c.Defs, &CoreInstanceDef{Instance: inst})
}

// coreItem returns the type of a core item by sort and index.
func (c *Component) coreItem(off uint64, si binary.SortIdx) CoreExtern {
	switch si.Sort {
	case binary.SortCoreFunc:
		return CoreExtern{Sort: si.Sort, Func: c.CoreFuncs[index(off, "core func", si.Index, len(c.CoreFuncs))]}
	case binary.SortCoreTable:
		index(off, "core table", si.Index, c.CoreTables)
	case binary.SortCoreMemory:
		index(off, "core memory", si.Index, c.CoreMemories)
	case binary.SortCoreGlobal:
		index(off, "core global", si.Index, c.CoreGlobals)
	case binary.SortCoreTag:
		index(off, "core tag", si.Index, c.CoreTags)
	default:
		fail(off, "%s cannot be exported from a core instance", si.Sort)
	}
	return CoreExtern{Sort: si.Sort}
}

func checkCoreExtern(off uint64, what string, want, got CoreExtern) {
	if want.Sort != got.Sort {
		fail(off, "%s: expected a %s, found a %s", what, want.Sort, got.Sort)
	}
	if want.Func != nil && got.Func != nil && !sameCoreFunc(want.Func, got.Func) {
		fail(off, "%s: expected %s, found %s", what, want.Func, got.Func)
	}
}

func sameCoreFunc(a, b *CoreFuncType) bool {
	if len(a.Params) != len(b.Params) || len(a.Results) != len(b.Results) {
		return false
	}
	for i := range a.Params {
		if a.Params[i] != b.Params[i] {
			return false
		}
	}
	for i := range a.Results {
		if a.Results[i] != b.Results[i] {
			return false
		}
	}
	return true
}

// addCore appends an item to a core index space.
func (c *Component) addCore(off uint64, ext CoreExtern) {
	switch ext.Sort {
	case binary.SortCoreFunc:
		c.CoreFuncs = append(c.CoreFuncs, ext.Func)
	case binary.SortCoreTable:
		c.CoreTables++
	case binary.SortCoreMemory:
		c.CoreMemories++
	case binary.SortCoreGlobal:
		c.CoreGlobals++
	case binary.SortCoreTag:
		c.CoreTags++
	default:
		fail(off, "cannot add a %s here", ext.Sort)
	}
}

// ---- component instances ----

func (c *Component) instance(off uint64, inst binary.Instance) {
	switch inst := inst.(type) {
	case *binary.Instantiate:
		ci := index(off, "component", inst.Component, len(c.Components))
		ct := c.Components[ci]
		args := map[string]Extern{}
		for _, a := range inst.Args {
			if _, dup := args[a.Name]; dup {
				fail(off, "duplicate instantiation argument %q", a.Name)
			}
			args[a.Name] = c.item(off, a.SortIdx)
		}
		c.Instances = append(c.Instances, c.instantiate(off, ct, args))
	case *binary.InstanceExports:
		it := &InstanceType{}
		names := &nameSet{}
		for _, e := range inst.Exports {
			names.add(off, e.Name.FullName(), "export")
			it.Exports.Set(e.Name.FullName(), c.item(off, e.SortIdx))
		}
		c.Instances = append(c.Instances, it)
	default:
		fail(off, "unexpected instance %T", inst)
	}
	c.Defs = append(c.Defs, &InstanceDef{Instance: inst})
}

// item returns the type of a component-level item by sort and index.
func (c *Component) item(off uint64, si binary.SortIdx) Extern {
	switch si.Sort {
	case binary.SortFunc:
		return Extern{Sort: si.Sort, Func: c.Funcs[index(off, "func", si.Index, len(c.Funcs))]}
	case binary.SortType:
		return c.TypeSpace[index(off, "type", si.Index, len(c.TypeSpace))]
	case binary.SortComponent:
		return Extern{Sort: si.Sort, Component: c.Components[index(off, "component", si.Index, len(c.Components))]}
	case binary.SortInstance:
		return Extern{Sort: si.Sort, Instance: c.Instances[index(off, "instance", si.Index, len(c.Instances))]}
	case binary.SortCoreModule:
		return Extern{Sort: si.Sort, Module: c.CoreModules[index(off, "core module", si.Index, len(c.CoreModules))]}
	case binary.SortValue:
		failNotSupported(off, "component-model values")
	}
	fail(off, "a %s cannot be used here", si.Sort)
	return Extern{}
}

// addItem appends an item to its index space.
func (c *Component) addItem(off uint64, e Extern) {
	switch e.Sort {
	case binary.SortFunc:
		c.Funcs = append(c.Funcs, e.Func)
	case binary.SortType:
		c.TypeSpace = append(c.TypeSpace, e)
	case binary.SortComponent:
		c.Components = append(c.Components, e.Component)
		c.Nested = append(c.Nested, nil)
	case binary.SortInstance:
		c.Instances = append(c.Instances, e.Instance)
	case binary.SortCoreModule:
		c.CoreModules = append(c.CoreModules, e.Module)
	case binary.SortValue:
		failNotSupported(off, "component-model values")
	default:
		fail(off, "cannot add a %s here", e.Sort)
	}
}

// ---- aliases ----

func (c *Component) alias(off uint64, a binary.Alias) {
	switch t := a.Target.(type) {
	case binary.AliasExport:
		it := c.Instances[index(off, "instance", t.Instance, len(c.Instances))]
		e, ok := it.Exports.Get(t.Name)
		if !ok {
			fail(off, "instance %d has no export %q", t.Instance, t.Name)
		}
		if e.Sort != a.Sort {
			fail(off, "export %q of instance %d is a %s, not a %s", t.Name, t.Instance, e.Sort, a.Sort)
		}
		c.addItem(off, e)
	case binary.AliasCoreExport:
		it := c.CoreInstances[index(off, "core instance", t.Instance, len(c.CoreInstances))]
		e, ok := it.Exports[t.Name]
		if !ok {
			fail(off, "core instance %d has no export %q", t.Instance, t.Name)
		}
		if e.Sort != a.Sort {
			fail(off, "export %q of core instance %d is a %s, not a %s", t.Name, t.Instance, e.Sort, a.Sort)
		}
		c.addCore(off, e)
	case binary.AliasOuter:
		outer := c
		for i := uint32(0); i < t.Count; i++ {
			if outer.Parent == nil {
				fail(off, "outer alias count %d is deeper than the component nesting", t.Count)
			}
			outer = outer.Parent
		}
		switch a.Sort {
		case binary.SortType:
			e := outer.TypeSpace[index(off, "outer type", t.Index, len(outer.TypeSpace))]
			if t.Count > 0 && e.Type != nil {
				if _, ok := c.Resources[asTypeID(e.Type)]; ok || c.isResource(e.Type) {
					fail(off, "outer alias of a resource type is not allowed")
				}
			}
			c.TypeSpace = append(c.TypeSpace, e)
		case binary.SortCoreModule:
			c.CoreModules = append(c.CoreModules, outer.CoreModules[index(off, "outer core module", t.Index, len(outer.CoreModules))])
		case binary.SortComponent:
			i := index(off, "outer component", t.Index, len(outer.Components))
			c.Components = append(c.Components, outer.Components[i])
			c.Nested = append(c.Nested, outer.Nested[i])
		case binary.SortCoreType:
			i := index(off, "outer core type", t.Index, len(outer.CoreTypes))
			c.CoreTypes = append(c.CoreTypes, outer.CoreTypes[i])
			c.coreFuncTypes = append(c.coreFuncTypes, outer.coreFuncTypes[i])
			c.coreModTypes = append(c.coreModTypes, outer.coreModTypes[i])
		default:
			fail(off, "outer alias of a %s is not allowed", a.Sort)
		}
	default:
		fail(off, "unexpected alias target %T", t)
	}
	c.Defs = append(c.Defs, &AliasDef{Alias: a})
}

func asTypeID(t wit.Type) wit.TypeID {
	id, _ := t.(wit.TypeID)
	return id
}

func (c *Component) isResource(t wit.Type) bool {
	id, ok := t.(wit.TypeID)
	if !ok {
		return false
	}
	_, is := c.Types.Types[id].Kind.(*wit.Resource)
	return is
}

// ---- imports and exports ----

func (c *Component) importDef(off uint64, im binary.Import) {
	name := im.Name.FullName()
	c.names.add(off, name, "import")
	var e Extern
	if _, ok := im.Type.(binary.ExternSubResource); ok {
		id := c.newResource(name)
		c.imported[id] = true
		e = Extern{Sort: binary.SortType, Type: id}
	} else {
		e = c.freshen(c.externType(off, im.Type, c.scope()), true)
	}
	if e.Sort == binary.SortType {
		if id, ok := e.Type.(wit.TypeID); ok && c.isResource(id) && c.Types.Types[id].Name == "" {
			c.Types.Types[id].Name = name
		}
	}
	c.Imports.Set(name, e)
	c.addItem(off, e)
	c.Defs = append(c.Defs, &ImportDef{Name: name, Type: e})
}

func (c *Component) exportDef(off uint64, ex binary.Export) {
	name := ex.Name.FullName()
	c.exports.add(off, name, "export")
	e := c.item(off, ex.SortIdx)
	switch {
	case ex.Type == nil:
	case isSubResource(ex.Type):
		if e.Sort != binary.SortType || !c.isResource(e.Type) {
			fail(off, "export %q: expected a resource type", name)
		}
	default:
		c.subtype(off, "export "+quote(name), e, c.externType(off, ex.Type, c.scope()))
	}
	if e.Sort == binary.SortType {
		if id, ok := e.Type.(wit.TypeID); ok && c.isResource(id) && c.Types.Types[id].Name == "" {
			c.Types.Types[id].Name = name
		}
	}
	c.Exports.Set(name, e)
	c.addItem(off, e)
	c.Defs = append(c.Defs, &ExportDef{Name: name, Item: ex.SortIdx})
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// freshen gives an imported instance fresh resources for the abstract ones
// its type declares; imported marks them as the component's imported
// resources.
func (c *Component) freshen(e Extern, imported bool) Extern {
	if e.Sort != binary.SortInstance || len(e.Instance.Abstract) == 0 {
		return e
	}
	m := map[wit.TypeID]wit.TypeID{}
	for _, r := range e.Instance.Abstract {
		n := c.newResource(c.Types.Types[r].Name)
		m[r] = n
		if imported {
			c.imported[n] = true
		}
	}
	e = substExtern(c.Types, e, m)
	e.Instance.Abstract = nil
	return e
}

// newResource creates a resource type and records it as created here.
func (c *Component) newResource(name string) wit.TypeID {
	id := wit.TypeID(len(c.Types.Types))
	c.Types.Types = append(c.Types.Types, &wit.TypeDef{Name: name, Kind: &wit.Resource{}})
	c.created = append(c.created, id)
	return id
}

// nameSet checks that names in one scope are strongly unique.
type nameSet struct{ seen map[string]string }

func (s *nameSet) add(off uint64, name, what string) {
	if s.seen == nil {
		s.seen = map[string]string{}
	}
	if msg := checkExternName(name); msg != "" {
		fail(off, "%s name %q: %s", what, name, msg)
	}
	key := wit.CanonicalName(name)
	if isInterfaceName(name) {
		key = "iface:" + name
	}
	if prev, ok := s.seen[key]; ok {
		if prev == name {
			fail(off, "duplicate %s name %q", what, name)
		}
		fail(off, "%s name %q conflicts with %q (names must be strongly unique)", what, name, prev)
	}
	s.seen[key] = name
}

package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// stateKind says what a state describes.
type stateKind uint8

const (
	kindComponent     stateKind = iota // a component definition
	kindInstanceType                   // an (instance …) type declaration
	kindComponentType                  // a (component …) type declaration
)

// Limits on index spaces (wasmparser's limits.rs).
const (
	maxTypes      = 1_000_000
	maxFuncs      = 1_000_000
	maxExports    = 1_000_000
	maxModules    = 1_000
	maxComponents = 1_000
	maxInstances  = 4_096
	maxValues     = 1_000
	maxCoreItems  = 1_000_000
)

// state holds the index spaces of a component definition or of a component
// or instance type declaration, like wasmparser's ComponentState. Type
// declarations use the same rules as definitions, with fewer kinds of
// declarators.
type state struct {
	cx     *checker
	kind   stateKind
	parent *state     // the enclosing scope, for outer aliases
	comp   *Component // kindComponent only

	coreTypes     []coreTypeEntry
	coreFuncs     []*CoreFuncType
	coreTables    []binary.CoreTableType
	coreMemories  []binary.CoreMemoryType
	coreGlobals   []binary.CoreGlobalType
	coreTags      []*CoreFuncType
	coreModules   []*ModuleType
	coreInstances []*CoreInstanceType

	types      []Extern
	funcs      []*FuncType
	values     []valueSlot
	instances  []*InstanceType
	components []*ComponentType
	nested     []*Component // per component index (definitions only)

	imports, exports         wit.OrderedMap[string, Extern]
	importNames, exportNames map[string]string // strong-uniqueness key → name

	// importedResources are the resources the imports introduce, with
	// where they are found (see ComponentType.importedPaths).
	importedResources []wit.TypeID
	importedPaths     [][]int
	// definedResources are the resources defined by this component or by
	// instances it creates; definedRep marks those it defines itself
	// (whose representation it knows).
	definedResources []wit.TypeID
	definedSet       map[wit.TypeID]bool
	definedRep       map[wit.TypeID]bool

	// exportedTypes and importedTypes are the types exports and imports may
	// refer to: those named by an export (or import).
	exportedTypes, importedTypes map[typeKey]bool
	// topExported and topImported name the resources exported and imported
	// at the top level, to check `[method]r.m` and friends.
	topExported, topImported nameContext

	// namedInstances are the instance types registerNamed has done, per
	// externKind.
	namedInstances [2]map[*InstanceType]bool

	info           tsize
	outerAliasSize uint32
	contextType    *binary.CoreValType
	hasStart       bool
}

// valueSlot is a component-model value and whether it has been used.
type valueSlot struct {
	t    wit.Type
	used bool
}

// coreTypeEntry is one entry of the core type index space.
type coreTypeEntry struct {
	group *binary.CoreRecGroup // for a subtype: its rec group
	sub   *binary.CoreSubType
	fn    *CoreFuncType // the function type, when sub is one
	mod   *ModuleType   // for a module type
	bin   binary.CoreType
}

// typeKey identifies a type for the named-type sets: a TypeID (with the
// alias for resources) or a func, instance or component type.
type typeKey struct {
	id    wit.TypeID
	alias uint32
	p     any
}

func newState(cx *checker, kind stateKind, parent *state) *state {
	return &state{cx: cx, kind: kind, parent: parent,
		importNames: map[string]string{}, exportNames: map[string]string{},
		definedSet: map[wit.TypeID]bool{}, definedRep: map[wit.TypeID]bool{},
		exportedTypes: map[typeKey]bool{}, importedTypes: map[typeKey]bool{},
		namedInstances: [2]map[*InstanceType]bool{{}, {}},
		info:           newSize()}
}

// checkMax fails when adding n items to an index space of length have
// exceeds limit.
func checkMax(off uint64, have, n, limit int, what string) {
	if have > limit || n > limit-have {
		fail(off, "%s count exceeds limit of %d", what, limit)
	}
}

// ---- index space accessors ----

func (s *state) typeAt(off uint64, i uint32) Extern {
	if uint64(i) >= uint64(len(s.types)) {
		fail(off, "unknown type %d: type index out of bounds", i)
	}
	return s.types[i]
}

func (s *state) coreTypeAt(off uint64, i uint32) *coreTypeEntry {
	if uint64(i) >= uint64(len(s.coreTypes)) {
		fail(off, "unknown type %d: type index out of bounds", i)
	}
	return &s.coreTypes[i]
}

// valType returns the value type a type index names.
func (s *state) definedAt(off uint64, i uint32) wit.Type {
	e := s.typeAt(off, i)
	if e.Sort != binary.SortType || e.Type == nil || s.cx.isResource(e.Type) {
		fail(off, "type index %d is not a defined type", i)
	}
	return e.Type
}

func (s *state) funcTypeAt(off uint64, i uint32) *FuncType {
	e := s.typeAt(off, i)
	if e.Func == nil {
		fail(off, "type index %d is not a function type", i)
	}
	return e.Func
}

// resourceAt returns the resource a type index names, with its alias.
func (s *state) resourceAt(off uint64, i uint32) (wit.TypeID, uint32) {
	e := s.typeAt(off, i)
	if e.Sort == binary.SortType && s.cx.isResource(e.Type) {
		return e.Type.(wit.TypeID), e.alias
	}
	fail(off, "type index %d is not a resource type", i)
	return 0, 0
}

// indexAt is xs[i], or the error `unknown WHAT i: INDEX index out of
// bounds` at off.
func indexAt[T any](off uint64, xs []T, i uint32, what, index string) T {
	if uint64(i) >= uint64(len(xs)) {
		fail(off, "unknown %s %d: %s index out of bounds", what, i, index)
	}
	return xs[i]
}

func (s *state) funcAt(off uint64, i uint32) *FuncType {
	return indexAt(off, s.funcs, i, "function", "function")
}

func (s *state) componentAt(off uint64, i uint32) *ComponentType {
	return indexAt(off, s.components, i, "component", "component")
}

func (s *state) instanceAt(off uint64, i uint32) *InstanceType {
	return indexAt(off, s.instances, i, "instance", "instance")
}

func (s *state) moduleAt(off uint64, i uint32) *ModuleType {
	return indexAt(off, s.coreModules, i, "module", "module")
}

func (s *state) coreInstanceAt(off uint64, i uint32) *CoreInstanceType {
	return indexAt(off, s.coreInstances, i, "core instance", "instance")
}

func (s *state) coreFuncAt(off uint64, i uint32) *CoreFuncType {
	return indexAt(off, s.coreFuncs, i, "core function", "function")
}

func (s *state) memoryAt(off uint64, i uint32) *binary.CoreMemoryType {
	if uint64(i) >= uint64(len(s.coreMemories)) {
		fail(off, "unknown memory %d: memory index out of bounds", i)
	}
	return &s.coreMemories[i]
}

func (s *state) tableAt(off uint64, i uint32) *binary.CoreTableType {
	if uint64(i) >= uint64(len(s.coreTables)) {
		fail(off, "unknown table %d: table index out of bounds", i)
	}
	return &s.coreTables[i]
}

// valueAt uses a value, which may be used once.
func (s *state) valueAt(off uint64, i uint32) wit.Type {
	if uint64(i) >= uint64(len(s.values)) {
		fail(off, "unknown value %d: value index out of bounds", i)
	}
	if s.values[i].used {
		fail(off, "value %d cannot be used more than once", i)
	}
	s.values[i].used = true
	return s.values[i].t
}

// item returns the type of an item by sort and index, as used by an
// instantiation argument, an inline export or an export.
func (s *state) item(off uint64, si binary.SortIdx) Extern {
	switch si.Sort {
	case binary.SortFunc:
		return Extern{Sort: si.Sort, Func: s.funcAt(off, si.Index)}
	case binary.SortType:
		return s.typeAt(off, si.Index)
	case binary.SortComponent:
		return Extern{Sort: si.Sort, Component: s.componentAt(off, si.Index)}
	case binary.SortInstance:
		return Extern{Sort: si.Sort, Instance: s.instanceAt(off, si.Index)}
	case binary.SortCoreModule:
		return Extern{Sort: si.Sort, Module: s.moduleAt(off, si.Index)}
	case binary.SortValue:
		s.checkValues(off)
		return Extern{Sort: si.Sort, value: s.valueAt(off, si.Index)}
	}
	fail(off, "a %s cannot be used here", si.Sort)
	return Extern{}
}

// checkValues rejects component-model values: without the feature they
// are invalid, with it plugwit still cannot run them.
func (s *state) checkValues(off uint64) {
	s.cx.require(off, featValues, "support for component model `value`s is not enabled")
	failNotSupported(off, "component-model values")
}

// ---- adding items ----

// unique gives a type a new identity (wasmparser's with_unique): a copy of
// a defined type, a new alias of a resource, a copy of a func, instance or
// component type. Imports and exports of types name them this way.
func (cx *checker) unique(e Extern) Extern {
	switch {
	case e.Func != nil:
		f := *e.Func
		e.Func = &f
	case e.Instance != nil:
		it := *e.Instance
		e.Instance = &it
	case e.Component != nil:
		ct := *e.Component
		e.Component = &ct
	default:
		if p, ok := e.Type.(wit.Primitive); ok {
			// `(type u64)` is a defined type with an identity in wasmparser; the
			// copy keeps the name it is exported under (WIT `type instant = u64`).
			id := cx.addType(&wit.TypeDef{Kind: &wit.Alias{Type: p}}, *cx.info(p))
			cx.names.copyOf[id] = p
			e.Type = id
			return e
		}
		id, ok := e.Type.(wit.TypeID)
		if !ok {
			return e
		}
		if cx.isResource(id) {
			a := cx.newAlias()
			cx.names.aliasOf[a] = e.alias
			e.alias = a
			return e
		}
		td := *cx.r.Types[id]
		nid := cx.addType(&td, cx.ti[id])
		cx.names.copyOf[nid] = id
		e.Type = nid
	}
	return e
}

// externKind is import or export.
type externKind uint8

const (
	kindImport externKind = iota
	kindExport
)

func (k externKind) String() string {
	if k == kindImport {
		return "import"
	}
	return "export"
}

// addEntity adds an item to its index space (wasmparser's add_entity).
// For an import or export (named), it also prepares instance types and
// checks that every type the item refers to is named. referenced is the
// type an import or export of a type refers to (before unique).
func (s *state) addEntity(off uint64, e *Extern, referenced Extern, named bool, kind externKind, name string) {
	switch e.Sort {
	case binary.SortCoreModule:
		s.coreModules = append(s.coreModules, e.Module)
		checkMax(off, len(s.coreModules), 0, maxModules, "modules")
	case binary.SortComponent:
		s.components = append(s.components, e.Component)
		if s.kind == kindComponent {
			s.nested = append(s.nested, nil)
		}
		checkMax(off, len(s.components), 0, maxComponents, "components")
	case binary.SortInstance:
		if named {
			if kind == kindImport {
				s.prepareInstanceImport(off, e)
			} else {
				s.prepareInstanceExport(off, e)
			}
		}
		s.instances = append(s.instances, e.Instance)
		checkMax(off, len(s.instances)+len(s.coreInstances), 0, maxInstances, "instances")
	case binary.SortFunc:
		s.funcs = append(s.funcs, e.Func)
		checkMax(off, len(s.funcs)+len(s.coreFuncs), 0, maxFuncs, "functions")
	case binary.SortValue:
		s.checkValues(off)
	case binary.SortType:
		s.types = append(s.types, *e)
		if id, ok := e.Type.(wit.TypeID); ok && named && s.cx.isResource(id) && referenced.alias == e.alias {
			// The original introduction of a resource: `(sub resource)`.
			if kind == kindImport {
				s.importedResources = append(s.importedResources, id)
				s.importedPaths = append(s.importedPaths, []int{s.imports.Len()})
			} else {
				s.addDefined(id, false)
			}
		}
		checkMax(off, len(s.types)+len(s.coreTypes), 0, maxTypes, "types")
	default:
		fail(off, "a %s cannot be added here", e.Sort)
	}
	if named && !s.registerNamed(e, referenced, true, kind, name) {
		fail(off, "%s not valid to be used as %s", sortDesc(e.Sort), kind)
	}
}

func sortDesc(s binary.Sort) string {
	switch s {
	case binary.SortCoreModule:
		return "module"
	case binary.SortFunc:
		return "func"
	case binary.SortValue:
		return "value"
	case binary.SortType:
		return "type"
	case binary.SortInstance:
		return "instance"
	case binary.SortComponent:
		return "component"
	}
	return s.String()
}

func (s *state) addDefined(id wit.TypeID, rep bool) {
	if !s.definedSet[id] {
		s.definedSet[id] = true
		s.definedResources = append(s.definedResources, id)
	}
	if rep {
		s.definedRep[id] = true
	}
}

// prepareInstanceImport gives an imported instance fresh resources for the
// ones its type declares, which become imported resources of s.
func (s *state) prepareInstanceImport(off uint64, e *Extern) {
	it := e.Instance
	if len(it.Abstract) == 0 {
		return
	}
	paths := s.cx.explicitPaths(&it.Exports, it.Abstract)
	m := newRemap(s.cx)
	for _, old := range it.Abstract {
		n := s.cx.newResource(s.cx.r.Types[old].Name)
		m.res[old] = n
		s.importedResources = append(s.importedResources, n)
		s.importedPaths = append(s.importedPaths, append([]int{s.imports.Len()}, paths[old]...))
	}
	nt := &InstanceType{info: it.info}
	for name, x := range it.Exports.All() {
		nt.Exports.Set(name, m.extern(x))
	}
	e.Instance = nt
}

// prepareInstanceExport gives an exported instance fresh resources for the
// ones its type declares, which become defined resources of s.
func (s *state) prepareInstanceExport(off uint64, e *Extern) {
	it := e.Instance
	if len(it.Abstract) == 0 {
		return
	}
	m := newRemap(s.cx)
	for _, old := range it.Abstract {
		n := s.cx.newResource(s.cx.r.Types[old].Name)
		m.res[old] = n
		s.addDefined(n, false)
	}
	nt := &InstanceType{info: it.info}
	for name, x := range it.Exports.All() {
		nt.Exports.Set(name, m.extern(x))
	}
	e.Instance = nt
}

// registerNamed checks that every type e refers to is named by an import
// (or export) and records the types e names (wasmparser's
// validate_and_register_named_types).
func (s *state) registerNamed(e *Extern, referenced Extern, top bool, kind externKind, name string) bool {
	if e.Sort == binary.SortType && top {
		if id, ok := e.Type.(wit.TypeID); ok && s.cx.isResource(id) {
			cx := &s.topImported
			if kind == kindExport {
				cx = &s.topExported
			}
			cx.register(name, id, e.alias)
		}
	}
	if s.kind == kindInstanceType {
		return true
	}
	set := s.importedTypes
	if kind == kindExport {
		set = s.exportedTypes
	}
	switch e.Sort {
	case binary.SortType:
		rk := s.cx.keyOf(referenced)
		if kind == kindImport && s.exportedTypes[rk] && !s.importedTypes[rk] {
			return false
		}
		if !s.cx.allNamed(referenced, set) {
			return false
		}
		k := s.cx.keyOf(*e)
		if kind == kindImport {
			s.importedTypes[k] = true
		}
		s.exportedTypes[k] = true
		return true
	case binary.SortInstance:
		// An instance type registers the same names each time: once is
		// enough (and keeps nested instances linear).
		done := s.namedInstances[kind]
		if done[e.Instance] {
			return true
		}
		for _, x := range e.Instance.Exports.All() {
			if !s.registerNamed(&x, x, false, kind, "") {
				return false
			}
		}
		done[e.Instance] = true
		return true
	case binary.SortFunc:
		return s.cx.funcNamed(e.Func, set)
	case binary.SortValue:
		return s.cx.named(e.value, set)
	}
	return true
}

// keyOf returns the identity of a type (the content of a type item) for
// the named-type sets.
func (cx *checker) keyOf(e Extern) typeKey {
	switch {
	case e.Func != nil:
		return typeKey{p: e.Func}
	case e.Instance != nil:
		return typeKey{p: e.Instance}
	case e.Component != nil:
		return typeKey{p: e.Component}
	}
	switch t := e.Type.(type) {
	case wit.TypeID:
		return typeKey{id: t, alias: e.alias}
	case wit.Primitive:
		return typeKey{id: -1 - wit.TypeID(t)}
	}
	return typeKey{id: -1 << 30}
}

// allNamed reports whether the types a type (the content of a type item)
// refers to are named in set (all_valtypes_named).
func (cx *checker) allNamed(e Extern, set map[typeKey]bool) bool {
	switch {
	case e.Func != nil:
		return cx.funcNamed(e.Func, set)
	case e.Component != nil:
		return true
	case e.Instance != nil:
		var added []typeKey
		ok := true
		for _, x := range e.Instance.Exports.All() {
			switch x.Sort {
			case binary.SortFunc:
				ok = cx.funcNamed(x.Func, set)
			case binary.SortType:
				ok = cx.allNamed(x, set)
				if k := cx.keyOf(x); ok && !set[k] {
					set[k] = true
					added = append(added, k)
				}
			case binary.SortValue:
				ok = cx.definedNamed(x.value, set)
			case binary.SortInstance:
				ok = cx.allNamed(Extern{Sort: binary.SortType, Instance: x.Instance}, set)
			}
			if !ok {
				break
			}
		}
		for _, k := range added {
			delete(set, k)
		}
		return ok
	}
	if cx.isResource(e.Type) {
		return true
	}
	return cx.definedNamed(e.Type, set)
}

// definedNamed is all_valtypes_named_in_defined: the direct parts of a
// defined type must be named.
func (cx *checker) definedNamed(t wit.Type, set map[typeKey]bool) bool {
	id, ok := t.(wit.TypeID)
	if !ok {
		return true
	}
	switch k := cx.r.Types[id].Kind.(type) {
	case *wit.Record:
		for _, f := range k.Fields {
			if !cx.named(f.Type, set) {
				return false
			}
		}
	case *wit.Tuple:
		for _, x := range k.Types {
			if !cx.named(x, set) {
				return false
			}
		}
	case *wit.Variant:
		for _, c := range k.Cases {
			if c.Type != nil && !cx.named(c.Type, set) {
				return false
			}
		}
	case *wit.Result:
		return (k.OK == nil || cx.named(k.OK, set)) && (k.Err == nil || cx.named(k.Err, set))
	case *wit.List:
		return cx.named(k.Elem, set)
	case *wit.FixedList:
		return cx.named(k.Elem, set)
	case *wit.Option:
		return cx.named(k.Type, set)
	case *wit.Map:
		return cx.named(k.Key, set) && cx.named(k.Value, set)
	case *wit.Own:
		return set[typeKey{id: k.Resource, alias: cx.ti[id].alias}]
	case *wit.Borrow:
		return set[typeKey{id: k.Resource, alias: cx.ti[id].alias}]
	case *wit.Future:
		return k.Elem == nil || cx.named(k.Elem, set)
	case *wit.Stream:
		return k.Elem == nil || cx.named(k.Elem, set)
	}
	return true
}

// named is type_named_valtype: records, variants, enums and flags must be
// named themselves; other types must have named parts.
func (cx *checker) named(t wit.Type, set map[typeKey]bool) bool {
	id, ok := t.(wit.TypeID)
	if !ok {
		return true
	}
	switch cx.r.Types[id].Kind.(type) {
	case *wit.Record, *wit.Variant, *wit.Enum, *wit.Flags:
		return set[typeKey{id: id}]
	}
	return cx.definedNamed(t, set)
}

func (cx *checker) funcNamed(f *FuncType, set map[typeKey]bool) bool {
	for _, p := range f.Params {
		if !cx.named(p.Type, set) {
			return false
		}
	}
	return f.Result == nil || cx.named(f.Result, set)
}

// ---- finishing ----

// finish checks a component body's use of resources and returns its type.
func (s *state) finish(off uint64) *ComponentType {
	for i, v := range s.values {
		if !v.used {
			fail(off, "value index %d was not used as part of an instantiation, start function, or export", i)
		}
	}
	ct := &ComponentType{Imports: s.imports, Exports: s.exports, info: s.info,
		Imported: s.importedResources, importedPaths: s.importedPaths}
	free := map[wit.TypeID]bool{}
	for _, e := range s.imports.All() {
		s.cx.freeVars(e, free)
	}
	for _, r := range s.definedResources {
		if free[r] {
			fail(off, "local resource type found in imports")
		}
	}
	clear(free)
	for _, e := range s.exports.All() {
		s.cx.freeVars(e, free)
	}
	var used []wit.TypeID
	for _, r := range s.definedResources {
		if free[r] {
			used = append(used, r)
		}
	}
	paths := s.cx.explicitPaths(&s.exports, used)
	for _, r := range used {
		p, ok := paths[r]
		if !ok {
			fail(off, "local resource type found in export but not exported itself")
		}
		ct.Defined = append(ct.Defined, r)
		ct.definedPaths = append(ct.definedPaths, p)
	}
	return ct
}

func (s *state) String() string { return fmt.Sprintf("state(kind %d)", s.kind) }

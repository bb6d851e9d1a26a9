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
	// Err is ErrNotSupported for features plugwit cannot run yet, else nil.
	Err error
}

func (e *Error) Error() string {
	return fmt.Sprintf("validate component: at offset 0x%x: %s", e.Offset, e.Msg)
}

// Unwrap returns ErrNotSupported for features plugwit cannot run yet.
func (e *Error) Unwrap() error { return e.Err }

// ErrNotSupported marks features that decode and may type-check but that
// plugwit cannot run yet (component-model values, start functions, the gc
// and 64-bit canonical ABIs).
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
	// Names records the identities imports and exports give types.
	Names *Names

	// Index spaces, in definition order.
	CoreFuncs     []*CoreFuncType
	CoreTables    int
	CoreMemories  int
	CoreGlobals   int
	CoreTags      int
	CoreTypes     []binary.CoreType // per core type index: its *binary.CoreRecGroup or *binary.CoreModuleType
	CoreModules   []*ModuleType
	CoreInstances []*CoreInstanceType
	Funcs         []*FuncType
	TypeSpace     []Extern // all SortType: value types and resources (Type), func, instance and component types
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

	st *state
}

// Check type-checks a decoded component.
func Check(c *binary.Component) (*Component, error) {
	return check(c, allFeatures)
}

func check(c *binary.Component, f features) (comp *Component, err error) {
	cx := &checker{r: wit.NewResolve(), res: map[wit.TypeID]*ResourceInfo{}, feat: f, names: newNames()}
	cx.names.cx = cx
	defer func() {
		if e := recover(); e != nil {
			te, ok := e.(*Error)
			if !ok {
				panic(e)
			}
			comp, err = nil, te
		}
	}()
	if c == nil {
		fail(0, "no component")
	}
	comp = cx.component(c, nil, nil)
	return comp, nil
}

func fail(off uint64, format string, args ...any) {
	panic(&Error{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

func failNotSupported(off uint64, what string) {
	panic(&Error{Offset: off, Msg: fmt.Sprintf("%v: %s", ErrNotSupported, what), Err: ErrNotSupported})
}

// require fails unless feature x is enabled.
func (cx *checker) require(off uint64, x features, msg string) {
	if !cx.feat.has(x) {
		fail(off, "%s", msg)
	}
}

// checker is the state shared by a component and everything nested in it.
type checker struct {
	r    *wit.Resolve
	res  map[wit.TypeID]*ResourceInfo
	ti   []tinfo // per TypeID of r
	feat features

	aliases uint32 // last alias identity handed out
	names   *Names
}

// ---- type sizes ----

// maxTypeSize bounds the effective size of every type (wasmparser's
// MAX_WASM_TYPE_SIZE): the number of type constructors it is made of, with
// shared parts counted as many times as they are used. It bounds all the
// work done on types, which is at most proportional to their size.
const maxTypeSize = 1_000_000

// maxTypeDepth bounds the nesting of component types.
const maxTypeDepth = 100

// tsize is the effective size and nesting depth of a type.
type tsize struct{ size, depth uint32 }

func newSize() tsize { return tsize{1, 1} }

// add accounts for o being part of s.
func (s *tsize) add(off uint64, o tsize) {
	d := max(s.depth, o.depth+1)
	if d > maxTypeDepth {
		fail(off, "type nesting is too deep")
	}
	s.depth = d
	s.size = addSizes(off, s.size, o.size)
}

func addSizes(off uint64, a, b uint32) uint32 {
	sum := uint64(a) + uint64(b)
	if sum >= maxTypeSize {
		fail(off, "effective type size exceeds the limit of %d", maxTypeSize)
	}
	return uint32(sum)
}

// ---- value type information ----

// maxValueSize bounds the in-memory size of a value type.
const maxValueSize = 1 << 28

// maxFlat is the most core values a type flattens to before it is passed
// through memory (MAX_FLAT_PARAMS).
const maxFlat = 16

// tinfo is what the checker knows about one TypeDef: its size, and the
// Canonical ABI facts validation needs.
type tinfo struct {
	tsize
	// elemSize and align are the size and alignment of a value in a 64-bit
	// memory (the larger layout, which the size limit applies to).
	elemSize uint32
	align    uint32
	borrow   bool // contains a borrow handle
	handle   bool // contains a handle (own, borrow, future, stream, error-context)
	ptr      bool // contains a string, list or map
	// flat is the flattening with 32-bit pointers; nil with over when it
	// exceeds maxFlat values.
	flat []wit.CoreType
	over bool
	// alias is, for own and borrow, the alias identity of the resource
	// reference it was made from.
	alias uint32
}

var primInfo = func() [wit.ErrorContext + 1]tinfo {
	var t [wit.ErrorContext + 1]tinfo
	set := func(p wit.Primitive, size uint32, f wit.CoreType) {
		t[p] = tinfo{tsize: newSize(), elemSize: size, align: size, flat: []wit.CoreType{f}}
	}
	set(wit.Bool, 1, wit.CoreI32)
	set(wit.U8, 1, wit.CoreI32)
	set(wit.S8, 1, wit.CoreI32)
	set(wit.U16, 2, wit.CoreI32)
	set(wit.S16, 2, wit.CoreI32)
	set(wit.U32, 4, wit.CoreI32)
	set(wit.S32, 4, wit.CoreI32)
	set(wit.Char, 4, wit.CoreI32)
	set(wit.U64, 8, wit.CoreI64)
	set(wit.S64, 8, wit.CoreI64)
	set(wit.F32, 4, wit.CoreF32)
	set(wit.F64, 8, wit.CoreF64)
	set(wit.ErrorContext, 4, wit.CoreI32)
	t[wit.ErrorContext].handle = true
	t[wit.String] = tinfo{tsize: newSize(), elemSize: 16, align: 8, ptr: true,
		flat: []wit.CoreType{wit.CoreI32, wit.CoreI32}}
	return t
}()

// info returns what is known of a value type (nil: the empty type).
func (cx *checker) info(t wit.Type) *tinfo {
	switch t := t.(type) {
	case wit.Primitive:
		if int(t) < len(primInfo) {
			return &primInfo[t]
		}
	case wit.TypeID:
		if t >= 0 && int(t) < len(cx.ti) {
			return &cx.ti[t]
		}
	}
	return &tinfo{tsize: newSize(), elemSize: 0, align: 1}
}

// addType appends a type definition with its information.
func (cx *checker) addType(td *wit.TypeDef, info tinfo) wit.TypeID {
	cx.r.Types = append(cx.r.Types, td)
	cx.ti = append(cx.ti, info)
	return wit.TypeID(len(cx.r.Types) - 1)
}

// newResource creates a fresh resource type.
func (cx *checker) newResource(name string) wit.TypeID {
	return cx.addType(&wit.TypeDef{Name: name, Kind: &wit.Resource{}}, tinfo{tsize: newSize(), align: 4, elemSize: 4})
}

func (cx *checker) isResource(t wit.Type) bool {
	id, ok := t.(wit.TypeID)
	if !ok || id < 0 || int(id) >= len(cx.r.Types) {
		return false
	}
	_, is := cx.r.Types[id].Kind.(*wit.Resource)
	return is
}

func (cx *checker) kind(t wit.Type) wit.TypeDefKind {
	id, ok := t.(wit.TypeID)
	if !ok || id < 0 || int(id) >= len(cx.r.Types) {
		return nil
	}
	return cx.r.Types[id].Kind
}

// peel follows a copy of a primitive type (see unique) to the primitive.
func (cx *checker) peel(t wit.Type) wit.Type {
	for {
		a, ok := cx.kind(t).(*wit.Alias)
		if !ok {
			return t
		}
		t = a.Type
	}
}

// newAlias hands out a fresh alias identity.
func (cx *checker) newAlias() uint32 {
	cx.aliases++
	return cx.aliases
}

// checkpoint and rollback discard the types made by a subtype check.
func (cx *checker) checkpoint() int { return len(cx.r.Types) }

func (cx *checker) rollback(n int) {
	if n < len(cx.r.Types) {
		clear(cx.r.Types[n:])
		cx.r.Types = cx.r.Types[:n]
		cx.ti = cx.ti[:n]
	}
}

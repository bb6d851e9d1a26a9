// Package types type-checks decoded components: it builds every index
// space of a component, gives each item its type, and checks instantiation
// arguments, aliases, canonical ABI options and names, following the
// rules of the reference validator (wasmparser).
//
// Value types live in a wit.Resolve shared by a component and everything
// nested in it: anonymous TypeDefs for structural types, and one
// *wit.Resource TypeDef per resource type, whose TypeID is the resource's
// identity. Layout then comes from wit.ABI and printing from wit. The types of
// functions, instances, components and core modules are the Go structs of
// this file, which refer to those TypeIDs. See docs/runtime-plan.md.
//
// The checker never panics on any input (see FuzzCheck) and bounds its work
// like wasmparser does: every type has an effective size, the sum of the
// sizes of the types it is made of, which may not reach 1,000,000.
//
// scripts/component-conformance.sh runs it over wasm-tools' component model
// tests (TestConformance); testdata/conformance-known.txt lists the few
// verdicts that differ and why. Function bodies of core modules are left to
// wazero, which validates them when the runtime compiles the module.
package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// Param is a named parameter of a component function type.
type Param struct {
	Name string
	Type wit.Type
}

// FuncType is a component function type.
type FuncType struct {
	Async  bool
	Params []Param
	Result wit.Type // nil for no result

	info tsize
}

// Extern is the type of an import, export or index-space item. Sort is the
// item's sort and one field is set: Func for a function, Instance,
// Component, Module; for a type (SortType), the type itself: Type for a
// value type or a resource (its TypeID), or Func, Instance or Component
// for a function, instance or component type.
type Extern struct {
	Sort      binary.Sort
	Func      *FuncType
	Type      wit.Type // SortType: a value type or a resource TypeID
	Instance  *InstanceType
	Component *ComponentType
	Module    *ModuleType
	// ExternalID is the (external-id "…") attribute of the name the item
	// was imported or exported under in a component, component type or
	// instance type, if any.
	ExternalID string

	// value is the type of a SortValue item (component-model values).
	value wit.Type
	// alias distinguishes the names a resource type is known by: exporting
	// or importing `(type (eq r))` makes a new alias of the same resource.
	// Names of functions must refer to an exported (or imported) alias.
	alias uint32
}

// InstanceType is the type of a component instance: its exports.
type InstanceType struct {
	Exports wit.OrderedMap[string, Extern]
	// Abstract lists the resources this type declares with `(sub
	// resource)`; each import or instantiation of the type gets fresh ones.
	Abstract []wit.TypeID

	info tsize
}

// ComponentType is the type of a component: its imports and exports.
type ComponentType struct {
	Imports wit.OrderedMap[string, Extern]
	Exports wit.OrderedMap[string, Extern]
	// Imported are the resources the imports introduce: instantiation binds
	// them to the arguments' resources.
	Imported []wit.TypeID
	// Defined are the resources the exports introduce: each instantiation
	// makes fresh ones.
	Defined []wit.TypeID

	// importedPaths[i] locates Imported[i]: an index into Imports, then
	// indices into the exports of nested instance types.
	importedPaths [][]int
	definedPaths  [][]int
	info          tsize
}

// CoreFuncType is a core function type.
type CoreFuncType = binary.CoreFuncType

// CoreExtern is the type of a core import or export. Func is set for
// functions and tags (the tag's function type); tables, memories and
// globals carry their types too, unexported.
type CoreExtern struct {
	Sort binary.Sort
	Func *CoreFuncType

	table  *binary.CoreTableType
	memory *binary.CoreMemoryType
	global *binary.CoreGlobalType
	// exact marks a function of exactly its type (custom descriptors): one
	// a module defines, or imports exactly.
	exact bool
}

// CoreImport is one import of a core module type.
type CoreImport struct {
	Module, Name string
	Type         CoreExtern
}

// ModuleType is the type of a core module: its imports and exports.
type ModuleType struct {
	Imports []CoreImport
	Exports map[string]CoreExtern

	info tsize
}

// CoreInstanceType is the type of a core instance: its exports.
type CoreInstanceType struct {
	Exports map[string]CoreExtern

	info tsize
}

// ResourceInfo describes a resource type defined by a component with
// `(type (resource (rep i32) (dtor f)))`.
type ResourceInfo struct {
	// Dtor is the core function index of the destructor, when there is one.
	Dtor *uint32
	// Component is the component definition whose body defines it.
	Component *Component
}

// Names records how the types of imports and exports were named: every
// import or export of a type gives it a new identity (wasmparser's
// with_unique) — a copy of a value type, a new alias of a resource — that
// refers to the identity it was made from. The world of a component (WIT
// `use` statements) is read from these chains.
type Names struct {
	copyOf  map[wit.TypeID]wit.Type // copy -> the type it copies
	aliasOf map[uint32]uint32       // resource alias -> the alias it was made from (0: the resource itself)
	cx      *checker                // for HandleAlias; nil when the types were not checked
}

func newNames() *Names {
	return &Names{copyOf: map[wit.TypeID]wit.Type{}, aliasOf: map[uint32]uint32{}}
}

// CopyOf returns the type that id was copied from when it was imported or
// exported, if it is such a copy.
func (n *Names) CopyOf(id wit.TypeID) (wit.Type, bool) {
	t, ok := n.copyOf[id]
	return t, ok
}

// AliasOf returns the alias that a resource alias was made from; 0 means
// the resource itself.
func (n *Names) AliasOf(alias uint32) uint32 { return n.aliasOf[alias] }

// HandleAlias returns the alias of the resource an own or borrow handle type
// refers to: the name of the resource it was written with (`(own $r)` where
// $r is an imported or exported alias), 0 for the resource itself.
func (n *Names) HandleAlias(handle wit.TypeID) uint32 {
	if n.cx == nil || handle < 0 || int(handle) >= len(n.cx.ti) {
		return 0
	}
	return n.cx.ti[handle].alias
}

// Alias returns the alias identity of a resource type item: which of the
// names of one resource it is (0 for the resource as first defined).
func (e Extern) Alias() uint32 { return e.alias }

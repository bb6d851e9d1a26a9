// Package types type-checks decoded components: it builds every index
// space of a component, gives each item its type, and checks instantiation
// arguments, aliases, canonical ABI options and names.
//
// Value types live in a wit.Resolve shared by a component and everything
// nested in it: anonymous TypeDefs for structural types, and one
// *wit.Resource TypeDef per resource type, whose TypeID is the resource's
// identity. Layout then comes from wit.ABI and printing from wit. The types of
// functions, instances, components and core modules are the Go structs of
// this file, which refer to those TypeIDs. See docs/runtime-plan.md.
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
}

// Extern is the type of an import, export or index-space item: exactly one
// field is set, per Sort.
type Extern struct {
	Sort      binary.Sort
	Func      *FuncType
	Type      wit.Type // SortType: a value type or a resource TypeID
	Instance  *InstanceType
	Component *ComponentType
	Module    *ModuleType
}

// InstanceType is the type of a component instance: its exports.
type InstanceType struct {
	Exports wit.OrderedMap[string, Extern]
	// Abstract lists the resources this type declares with `(sub
	// resource)`; each import or instantiation of the type gets fresh ones.
	Abstract []wit.TypeID
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
}

// CoreFuncType is a core function type.
type CoreFuncType = binary.CoreFuncType

// CoreExtern is the type of a core import or export. Func is set for
// functions; other sorts are only checked by sort here and fully by wazero
// when the module is instantiated.
type CoreExtern struct {
	Sort binary.Sort
	Func *CoreFuncType
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
}

// CoreInstanceType is the type of a core instance: its exports.
type CoreInstanceType struct {
	Exports map[string]CoreExtern
}

// ResourceInfo describes a resource type defined by a component with
// `(type (resource (rep i32) (dtor f)))`.
type ResourceInfo struct {
	// Dtor is the core function index of the destructor, when there is one.
	Dtor *uint32
	// Component is the component definition whose body defines it.
	Component *Component
}

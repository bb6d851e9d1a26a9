package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// Def is one definition of a component, in binary order. Each adds one item
// to one index space; replaying them in order builds an instance.
type Def interface{ isDef() }

// ImportDef takes an import from the instantiator.
type ImportDef struct {
	Name string
	Type Extern
}

// CoreModuleDef defines a core module (compiled once per component).
type CoreModuleDef struct{ Module *binary.CoreModule }

// CoreInstanceDef instantiates a core module or bundles core exports.
type CoreInstanceDef struct{ Instance binary.CoreInstance }

// ComponentDef defines a nested component.
type ComponentDef struct{ Component *Component }

// InstanceDef instantiates a component or bundles exports.
type InstanceDef struct{ Instance binary.Instance }

// AliasDef takes an export of an instance, a core export of a core
// instance, or an item of an enclosing component.
type AliasDef struct{ Alias binary.Alias }

// StaticDef adds an item that is the same in every instance (a type that
// is not a resource definition, a core type).
type StaticDef struct{ Sort binary.Sort }

// ResourceDef defines a resource type; every instance gets its own.
type ResourceDef struct{ Type wit.TypeID }

// LiftDef lifts a core function into a component function.
type LiftDef struct {
	CoreFunc uint32
	Type     *FuncType
	Options  Options
	Sig      wit.Signature
}

// LowerDef lowers a component function into a core function.
type LowerDef struct {
	Func    uint32
	Type    *FuncType
	Options Options
	Sig     wit.Signature
}

// ResourceNewDef is `canon resource.new`.
type ResourceNewDef struct {
	Type     uint32 // type index
	Resource wit.TypeID
}

// ResourceRepDef is `canon resource.rep`.
type ResourceRepDef struct {
	Type     uint32
	Resource wit.TypeID
}

// ResourceDropDef is `canon resource.drop`.
type ResourceDropDef struct {
	Type     uint32
	Resource wit.TypeID
}

// UnsupportedDef is a canonical builtin plugwit cannot run yet; an
// instantiation that reaches it fails with ErrNotSupported.
type UnsupportedDef struct{ Builtin string }

// ExportDef exports an item.
type ExportDef struct {
	Name string
	Item binary.SortIdx
}

func (*ImportDef) isDef()       {}
func (*CoreModuleDef) isDef()   {}
func (*CoreInstanceDef) isDef() {}
func (*ComponentDef) isDef()    {}
func (*InstanceDef) isDef()     {}
func (*AliasDef) isDef()        {}
func (*StaticDef) isDef()       {}
func (*ResourceDef) isDef()     {}
func (*LiftDef) isDef()         {}
func (*LowerDef) isDef()        {}
func (*ResourceNewDef) isDef()  {}
func (*ResourceRepDef) isDef()  {}
func (*ResourceDropDef) isDef() {}
func (*UnsupportedDef) isDef()  {}
func (*ExportDef) isDef()       {}

package wit

import "strings"

// This file holds the resolved WIT model: a Resolve is a set of packages whose
// interfaces, worlds and type definitions live in flat arenas addressed by
// stable integer IDs, in the order the resolver created them. The shape mirrors
// wit-parser's Resolve so that the JSON encoding (json.go) is a direct walk.

// PackageID indexes Resolve.Packages.
type PackageID int

// InterfaceID indexes Resolve.Interfaces.
type InterfaceID int

// WorldID indexes Resolve.Worlds.
type WorldID int

// TypeID indexes Resolve.Types. A TypeID is also a Type: a reference to a
// type definition.
type TypeID int

// Resolve is a fully resolved set of WIT packages. Everything in it refers to
// everything else by ID; IDs never change once assigned.
type Resolve struct {
	Worlds     []*World
	Interfaces []*Interface
	Types      []*TypeDef
	Packages   []*Package

	// Features enables `@unstable(feature = name)` items; items gated on a
	// feature not in this set are left out of the model.
	Features map[string]bool
	// AllFeatures enables every `@unstable` feature.
	AllFeatures bool

	packageNames map[string]PackageID // PackageName.String() -> ID
	sources      sourceMap            // every file pushed, for error locations
}

// NewResolve returns an empty Resolve with the given features enabled.
func NewResolve(features ...string) *Resolve {
	r := &Resolve{Features: map[string]bool{}}
	for _, f := range features {
		r.Features[f] = true
	}
	return r
}

// Package is one WIT package: `package ns:name@version`.
type Package struct {
	Name       PackageName
	Docs       Docs
	Interfaces OrderedMap[string, InterfaceID]
	Worlds     OrderedMap[string, WorldID]
}

// PackageName is `namespace:name` with an optional semver version.
type PackageName struct {
	Namespace string
	Name      string
	Version   *Version // nil when unversioned
}

// String formats the name as `ns:name` or `ns:name@1.2.3`.
func (n PackageName) String() string {
	s := n.Namespace + ":" + n.Name
	if n.Version != nil {
		s += "@" + n.Version.String()
	}
	return s
}

// InterfaceName returns the fully qualified name of an interface of this
// package: `ns:name/iface@version`.
func (n PackageName) InterfaceName(iface string) string {
	s := n.Namespace + ":" + n.Name + "/" + iface
	if n.Version != nil {
		s += "@" + n.Version.String()
	}
	return s
}

// Interface is a named interface of a package, or an anonymous interface
// declared inline in a world (`import x: interface { … }`), whose Name is "".
type Interface struct {
	Name      string
	Types     OrderedMap[string, TypeID]
	Functions OrderedMap[string, *Function]
	Docs      Docs
	Stability Stability
	Package   PackageID
	// CloneOf is the interface this anonymous interface was copied from
	// when a world included another world that declared it inline.
	CloneOf *InterfaceID
	Span    Span
}

// World is a named world of a package.
type World struct {
	Name      string
	Imports   OrderedMap[WorldKey, WorldItem]
	Exports   OrderedMap[WorldKey, WorldItem]
	Package   PackageID
	Docs      Docs
	Stability Stability
	Span      Span
}

// WorldKey names an import or export of a world: either a plain name
// (`import f: func()`, `import x: interface {…}`) or an interface
// (`import wasi:cli/stdout;`). Exactly one of the two is set.
type WorldKey struct {
	Name      string      // set for named items
	Interface InterfaceID // meaningful when Name == ""
}

// NameKey returns the WorldKey of a named import or export.
func NameKey(name string) WorldKey { return WorldKey{Name: name} }

// InterfaceKey returns the WorldKey of an imported or exported interface.
func InterfaceKey(id InterfaceID) WorldKey { return WorldKey{Interface: id} }

// IsInterface reports whether the key names an interface by ID.
func (k WorldKey) IsInterface() bool { return k.Name == "" }

// WorldItem is what a world imports or exports: *WorldInterface, *Function or
// *WorldType.
type WorldItem interface{ isWorldItem() }

// WorldInterface is an interface imported or exported by a world.
type WorldInterface struct {
	ID         InterfaceID
	Stability  Stability
	Docs       Docs
	ExternalID string // `@external-id("…")`, "" when absent
	Span       Span
}

// WorldType is a type imported by a world (types are never exported).
type WorldType struct {
	ID   TypeID
	Span Span
}

func (*WorldInterface) isWorldItem() {}
func (*WorldType) isWorldItem()      {}
func (*Function) isWorldItem()       {}

// TypeDef is a type definition: a named type of an interface or world, or an
// anonymous type (`list<u8>`, `option<T>`, a handle, …) whose Name is "".
type TypeDef struct {
	Name       string
	Kind       TypeDefKind
	Owner      TypeOwner // nil for anonymous types
	Docs       Docs
	Stability  Stability
	ExternalID string // `@external-id("…")`, "" when absent
	Span       Span
}

// TypeOwner is the interface or world that defines a named type: an
// InterfaceID or a WorldID. Anonymous types have a nil owner.
type TypeOwner interface{ isTypeOwner() }

func (InterfaceID) isTypeOwner() {}
func (WorldID) isTypeOwner()     {}

// Type is a WIT value type: a Primitive or a TypeID.
type Type interface{ isType() }

// Primitive is a built-in type with no definition of its own.
type Primitive uint8

// The primitive types.
const (
	Bool Primitive = iota
	U8
	U16
	U32
	U64
	S8
	S16
	S32
	S64
	F32
	F64
	Char
	String
	ErrorContext
)

var primitiveNames = [...]string{
	Bool: "bool", U8: "u8", U16: "u16", U32: "u32", U64: "u64",
	S8: "s8", S16: "s16", S32: "s32", S64: "s64", F32: "f32", F64: "f64",
	Char: "char", String: "string", ErrorContext: "error-context",
}

// String returns the WIT spelling of the primitive.
func (p Primitive) String() string {
	if int(p) < len(primitiveNames) {
		return primitiveNames[p]
	}
	return "invalid-primitive"
}

func (Primitive) isType() {}
func (TypeID) isType()    {}

// TypeDefKind is the shape of a TypeDef: *Record, *Resource, *Own, *Borrow,
// *Flags, *Tuple, *Variant, *Enum, *Option, *Result, *List, *Map,
// *FixedList, *Future, *Stream or *Alias.
type TypeDefKind interface{ isTypeDefKind() }

// Record is `record { name: type, … }`.
type Record struct{ Fields []Field }

// Field is one field of a record.
type Field struct {
	Name string
	Type Type
	Docs Docs
	Span Span
}

// Resource is `resource`; its methods are functions of the owning interface
// or world whose Kind names it.
type Resource struct{}

// Own is the handle `own<R>` (also the plain use of a resource name).
type Own struct{ Resource TypeID }

// Borrow is the handle `borrow<R>`.
type Borrow struct{ Resource TypeID }

// Flags is `flags { a, b, … }`.
type Flags struct{ Flags []Flag }

// Flag is one flag of a flags type.
type Flag struct {
	Name string
	Docs Docs
	Span Span
}

// Tuple is `tuple<T…>`.
type Tuple struct{ Types []Type }

// Variant is `variant { case(T), case, … }`.
type Variant struct{ Cases []Case }

// Case is one case of a variant; Type is nil for a case without payload.
type Case struct {
	Name string
	Type Type
	Docs Docs
	Span Span
}

// Enum is `enum { a, b, … }`.
type Enum struct{ Cases []EnumCase }

// EnumCase is one case of an enum.
type EnumCase struct {
	Name string
	Docs Docs
	Span Span
}

// Option is `option<T>`.
type Option struct{ Type Type }

// Result is `result<T, E>`; OK and Err are nil where absent (`result`,
// `result<T>`, `result<_, E>`).
type Result struct{ OK, Err Type }

// List is `list<T>`.
type List struct{ Elem Type }

// Map is `map<K, V>`.
type Map struct{ Key, Value Type }

// FixedList is the fixed-length list `list<T, N>`.
type FixedList struct {
	Elem Type
	Len  uint32
}

// Future is `future<T>` (Elem nil for a bare `future`).
type Future struct{ Elem Type }

// Stream is `stream<T>` (Elem nil for a bare `stream`).
type Stream struct{ Elem Type }

// Alias is `type name = T`.
type Alias struct{ Type Type }

// unknown is the kind of a type named by a `use` from a package that is not
// resolved yet; it never survives resolution.
type unknown struct{}

func (*Record) isTypeDefKind()    {}
func (*Resource) isTypeDefKind()  {}
func (*Own) isTypeDefKind()       {}
func (*Borrow) isTypeDefKind()    {}
func (*Flags) isTypeDefKind()     {}
func (*Tuple) isTypeDefKind()     {}
func (*Variant) isTypeDefKind()   {}
func (*Enum) isTypeDefKind()      {}
func (*Option) isTypeDefKind()    {}
func (*Result) isTypeDefKind()    {}
func (*List) isTypeDefKind()      {}
func (*Map) isTypeDefKind()       {}
func (*FixedList) isTypeDefKind() {}
func (*Future) isTypeDefKind()    {}
func (*Stream) isTypeDefKind()    {}
func (*Alias) isTypeDefKind()     {}
func (*unknown) isTypeDefKind()   {}

// Function is a function of an interface or world, or a constructor, method
// or static function of a resource (Kind says which; Resource names it).
// Resource functions are named `[constructor]r`, `[method]r.m`,
// `[static]r.f`, as in component binaries.
type Function struct {
	Name       string
	Kind       FunctionKind
	Resource   TypeID // the resource of a constructor, method or static function
	Params     []Param
	Result     Type // nil when the function returns nothing
	Docs       Docs
	Stability  Stability
	ExternalID string // `@external-id("…")`, "" when absent
	Span       Span
}

// FunctionKind says whether a function is freestanding or belongs to a
// resource, whether it is async, and whether it is a property accessor
// (`name: get() -> T` / `name: set(v: T)`).
type FunctionKind uint8

// The function kinds.
const (
	Freestanding FunctionKind = iota
	AsyncFreestanding
	Method
	AsyncMethod
	Static
	AsyncStatic
	Constructor
	Getter       // `[get]name`
	Setter       // `[set]name`
	MethodGetter // `[method][get]r.name`
	MethodSetter // `[method][set]r.name`
	StaticGetter // `[static][get]r.name`
	StaticSetter // `[static][set]r.name`
)

var functionKindNames = [...]string{
	Freestanding: "freestanding", AsyncFreestanding: "async-freestanding",
	Method: "method", AsyncMethod: "async-method", Static: "static",
	AsyncStatic: "async-static", Constructor: "constructor",
	Getter: "getter", Setter: "setter", MethodGetter: "method-getter",
	MethodSetter: "method-setter", StaticGetter: "static-getter", StaticSetter: "static-setter",
}

// String returns the kind's kebab-case name, as in wit-parser's JSON.
func (k FunctionKind) String() string {
	if int(k) < len(functionKindNames) {
		return functionKindNames[k]
	}
	return "invalid-function-kind"
}

// IsAsync reports whether the function is declared `async`.
func (k FunctionKind) IsAsync() bool {
	return k == AsyncFreestanding || k == AsyncMethod || k == AsyncStatic
}

// HasResource reports whether the function belongs to a resource.
func (k FunctionKind) HasResource() bool {
	return k != Freestanding && k != AsyncFreestanding && k != Getter && k != Setter
}

// IsMethod reports whether the function takes the resource as an implicit
// first parameter `self: borrow<r>`.
func (k FunctionKind) IsMethod() bool {
	return k == Method || k == AsyncMethod || k == MethodGetter || k == MethodSetter
}

// IsGetter reports whether the function is a property getter.
func (k FunctionKind) IsGetter() bool {
	return k == Getter || k == MethodGetter || k == StaticGetter
}

// IsSetter reports whether the function is a property setter.
func (k FunctionKind) IsSetter() bool {
	return k == Setter || k == MethodSetter || k == StaticSetter
}

// ItemName returns the name of the function without its annotations: `m`
// for `[method]r.m`, `p` for `[get]p`, `constructor` for a constructor.
func (f *Function) ItemName() string {
	switch f.Kind {
	case Freestanding, AsyncFreestanding:
		return f.Name
	case Constructor:
		return "constructor"
	case Getter, Setter:
		return f.Name[strings.IndexByte(f.Name, ']')+1:]
	}
	return f.Name[strings.IndexByte(f.Name, '.')+1:]
}

// Param is one named parameter of a function.
type Param struct {
	Name string
	Type Type
	Span Span
}

// Docs is the documentation comment attached to an item. Present tells an
// empty comment (`//` alone) from no comment at all.
type Docs struct {
	Contents string
	Present  bool
}

// StabilityKind says how an item is gated.
type StabilityKind uint8

// The stability kinds.
const (
	StabilityUnknown  StabilityKind = iota // no gate
	StabilityStable                        // @since(version = …)
	StabilityUnstable                      // @unstable(feature = …)
)

// Stability is the feature gate of an item.
type Stability struct {
	Kind       StabilityKind
	Since      *Version // for StabilityStable
	Feature    string   // for StabilityUnstable
	Deprecated *Version // @deprecated(version = …), optional for both
}

// Span is a range of bytes in the sources pushed into a Resolve; Resolve.Pos
// turns it into a file, line and column.
type Span struct{ Start, End uint32 }

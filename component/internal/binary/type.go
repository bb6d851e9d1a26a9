package binary

import "fmt"

// TypeSection defines component types (section 7).
type TypeSection struct {
	SectionHeader
	Types []Type
	// Offsets holds the absolute offset of each entry of Types.
	Offsets []uint64
}

func (*TypeSection) isSection() {}

// Type is a component type definition (deftype): a defined value type
// ([PrimValType], [*RecordType], [*VariantType], [*ListType],
// [*FixedListType], [*TupleType], [*FlagsType], [*EnumType], [*OptionType],
// [*ResultType], [*OwnType], [*BorrowType], [*StreamType], [*FutureType],
// [*MapType]), a function type [*FuncType], a component type
// [*ComponentType], an instance type [*InstanceType] or a resource type
// [*ResourceType].
type Type interface{ isType() }

// PrimValType is a primitive value type, identified by its encoding byte.
type PrimValType uint8

// Primitive value types.
const (
	PrimBool         PrimValType = 0x7f
	PrimS8           PrimValType = 0x7e
	PrimU8           PrimValType = 0x7d
	PrimS16          PrimValType = 0x7c
	PrimU16          PrimValType = 0x7b
	PrimS32          PrimValType = 0x7a
	PrimU32          PrimValType = 0x79
	PrimS64          PrimValType = 0x78
	PrimU64          PrimValType = 0x77
	PrimF32          PrimValType = 0x76
	PrimF64          PrimValType = 0x75
	PrimChar         PrimValType = 0x74
	PrimString       PrimValType = 0x73
	PrimErrorContext PrimValType = 0x64 // 📝
)

var primNames = map[PrimValType]string{
	PrimBool: "bool", PrimS8: "s8", PrimU8: "u8", PrimS16: "s16", PrimU16: "u16",
	PrimS32: "s32", PrimU32: "u32", PrimS64: "s64", PrimU64: "u64", PrimF32: "f32",
	PrimF64: "f64", PrimChar: "char", PrimString: "string", PrimErrorContext: "error-context",
}

// String returns the type's keyword, e.g. "u32".
func (p PrimValType) String() string {
	if s, ok := primNames[p]; ok {
		return s
	}
	return fmt.Sprintf("unknown primitive type 0x%02x", uint8(p))
}

func (PrimValType) isType() {}

// ValType is a value type: a primitive type, or the index of a defined value
// type in the type index space.
type ValType struct {
	// Prim is the primitive type, or 0 when the value type is an index.
	Prim PrimValType
	// Index is the type index when Prim is 0.
	Index uint32
}

// Prim returns the value type of primitive p.
func Prim(p PrimValType) ValType { return ValType{Prim: p} }

// TypeIndex returns the value type that refers to type index i.
func TypeIndex(i uint32) ValType { return ValType{Index: i} }

// IsPrim reports whether t is a primitive type.
func (t ValType) IsPrim() bool { return t.Prim != 0 }

// String returns the primitive's keyword or the type index.
func (t ValType) String() string {
	if t.IsPrim() {
		return t.Prim.String()
	}
	return fmt.Sprint(t.Index)
}

// readValType reads a valtype: a primitive type byte or an s33 type index.
func (r *reader) readValType() (ValType, error) {
	off := r.pos
	b, err := r.peek("value type")
	if err != nil {
		return ValType{}, err
	}
	if _, ok := primNames[PrimValType(b)]; ok {
		r.pos++
		return ValType{Prim: PrimValType(b)}, nil
	}
	v, err := r.s33("value type")
	if err != nil {
		return ValType{}, err
	}
	if v < 0 {
		return ValType{}, r.invalid(off, "value type", b)
	}
	return ValType{Index: uint32(v)}, nil
}

// readOptValType reads a <valtype>?.
func (r *reader) readOptValType(what string) (*ValType, error) {
	return optional(r, what, (*reader).readValType)
}

// RecordType is (record (field l t)+).
type RecordType struct{ Fields []Field }

// Field is a labelled value type: a record field or a function parameter.
type Field struct {
	Name string
	Type ValType
}

// VariantType is (variant (case l t?)+).
type VariantType struct{ Cases []Case }

// Case is a variant case with an optional payload type.
type Case struct {
	Name string
	Type *ValType
}

// ListType is (list t).
type ListType struct{ Elem ValType }

// FixedListType is (list t len), a list of fixed length 🔧.
type FixedListType struct {
	Elem ValType
	Len  uint32
}

// TupleType is (tuple t+).
type TupleType struct{ Types []ValType }

// FlagsType is (flags l+).
type FlagsType struct{ Names []string }

// EnumType is (enum l+).
type EnumType struct{ Names []string }

// OptionType is (option t).
type OptionType struct{ Elem ValType }

// ResultType is (result t? (error u)?).
type ResultType struct{ OK, Err *ValType }

// OwnType is (own i): an owned handle to resource type Resource.
type OwnType struct{ Resource uint32 }

// BorrowType is (borrow i): a borrowed handle to resource type Resource.
type BorrowType struct{ Resource uint32 }

// StreamType is (stream t?) 🔀.
type StreamType struct{ Elem *ValType }

// FutureType is (future t?) 🔀.
type FutureType struct{ Elem *ValType }

// MapType is (map k v) 🗺️.
type MapType struct{ Key, Value ValType }

// FuncType is a component function type: (func async? (param l t)* (result t)?).
type FuncType struct {
	Async  bool
	Params []Field
	// Result is the result type, nil for none.
	Result *ValType
}

// ComponentType is (component cd*).
type ComponentType struct{ Decls []Decl }

// InstanceType is (instance id*). Its declarators never include imports.
type InstanceType struct{ Decls []Decl }

// ResourceType is (resource (rep t) (dtor f)?): a fresh resource type.
type ResourceType struct {
	Rep CoreValType
	// Dtor is the core function index of the destructor, nil for none.
	Dtor *uint32
}

func (*RecordType) isType()    {}
func (*VariantType) isType()   {}
func (*ListType) isType()      {}
func (*FixedListType) isType() {}
func (*TupleType) isType()     {}
func (*FlagsType) isType()     {}
func (*EnumType) isType()      {}
func (*OptionType) isType()    {}
func (*ResultType) isType()    {}
func (*OwnType) isType()       {}
func (*BorrowType) isType()    {}
func (*StreamType) isType()    {}
func (*FutureType) isType()    {}
func (*MapType) isType()       {}
func (*FuncType) isType()      {}
func (*ComponentType) isType() {}
func (*InstanceType) isType()  {}
func (*ResourceType) isType()  {}

// Decl is a declarator of a component or instance type: [*CoreTypeDecl],
// [*TypeDecl], [*AliasDecl], [*ImportDecl] (component types only) or
// [*ExportDecl].
type Decl interface{ isDecl() }

// TypeDecl defines a type inside a component or instance type.
type TypeDecl struct{ Type Type }

// AliasDecl is an alias inside a component or instance type.
type AliasDecl struct{ Alias Alias }

// ImportDecl declares an import of a component type.
type ImportDecl struct{ Import Import }

// ExportDecl declares an export of a component or instance type.
type ExportDecl struct {
	Name ExternName
	Type ExternType
}

func (*CoreTypeDecl) isDecl() {}
func (*TypeDecl) isDecl()     {}
func (*AliasDecl) isDecl()    {}
func (*ImportDecl) isDecl()   {}
func (*ExportDecl) isDecl()   {}

func (r *reader) readTypeSection(h SectionHeader) (*TypeSection, error) {
	s := &TypeSection{SectionHeader: h}
	var err error
	s.Types, s.Offsets, err = vecWithOffsets(r, "type", (*reader).readType)
	return s, err
}

// readType reads a deftype.
func (r *reader) readType() (Type, error) {
	off := r.pos
	b, err := r.u8("type opcode")
	if err != nil {
		return nil, err
	}
	if _, ok := primNames[PrimValType(b)]; ok {
		return PrimValType(b), nil
	}
	switch b {
	case 0x3f:
		rep, err := r.readCoreValType()
		if err != nil {
			return nil, err
		}
		dtor, err := optional(r, "resource destructor", func(r *reader) (uint32, error) {
			return r.u32("destructor function index")
		})
		return &ResourceType{Rep: rep, Dtor: dtor}, err
	case 0x3e:
		return nil, r.errorf(off, "invalid type opcode 0x3e (resource with async destructor, removed from the component model)")
	case 0x40, 0x43:
		params, err := vec(r, "param", (*reader).readField)
		if err != nil {
			return nil, err
		}
		res, err := r.readResultList()
		if err != nil {
			return nil, err
		}
		ft := &FuncType{Async: b == 0x43, Params: params, Result: res}
		return ft, nil
	case 0x41, 0x42:
		what := "component type"
		if b == 0x42 {
			what = "instance type"
		}
		if err := r.enter(what); err != nil {
			return nil, err
		}
		defer r.leave()
		decls, err := vec(r, what+" declaration", func(r *reader) (Decl, error) { return r.readDecl(b == 0x41) })
		if err != nil {
			return nil, err
		}
		if b == 0x41 {
			return &ComponentType{Decls: decls}, nil
		}
		return &InstanceType{Decls: decls}, nil
	case 0x72:
		fields, err := vec(r, "record field", (*reader).readField)
		return &RecordType{Fields: fields}, err
	case 0x71:
		cases, err := vec(r, "variant case", func(r *reader) (Case, error) {
			n, err := r.name("case label")
			if err != nil {
				return Case{}, err
			}
			t, err := r.readOptValType("case type")
			if err != nil {
				return Case{}, err
			}
			// Formerly the index of a case this one refines; now always 0x00.
			return Case{Name: n, Type: t}, r.expect(0x00, "variant case trailer")
		})
		return &VariantType{Cases: cases}, err
	case 0x70:
		t, err := r.readValType()
		return &ListType{Elem: t}, err
	case 0x67:
		t, err := r.readValType()
		if err != nil {
			return nil, err
		}
		n, err := r.u32("fixed list length")
		return &FixedListType{Elem: t, Len: n}, err
	case 0x6f:
		types, err := vec(r, "tuple type", (*reader).readValType)
		return &TupleType{Types: types}, err
	case 0x6e:
		names, err := r.labels("flag")
		return &FlagsType{Names: names}, err
	case 0x6d:
		names, err := r.labels("enum case")
		return &EnumType{Names: names}, err
	case 0x6b:
		t, err := r.readValType()
		return &OptionType{Elem: t}, err
	case 0x6a:
		ok, err := r.readOptValType("result ok type")
		if err != nil {
			return nil, err
		}
		e, err := r.readOptValType("result error type")
		return &ResultType{OK: ok, Err: e}, err
	case 0x69:
		i, err := r.u32("resource type index")
		return &OwnType{Resource: i}, err
	case 0x68:
		i, err := r.u32("resource type index")
		return &BorrowType{Resource: i}, err
	case 0x66:
		t, err := r.readOptValType("stream element type")
		return &StreamType{Elem: t}, err
	case 0x65:
		t, err := r.readOptValType("future element type")
		return &FutureType{Elem: t}, err
	case 0x63:
		k, err := r.readValType()
		if err != nil {
			return nil, err
		}
		v, err := r.readValType()
		return &MapType{Key: k, Value: v}, err
	}
	return nil, r.invalid(off, "type opcode", b)
}

// readField reads a labelvaltype.
func (r *reader) readField() (Field, error) {
	n, err := r.name("label")
	if err != nil {
		return Field{}, err
	}
	t, err := r.readValType()
	return Field{Name: n, Type: t}, err
}

// labels reads a vector of labellit.
func (r *reader) labels(what string) ([]string, error) {
	return vec(r, what, func(r *reader) (string, error) { return r.name(what + " label") })
}

// readDecl reads a componentdecl (component is true) or an instancedecl.
func (r *reader) readDecl(component bool) (Decl, error) {
	off := r.pos
	b, err := r.u8("declaration kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		t, err := r.readCoreType()
		return &CoreTypeDecl{Type: t}, err
	case 0x01:
		t, err := r.readType()
		return &TypeDecl{Type: t}, err
	case 0x02:
		a, err := r.readAlias()
		return &AliasDecl{Alias: a}, err
	case 0x03:
		if component {
			im, err := r.readImport()
			return &ImportDecl{Import: im}, err
		}
		return nil, r.errorf(off, "invalid instance type declaration kind 0x03 (import)")
	case 0x04:
		n, err := r.readExternName()
		if err != nil {
			return nil, err
		}
		t, err := r.readExternType()
		return &ExportDecl{Name: n, Type: t}, err
	}
	return nil, r.invalid(off, "declaration kind", b)
}

package binary

import (
	"fmt"
	"strings"
)

// This file decodes the core WebAssembly type grammar that components reuse:
// value types (with the reference types of the function-references, GC,
// exception-handling and stack-switching proposals), recursive type groups,
// table, memory, global and tag types, and core imports.

// CoreValKind is the kind of a [CoreValType]; for the number and vector types
// it is their encoding byte.
type CoreValKind uint8

// Core value kinds.
const (
	CoreI32  CoreValKind = 0x7f
	CoreI64  CoreValKind = 0x7e
	CoreF32  CoreValKind = 0x7d
	CoreF64  CoreValKind = 0x7c
	CoreV128 CoreValKind = 0x7b
	// CoreI8 and CoreI16 are the packed storage types; they occur only as
	// the type of a struct or array field.
	CoreI8  CoreValKind = 0x78
	CoreI16 CoreValKind = 0x77
	// CoreRef is a reference type, described by CoreValType.Ref.
	CoreRef CoreValKind = 0x64
)

// CoreValType is a core value type (or, in a field, a storage type).
type CoreValType struct {
	Kind CoreValKind
	// Ref is the reference type when Kind is CoreRef.
	Ref RefType
}

// Core value types without immediates, for convenience.
var (
	I32  = CoreValType{Kind: CoreI32}
	I64  = CoreValType{Kind: CoreI64}
	F32  = CoreValType{Kind: CoreF32}
	F64  = CoreValType{Kind: CoreF64}
	V128 = CoreValType{Kind: CoreV128}
)

// String returns the type in the text format, e.g. "i32" or "(ref null 3)".
func (t CoreValType) String() string {
	switch t.Kind {
	case CoreI32:
		return "i32"
	case CoreI64:
		return "i64"
	case CoreF32:
		return "f32"
	case CoreF64:
		return "f64"
	case CoreV128:
		return "v128"
	case CoreI8:
		return "i8"
	case CoreI16:
		return "i16"
	case CoreRef:
		return t.Ref.String()
	}
	return fmt.Sprintf("unknown core value type 0x%02x", uint8(t.Kind))
}

// RefType is a core reference type.
type RefType struct {
	Nullable bool
	Heap     HeapType
}

// String returns the type in the text format, e.g. "(ref null func)".
func (t RefType) String() string {
	if t.Nullable {
		return "(ref null " + t.Heap.String() + ")"
	}
	return "(ref " + t.Heap.String() + ")"
}

// AbstractHeapType is an abstract heap type, identified by its encoding byte.
type AbstractHeapType uint8

// Abstract heap types.
const (
	HeapFunc     AbstractHeapType = 0x70
	HeapExtern   AbstractHeapType = 0x6f
	HeapAny      AbstractHeapType = 0x6e
	HeapEq       AbstractHeapType = 0x6d
	HeapI31      AbstractHeapType = 0x6c
	HeapStruct   AbstractHeapType = 0x6b
	HeapArray    AbstractHeapType = 0x6a
	HeapExn      AbstractHeapType = 0x69
	HeapCont     AbstractHeapType = 0x68
	HeapNone     AbstractHeapType = 0x71
	HeapNoExtern AbstractHeapType = 0x72
	HeapNoFunc   AbstractHeapType = 0x73
	HeapNoExn    AbstractHeapType = 0x74
	HeapNoCont   AbstractHeapType = 0x75
)

var abstractHeapNames = map[AbstractHeapType]string{
	HeapFunc: "func", HeapExtern: "extern", HeapAny: "any", HeapEq: "eq", HeapI31: "i31",
	HeapStruct: "struct", HeapArray: "array", HeapExn: "exn", HeapCont: "cont", HeapNone: "none",
	HeapNoExtern: "noextern", HeapNoFunc: "nofunc", HeapNoExn: "noexn", HeapNoCont: "nocont",
}

// String returns the heap type's keyword, e.g. "func".
func (h AbstractHeapType) String() string {
	if s, ok := abstractHeapNames[h]; ok {
		return s
	}
	return fmt.Sprintf("unknown heap type 0x%02x", uint8(h))
}

// HeapType is a core heap type: abstract, or a concrete type index.
type HeapType struct {
	// Abstract is the abstract heap type, or 0 for a concrete one.
	Abstract AbstractHeapType
	// Index is the type index of a concrete heap type.
	Index uint32
	// Shared marks a shared abstract heap type (shared-everything-threads).
	Shared bool
	// Exact marks an exact concrete heap type (custom descriptors).
	Exact bool
}

// String returns the heap type in the text format.
func (h HeapType) String() string {
	var s string
	switch {
	case h.Abstract != 0:
		s = h.Abstract.String()
	case h.Exact:
		s = fmt.Sprintf("(exact %d)", h.Index)
	default:
		s = fmt.Sprint(h.Index)
	}
	if h.Shared {
		s = "(shared " + s + ")"
	}
	return s
}

// readAbstractHeapType reads an abstract heap type byte.
func (r *reader) readAbstractHeapType() (AbstractHeapType, error) {
	off := r.pos
	b, err := r.u8("abstract heap type")
	if err != nil {
		return 0, err
	}
	if _, ok := abstractHeapNames[AbstractHeapType(b)]; !ok {
		return 0, r.invalid(off, "abstract heap type", b)
	}
	return AbstractHeapType(b), nil
}

// readHeapType reads a heap type: an s33 type index, 0x65 and a shared
// abstract heap type, 0x62 and an exact type index, or an abstract heap type.
func (r *reader) readHeapType() (HeapType, error) {
	b, err := r.peek("heap type")
	if err != nil {
		return HeapType{}, err
	}
	switch {
	case b == 0x65:
		r.pos++
		a, err := r.readAbstractHeapType()
		return HeapType{Abstract: a, Shared: true}, err
	case b == 0x62:
		r.pos++
		i, err := r.u32("exact heap type index")
		return HeapType{Index: i, Exact: true}, err
	case b&0xc0 == 0x40: // a negative one-byte s33: an abstract heap type
		a, err := r.readAbstractHeapType()
		return HeapType{Abstract: a}, err
	}
	off := r.pos
	v, err := r.s33("heap type index")
	if err != nil {
		return HeapType{}, err
	}
	if v < 0 {
		return HeapType{}, r.errorf(off, "invalid heap type (negative s33 %d)", v)
	}
	return HeapType{Index: uint32(v)}, nil
}

// readRefType reads a reference type: 0x63/0x64 and a heap type, or the
// short form of a nullable abstract reference (optionally 0x65-shared).
func (r *reader) readRefType() (RefType, error) {
	off := r.pos
	b, err := r.peek("reference type")
	if err != nil {
		return RefType{}, err
	}
	switch b {
	case 0x63, 0x64:
		r.pos++
		h, err := r.readHeapType()
		return RefType{Nullable: b == 0x63, Heap: h}, err
	case 0x65:
		r.pos++
		a, err := r.readAbstractHeapType()
		return RefType{Nullable: true, Heap: HeapType{Abstract: a, Shared: true}}, err
	}
	if _, ok := abstractHeapNames[AbstractHeapType(b)]; !ok {
		return RefType{}, r.invalid(off, "core value type", b)
	}
	r.pos++
	return RefType{Nullable: true, Heap: HeapType{Abstract: AbstractHeapType(b)}}, nil
}

// readCoreValType reads a core:valtype.
func (r *reader) readCoreValType() (CoreValType, error) {
	b, err := r.peek("core value type")
	if err != nil {
		return CoreValType{}, err
	}
	switch CoreValKind(b) {
	case CoreI32, CoreI64, CoreF32, CoreF64, CoreV128:
		r.pos++
		return CoreValType{Kind: CoreValKind(b)}, nil
	}
	ref, err := r.readRefType()
	return CoreValType{Kind: CoreRef, Ref: ref}, err
}

// readStorageType reads a field's storage type: a packed type or a valtype.
func (r *reader) readStorageType() (CoreValType, error) {
	b, err := r.peek("storage type")
	if err != nil {
		return CoreValType{}, err
	}
	if CoreValKind(b) == CoreI8 || CoreValKind(b) == CoreI16 {
		r.pos++
		return CoreValType{Kind: CoreValKind(b)}, nil
	}
	return r.readCoreValType()
}

// CoreCompositeType is a core composite type: [*CoreFuncType],
// [*CoreStructType], [*CoreArrayType] or [*CoreContType].
type CoreCompositeType interface{ isCoreCompositeType() }

// CoreFuncType is a core function type.
type CoreFuncType struct {
	Params  []CoreValType
	Results []CoreValType
}

// String returns the type in the text format, e.g. "(func (param i32) (result i32))".
func (t *CoreFuncType) String() string {
	var b strings.Builder
	b.WriteString("(func")
	for _, list := range []struct {
		kw    string
		types []CoreValType
	}{{"param", t.Params}, {"result", t.Results}} {
		if len(list.types) == 0 {
			continue
		}
		b.WriteString(" (" + list.kw)
		for _, p := range list.types {
			b.WriteString(" " + p.String())
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	return b.String()
}

// CoreStructType is a GC struct type.
type CoreStructType struct{ Fields []CoreFieldType }

// CoreArrayType is a GC array type.
type CoreArrayType struct{ Field CoreFieldType }

// CoreContType is a stack-switching continuation type over a function type.
type CoreContType struct{ Type uint32 }

// CoreFieldType is the type of a struct field or array element.
type CoreFieldType struct {
	Type    CoreValType // may be CoreI8 or CoreI16
	Mutable bool
}

func (*CoreFuncType) isCoreCompositeType()   {}
func (*CoreStructType) isCoreCompositeType() {}
func (*CoreArrayType) isCoreCompositeType()  {}
func (*CoreContType) isCoreCompositeType()   {}

// CoreSubType is one type of a recursion group: a composite type with its
// finality and declared supertypes. Types written without `sub` are final
// and have no supertypes.
type CoreSubType struct {
	Final      bool
	Supertypes []uint32
	// Shared marks a shared composite type (shared-everything-threads).
	Shared bool
	// Describes and Descriptor are the custom-descriptors type indices, when
	// present.
	Describes, Descriptor *uint32
	Type                  CoreCompositeType
}

// CoreRecGroup is a core recursion group, the unit of a core type section. A
// type written without `rec` is a group of one with Explicit false.
type CoreRecGroup struct {
	Explicit bool
	Types    []CoreSubType
}

func (r *reader) readFieldType() (CoreFieldType, error) {
	t, err := r.readStorageType()
	if err != nil {
		return CoreFieldType{}, err
	}
	m, err := r.bool01("field mutability")
	return CoreFieldType{Type: t, Mutable: m}, err
}

// readCompositeType reads a composite type whose first byte, op, has been read.
func (r *reader) readCompositeType(op byte, off int, st *CoreSubType) error {
	var err error
	if op == 0x65 {
		st.Shared = true
		off = r.pos
		if op, err = r.u8("composite type"); err != nil {
			return err
		}
	}
	if op == 0x4c {
		i, err := r.u32("described type index")
		if err != nil {
			return err
		}
		st.Describes = &i
		off = r.pos
		if op, err = r.u8("composite type"); err != nil {
			return err
		}
	}
	if op == 0x4d {
		i, err := r.u32("descriptor type index")
		if err != nil {
			return err
		}
		st.Descriptor = &i
		off = r.pos
		if op, err = r.u8("composite type"); err != nil {
			return err
		}
	}
	switch op {
	case 0x60:
		params, err := vec(r, "param", (*reader).readCoreValType)
		if err != nil {
			return err
		}
		results, err := vec(r, "result", (*reader).readCoreValType)
		if err != nil {
			return err
		}
		st.Type = &CoreFuncType{Params: params, Results: results}
	case 0x5f:
		fields, err := vec(r, "struct field", (*reader).readFieldType)
		if err != nil {
			return err
		}
		st.Type = &CoreStructType{Fields: fields}
	case 0x5e:
		f, err := r.readFieldType()
		if err != nil {
			return err
		}
		st.Type = &CoreArrayType{Field: f}
	case 0x5d:
		voff := r.pos
		v, err := r.s33("continuation type index")
		if err != nil {
			return err
		}
		if v < 0 {
			return r.errorf(voff, "invalid continuation type index %d", v)
		}
		st.Type = &CoreContType{Type: uint32(v)}
	default:
		return r.invalid(off, "core composite type opcode", op)
	}
	return nil
}

// readSubType reads a core:subtype.
func (r *reader) readSubType() (CoreSubType, error) {
	off := r.pos
	op, err := r.u8("core type")
	if err != nil {
		return CoreSubType{}, err
	}
	st := CoreSubType{Final: true}
	if op == 0x50 || op == 0x4f {
		st.Final = op == 0x4f
		if st.Supertypes, err = r.u32s("supertype"); err != nil {
			return st, err
		}
		off = r.pos
		if op, err = r.u8("composite type"); err != nil {
			return st, err
		}
	}
	return st, r.readCompositeType(op, off, &st)
}

// readRecGroup reads a core:rectype: 0x4e and a vector of subtypes, or one
// subtype.
func (r *reader) readRecGroup() (CoreRecGroup, error) {
	b, err := r.peek("core type")
	if err != nil {
		return CoreRecGroup{}, err
	}
	if b == 0x4e {
		r.pos++
		types, err := vec(r, "rec group type", (*reader).readSubType)
		return CoreRecGroup{Explicit: true, Types: types}, err
	}
	st, err := r.readSubType()
	return CoreRecGroup{Types: []CoreSubType{st}}, err
}

// Limits are the limits of a table or memory.
type Limits struct {
	Min    uint64
	Max    uint64 // valid when HasMax
	HasMax bool
	// Is64 marks a 64-bit table or memory (memory64).
	Is64 bool
	// Shared marks a shared memory or table (threads).
	Shared bool
}

// readLimits reads limits whose flags byte allows the bits in allowed:
// 0x01 has max, 0x02 shared, 0x04 64-bit, 0x08 (memories) custom page size.
func (r *reader) readLimits(what string, allowed byte) (Limits, byte, error) {
	off := r.pos
	flags, err := r.u8(what + " limits flags")
	if err != nil {
		return Limits{}, 0, err
	}
	if flags&^allowed != 0 {
		return Limits{}, 0, r.invalid(off, what+" limits flags", flags)
	}
	l := Limits{HasMax: flags&0x01 != 0, Shared: flags&0x02 != 0, Is64: flags&0x04 != 0}
	read := func(what string) (uint64, error) {
		if l.Is64 {
			return r.u64(what)
		}
		v, err := r.u32(what)
		return uint64(v), err
	}
	if l.Min, err = read(what + " minimum"); err != nil {
		return l, flags, err
	}
	if l.HasMax {
		l.Max, err = read(what + " maximum")
	}
	return l, flags, err
}

// CoreTableType is a core table type.
type CoreTableType struct {
	Elem   RefType
	Limits Limits
}

// CoreMemoryType is a core memory type.
type CoreMemoryType struct {
	Limits Limits
	// PageSizeLog2 is the custom-page-sizes page size, when present.
	PageSizeLog2 *uint32
}

// CoreGlobalType is a core global type.
type CoreGlobalType struct {
	Type    CoreValType
	Mutable bool
	Shared  bool
}

// CoreTagType is a core exception tag type: the index of its function type.
type CoreTagType struct{ Type uint32 }

// CoreFuncExtern is the type of an imported or exported core function: the
// index of its function type.
type CoreFuncExtern struct {
	Type uint32
	// Exact marks an exact function import (custom descriptors, kind 0x20).
	Exact bool
}

// CoreExternType is the type of a core import or export: [CoreFuncExtern],
// [CoreTableType], [CoreMemoryType], [CoreGlobalType] or [CoreTagType].
type CoreExternType interface {
	// Sort is the core sort of the import or export.
	Sort() Sort
	isCoreExternType()
}

// Sort implements CoreExternType.
func (CoreFuncExtern) Sort() Sort { return SortCoreFunc }

// Sort implements CoreExternType.
func (CoreTableType) Sort() Sort { return SortCoreTable }

// Sort implements CoreExternType.
func (CoreMemoryType) Sort() Sort { return SortCoreMemory }

// Sort implements CoreExternType.
func (CoreGlobalType) Sort() Sort { return SortCoreGlobal }

// Sort implements CoreExternType.
func (CoreTagType) Sort() Sort { return SortCoreTag }

func (CoreFuncExtern) isCoreExternType() {}
func (CoreTableType) isCoreExternType()  {}
func (CoreMemoryType) isCoreExternType() {}
func (CoreGlobalType) isCoreExternType() {}
func (CoreTagType) isCoreExternType()    {}

// readCoreExternType reads a core:externtype (the part of a core:import after
// the names).
func (r *reader) readCoreExternType() (CoreExternType, error) {
	off := r.pos
	b, err := r.u8("core extern kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00, 0x20:
		i, err := r.u32("function type index")
		return CoreFuncExtern{Type: i, Exact: b == 0x20}, err
	case 0x01:
		elem, err := r.readRefType()
		if err != nil {
			return nil, err
		}
		l, _, err := r.readLimits("table", 0x07)
		return CoreTableType{Elem: elem, Limits: l}, err
	case 0x02:
		l, flags, err := r.readLimits("memory", 0x0f)
		if err != nil {
			return nil, err
		}
		m := CoreMemoryType{Limits: l}
		if flags&0x08 != 0 {
			poff := r.pos
			p, err := r.u32("memory page size")
			if err != nil {
				return nil, err
			}
			if p >= 64 {
				return nil, r.errorf(poff, "invalid memory page size log2 %d", p)
			}
			m.PageSizeLog2 = &p
		}
		return m, nil
	case 0x03:
		t, err := r.readCoreValType()
		if err != nil {
			return nil, err
		}
		foff := r.pos
		flags, err := r.u8("global flags")
		if err != nil {
			return nil, err
		}
		if flags > 0x03 {
			return nil, r.invalid(foff, "global flags", flags)
		}
		return CoreGlobalType{Type: t, Mutable: flags&0x01 != 0, Shared: flags&0x02 != 0}, nil
	case 0x04:
		aoff := r.pos
		attr, err := r.u8("tag attribute")
		if err != nil {
			return nil, err
		}
		if attr != 0 {
			return nil, r.invalid(aoff, "tag attribute", attr)
		}
		i, err := r.u32("tag type index")
		return CoreTagType{Type: i}, err
	}
	return nil, r.invalid(off, "core extern kind", b)
}

// CoreImport is a core import: module name, item name and type.
type CoreImport struct {
	Module string
	Name   string
	Type   CoreExternType
}

// readCoreImport reads a core:import (the single-item encoding).
func (r *reader) readCoreImport() (CoreImport, error) {
	m, err := r.name("import module name")
	if err != nil {
		return CoreImport{}, err
	}
	n, err := r.name("import name")
	if err != nil {
		return CoreImport{}, err
	}
	t, err := r.readCoreExternType()
	return CoreImport{Module: m, Name: n, Type: t}, err
}

package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// Limits on defined types (wasmparser's limits.rs).
const (
	maxRecordFields  = 10_000
	maxVariantCases  = 10_000
	maxTupleTypes    = 10_000
	maxFlags         = 32
	maxEnumCases     = 10_000
	maxFixedListElem = 1 << 30
)

// primitive converts a primitive value type, checking its feature.
func (s *state) primitive(off uint64, p binary.PrimValType) wit.Primitive {
	switch p {
	case binary.PrimBool:
		return wit.Bool
	case binary.PrimS8:
		return wit.S8
	case binary.PrimU8:
		return wit.U8
	case binary.PrimS16:
		return wit.S16
	case binary.PrimU16:
		return wit.U16
	case binary.PrimS32:
		return wit.S32
	case binary.PrimU32:
		return wit.U32
	case binary.PrimS64:
		return wit.S64
	case binary.PrimU64:
		return wit.U64
	case binary.PrimF32:
		return wit.F32
	case binary.PrimF64:
		return wit.F64
	case binary.PrimChar:
		return wit.Char
	case binary.PrimString:
		return wit.String
	case binary.PrimErrorContext:
		s.cx.require(off, featErrorContext, "`error-context` requires the component model error-context feature")
		return wit.ErrorContext
	}
	fail(off, "unknown primitive type 0x%02x", uint8(p))
	return 0
}

// valType converts a value type reference (create_component_val_type).
func (s *state) valType(off uint64, vt binary.ValType) wit.Type {
	if vt.IsPrim() {
		return s.primitive(off, vt.Prim)
	}
	return s.definedAt(off, vt.Index)
}

func (s *state) optValType(off uint64, vt *binary.ValType) wit.Type {
	if vt == nil {
		return nil
	}
	return s.valType(off, *vt)
}

// flatBuf accumulates a flattening, remembering overflow.
type flatBuf struct {
	ts   []wit.CoreType
	over bool
}

func (b *flatBuf) push(i *tinfo) {
	if b.over || i.over || len(b.ts)+len(i.flat) > maxFlat {
		b.over, b.ts = true, nil
		return
	}
	b.ts = append(b.ts, i.flat...)
}

func alignTo(n uint64, a uint32) uint64 {
	if a == 0 {
		a = 1
	}
	return (n + uint64(a) - 1) / uint64(a) * uint64(a)
}

func discriminant(cases int) uint32 {
	switch {
	case cases <= 0x100:
		return 1
	case cases <= 0x10000:
		return 2
	}
	return 4
}

func checkValueSize(off uint64, size uint64) uint32 {
	if size >= maxValueSize {
		fail(off, "value type's maximum in-memory size exceeds maximum byte size")
	}
	return uint32(size)
}

// recordInfo lays out a record or tuple of the given parts.
func (cx *checker) recordInfo(off uint64, parts []wit.Type) tinfo {
	ti := tinfo{tsize: newSize(), align: 1}
	var size uint64
	var b flatBuf
	for _, p := range parts {
		pi := cx.info(p)
		ti.add(off, pi.tsize)
		size = alignTo(size, pi.align) + uint64(pi.elemSize)
		ti.align = max(ti.align, pi.align)
		ti.borrow = ti.borrow || pi.borrow
		ti.handle = ti.handle || pi.handle
		ti.ptr = ti.ptr || pi.ptr
		b.push(pi)
	}
	ti.elemSize = checkValueSize(off, alignTo(size, ti.align))
	ti.flat, ti.over = b.ts, b.over
	return ti
}

// variantInfo lays out a variant of cases cases whose payloads are given
// (nil for none).
func (cx *checker) variantInfo(off uint64, cases int, payloads []wit.Type) tinfo {
	ti := tinfo{tsize: newSize()}
	disc := discriminant(cases)
	var psize uint64
	palign := uint32(1)
	var joined []wit.CoreType
	over := false
	for _, p := range payloads {
		if p == nil {
			continue
		}
		pi := cx.info(p)
		ti.add(off, pi.tsize)
		psize = max(psize, uint64(pi.elemSize))
		palign = max(palign, pi.align)
		ti.borrow = ti.borrow || pi.borrow
		ti.handle = ti.handle || pi.handle
		ti.ptr = ti.ptr || pi.ptr
		if over || pi.over || 1+len(pi.flat) > maxFlat {
			over = true
			continue
		}
		for i, t := range pi.flat {
			if i < len(joined) {
				joined[i] = joinCore(joined[i], t)
			} else {
				joined = append(joined, t)
			}
		}
	}
	ti.align = max(disc, palign)
	ti.elemSize = checkValueSize(off, alignTo(alignTo(uint64(disc), palign)+psize, ti.align))
	if over {
		ti.over = true
	} else {
		ti.flat = append([]wit.CoreType{wit.CoreI32}, joined...)
	}
	return ti
}

func joinCore(a, b wit.CoreType) wit.CoreType {
	switch {
	case a == b:
		return a
	case (a == wit.CoreI32 && b == wit.CoreF32) || (a == wit.CoreF32 && b == wit.CoreI32):
		return wit.CoreI32
	}
	return wit.CoreI64
}

var (
	flatI32     = []wit.CoreType{wit.CoreI32}
	flatPtrPair = []wit.CoreType{wit.CoreI32, wit.CoreI32}
)

// labels checks that labels are kebab-case and strongly unique.
type labels struct {
	what string
	seen map[string]string
}

func (l *labels) add(off uint64, name string) {
	if !isKebab(name) {
		if name == "" {
			fail(off, "%s name cannot be empty", l.what)
		}
		fail(off, "%s name `%s` is not in kebab case", l.what, name)
	}
	if l.seen == nil {
		l.seen = map[string]string{}
	}
	key := kebabKey(name)
	if prev, ok := l.seen[key]; ok {
		fail(off, "%s name `%s` conflicts with previous %s name `%s`", l.what, name, l.what, prev)
	}
	l.seen[key] = name
}

// definedType creates a defined value type (create_defined_type).
func (s *state) definedType(off uint64, t binary.Type) wit.Type {
	cx := s.cx
	add := func(k wit.TypeDefKind, ti tinfo) wit.TypeID {
		return cx.addType(&wit.TypeDef{Kind: k}, ti)
	}
	single := func(elem wit.Type) tinfo {
		ti := tinfo{tsize: newSize()}
		ti.add(off, cx.info(elem).tsize)
		return ti
	}
	switch t := t.(type) {
	case binary.PrimValType:
		return s.primitive(off, t)
	case *binary.RecordType:
		if len(t.Fields) == 0 {
			fail(off, "record type must have at least one field")
		}
		checkMax(off, 0, len(t.Fields), maxRecordFields, "record fields")
		l := labels{what: "record field"}
		rec := &wit.Record{}
		parts := make([]wit.Type, 0, len(t.Fields))
		for _, f := range t.Fields {
			l.add(off, f.Name)
			ft := s.valType(off, f.Type)
			rec.Fields = append(rec.Fields, wit.Field{Name: f.Name, Type: ft})
			parts = append(parts, ft)
		}
		return add(rec, cx.recordInfo(off, parts))
	case *binary.VariantType:
		if len(t.Cases) == 0 {
			fail(off, "variant type must have at least one case")
		}
		checkMax(off, 0, len(t.Cases), maxVariantCases, "variant cases")
		l := labels{what: "variant case"}
		v := &wit.Variant{}
		payloads := make([]wit.Type, 0, len(t.Cases))
		for _, c := range t.Cases {
			l.add(off, c.Name)
			ct := s.optValType(off, c.Type)
			v.Cases = append(v.Cases, wit.Case{Name: c.Name, Type: ct})
			payloads = append(payloads, ct)
		}
		return add(v, cx.variantInfo(off, len(t.Cases), payloads))
	case *binary.ListType:
		elem := s.valType(off, t.Elem)
		ti := single(elem)
		ei := cx.info(elem)
		ti.elemSize, ti.align, ti.ptr = 16, 8, true
		ti.borrow, ti.handle = ei.borrow, ei.handle
		ti.flat = flatPtrPair
		return add(&wit.List{Elem: elem}, ti)
	case *binary.MapType:
		cx.require(off, featMap, "Maps require the component model map feature")
		key := s.valType(off, t.Key)
		switch key {
		case wit.Bool, wit.S8, wit.U8, wit.S16, wit.U16, wit.S32, wit.U32, wit.S64, wit.U64, wit.Char, wit.String:
		default:
			fail(off, "invalid map key type")
		}
		val := s.valType(off, t.Value)
		vi := cx.info(val)
		if vi.handle {
			fail(off, "map value type cannot contain a handle")
		}
		ti := tinfo{tsize: newSize(), elemSize: 16, align: 8, ptr: true, flat: flatPtrPair}
		ti.add(off, cx.info(key).tsize)
		ti.add(off, vi.tsize)
		ti.borrow = vi.borrow
		return add(&wit.Map{Key: key, Value: val}, ti)
	case *binary.FixedListType:
		cx.require(off, featFixedLists, "Fixed-length lists require the component model fixed-length lists feature")
		if t.Len < 1 {
			fail(off, "Fixed-length lists must have more than zero elements")
		}
		checkMax(off, 0, int(t.Len), maxFixedListElem, "fixed-length list element")
		elem := s.valType(off, t.Elem)
		ei := cx.info(elem)
		ti := single(elem)
		ti.elemSize = checkValueSize(off, uint64(ei.elemSize)*uint64(t.Len))
		ti.align, ti.borrow, ti.handle, ti.ptr = ei.align, ei.borrow, ei.handle, ei.ptr
		if ei.over || uint64(len(ei.flat))*uint64(t.Len) > maxFlat {
			ti.over = true
		} else {
			for range t.Len {
				ti.flat = append(ti.flat, ei.flat...)
			}
		}
		return add(&wit.FixedList{Elem: elem, Len: t.Len}, ti)
	case *binary.TupleType:
		if len(t.Types) == 0 {
			fail(off, "tuple type must have at least one type")
		}
		checkMax(off, 0, len(t.Types), maxTupleTypes, "tuple types")
		tu := &wit.Tuple{}
		for _, e := range t.Types {
			tu.Types = append(tu.Types, s.valType(off, e))
		}
		return add(tu, cx.recordInfo(off, tu.Types))
	case *binary.FlagsType:
		if len(t.Names) == 0 {
			fail(off, "flags must have at least one entry")
		}
		if len(t.Names) > maxFlags {
			fail(off, "cannot have more than 32 flags")
		}
		l := labels{what: "flag"}
		fl := &wit.Flags{}
		for _, n := range t.Names {
			l.add(off, n)
			fl.Flags = append(fl.Flags, wit.Flag{Name: n})
		}
		size := uint32(1)
		if len(t.Names) > 16 {
			size = 4
		} else if len(t.Names) > 8 {
			size = 2
		}
		return add(fl, tinfo{tsize: newSize(), elemSize: size, align: size, flat: flatI32})
	case *binary.EnumType:
		if len(t.Names) == 0 {
			fail(off, "enum type must have at least one variant")
		}
		checkMax(off, 0, len(t.Names), maxEnumCases, "enum cases")
		l := labels{what: "enum tag"}
		en := &wit.Enum{}
		for _, n := range t.Names {
			l.add(off, n)
			en.Cases = append(en.Cases, wit.EnumCase{Name: n})
		}
		d := discriminant(len(t.Names))
		return add(en, tinfo{tsize: newSize(), elemSize: d, align: d, flat: flatI32})
	case *binary.OptionType:
		elem := s.valType(off, t.Elem)
		return add(&wit.Option{Type: elem}, cx.variantInfo(off, 2, []wit.Type{nil, elem}))
	case *binary.ResultType:
		ok, er := s.optValType(off, t.OK), s.optValType(off, t.Err)
		return add(&wit.Result{OK: ok, Err: er}, cx.variantInfo(off, 2, []wit.Type{ok, er}))
	case *binary.OwnType:
		r, alias := s.resourceAt(off, t.Resource)
		return add(&wit.Own{Resource: r}, tinfo{tsize: newSize(), elemSize: 4, align: 4, handle: true, flat: flatI32, alias: alias})
	case *binary.BorrowType:
		r, alias := s.resourceAt(off, t.Resource)
		return add(&wit.Borrow{Resource: r}, tinfo{tsize: newSize(), elemSize: 4, align: 4, handle: true, borrow: true, flat: flatI32, alias: alias})
	case *binary.FutureType:
		cx.require(off, featAsync, "`future` requires the component model async feature")
		elem := s.optValType(off, t.Elem)
		ti := tinfo{tsize: newSize(), elemSize: 4, align: 4, handle: true, flat: flatI32}
		if elem != nil {
			ei := cx.info(elem)
			if ei.borrow {
				fail(off, "`future` payload cannot contain a `borrow` type")
			}
			ti.add(off, ei.tsize)
		}
		return add(&wit.Future{Elem: elem}, ti)
	case *binary.StreamType:
		cx.require(off, featAsync, "`stream` requires the component model async feature")
		elem := s.optValType(off, t.Elem)
		ti := tinfo{tsize: newSize(), elemSize: 4, align: 4, handle: true, flat: flatI32}
		if elem != nil {
			if elem == wit.Char {
				fail(off, "`stream<char>` is not valid at this time, use `stream<u8>` with a defined by encoding instead for now")
			}
			ei := cx.info(elem)
			if ei.borrow {
				fail(off, "`stream` payload cannot contain a `borrow` type")
			}
			ti.add(off, ei.tsize)
		}
		return add(&wit.Stream{Elem: elem}, ti)
	}
	fail(off, "unexpected defined type %T", t)
	return nil
}

// funcType creates a function type (create_function_type).
func (s *state) funcType(off uint64, t *binary.FuncType) *FuncType {
	if t.Async {
		s.cx.require(off, featAsync, "async component functions require the component model async feature")
	}
	ft := &FuncType{Async: t.Async, info: newSize()}
	l := labels{what: "function parameter"}
	for _, p := range t.Params {
		l.add(off, p.Name)
		pt := s.valType(off, p.Type)
		ft.info.add(off, s.cx.info(pt).tsize)
		ft.Params = append(ft.Params, Param{Name: p.Name, Type: pt})
	}
	if t.Result != nil {
		rt := s.valType(off, *t.Result)
		ri := s.cx.info(rt)
		if ri.borrow {
			fail(off, "function result cannot contain a `borrow` type")
		}
		ft.info.add(off, ri.tsize)
		ft.Result = rt
	}
	return ft
}

// addType handles a type definition of a type section or declaration
// (add_type).
func (s *state) addType(off uint64, t binary.Type) Extern {
	var e Extern
	switch t := t.(type) {
	case *binary.FuncType:
		e = Extern{Sort: binary.SortType, Func: s.funcType(off, t)}
	case *binary.ComponentType:
		e = Extern{Sort: binary.SortType, Component: s.componentType(off, t)}
	case *binary.InstanceType:
		e = Extern{Sort: binary.SortType, Instance: s.instanceType(off, t)}
	case *binary.ResourceType:
		if s.kind != kindComponent {
			fail(off, "resources can only be defined within a concrete component")
		}
		switch t.Rep {
		case binary.I32:
		case binary.I64:
			s.cx.require(off, featCM64, "resources with `i64` require the `cm64` feature to be enabled")
			failNotSupported(off, "resources represented by i64 (cm64)")
		default:
			fail(off, "resources can only be represented by `i32` or `i64`")
		}
		if t.Dtor != nil {
			ft := s.coreFuncAt(off, *t.Dtor)
			if ft == nil || !sameCoreFunc(ft, &CoreFuncType{Params: []binary.CoreValType{binary.I32}}) {
				fail(off, "core function %d has wrong signature for a destructor", *t.Dtor)
			}
		}
		id := s.cx.newResource("")
		s.addDefined(id, true)
		s.cx.res[id] = &ResourceInfo{Dtor: t.Dtor, Component: s.comp}
		e = Extern{Sort: binary.SortType, Type: id}
	default:
		e = Extern{Sort: binary.SortType, Type: s.definedType(off, t)}
	}
	checkMax(off, len(s.types)+len(s.coreTypes), 1, maxTypes, "types")
	s.types = append(s.types, e)
	return e
}

// typeSize returns the effective size of the content of a type item.
func (cx *checker) typeSize(e Extern) tsize {
	switch {
	case e.Func != nil:
		return e.Func.info
	case e.Instance != nil:
		return e.Instance.info
	case e.Component != nil:
		return e.Component.info
	case e.Module != nil:
		return e.Module.info
	}
	if e.Sort == binary.SortValue {
		return cx.info(e.value).tsize
	}
	return cx.info(e.Type).tsize
}

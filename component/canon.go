package component

import (
	"context"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// This file is the Canonical ABI (CanonicalABI.md) for dynamic Values: one Go
// function per spec function — lift/lower between Values and flat core
// values, load/store between Values and linear memory. Flat values are the
// uint64 bit patterns wazero uses on its stack, so the spec's `join`
// coercions between i32, i64, f32 and f64 slots are the identity when
// lowering and a 32-bit truncation when lifting.

// Limits from the spec.
const (
	maxStringByteLength = 1<<28 - 1
	utf16Tag            = 1 << 31
	canonicalNaN32      = 0x7fc00000
	canonicalNaN64      = 0x7ff8000000000000
)

// trapError is raised (by panic) when the guest breaks the Canonical ABI;
// the call boundary turns it into a *Trap.
type trapError struct{ reason string }

func trap(format string, args ...any) {
	panic(&trapError{reason: fmt.Sprintf(format, args...)})
}

// valueError is raised (by panic) when the host passes a Value that does
// not fit its type; the call boundary returns it as an error.
type valueError struct{ msg string }

func badValue(format string, args ...any) {
	panic(&valueError{msg: fmt.Sprintf(format, args...)})
}

// canonCx is the context of one lift or lower: the spec's LiftLowerContext.
type canonCx struct {
	ctx     context.Context
	r       *wit.Resolve
	abi     *wit.ABI
	mem     api.Memory
	realloc api.Function
	enc     types.StringEncoding
	inst    *instance
}

func (cx *canonCx) kind(t wit.Type) (wit.TypeDefKind, wit.TypeID) {
	id := t.(wit.TypeID)
	for {
		k := cx.r.Types[id].Kind
		if a, ok := k.(*wit.Alias); ok {
			if next, ok := a.Type.(wit.TypeID); ok {
				id = next
				continue
			}
		}
		return k, id
	}
}

// ---- memory access ----

func (cx *canonCx) memory() api.Memory {
	if cx.mem == nil {
		trap("no memory to read or write (missing canon memory option)")
	}
	return cx.mem
}

func (cx *canonCx) read(ptr, n uint32) []byte {
	b, ok := cx.memory().Read(ptr, n)
	if !ok {
		trap("out of bounds memory access: %d bytes at 0x%x", n, ptr)
	}
	return b
}

func (cx *canonCx) write(ptr uint32, b []byte) {
	if !cx.memory().Write(ptr, b) {
		trap("out of bounds memory access: %d bytes at 0x%x", len(b), ptr)
	}
}

func (cx *canonCx) loadInt(ptr, n uint32) uint64 {
	b := cx.read(ptr, n)
	var v uint64
	for i := int(n) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func (cx *canonCx) storeInt(ptr, n uint32, v uint64) {
	var b [8]byte
	for i := uint32(0); i < n; i++ {
		b[i] = byte(v >> (8 * i))
	}
	cx.write(ptr, b[:n])
}

// alloc calls the guest's realloc for a new block.
func (cx *canonCx) alloc(align, size uint32) uint32 {
	if cx.realloc == nil {
		trap("no realloc to allocate guest memory (missing canon realloc option)")
	}
	res, err := cx.realloc.Call(cx.ctx, 0, 0, uint64(align), uint64(size))
	if err != nil {
		panic(err)
	}
	ptr := uint32(res[0])
	if ptr%align != 0 {
		trap("realloc returned a misaligned pointer 0x%x (alignment %d)", ptr, align)
	}
	if uint64(ptr)+uint64(size) > uint64(cx.memory().Size()) {
		trap("realloc returned an out of bounds pointer 0x%x for %d bytes", ptr, size)
	}
	return ptr
}

// ---- lifting from flat values ----

// flatIter walks flat core values.
type flatIter struct {
	vals []uint64
	i    int
}

func (it *flatIter) next() uint64 {
	if it.i >= len(it.vals) {
		trap("internal: too few flat values")
	}
	v := it.vals[it.i]
	it.i++
	return v
}

func (cx *canonCx) liftFlat(t wit.Type, it *flatIter) Value {
	if p, ok := t.(wit.Primitive); ok {
		if p == wit.String {
			ptr, n := uint32(it.next()), uint32(it.next())
			return cx.loadStringRange(ptr, n)
		}
		return cx.liftPrim(p, it.next())
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.List:
		ptr, n := uint32(it.next()), uint32(it.next())
		return cx.loadList(k.Elem, ptr, n)
	case *wit.Map:
		ptr, n := uint32(it.next()), uint32(it.next())
		return cx.loadMap(k, ptr, n)
	case *wit.FixedList:
		out := make(List, k.Len)
		for i := range out {
			out[i] = cx.liftFlat(k.Elem, it)
		}
		return out
	case *wit.Record:
		out := make(Record, len(k.Fields))
		for i, f := range k.Fields {
			out[i] = Field{Name: f.Name, Value: cx.liftFlat(f.Type, it)}
		}
		return out
	case *wit.Tuple:
		out := make(Tuple, len(k.Types))
		for i, e := range k.Types {
			out[i] = cx.liftFlat(e, it)
		}
		return out
	case *wit.Flags:
		var names Flags
		for w := 0; w < wit.FlagsI32Count(len(k.Flags)); w++ {
			bits := uint32(it.next())
			for b := 0; b < 32 && w*32+b < len(k.Flags); b++ {
				if bits&(1<<b) != 0 {
					names = append(names, k.Flags[w*32+b].Name)
				}
			}
		}
		return names
	case *wit.Enum:
		d := uint32(it.next())
		if d >= uint32(len(k.Cases)) {
			trap("enum discriminant %d out of range (%d cases)", d, len(k.Cases))
		}
		return Enum(k.Cases[d].Name)
	case *wit.Variant, *wit.Option, *wit.Result:
		return cx.liftFlatVariant(id, it)
	case *wit.Own:
		return cx.inst.liftOwn(k.Resource, uint32(it.next()))
	case *wit.Borrow:
		return cx.inst.liftBorrow(k.Resource, uint32(it.next()))
	case *wit.Resource:
		return cx.inst.liftOwn(id, uint32(it.next()))
	}
	trap("not supported yet: lifting %s", cx.r.TypeString(t))
	return nil
}

// cases returns the payload types of a variant-like type, and a function
// building the Value of case i with payload p.
func (cx *canonCx) cases(id wit.TypeID) ([]wit.Type, func(int, Value) Value) {
	switch k := cx.r.Types[id].Kind.(type) {
	case *wit.Variant:
		ts := make([]wit.Type, len(k.Cases))
		for i, c := range k.Cases {
			ts[i] = c.Type
		}
		return ts, func(i int, p Value) Value { return Variant{Case: k.Cases[i].Name, Value: p} }
	case *wit.Option:
		return []wit.Type{nil, k.Type}, func(i int, p Value) Value { return Option{Value: p} }
	case *wit.Result:
		return []wit.Type{k.OK, k.Err}, func(i int, p Value) Value { return Result{IsErr: i == 1, Value: p} }
	}
	panic("wit: not a variant")
}

func (cx *canonCx) liftFlatVariant(id wit.TypeID, it *flatIter) Value {
	flat := cx.abi.Layout(id).Flat
	cases, mk := cx.cases(id)
	d := uint32(it.next())
	if d >= uint32(len(cases)) {
		trap("%s discriminant %d out of range (%d cases)", cx.r.TypeString(id), d, len(cases))
	}
	payload := it.vals[it.i : it.i+len(flat)-1]
	it.i += len(flat) - 1
	var v Value
	if t := cases[d]; t != nil {
		pflat := cx.abi.Layout(t).Flat
		vals := make([]uint64, len(pflat))
		for i, ct := range pflat {
			x := payload[i]
			if ct == wit.CoreI32 || ct == wit.CoreF32 {
				x = uint64(uint32(x))
			}
			vals[i] = x
		}
		v = cx.liftFlat(t, &flatIter{vals: vals})
	}
	return mk(int(d), v)
}

func (cx *canonCx) liftPrim(p wit.Primitive, x uint64) Value {
	switch p {
	case wit.Bool:
		return Bool(uint32(x) != 0)
	case wit.U8:
		return U8(x)
	case wit.S8:
		return S8(int8(x))
	case wit.U16:
		return U16(x)
	case wit.S16:
		return S16(int16(x))
	case wit.U32:
		return U32(x)
	case wit.S32:
		return S32(int32(uint32(x)))
	case wit.U64:
		return U64(x)
	case wit.S64:
		return S64(int64(x))
	case wit.F32:
		f := math.Float32frombits(uint32(x))
		if f != f {
			f = math.Float32frombits(canonicalNaN32)
		}
		return F32(f)
	case wit.F64:
		f := math.Float64frombits(x)
		if f != f {
			f = math.Float64frombits(canonicalNaN64)
		}
		return F64(f)
	case wit.Char:
		return Char(toChar(uint32(x)))
	}
	trap("not supported yet: lifting %s", p)
	return nil
}

func toChar(i uint32) rune {
	if i >= 0x110000 || (i >= 0xd800 && i <= 0xdfff) {
		trap("invalid char: 0x%x is not a Unicode scalar value", i)
	}
	return rune(i)
}

// ---- loading from memory ----

func (cx *canonCx) load(t wit.Type, ptr uint32) Value {
	if p, ok := t.(wit.Primitive); ok {
		switch p {
		case wit.Bool:
			return Bool(cx.loadInt(ptr, 1) != 0)
		case wit.U8, wit.S8:
			return cx.liftPrim(p, cx.loadInt(ptr, 1))
		case wit.U16, wit.S16:
			return cx.liftPrim(p, cx.loadInt(ptr, 2))
		case wit.U32, wit.S32, wit.F32, wit.Char:
			return cx.liftPrim(p, cx.loadInt(ptr, 4))
		case wit.U64, wit.S64, wit.F64:
			return cx.liftPrim(p, cx.loadInt(ptr, 8))
		case wit.String:
			return cx.loadString(ptr)
		}
		trap("not supported yet: loading %s", p)
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.List:
		return cx.loadList(k.Elem, uint32(cx.loadInt(ptr, 4)), uint32(cx.loadInt(ptr+4, 4)))
	case *wit.Map:
		return cx.loadMap(k, uint32(cx.loadInt(ptr, 4)), uint32(cx.loadInt(ptr+4, 4)))
	case *wit.FixedList:
		size := cx.abi.Layout(k.Elem).Size
		out := make(List, k.Len)
		for i := range out {
			out[i] = cx.load(k.Elem, ptr+uint32(i)*size)
		}
		return out
	case *wit.Record:
		offs := cx.abi.FieldOffsets(id)
		out := make(Record, len(k.Fields))
		for i, f := range k.Fields {
			out[i] = Field{Name: f.Name, Value: cx.load(f.Type, ptr+offs[i])}
		}
		return out
	case *wit.Tuple:
		offs := cx.abi.FieldOffsets(id)
		out := make(Tuple, len(k.Types))
		for i, e := range k.Types {
			out[i] = cx.load(e, ptr+offs[i])
		}
		return out
	case *wit.Flags:
		size := wit.FlagsSize(len(k.Flags))
		var names Flags
		for i, f := range k.Flags {
			word := cx.loadInt(ptr+uint32(i/32)*4, min(size, 4))
			if word&(1<<(i%32)) != 0 {
				names = append(names, f.Name)
			}
		}
		return names
	case *wit.Enum:
		d := uint32(cx.loadInt(ptr, wit.DiscriminantSize(len(k.Cases))))
		if d >= uint32(len(k.Cases)) {
			trap("enum discriminant %d out of range (%d cases)", d, len(k.Cases))
		}
		return Enum(k.Cases[d].Name)
	case *wit.Variant, *wit.Option, *wit.Result:
		cases, mk := cx.cases(id)
		d := uint32(cx.loadInt(ptr, wit.DiscriminantSize(len(cases))))
		if d >= uint32(len(cases)) {
			trap("%s discriminant %d out of range (%d cases)", cx.r.TypeString(id), d, len(cases))
		}
		var v Value
		if pt := cases[d]; pt != nil {
			v = cx.load(pt, ptr+cx.abi.PayloadOffset(id))
		}
		return mk(int(d), v)
	case *wit.Own:
		return cx.inst.liftOwn(k.Resource, uint32(cx.loadInt(ptr, 4)))
	case *wit.Borrow:
		return cx.inst.liftBorrow(k.Resource, uint32(cx.loadInt(ptr, 4)))
	case *wit.Resource:
		return cx.inst.liftOwn(id, uint32(cx.loadInt(ptr, 4)))
	}
	trap("not supported yet: loading %s", cx.r.TypeString(t))
	return nil
}

func (cx *canonCx) loadString(ptr uint32) Value {
	return cx.loadStringRange(uint32(cx.loadInt(ptr, 4)), uint32(cx.loadInt(ptr+4, 4)))
}

// loadStringRange is the spec's load_string_from_range.
func (cx *canonCx) loadStringRange(ptr, tagged uint32) Value {
	var align, size uint32
	enc := cx.enc
	units := tagged
	switch enc {
	case types.UTF8:
		align, size = 1, units
	case types.UTF16:
		align, size = 2, 2*units
	case types.Latin1UTF16:
		align = 2
		if tagged&utf16Tag != 0 {
			units = tagged &^ utf16Tag
			size, enc = 2*units, types.UTF16
		} else {
			size = units
		}
	}
	if size > maxStringByteLength {
		trap("string of %d bytes is longer than the maximum %d", size, maxStringByteLength)
	}
	if ptr%align != 0 {
		trap("misaligned string pointer 0x%x (alignment %d)", ptr, align)
	}
	b := cx.read(ptr, size)
	switch {
	case enc == types.UTF8:
		if !utf8.Valid(b) {
			trap("invalid UTF-8 in string at 0x%x", ptr)
		}
		return String(string(b))
	case enc == types.UTF16:
		u := make([]uint16, units)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		for i := 0; i < len(u); i++ {
			switch {
			case u[i] >= 0xd800 && u[i] < 0xdc00:
				if i+1 >= len(u) || u[i+1] < 0xdc00 || u[i+1] > 0xdfff {
					trap("invalid UTF-16 in string at 0x%x: unpaired surrogate", ptr)
				}
				i++
			case u[i] >= 0xdc00 && u[i] <= 0xdfff:
				trap("invalid UTF-16 in string at 0x%x: unpaired surrogate", ptr)
			}
		}
		return String(string(utf16.Decode(u)))
	}
	// latin1
	buf := make([]byte, 0, len(b))
	for _, c := range b {
		buf = utf8.AppendRune(buf, rune(c))
	}
	return String(string(buf))
}

func (cx *canonCx) listRange(elem wit.Type, ptr, n uint32) (size uint32) {
	l := cx.abi.Layout(elem)
	if ptr%l.Align != 0 {
		trap("misaligned list pointer 0x%x (alignment %d)", ptr, l.Align)
	}
	if uint64(ptr)+uint64(n)*uint64(l.Size) > uint64(cx.memory().Size()) {
		trap("list of %d elements at 0x%x is out of bounds", n, ptr)
	}
	return l.Size
}

func (cx *canonCx) loadList(elem wit.Type, ptr, n uint32) Value {
	size := cx.listRange(elem, ptr, n)
	out := make(List, n)
	for i := range out {
		out[i] = cx.load(elem, ptr+uint32(i)*size)
	}
	return out
}

// loadMap reads a map<K, V>, laid out as list<tuple<K, V>>, as a List of
// 2-tuples.
func (cx *canonCx) loadMap(k *wit.Map, ptr, n uint32) Value {
	lk, lv := cx.abi.Layout(k.Key), cx.abi.Layout(k.Value)
	align := max(lk.Align, lv.Align)
	voff := alignTo(lk.Size, lv.Align)
	size := alignTo(voff+lv.Size, align)
	if ptr%align != 0 {
		trap("misaligned map pointer 0x%x (alignment %d)", ptr, align)
	}
	if uint64(ptr)+uint64(n)*uint64(size) > uint64(cx.memory().Size()) {
		trap("map of %d entries at 0x%x is out of bounds", n, ptr)
	}
	out := make(List, n)
	for i := range out {
		e := ptr + uint32(i)*size
		out[i] = Tuple{cx.load(k.Key, e), cx.load(k.Value, e+voff)}
	}
	return out
}

func alignTo(n, align uint32) uint32 { return (n + align - 1) &^ (align - 1) }

// ---- lowering to flat values ----

func (cx *canonCx) lowerFlat(v Value, t wit.Type, out []uint64) []uint64 {
	if p, ok := t.(wit.Primitive); ok {
		if p == wit.String {
			s, ok := v.(String)
			if !ok {
				badValue("expected string, got %T", v)
			}
			ptr, n := cx.storeStringRange(string(s))
			return append(out, uint64(ptr), uint64(n))
		}
		return append(out, lowerPrim(p, v))
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.List:
		l := listOf(v)
		ptr, n := cx.storeList(k.Elem, l)
		return append(out, uint64(ptr), uint64(n))
	case *wit.Map:
		l := listOf(v)
		ptr, n := cx.storeMap(k, l)
		return append(out, uint64(ptr), uint64(n))
	case *wit.FixedList:
		l := listOf(v)
		if uint32(len(l)) != k.Len {
			badValue("expected a list of %d elements, got %d", k.Len, len(l))
		}
		for _, e := range l {
			out = cx.lowerFlat(e, k.Elem, out)
		}
		return out
	case *wit.Record:
		rec := recordOf(v, k)
		for i, f := range k.Fields {
			out = cx.lowerFlat(rec[i].Value, f.Type, out)
		}
		return out
	case *wit.Tuple:
		tu := tupleOf(v, len(k.Types))
		for i, e := range k.Types {
			out = cx.lowerFlat(tu[i], e, out)
		}
		return out
	case *wit.Flags:
		words := flagsOf(v, k)
		for _, w := range words {
			out = append(out, uint64(w))
		}
		return out
	case *wit.Enum:
		return append(out, uint64(enumOf(v, k)))
	case *wit.Variant, *wit.Option, *wit.Result:
		flat := cx.abi.Layout(id).Flat
		d, pt, pv := cx.caseOf(id, v)
		out = append(out, uint64(d))
		start := len(out)
		if pt != nil {
			out = cx.lowerFlat(pv, pt, out)
		}
		for len(out) < start+len(flat)-1 {
			out = append(out, 0)
		}
		return out
	case *wit.Own:
		return append(out, uint64(cx.inst.lowerOwn(k.Resource, v)))
	case *wit.Borrow:
		return append(out, uint64(cx.inst.lowerBorrow(k.Resource, v)))
	case *wit.Resource:
		return append(out, uint64(cx.inst.lowerOwn(id, v)))
	}
	badValue("not supported yet: lowering %s", cx.r.TypeString(t))
	return nil
}

func lowerPrim(p wit.Primitive, v Value) uint64 {
	switch p {
	case wit.Bool:
		if b, ok := v.(Bool); ok {
			if b {
				return 1
			}
			return 0
		}
	case wit.U8:
		if x, ok := v.(U8); ok {
			return uint64(x)
		}
	case wit.S8:
		if x, ok := v.(S8); ok {
			return uint64(uint32(int32(x)))
		}
	case wit.U16:
		if x, ok := v.(U16); ok {
			return uint64(x)
		}
	case wit.S16:
		if x, ok := v.(S16); ok {
			return uint64(uint32(int32(x)))
		}
	case wit.U32:
		if x, ok := v.(U32); ok {
			return uint64(x)
		}
	case wit.S32:
		if x, ok := v.(S32); ok {
			return uint64(uint32(x))
		}
	case wit.U64:
		if x, ok := v.(U64); ok {
			return uint64(x)
		}
	case wit.S64:
		if x, ok := v.(S64); ok {
			return uint64(x)
		}
	case wit.F32:
		if x, ok := v.(F32); ok {
			return uint64(math.Float32bits(float32(x)))
		}
	case wit.F64:
		if x, ok := v.(F64); ok {
			return math.Float64bits(float64(x))
		}
	case wit.Char:
		if x, ok := v.(Char); ok {
			if x < 0 || x >= 0x110000 || (x >= 0xd800 && x <= 0xdfff) {
				badValue("char %U is not a Unicode scalar value", rune(x))
			}
			return uint64(x)
		}
	default:
		badValue("not supported yet: %s values", p)
	}
	badValue("expected %s, got %T", p, v)
	return 0
}

func listOf(v Value) List {
	l, ok := v.(List)
	if !ok {
		badValue("expected a list, got %T", v)
	}
	return l
}

func tupleOf(v Value, n int) Tuple {
	t, ok := v.(Tuple)
	if !ok || len(t) != n {
		badValue("expected a tuple of %d values, got %T of length %d", n, v, len(t))
	}
	return t
}

func recordOf(v Value, k *wit.Record) Record {
	r, ok := v.(Record)
	if !ok {
		badValue("expected a record, got %T", v)
	}
	if len(r) != len(k.Fields) {
		badValue("expected a record of %d fields, got %d", len(k.Fields), len(r))
	}
	for i, f := range k.Fields {
		if r[i].Name != f.Name {
			badValue("record field %d is %q, expected %q", i, r[i].Name, f.Name)
		}
	}
	return r
}

func flagsOf(v Value, k *wit.Flags) []uint32 {
	fl, ok := v.(Flags)
	if !ok {
		badValue("expected flags, got %T", v)
	}
	words := make([]uint32, wit.FlagsI32Count(len(k.Flags)))
	for _, name := range fl {
		found := false
		for i, f := range k.Flags {
			if f.Name == name {
				words[i/32] |= 1 << (i % 32)
				found = true
				break
			}
		}
		if !found {
			badValue("unknown flag %q", name)
		}
	}
	return words
}

func enumOf(v Value, k *wit.Enum) uint32 {
	e, ok := v.(Enum)
	if !ok {
		badValue("expected an enum case, got %T", v)
	}
	for i, c := range k.Cases {
		if c.Name == string(e) {
			return uint32(i)
		}
	}
	badValue("unknown enum case %q", string(e))
	return 0
}

// caseOf returns the discriminant, payload type and payload value of a
// variant-like value.
func (cx *canonCx) caseOf(id wit.TypeID, v Value) (uint32, wit.Type, Value) {
	switch k := cx.r.Types[id].Kind.(type) {
	case *wit.Variant:
		vv, ok := v.(Variant)
		if !ok {
			badValue("expected a variant, got %T", v)
		}
		for i, c := range k.Cases {
			if c.Name == vv.Case {
				if (c.Type == nil) != (vv.Value == nil) {
					badValue("variant case %q: payload mismatch", vv.Case)
				}
				return uint32(i), c.Type, vv.Value
			}
		}
		badValue("unknown variant case %q", vv.Case)
	case *wit.Option:
		o, ok := v.(Option)
		if !ok {
			badValue("expected an option, got %T", v)
		}
		if o.Value == nil {
			return 0, nil, nil
		}
		return 1, k.Type, o.Value
	case *wit.Result:
		r, ok := v.(Result)
		if !ok {
			badValue("expected a result, got %T", v)
		}
		d, t := uint32(0), k.OK
		if r.IsErr {
			d, t = 1, k.Err
		}
		if (t == nil) != (r.Value == nil) {
			badValue("result payload mismatch")
		}
		return d, t, r.Value
	}
	panic("wit: not a variant")
}

// ---- storing to memory ----

func (cx *canonCx) store(v Value, t wit.Type, ptr uint32) {
	if p, ok := t.(wit.Primitive); ok {
		switch p {
		case wit.Bool, wit.U8, wit.S8:
			cx.storeInt(ptr, 1, lowerPrim(p, v))
		case wit.U16, wit.S16:
			cx.storeInt(ptr, 2, lowerPrim(p, v))
		case wit.U32, wit.S32, wit.F32, wit.Char:
			cx.storeInt(ptr, 4, lowerPrim(p, v))
		case wit.U64, wit.S64, wit.F64:
			cx.storeInt(ptr, 8, lowerPrim(p, v))
		case wit.String:
			s, ok := v.(String)
			if !ok {
				badValue("expected string, got %T", v)
			}
			sp, n := cx.storeStringRange(string(s))
			cx.storeInt(ptr, 4, uint64(sp))
			cx.storeInt(ptr+4, 4, uint64(n))
		default:
			badValue("not supported yet: storing %s", p)
		}
		return
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.List:
		lp, n := cx.storeList(k.Elem, listOf(v))
		cx.storeInt(ptr, 4, uint64(lp))
		cx.storeInt(ptr+4, 4, uint64(n))
	case *wit.Map:
		lp, n := cx.storeMap(k, listOf(v))
		cx.storeInt(ptr, 4, uint64(lp))
		cx.storeInt(ptr+4, 4, uint64(n))
	case *wit.FixedList:
		l := listOf(v)
		if uint32(len(l)) != k.Len {
			badValue("expected a list of %d elements, got %d", k.Len, len(l))
		}
		size := cx.abi.Layout(k.Elem).Size
		for i, e := range l {
			cx.store(e, k.Elem, ptr+uint32(i)*size)
		}
	case *wit.Record:
		rec := recordOf(v, k)
		offs := cx.abi.FieldOffsets(id)
		for i, f := range k.Fields {
			cx.store(rec[i].Value, f.Type, ptr+offs[i])
		}
	case *wit.Tuple:
		tu := tupleOf(v, len(k.Types))
		offs := cx.abi.FieldOffsets(id)
		for i, e := range k.Types {
			cx.store(tu[i], e, ptr+offs[i])
		}
	case *wit.Flags:
		words := flagsOf(v, k)
		size := wit.FlagsSize(len(k.Flags))
		if size < 4 {
			cx.storeInt(ptr, size, uint64(words[0]))
			break
		}
		for i, w := range words {
			cx.storeInt(ptr+uint32(i)*4, 4, uint64(w))
		}
	case *wit.Enum:
		cx.storeInt(ptr, wit.DiscriminantSize(len(k.Cases)), uint64(enumOf(v, k)))
	case *wit.Variant, *wit.Option, *wit.Result:
		d, pt, pv := cx.caseOf(id, v)
		cases, _ := cx.cases(id)
		cx.storeInt(ptr, wit.DiscriminantSize(len(cases)), uint64(d))
		if pt != nil {
			cx.store(pv, pt, ptr+cx.abi.PayloadOffset(id))
		}
	case *wit.Own:
		cx.storeInt(ptr, 4, uint64(cx.inst.lowerOwn(k.Resource, v)))
	case *wit.Borrow:
		cx.storeInt(ptr, 4, uint64(cx.inst.lowerBorrow(k.Resource, v)))
	case *wit.Resource:
		cx.storeInt(ptr, 4, uint64(cx.inst.lowerOwn(id, v)))
	default:
		badValue("not supported yet: storing %s", cx.r.TypeString(t))
	}
}

// storeStringRange copies a string into guest memory in the guest's
// encoding and returns the pointer and the (tagged) length in code units.
func (cx *canonCx) storeStringRange(s string) (uint32, uint32) {
	switch cx.enc {
	case types.UTF8:
		if len(s) > maxStringByteLength {
			badValue("string of %d bytes is too long", len(s))
		}
		ptr := cx.alloc(1, uint32(len(s)))
		cx.write(ptr, []byte(s))
		return ptr, uint32(len(s))
	case types.Latin1UTF16:
		latin1 := true
		for _, r := range s {
			if r > 0xff {
				latin1 = false
				break
			}
		}
		if latin1 {
			b := make([]byte, 0, len(s))
			for _, r := range s {
				b = append(b, byte(r))
			}
			if len(b) > maxStringByteLength {
				badValue("string of %d bytes is too long", len(b))
			}
			ptr := cx.alloc(2, uint32(len(b)))
			cx.write(ptr, b)
			return ptr, uint32(len(b))
		}
		ptr, n := cx.storeUTF16(s)
		return ptr, n | utf16Tag
	}
	return cx.storeUTF16(s)
}

func (cx *canonCx) storeUTF16(s string) (uint32, uint32) {
	u := utf16.Encode([]rune(s))
	if 2*len(u) > maxStringByteLength {
		badValue("string of %d code units is too long", len(u))
	}
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	ptr := cx.alloc(2, uint32(len(b)))
	cx.write(ptr, b)
	return ptr, uint32(len(u))
}

func (cx *canonCx) storeList(elem wit.Type, l List) (uint32, uint32) {
	lay := cx.abi.Layout(elem)
	size := uint64(len(l)) * uint64(lay.Size)
	if size > math.MaxUint32/2 {
		badValue("list of %d elements is too large", len(l))
	}
	ptr := cx.alloc(lay.Align, uint32(size))
	for i, e := range l {
		cx.store(e, elem, ptr+uint32(i)*lay.Size)
	}
	return ptr, uint32(len(l))
}

func (cx *canonCx) storeMap(k *wit.Map, l List) (uint32, uint32) {
	lk, lv := cx.abi.Layout(k.Key), cx.abi.Layout(k.Value)
	align := max(lk.Align, lv.Align)
	voff := alignTo(lk.Size, lv.Align)
	size := alignTo(voff+lv.Size, align)
	total := uint64(len(l)) * uint64(size)
	if total > math.MaxUint32/2 {
		badValue("map of %d entries is too large", len(l))
	}
	ptr := cx.alloc(align, uint32(total))
	for i, e := range l {
		kv := tupleOf(e, 2)
		cx.store(kv[0], k.Key, ptr+uint32(i)*size)
		cx.store(kv[1], k.Value, ptr+uint32(i)*size+voff)
	}
	return ptr, uint32(len(l))
}

package component

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
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
	maxStringByteLength = 1<<28 - 1 // MAX_STRING_BYTE_LENGTH
	maxListByteLength   = 1<<28 - 1 // MAX_LIST_BYTE_LENGTH
	utf16Tag            = 1 << 31
	canonicalNaN32      = 0x7fc00000
	canonicalNaN64      = 0x7ff8000000000000
)

// trapError is raised (by panic) when the guest breaks the Canonical ABI;
// the call boundary turns it into a *Trap. It is an error so that it
// survives wazero's recovery of a panicking host function (which wraps
// it) on its way out of nested core calls.
type trapError struct {
	reason string
	err    error // the underlying error, if any
}

func (e *trapError) Error() string { return e.reason }

func (e *trapError) Unwrap() error { return e.err }

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
	// sub is the borrow scope of a lowered call (the spec's Subtask): the
	// handles lent by lift_borrow, when lending is set.
	sub     subtask
	lending bool

	reallocStack [4]uint64 // realloc's arguments and result, without allocating

	lifted uint64 // host bytes the call's lifts have spent (charge)
}

// liftElemCost is what charge counts for a Value (an interface) and for
// each part of a composite one.
const liftElemCost = 16

// maxValueCost caps valueCost, so that sums and products of costs cannot
// wrap (a value of more than 1 GiB is over any sane budget anyway).
const maxValueCost = 1 << 30

// valueCost estimates the host bytes of a lifted value of type t, not
// counting the contents of its strings and lists (charged when they are
// loaded): what one element of a list<t> costs. At most maxValueCost.
func (cx *canonCx) valueCost(t wit.Type) uint64 {
	return min(cx.rawValueCost(t), maxValueCost)
}

func (cx *canonCx) rawValueCost(t wit.Type) uint64 {
	if _, ok := t.(wit.Primitive); ok {
		return liftElemCost
	}
	k, _ := cx.kind(t)
	switch k := k.(type) {
	case *wit.Record:
		c := uint64(liftElemCost)
		for _, f := range k.Fields {
			c += 2*liftElemCost + cx.valueCost(f.Type) // Field: name and Value
		}
		return c
	case *wit.Tuple:
		c := uint64(liftElemCost)
		for _, e := range k.Types {
			c += cx.valueCost(e)
		}
		return c
	case *wit.Variant:
		var most uint64
		for _, c := range k.Cases {
			if c.Type != nil {
				most = max(most, cx.valueCost(c.Type))
			}
		}
		return 3*liftElemCost + most
	case *wit.Option:
		return 2*liftElemCost + cx.valueCost(k.Type)
	case *wit.Result:
		var most uint64
		if k.OK != nil {
			most = cx.valueCost(k.OK)
		}
		if k.Err != nil {
			most = max(most, cx.valueCost(k.Err))
		}
		return 2*liftElemCost + most
	case *wit.Flags:
		return liftElemCost * uint64(1+len(k.Flags))
	case *wit.FixedList:
		return liftElemCost + uint64(k.Len)*cx.valueCost(k.Elem) // < 2^62
	}
	return liftElemCost // enums, handles, lists and maps (charged when loaded)
}

// charge counts n bytes that a lift is about to allocate in the host
// against the call's budget (RuntimeConfig.WithMaxLiftBytes).
func (cx *canonCx) charge(n uint64) {
	limit := uint64(DefaultMaxLiftBytes)
	if cx.inst != nil && cx.inst.rt != nil {
		limit = cx.inst.rt.maxLift
	}
	cx.lifted += n
	if cx.lifted > limit || cx.lifted < n {
		trap("the values lifted out of the guest exceed the budget of %d bytes per call (lists aliasing the same memory?)", limit)
	}
}

// describe names a variant-like type in trap messages: "option",
// "result", "variant" or "enum", with its name (or that of an alias of it)
// when it has one.
func (cx *canonCx) describe(t wit.Type) string {
	id := t.(wit.TypeID)
	name := cx.r.Types[id].Name
	for {
		a, ok := cx.r.Types[id].Kind.(*wit.Alias)
		if !ok {
			break
		}
		next, ok := a.Type.(wit.TypeID)
		if !ok {
			break
		}
		id = next
		if name == "" {
			name = cx.r.Types[id].Name
		}
	}
	def := cx.r.Types[id]
	kind := "variant"
	switch def.Kind.(type) {
	case *wit.Option:
		kind = "option"
	case *wit.Result:
		kind = "result"
	case *wit.Enum:
		kind = "enum"
	}
	if name != "" {
		return kind + " " + name
	}
	return kind
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
	ptr, err := cx.tryAlloc(align, size)
	if err != nil {
		panic(err)
	}
	return ptr
}

// tryStoreString is storeStringRange's fast path, for the typed paths: a
// valid UTF-8 string into a UTF-8 guest, copied in one write, the trap
// returned rather than raised. fast is false when it does not apply
// (other encodings, invalid or too long strings): use storeStringRange.
func (cx *canonCx) tryStoreString(s string) (ptr uint32, fast bool, te *trapError) {
	if cx.enc != types.UTF8 || len(s) > maxStringByteLength || !utf8.ValidString(s) {
		return 0, false, nil
	}
	ptr, te = cx.tryAlloc(1, uint32(len(s)))
	if te == nil {
		cx.mem.WriteString(ptr, s) // in bounds: checked by tryAlloc
	}
	return ptr, true, te
}

// tryAlloc is alloc returning its trap instead of raising it (for the
// typed paths, which avoid a recover on their success path). The block it
// returns is within memory.
func (cx *canonCx) tryAlloc(align, size uint32) (uint32, *trapError) {
	if cx.realloc == nil {
		return 0, &trapError{reason: "no realloc to allocate guest memory (missing canon realloc option)"}
	}
	if cx.mem == nil {
		return 0, &trapError{reason: "no memory to read or write (missing canon memory option)"}
	}
	// realloc runs with may_leave cleared (LiftLowerContext.reallocate).
	inst := cx.inst
	leave := inst != nil && !inst.noLeave
	if leave {
		inst.noLeave = true
	}
	st := cx.reallocStack[:]
	st[0], st[1], st[2], st[3] = 0, 0, uint64(align), uint64(size)
	err := cx.realloc.CallWithStack(cx.ctx, st)
	if leave {
		inst.noLeave = false
	}
	if err != nil {
		return 0, &trapError{reason: "realloc: " + firstLine(err.Error()), err: err}
	}
	ptr := uint32(st[0])
	if ptr%align != 0 {
		return 0, &trapError{reason: fmt.Sprintf("realloc returned a misaligned pointer 0x%x (alignment %d)", ptr, align)}
	}
	if uint64(ptr)+uint64(size) > uint64(cx.mem.Size()) {
		return 0, &trapError{reason: fmt.Sprintf("realloc returned an out of bounds pointer 0x%x for %d bytes", ptr, size)}
	}
	return ptr, nil
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
			trap("%s discriminant %d out of range (%d cases)", cx.describe(t), d, len(k.Cases))
		}
		return Enum(k.Cases[d].Name)
	case *wit.Variant, *wit.Option, *wit.Result:
		return cx.liftFlatVariant(t, id, it)
	case *wit.Own:
		return cx.liftOwn(k.Resource, uint32(it.next()))
	case *wit.Borrow:
		return cx.liftBorrow(k.Resource, uint32(it.next()))
	case *wit.Resource:
		return cx.liftOwn(id, uint32(it.next()))
	case *wit.Alias: // of a primitive type
		return cx.liftFlat(k.Type, it)
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

func (cx *canonCx) liftFlatVariant(t wit.Type, id wit.TypeID, it *flatIter) Value {
	flat := cx.abi.Layout(id).Flat
	cases, mk := cx.cases(id)
	d := uint32(it.next())
	if d >= uint32(len(cases)) {
		trap("%s discriminant %d out of range (%d cases)", cx.describe(t), d, len(cases))
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
		// load_flags: bits beyond the labels are ignored.
		size := min(wit.FlagsSize(len(k.Flags)), 4)
		var names Flags
		var word uint64
		for i, f := range k.Flags {
			if i%32 == 0 {
				word = cx.loadInt(ptr+uint32(i/32)*4, size)
			}
			if word&(1<<(i%32)) != 0 {
				names = append(names, f.Name)
			}
		}
		return names
	case *wit.Enum:
		d := uint32(cx.loadInt(ptr, wit.DiscriminantSize(len(k.Cases))))
		if d >= uint32(len(k.Cases)) {
			trap("%s discriminant %d out of range (%d cases)", cx.describe(t), d, len(k.Cases))
		}
		return Enum(k.Cases[d].Name)
	case *wit.Variant, *wit.Option, *wit.Result:
		cases, mk := cx.cases(id)
		d := uint32(cx.loadInt(ptr, wit.DiscriminantSize(len(cases))))
		if d >= uint32(len(cases)) {
			trap("%s discriminant %d out of range (%d cases)", cx.describe(t), d, len(cases))
		}
		var v Value
		if pt := cases[d]; pt != nil {
			v = cx.load(pt, ptr+cx.abi.PayloadOffset(id))
		}
		return mk(int(d), v)
	case *wit.Own:
		return cx.liftOwn(k.Resource, uint32(cx.loadInt(ptr, 4)))
	case *wit.Borrow:
		return cx.liftBorrow(k.Resource, uint32(cx.loadInt(ptr, 4)))
	case *wit.Resource:
		return cx.liftOwn(id, uint32(cx.loadInt(ptr, 4)))
	case *wit.Alias: // of a primitive type
		return cx.load(k.Type, ptr)
	}
	trap("not supported yet: loading %s", cx.r.TypeString(t))
	return nil
}

func (cx *canonCx) loadString(ptr uint32) Value {
	return cx.loadStringRange(uint32(cx.loadInt(ptr, 4)), uint32(cx.loadInt(ptr+4, 4)))
}

// loadStringRange is the spec's load_string_from_range.
func (cx *canonCx) loadStringRange(ptr, tagged uint32) Value {
	var align uint32 = 1
	var size uint64 // in bytes; 64 bits, so that 2*units cannot wrap
	enc := cx.enc
	switch enc {
	case types.UTF8:
		size = uint64(tagged)
	case types.UTF16:
		align, size = 2, 2*uint64(tagged)
	case types.Latin1UTF16:
		align = 2
		if tagged&utf16Tag != 0 {
			size, enc = 2*uint64(tagged&^utf16Tag), types.UTF16
		} else {
			size = uint64(tagged)
		}
	}
	if size > maxStringByteLength {
		trap("string of %d bytes is longer than the maximum %d", size, maxStringByteLength)
	}
	if ptr%align != 0 {
		trap("misaligned string pointer 0x%x (alignment %d)", ptr, align)
	}
	cx.charge(size)
	b := cx.read(ptr, uint32(size))
	switch enc {
	case types.UTF8:
		if !utf8.Valid(b) {
			trap("invalid UTF-8 in string at 0x%x", ptr)
		}
		return String(b)
	case types.UTF16:
		s, ok := decodeUTF16(b)
		if !ok {
			trap("invalid UTF-16 in string at 0x%x: unpaired surrogate", ptr)
		}
		return String(s)
	}
	// latin1: every byte is the code point of the same value
	buf := make([]byte, 0, 2*len(b))
	for _, c := range b {
		buf = utf8.AppendRune(buf, rune(c))
	}
	return String(buf)
}

// decodeUTF16 converts little-endian UTF-16 to UTF-8; it reports false for
// an unpaired surrogate.
func decodeUTF16(b []byte) (string, bool) {
	buf := make([]byte, 0, len(b)+len(b)/2) // a 2-byte unit takes at most 3 bytes
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(b[i]) | rune(b[i+1])<<8
		switch {
		case u < 0xd800 || u > 0xdfff:
			buf = utf8.AppendRune(buf, u)
		case u < 0xdc00 && i+3 < len(b):
			u2 := rune(b[i+2]) | rune(b[i+3])<<8
			if u2 < 0xdc00 || u2 > 0xdfff {
				return "", false
			}
			buf = utf8.AppendRune(buf, 0x10000+(u-0xd800)<<10+(u2-0xdc00))
			i += 2
		default:
			return "", false
		}
	}
	return string(buf), true
}

// listRange checks a list's memory range as load_list_from_range does and
// returns its element size.
func (cx *canonCx) listRange(elem wit.Type, ptr, n uint32) (size uint32) {
	l := cx.abi.Layout(elem)
	checkListRange(cx, ptr, n, l.Size, l.Align)
	return l.Size
}

func checkListRange(cx *canonCx, ptr, n, size, align uint32) {
	bytes := uint64(n) * uint64(size)
	if bytes > maxListByteLength {
		trap("list of %d elements of %d bytes is too long (more than %d bytes)", n, size, maxListByteLength)
	}
	if ptr%align != 0 {
		trap("misaligned list pointer 0x%x (alignment %d)", ptr, align)
	}
	if uint64(ptr)+bytes > uint64(cx.memory().Size()) {
		trap("list of %d elements at 0x%x is out of bounds", n, ptr)
	}
}

func (cx *canonCx) loadList(elem wit.Type, ptr, n uint32) Value {
	size := cx.listRange(elem, ptr, n)
	if p, ok := peelPrim(cx.r, elem); ok && p == wit.U8 {
		cx.charge(uint64(n))
		return Bytes(append([]byte(nil), cx.read(ptr, n)...))
	}
	cx.charge(uint64(n) * cx.valueCost(elem))
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
	checkListRange(cx, ptr, n, size, align)
	cx.charge(uint64(n) * (liftElemCost + cx.valueCost(k.Key) + cx.valueCost(k.Value)))
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
		ptr, n := cx.storeListValue(k.Elem, v)
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
		return append(out, uint64(cx.lowerOwn(k.Resource, v)))
	case *wit.Borrow:
		return append(out, uint64(cx.lowerBorrow(k.Resource, v)))
	case *wit.Resource:
		return append(out, uint64(cx.lowerOwn(id, v)))
	case *wit.Alias: // of a primitive type
		return cx.lowerFlat(v, k.Type, out)
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
		lp, n := cx.storeListValue(k.Elem, v)
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
		cx.storeInt(ptr, 4, uint64(cx.lowerOwn(k.Resource, v)))
	case *wit.Borrow:
		cx.storeInt(ptr, 4, uint64(cx.lowerBorrow(k.Resource, v)))
	case *wit.Resource:
		cx.storeInt(ptr, 4, uint64(cx.lowerOwn(id, v)))
	case *wit.Alias: // of a primitive type
		cx.store(v, k.Type, ptr)
	default:
		badValue("not supported yet: storing %s", cx.r.TypeString(t))
	}
}

// storeStringRange copies a string into guest memory in the guest's
// encoding and returns the pointer and the (tagged) length in code units.
func (cx *canonCx) storeStringRange(s string) (uint32, uint32) {
	if !utf8.ValidString(s) {
		badValue("string %.32q is not valid UTF-8", s)
	}
	switch cx.enc {
	case types.UTF8:
		if len(s) > maxStringByteLength {
			badValue("string of %d bytes is too long", len(s))
		}
		ptr := cx.alloc(1, uint32(len(s)))
		if !cx.memory().WriteString(ptr, s) {
			trap("out of bounds memory access: %d bytes at 0x%x", len(s), ptr)
		}
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
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = append(b, byte(r1), byte(r1>>8), byte(r2), byte(r2>>8))
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	if len(b) > maxStringByteLength {
		badValue("string of %d UTF-16 bytes is too long", len(b))
	}
	ptr := cx.alloc(2, uint32(len(b)))
	cx.write(ptr, b)
	return ptr, uint32(len(b) / 2)
}

// storeListValue stores a List, or Bytes for a list<u8> (one copy).
func (cx *canonCx) storeListValue(elem wit.Type, v Value) (uint32, uint32) {
	p, isPrim := peelPrim(cx.r, elem)
	if l, ok := v.(List); ok && isPrim && p == wit.U8 {
		b := make([]byte, len(l))
		for i, e := range l {
			u, ok := e.(U8)
			if !ok {
				badValue("list<u8> element %d: expected u8, got %T", i, e)
			}
			b[i] = byte(u)
		}
		v = Bytes(b)
	}
	if b, ok := v.(Bytes); ok {
		if !isPrim || p != wit.U8 {
			badValue("Bytes given for a list<%s>; Bytes is only for list<u8>", cx.r.TypeString(elem))
		}
		if uint64(len(b)) > math.MaxUint32/2 {
			badValue("list of %d bytes is too large", len(b))
		}
		ptr := cx.alloc(1, uint32(len(b)))
		cx.write(ptr, b)
		return ptr, uint32(len(b))
	}
	return cx.storeList(elem, listOf(v))
}

// peelPrim returns the primitive a type is, through aliases.
func peelPrim(r *wit.Resolve, t wit.Type) (wit.Primitive, bool) {
	for {
		switch x := t.(type) {
		case wit.Primitive:
			return x, true
		case wit.TypeID:
			a, ok := r.Types[x].Kind.(*wit.Alias)
			if !ok {
				return 0, false
			}
			t = a.Type
		default:
			return 0, false
		}
	}
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

// ---- calls: canon lift and canon lower ----

// callLifted is the spec's Store.lift and canon_lift for a synchronous
// function: it enters the instance (trapping on reentrance), lowers the
// arguments, calls the core function, lifts the result, checks that the
// guest dropped the borrows it was given, and calls post-return. name is
// the name the caller knows the function by (for traps); caller is the
// calling component instance, nil for the host.
func (f *funcVal) callLifted(ctx context.Context, name string, caller *instance, args []Value) (result Value, err error) {
	inst := f.inst
	comp := inst.comp.c.name
	if !inst.mayEnterFrom(caller) {
		return nil, &Trap{Component: comp, Func: name, Reason: "cannot enter component instance: it is already on the call stack"}
	}
	inst.enterFrom(caller)
	defer inst.leaveTo(caller)
	task := inst.beginTask()
	returned := false
	err = catch(comp, name, func() {
		cx := inst.getCx()
		defer inst.putCx(cx)
		f.initCx(cx, ctx)
		// The core stack: the function's own, reused, unless a call of it
		// is already running (a parent reentered from its child).
		n := max(len(f.sig.Params), len(f.sig.Results), 1)
		st := f.dynStack
		if f.dynBusy || len(st) < n {
			st = make([]uint64, n)
			if !f.dynBusy {
				f.dynStack = st
			}
		}
		if !f.dynBusy {
			f.dynBusy = true
			defer func() { f.dynBusy = false }()
		}
		// lower_flat_values(MAX_FLAT_PARAMS)
		if f.sig.IndirectParams {
			lay, offs := f.paramsLayout(cx.abi)
			ptr := cx.alloc(lay.Align, lay.Size)
			for i, p := range f.ft.Params {
				cx.store(args[i], p.Type, ptr+offs[i])
			}
			st[0] = uint64(ptr)
		} else {
			flat := st[:0]
			for i, p := range f.ft.Params {
				flat = cx.lowerFlat(args[i], p.Type, flat)
			}
		}
		if err := f.coreFunc().CallWithStack(ctx, st[:n]); err != nil {
			panic(err)
		}
		res := st[:len(f.sig.Results)]
		// lift_flat_values(MAX_FLAT_RESULTS)
		if t := f.ft.Result; t != nil {
			if f.sig.IndirectResults {
				ptr := uint32(res[0])
				cx.checkTuplePtr("result", ptr, cx.abi.Layout(t))
				result = cx.load(t, ptr)
			} else {
				result = cx.liftFlat(t, &flatIter{vals: res})
			}
		}
		// Task.return_: the borrows must have been dropped.
		returned = true
		if err := inst.endTask(task); err != nil {
			trap("%v", err)
		}
		if f.postReturn != nil {
			inst.noLeave = true
			err := f.postReturn.CallWithStack(ctx, res)
			inst.noLeave = false
			if err != nil {
				panic(&trapError{reason: "post-return: " + firstLine(err.Error()), err: err})
			}
		}
	})
	if err != nil {
		inst.noLeave = false
		if !returned {
			inst.endTask(task) // drop what the failed call left behind
		}
		return nil, err
	}
	return result, nil
}

// paramsLayout is the layout of the parameter tuple passed through memory.
func (f *funcVal) paramsLayout(abi *wit.ABI) (wit.Layout, []uint32) {
	return paramsLayout(abi, f.ft)
}

func paramsLayout(abi *wit.ABI, ft *types.FuncType) (wit.Layout, []uint32) {
	ts := make([]wit.Type, len(ft.Params))
	for i, p := range ft.Params {
		ts[i] = p.Type
	}
	return abi.TupleLayout(ts)
}

// checkTuplePtr checks a pointer to parameters or results passed through
// memory, as lift_flat_values and lower_flat_values do.
func (cx *canonCx) checkTuplePtr(what string, ptr uint32, l wit.Layout) {
	if reason := cx.tuplePtrFault(what, ptr, l); reason != "" {
		trap("%s", reason)
	}
}

// tuplePtrFault is checkTuplePtr returning the reason of its trap ("" for
// none), for the typed paths, which avoid a recover.
func (cx *canonCx) tuplePtrFault(what string, ptr uint32, l wit.Layout) string {
	switch {
	case cx.mem == nil:
		return "no memory to read or write (missing canon memory option)"
	case ptr%l.Align != 0:
		return fmt.Sprintf("misaligned %s pointer 0x%x (alignment %d)", what, ptr, l.Align)
	case uint64(ptr)+uint64(l.Size) > uint64(cx.mem.Size()):
		return fmt.Sprintf("%s pointer 0x%x is out of bounds (%d bytes)", what, ptr, l.Size)
	}
	return ""
}

// callLowered is the spec's canon_lower for a synchronous function: the
// core function a guest imports. It lifts the arguments out of the calling
// instance, calls the callee, and lowers its result back; the handles lent
// for borrow arguments are returned when the callee returns.
func (inst *instance) callLowered(ctx context.Context, d *types.LowerDef, callee *funcVal, mem api.Memory, realloc api.Function, stack []uint64) {
	c := inst.comp.c
	cx := inst.getCx()
	*cx = canonCx{ctx: ctx, r: c.types, abi: c.abi, mem: mem, realloc: realloc, enc: d.Options.Encoding, inst: inst, lending: true}
	defer func() {
		cx.sub.deliverResolve(inst)
		inst.putCx(cx)
		if r := recover(); r != nil {
			panic(importTrap(callee.name, r))
		}
	}()
	if inst.noLeave {
		trap("cannot leave component instance: called during post-return or realloc")
	}
	ft, sig := d.Type, d.Sig
	n := len(sig.Params)
	if sig.IndirectResults {
		n--
	}
	args := make([]Value, 0, len(ft.Params))
	if sig.IndirectParams {
		lay, offs := paramsLayout(cx.abi, ft)
		ptr := uint32(stack[0])
		cx.checkTuplePtr("parameter", ptr, lay)
		for i, p := range ft.Params {
			args = append(args, cx.load(p.Type, ptr+offs[i]))
		}
	} else {
		it := &flatIter{vals: stack[:n]}
		for _, p := range ft.Params {
			args = append(args, cx.liftFlat(p.Type, it))
		}
	}
	var retptr uint32
	if sig.IndirectResults {
		retptr = uint32(stack[n])
	}
	if callee.host != nil {
		ctx = inst.hostCtx(ctx)
	}
	res, err := callee.callAs(ctx, callee.name, inst, args)
	if err != nil {
		panic(&trapError{reason: firstLine(err.Error()), err: err})
	}
	if ft.Result == nil {
		return
	}
	if sig.IndirectResults {
		cx.checkTuplePtr("result", retptr, cx.abi.Layout(ft.Result))
		cx.store(res, ft.Result, retptr)
		return
	}
	cx.lowerFlat(res, ft.Result, stack[:0])
}

// getCx and putCx recycle the contexts of lowered calls, which may nest.
func (inst *instance) getCx() *canonCx {
	if n := len(inst.cxFree); n > 0 {
		cx := inst.cxFree[n-1]
		inst.cxFree = inst.cxFree[:n-1]
		return cx
	}
	return new(canonCx)
}

func (inst *instance) putCx(cx *canonCx) {
	*cx = canonCx{}
	inst.cxFree = append(inst.cxFree, cx)
}

// importTrap turns what a lowered call panicked with into the trap of the
// calling guest, naming the import.
func importTrap(name string, r any) *trapError {
	prefix := "import " + name + ": "
	switch e := r.(type) {
	case *trapError:
		return &trapError{reason: prefix + e.reason, err: e.err}
	case *valueError:
		return &trapError{reason: prefix + "the host returned a bad value: " + e.msg}
	case error:
		var te *trapError
		if errors.As(e, &te) {
			return &trapError{reason: prefix + te.reason, err: te.err}
		}
		return &trapError{reason: prefix + firstLine(e.Error()), err: e}
	}
	return &trapError{reason: prefix + fmt.Sprint(r)}
}

// catch runs body and turns what it panics with into the error of a call
// of function fn of component comp: a *Trap for traps and wasm errors, a
// plain error for host values that do not fit their type.
func catch(comp, fn string, body func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		switch e := r.(type) {
		case *valueError:
			err = fmt.Errorf("%s: %s: %s", comp, fn, e.msg)
		case error:
			var te *trapError
			if errors.As(e, &te) {
				err = &Trap{Component: comp, Func: fn, Reason: te.reason, Err: te.err}
				return
			}
			err = &Trap{Component: comp, Func: fn, Reason: firstLine(e.Error()), Err: e}
		default:
			panic(r)
		}
	}()
	body()
	return nil
}

// firstLine drops the wasm stack trace wazero appends to its errors.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, " (recovered by wazero)")
}

// mayEnterFrom, enterFrom and leaveTo are the spec's ComponentInstance
// methods: entering an instance enters its ancestors too, except those the
// caller is already in (donut wrapping).
func (inst *instance) mayEnterFrom(caller *instance) bool {
	for i := inst; i != nil; i = i.parent {
		if !caller.within(i) && i.entered {
			return false
		}
	}
	return true
}

func (inst *instance) enterFrom(caller *instance) {
	for i := inst; i != nil; i = i.parent {
		if !caller.within(i) {
			i.entered = true
		}
	}
}

func (inst *instance) leaveTo(caller *instance) {
	for i := inst; i != nil; i = i.parent {
		if !caller.within(i) {
			i.entered = false
		}
	}
}

// within reports whether anc is inst or one of its ancestors; false for
// a nil inst (the host).
func (inst *instance) within(anc *instance) bool {
	for i := inst; i != nil; i = i.parent {
		if i == anc {
			return true
		}
	}
	return false
}

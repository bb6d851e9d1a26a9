package component

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// TypedHostFunc implements an imported function without Values: the
// host's side of the typed call path (see Func.Begin for the guest's). It
// reads its arguments from c in order, as the Canonical ABI flattens its
// parameters, and writes its result with c's Return methods:
//
//	l.Root().TypedFunc("add", r, addFn, func(ctx context.Context, c *component.HostCall) error {
//		a, b := c.U32(), c.U32()
//		c.ReturnU32(a + b)
//		return nil
//	})
//
// Scalars, strings and byte lists cost no allocation in the host beyond
// the Go string or slice a String or Bytes read returns. An error traps the
// calling component, as a HostFunc's does.
type TypedHostFunc func(ctx context.Context, c *HostCall) error

// TypedFunc defines a function implemented by a TypedHostFunc, with its
// declared WIT type f (whose types live in r). Linking checks f against
// the type the component imports, as for FuncOf, so fn reads and writes
// exactly what its declared type flattens to. Handles are read and written
// with Borrow, Own and ReturnOwn, for resource types the host defines.
//
// A typed host function can only be called by components; calling it with
// Values (Func.Call on a component that re-exports the import) fails.
func (li *LinkerInstance) TypedFunc(name string, r *wit.Resolve, f *wit.Function, fn TypedHostFunc) *LinkerInstance {
	qualified := li.qualify(name)
	li.funcs[name] = func(context.Context, []Value) (Value, error) {
		return nil, fmt.Errorf("%s: a typed host function can only be called by a component", qualified)
	}
	li.sigs[name] = hostSig{r: r, f: f}
	li.typed[name] = fn
	return li
}

// HostCall is one call of a TypedHostFunc: the calling component's
// arguments, read in order, and its result, written in order. A read or a
// write the guest's memory refuses (a string out of bounds, invalid
// UTF-8, a failing realloc) records the call's first error and returns
// zero values; the call then traps with that error, whatever the function
// returns. A HostCall is valid only during its call.
type HostCall struct {
	cx   canonCx
	name string
	ft   *types.FuncType
	sig  wit.Signature

	stack     []uint64
	direct    int        // flat arguments on the stack; 0 when they are in memory
	i         int        // the next flat argument
	ptr       uint32     // the next argument in memory, when they are there
	argEnd    uint32     // the end of the arguments in memory
	argLayout wit.Layout // the arguments', when they are in memory

	result       uint64 // the flat result, when there is one
	nresults     int    // flat results written
	retptr       uint32 // the next result position in memory, when it is there
	retStart     uint32
	retLayout    wit.Layout
	indirectRets bool

	lenders []uint32 // handles lent to the call (Borrow), returned by end

	err  error
	busy bool
}

// lowerTyped makes the core function of a `canon lower` of a typed host
// function. It keeps one HostCall, reused by every call unless calls of
// the import nest.
func (inst *instance) lowerTyped(d *types.LowerDef, callee *funcVal, mem api.Memory, realloc api.Function) func(context.Context, []uint64) {
	c := inst.comp.c
	base := &HostCall{}
	hc := base
	hc.cx = canonCx{r: c.types, abi: c.abi, mem: mem, realloc: realloc, enc: d.Options.Encoding, inst: inst}
	hc.name, hc.ft, hc.sig = callee.name, d.Type, d.Sig
	n := len(d.Sig.Params)
	if d.Sig.IndirectResults {
		n--
		hc.indirectRets = true
		hc.retLayout = c.abi.Layout(d.Type.Result)
	}
	if d.Sig.IndirectParams {
		hc.argLayout, _ = paramsLayout(c.abi, d.Type)
	} else {
		hc.direct = n
	}
	fn := callee.typedHost
	return func(ctx context.Context, stack []uint64) {
		if inst.noLeave {
			panic(&trapError{reason: "import " + callee.name + ": cannot leave component instance: called during post-return or realloc"})
		}
		hc := base
		if hc.busy { // a nested call of the same import
			hc = new(HostCall)
			*hc = *base
			hc.lenders = nil // base's, in use
		}
		hc.begin(ctx, stack)
		ctx = inst.hostCtx(ctx)
		err := fn(ctx, hc)
		hc.release()
		switch {
		case hc.err != nil: // the first error: the function's own came after it
			err = hc.err
		case err == nil:
			hc.end()
			err = hc.err
		}
		hc.busy = false
		hc.cx.ctx = nil
		if err != nil {
			panic(importTrap(callee.name, &trapError{reason: firstLine(err.Error()), err: err}))
		}
	}
}

// begin readies c for a call with the core stack.
func (c *HostCall) begin(ctx context.Context, stack []uint64) {
	c.busy, c.err = true, nil
	c.cx.ctx, c.cx.lifted = ctx, 0
	c.stack, c.i, c.nresults, c.result = stack, 0, 0, 0
	if c.direct == 0 && c.sig.IndirectParams {
		c.ptr = uint32(stack[0])
		c.argEnd = c.ptr + c.argLayout.Size
		if reason := c.cx.tuplePtrFault("parameter", c.ptr, c.argLayout); reason != "" {
			c.fail("%s", reason)
		}
	}
	if c.indirectRets {
		c.retptr = uint32(stack[len(c.sig.Params)-1])
		c.retStart = c.retptr
		if reason := c.cx.tuplePtrFault("result", c.retptr, c.retLayout); reason != "" {
			c.fail("%s", reason)
		}
	}
}

// release returns the handles lent to the call.
func (c *HostCall) release() {
	if len(c.lenders) == 0 {
		return
	}
	entries := c.cx.inst.handles.entries
	for _, i := range c.lenders {
		if h := &entries[i]; h.live && h.lends > 0 {
			h.lends--
		}
	}
	c.lenders = c.lenders[:0]
}

// end checks that the function wrote its flat result and puts it on the
// stack. (A result in memory may be written in part: the payload of a
// variant case without one, say.)
func (c *HostCall) end() {
	if c.indirectRets {
		c.checkResult()
		return
	}
	if c.nresults != len(c.sig.Results) {
		c.fail("wrote %d flat results, the signature %s has %d", c.nresults, c.sig, len(c.sig.Results))
		return
	}
	if c.nresults == 1 {
		if c.checkResult(); c.err == nil {
			c.stack[0] = c.result
		}
	}
}

// Err returns the first error of the call's reads and writes, if any: the
// call traps with it whatever the function returns, and reads return zero
// values after it.
func (c *HostCall) Err() error { return c.err }

func (c *HostCall) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

// guard turns a trap or bad value raised by body into c.err.
func (c *HostCall) guard(body func()) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *trapError:
				c.fail("%s", e.reason)
			case *valueError:
				c.fail("%s", e.msg)
			case error:
				c.fail("%s", firstLine(e.Error()))
			default:
				panic(r)
			}
		}
	}()
	body()
}

// arg returns the next flat argument, or the next argument of size bytes
// from memory.
func (c *HostCall) arg(size uint32) uint64 {
	if i := c.i; i < c.direct {
		c.i = i + 1
		return c.stack[i]
	}
	return c.argSlow(size)
}

func (c *HostCall) argSlow(size uint32) uint64 {
	if c.err != nil {
		return 0
	}
	if !c.sig.IndirectParams {
		c.fail("read more arguments than the signature %s has", c.sig)
		return 0
	}
	c.ptr = alignTo(c.ptr, size)
	if c.ptr+size > c.argEnd {
		c.fail("read more arguments than the parameters' %d bytes", c.argEnd)
		return 0
	}
	b, _ := c.cx.mem.Read(c.ptr, size) // in bounds: checked by begin
	c.ptr += size
	var v uint64
	for i := int(size) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// Align moves the cursor of arguments passed in memory to a multiple of n
// (the alignment of a nested record or tuple); with flat arguments it does
// nothing.
func (c *HostCall) Align(n uint32) {
	if c.direct == 0 {
		c.ptr = alignTo(c.ptr, n)
	}
}

// Bool reads a bool argument.
func (c *HostCall) Bool() bool { return uint32(c.arg(1)) != 0 }

// U8 reads a u8 argument.
func (c *HostCall) U8() uint8 { return uint8(c.arg(1)) }

// S8 reads an s8 argument.
func (c *HostCall) S8() int8 { return int8(c.arg(1)) }

// U16 reads a u16 argument.
func (c *HostCall) U16() uint16 { return uint16(c.arg(2)) }

// S16 reads an s16 argument.
func (c *HostCall) S16() int16 { return int16(c.arg(2)) }

// U32 reads a u32 argument (also flags of up to 32 flags and enum
// discriminants).
func (c *HostCall) U32() uint32 { return uint32(c.arg(4)) }

// S32 reads an s32 argument.
func (c *HostCall) S32() int32 { return int32(uint32(c.arg(4))) }

// U64 reads a u64 argument.
func (c *HostCall) U64() uint64 { return c.arg(8) }

// S64 reads an s64 argument.
func (c *HostCall) S64() int64 { return int64(c.arg(8)) }

// F32 reads an f32 argument (NaNs canonicalized).
func (c *HostCall) F32() float32 {
	f := math.Float32frombits(uint32(c.arg(4)))
	if f != f {
		f = math.Float32frombits(canonicalNaN32)
	}
	return f
}

// F64 reads an f64 argument (NaNs canonicalized).
func (c *HostCall) F64() float64 {
	f := math.Float64frombits(c.arg(8))
	if f != f {
		f = math.Float64frombits(canonicalNaN64)
	}
	return f
}

// Char reads a char argument.
func (c *HostCall) Char() rune {
	v := uint32(c.arg(4))
	if v > maxRune || (v >= 0xd800 && v <= 0xdfff) {
		c.fail("char 0x%x is not a Unicode scalar value", v)
		return 0
	}
	return rune(v)
}

// String reads a string argument (a copy).
func (c *HostCall) String() string {
	ptr, n := uint32(c.arg(4)), uint32(c.arg(4))
	if c.err != nil {
		return ""
	}
	if c.cx.enc == types.UTF8 && n <= maxStringByteLength {
		b, ok := c.cx.mem.Read(ptr, n)
		if !ok {
			c.fail("string of %d bytes at 0x%x is out of bounds", n, ptr)
			return ""
		}
		if !utf8.Valid(b) {
			c.fail("invalid UTF-8 in string at 0x%x", ptr)
			return ""
		}
		return string(b)
	}
	var s string
	c.guard(func() { s = string(c.cx.loadStringRange(ptr, n).(String)) })
	return s
}

// Bytes reads a list<u8> argument (a copy).
func (c *HostCall) Bytes() []byte {
	ptr, n := uint32(c.arg(4)), uint32(c.arg(4))
	if c.err != nil {
		return nil
	}
	b, ok := c.cx.mem.Read(ptr, n)
	if !ok {
		c.fail("list of %d bytes at 0x%x is out of bounds", n, ptr)
		return nil
	}
	return append([]byte(nil), b...)
}

// BytesView reads a list<u8> argument without copying it: the slice is
// the guest's memory. It is valid only until the function returns or calls
// into a component (which may grow, and so move, that memory); it must not
// be retained, nor written to. Use it to pass the bytes straight on, as to
// an io.Writer.
func (c *HostCall) BytesView() []byte {
	ptr, n := uint32(c.arg(4)), uint32(c.arg(4))
	if c.err != nil {
		return nil
	}
	b, ok := c.cx.mem.Read(ptr, n)
	if !ok {
		c.fail("list of %d bytes at 0x%x is out of bounds", n, ptr)
		return nil
	}
	return b[:n:n]
}

// handle reads a handle argument of the host-defined resource type rt and
// returns its index in the guest's table.
func (c *HostCall) handle(rt *ResourceType, what string) (uint32, *handle) {
	i := uint32(c.arg(4))
	if c.err != nil {
		return 0, nil
	}
	if rt == nil || rt.owner != nil {
		c.fail("%s: typed host functions take handles of host-defined resource types only", what)
		return 0, nil
	}
	h, reason := c.cx.inst.handles.check(i, rt)
	if reason != "" {
		c.fail("%s", reason)
		return 0, nil
	}
	return i, h
}

// Borrow reads a borrow<R> argument, R being the host-defined resource
// type rt, and returns the handle's rep. The guest's handle stays lent
// until the call returns (it cannot drop it meanwhile).
func (c *HostCall) Borrow(rt *ResourceType) uint32 {
	i, h := c.handle(rt, "borrow")
	if h == nil {
		return 0
	}
	h.lends++
	c.lenders = append(c.lenders, i)
	return h.rep
}

// Own reads an own<R> argument, R being the host-defined resource type rt,
// and returns the handle's rep: the handle leaves the guest's table, and
// the host now owns the resource.
func (c *HostCall) Own(rt *ResourceType) uint32 {
	i, h := c.handle(rt, "own")
	if h == nil {
		return 0
	}
	if reason := h.movable(i); reason != "" {
		c.fail("%s", reason)
		return 0
	}
	return c.cx.inst.handles.remove(i).rep
}

// ReturnOwn writes an own<R> result, R being the host-defined resource
// type rt: the guest gets a new owned handle of the resource rep.
func (c *HostCall) ReturnOwn(rt *ResourceType, rep uint32) {
	if c.err != nil {
		return
	}
	if rt == nil || rt.owner != nil {
		c.fail("own: typed host functions return handles of host-defined resource types only")
		return
	}
	c.guard(func() {
		c.ret(uint64(c.cx.inst.handles.add(handle{rt: rt, rep: rep, own: true})), 4)
	})
}

// ret writes the next result value, of size bytes when in memory.
func (c *HostCall) ret(v uint64, size uint32) {
	if !c.indirectRets {
		if c.nresults == 0 {
			c.result = v
		}
		c.nresults++ // end reports one too many
		return
	}
	if c.err != nil {
		return
	}
	c.retptr = alignTo(c.retptr, size)
	if c.retptr+size > c.retStart+c.retLayout.Size {
		c.fail("wrote more than the result's %d bytes", c.retLayout.Size)
		return
	}
	m := c.cx.mem // in bounds: checked by begin
	switch size {
	case 1:
		m.WriteByte(c.retptr, byte(v))
	case 2:
		m.WriteUint16Le(c.retptr, uint16(v))
	case 4:
		m.WriteUint32Le(c.retptr, uint32(v))
	default:
		m.WriteUint64Le(c.retptr, v)
	}
	c.retptr += size
}

// ReturnAlign moves the cursor of a result in memory to a multiple of n
// (the alignment of a nested record or tuple).
func (c *HostCall) ReturnAlign(n uint32) {
	if c.indirectRets {
		c.retptr = alignTo(c.retptr, n)
	}
}

// ReturnBool writes a bool result.
func (c *HostCall) ReturnBool(v bool) {
	if v {
		c.ret(1, 1)
	} else {
		c.ret(0, 1)
	}
}

// ReturnU8 writes a u8 result.
func (c *HostCall) ReturnU8(v uint8) { c.ret(uint64(v), 1) }

// ReturnS8 writes an s8 result.
func (c *HostCall) ReturnS8(v int8) { c.ret(uint64(uint32(int32(v))), 1) }

// ReturnU16 writes a u16 result.
func (c *HostCall) ReturnU16(v uint16) { c.ret(uint64(v), 2) }

// ReturnS16 writes an s16 result.
func (c *HostCall) ReturnS16(v int16) { c.ret(uint64(uint32(int32(v))), 2) }

// ReturnU32 writes a u32 result (also flags, enum discriminants).
func (c *HostCall) ReturnU32(v uint32) { c.ret(uint64(v), 4) }

// ReturnS32 writes an s32 result.
func (c *HostCall) ReturnS32(v int32) { c.ret(uint64(uint32(v)), 4) }

// ReturnU64 writes a u64 result.
func (c *HostCall) ReturnU64(v uint64) { c.ret(v, 8) }

// ReturnS64 writes an s64 result.
func (c *HostCall) ReturnS64(v int64) { c.ret(uint64(v), 8) }

// ReturnF32 writes an f32 result.
func (c *HostCall) ReturnF32(v float32) { c.ret(uint64(math.Float32bits(v)), 4) }

// ReturnF64 writes an f64 result.
func (c *HostCall) ReturnF64(v float64) { c.ret(math.Float64bits(v), 8) }

// ReturnChar writes a char result.
func (c *HostCall) ReturnChar(v rune) {
	if v < 0 || v > maxRune || (v >= 0xd800 && v <= 0xdfff) {
		c.fail("the host returned char %U, not a Unicode scalar value", v)
		return
	}
	c.ret(uint64(v), 4)
}

// ReturnString copies s into the guest (through its realloc) and writes
// the string result.
func (c *HostCall) ReturnString(s string) {
	if c.err != nil {
		return
	}
	if ptr, fast, terr := c.cx.tryStoreString(s); fast {
		if terr != nil {
			c.fail("%s", terr.reason)
			return
		}
		c.ret(uint64(ptr), 4)
		c.ret(uint64(len(s)), 4)
		return
	}
	c.guard(func() { // other encodings, and the errors of bad strings
		ptr, n := c.cx.storeStringRange(s)
		c.ret(uint64(ptr), 4)
		c.ret(uint64(n), 4)
	})
}

// ReturnBytes copies b into the guest (through its realloc) and writes the
// list<u8> result.
func (c *HostCall) ReturnBytes(b []byte) {
	if c.err != nil {
		return
	}
	if uint64(len(b)) > math.MaxUint32 {
		c.fail("the host returned a list of %d bytes, too long", len(b))
		return
	}
	ptr, terr := c.cx.tryAlloc(1, uint32(len(b)))
	if terr != nil {
		c.fail("%s", terr.reason)
		return
	}
	c.cx.mem.Write(ptr, b) // in bounds: checked by tryAlloc
	c.ret(uint64(ptr), 4)
	c.ret(uint64(len(b)), 4)
}

// checkResult checks the result a typed host function wrote, as lifting
// it would: discriminants of enums and variants (options, results) in
// range, chars Unicode scalar values, down through records, tuples and
// fixed-length lists. (Strings and byte lists come from ReturnString and
// ReturnBytes, which check theirs; flags beyond their labels are ignored
// by lifting; handles from ReturnOwn are the host's own.) A guest would
// otherwise read an impossible value — undefined behaviour for some
// languages.
func (c *HostCall) checkResult() {
	t := c.ft.Result
	if t == nil || c.err != nil {
		return
	}
	var reason string
	if c.indirectRets {
		reason = c.cx.checkStored(t, c.retStart)
	} else if c.nresults == 1 {
		reason = c.cx.checkFlatScalar(t, c.result)
	}
	if reason != "" {
		c.fail("the host returned a bad value: %s", reason)
	}
}

// checkFlatScalar checks a value of type t that flattens to the one core
// value v.
func (cx *canonCx) checkFlatScalar(t wit.Type, v uint64) string {
	if p, ok := t.(wit.Primitive); ok {
		if p == wit.Char && !validChar(uint32(v)) {
			return fmt.Sprintf("char 0x%x is not a Unicode scalar value", uint32(v))
		}
		return ""
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.Enum:
		if uint32(v) >= uint32(len(k.Cases)) {
			return fmt.Sprintf("%s discriminant %d out of range (%d cases)", cx.describe(t), uint32(v), len(k.Cases))
		}
	case *wit.Variant, *wit.Option, *wit.Result: // without payloads: the discriminant alone
		if n, _ := cx.variantCase(id, 0); uint32(v) >= uint32(n) {
			return fmt.Sprintf("%s discriminant %d out of range (%d cases)", cx.describe(t), uint32(v), n)
		}
	}
	return ""
}

// checkStored checks a value of type t stored at ptr (in bounds: the
// caller checked the whole result).
func (cx *canonCx) checkStored(t wit.Type, ptr uint32) string {
	if p, ok := t.(wit.Primitive); ok {
		if p == wit.Char {
			v, _ := cx.mem.ReadUint32Le(ptr)
			if !validChar(v) {
				return fmt.Sprintf("char 0x%x is not a Unicode scalar value", v)
			}
		}
		return ""
	}
	k, id := cx.kind(t)
	switch k := k.(type) {
	case *wit.Record:
		offs := cx.abi.FieldOffsets(id)
		for i, f := range k.Fields {
			if r := cx.checkStored(f.Type, ptr+offs[i]); r != "" {
				return r
			}
		}
	case *wit.Tuple:
		offs := cx.abi.FieldOffsets(id)
		for i, e := range k.Types {
			if r := cx.checkStored(e, ptr+offs[i]); r != "" {
				return r
			}
		}
	case *wit.FixedList:
		size := cx.abi.Layout(k.Elem).Size
		for i := range k.Len {
			if r := cx.checkStored(k.Elem, ptr+i*size); r != "" {
				return r
			}
		}
	case *wit.Enum:
		d := cx.readDiscriminant(ptr, len(k.Cases))
		if d >= uint32(len(k.Cases)) {
			return fmt.Sprintf("%s discriminant %d out of range (%d cases)", cx.describe(t), d, len(k.Cases))
		}
	case *wit.Variant, *wit.Option, *wit.Result:
		n, _ := cx.variantCase(id, 0)
		d := cx.readDiscriminant(ptr, n)
		if d >= uint32(n) {
			return fmt.Sprintf("%s discriminant %d out of range (%d cases)", cx.describe(t), d, n)
		}
		if _, pt := cx.variantCase(id, d); pt != nil {
			return cx.checkStored(pt, ptr+cx.abi.PayloadOffset(id))
		}
	}
	return ""
}

// variantCase returns the number of cases of the variant-like type id (a
// variant, option or result) and the payload type of case d (nil for none
// or out of range), without allocating as cases does.
func (cx *canonCx) variantCase(id wit.TypeID, d uint32) (int, wit.Type) {
	switch k := cx.r.Types[id].Kind.(type) {
	case *wit.Variant:
		if d < uint32(len(k.Cases)) {
			return len(k.Cases), k.Cases[d].Type
		}
		return len(k.Cases), nil
	case *wit.Option:
		if d == 1 {
			return 2, k.Type
		}
	case *wit.Result:
		switch d {
		case 0:
			return 2, k.OK
		case 1:
			return 2, k.Err
		}
	}
	return 2, nil
}

// readDiscriminant reads the discriminant of a variant of n cases at ptr.
func (cx *canonCx) readDiscriminant(ptr uint32, n int) uint32 {
	switch wit.DiscriminantSize(n) {
	case 1:
		b, _ := cx.mem.ReadByte(ptr)
		return uint32(b)
	case 2:
		h, _ := cx.mem.ReadUint16Le(ptr)
		return uint32(h)
	default:
		w, _ := cx.mem.ReadUint32Le(ptr)
		return w
	}
}

func validChar(v uint32) bool { return v <= maxRune && (v < 0xd800 || v > 0xdfff) }

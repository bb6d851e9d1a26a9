package component

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/plugwit/plugwit/wit"
)

// The typed call path: generated bindings (and hand-written hot paths)
// marshal Go values straight to and from the core stack, without Values,
// reflection or allocation for scalars. A typed call is a short protocol on
// buffers the Func reuses, so a Func must not be called concurrently (nor
// must its Instance be):
//
//	p := f.Begin(ctx)
//	p.U32(a)
//	p.U32(b)
//	r, err := p.Call()
//	if err != nil { … }
//	sum := r.U32()
//	err = r.Finish() // runs post-return; r is invalid afterwards
//
// Parameters are written in order, each flattened as the Canonical ABI
// flattens it; results are read in order. Signatures whose parameters spill
// to memory (more than 16 flat values) are not supported on this path: use
// Func.Call. A result that does not fit in one flat value is read from the
// memory the core function returns a pointer to, field by field; the caller
// reads nested records and tuples with Align at their alignment.

// Params writes the parameters of a typed call. Each lifted function has
// one, made on its first typed call and reused by every later one.
type Params struct {
	f       *funcVal
	inst    *instance
	stack   []uint64 // the core stack: parameters in, results out
	cx      canonCx
	n       int // flat parameters written
	nparams int // flat parameters of the signature
	err     error
	initErr error // why the function cannot be called this way, if it cannot
	task    taskMark
	res     Results
}

// Results reads the result of a typed call.
type Results struct {
	p        *Params
	indirect bool       // the result is in memory, at the pointer in vals[0]
	ptr      uint32     // next memory position when indirect
	limit    uint64     // the end of the result in memory, when indirect
	layout   wit.Layout // the result's, when indirect
	fresh    bool       // the flat result (at most one: MAX_FLAT_RESULTS) is unread
	single   bool       // the function has a flat result
	vals     []uint64   // the core results
	// early: the call can end as soon as the core function returns (no
	// post-return, no result in memory), and Call ends it; done: it ended.
	early, done bool
}

// Begin starts a typed call of f.
func (f *Func) Begin(ctx context.Context) *Params {
	p := f.f.typed // made by Instance.Func
	if p.n != 0 {  // Call leaves it 0: no store, so that the pushes need not wait for one
		p.n = 0
	}
	p.cx.lifted = 0
	if p.err != nil { // (stores of pointers cost a write-barrier check)
		p.err = p.initErr
	}
	p.cx.ctx = ctx
	return p
}

// newTyped makes the reusable state of typed calls of fv.
func (fv *funcVal) newTyped() *Params {
	n := max(len(fv.sig.Params), len(fv.sig.Results), 1)
	fv.coreFunc() // Call uses fv.core directly
	p := &Params{f: fv, inst: fv.inst, stack: make([]uint64, n), nparams: len(fv.sig.Params)}
	defer func() { p.err = p.initErr }()
	p.res = Results{p: p, vals: p.stack[:len(fv.sig.Results)], indirect: fv.sig.IndirectResults}
	p.res.single = !p.res.indirect && len(p.res.vals) == 1
	p.res.early = !p.res.indirect && fv.postReturn == nil
	if p.res.indirect && fv.inst != nil {
		p.res.layout = fv.inst.comp.c.abi.Layout(fv.ft.Result)
	}
	switch {
	case fv.host != nil:
		p.initErr = fmt.Errorf("%s: typed calls of host functions are not supported; use Call", fv.name)
	case fv.sig.IndirectParams:
		p.initErr = fmt.Errorf("%s: parameters spill to memory; use Call", fv.name)
	case fv.opts.Async:
		p.initErr = fmt.Errorf("%s: async functions are not supported yet", fv.name)
	default:
		c := fv.inst.comp.c
		p.cx = canonCx{r: c.types, abi: c.abi, mem: fv.mem, realloc: fv.realloc, enc: fv.opts.Encoding, inst: fv.inst}
	}
	fv.typed = p
	return p
}

func (p *Params) push(v uint64) {
	n := p.n
	if n < len(p.stack) {
		p.stack[n] = v
	}
	p.n = n + 1 // one too many: Call reports it
}

// Bool writes a bool.
func (p *Params) Bool(v bool) {
	if v {
		p.push(1)
	} else {
		p.push(0)
	}
}

// U8 writes a u8.
func (p *Params) U8(v uint8) { p.push(uint64(v)) }

// S8 writes an s8.
func (p *Params) S8(v int8) { p.push(uint64(uint32(int32(v)))) }

// U16 writes a u16.
func (p *Params) U16(v uint16) { p.push(uint64(v)) }

// S16 writes an s16.
func (p *Params) S16(v int16) { p.push(uint64(uint32(int32(v)))) }

// U32 writes a u32 (also flags of up to 32 flags, enum discriminants and
// handles).
func (p *Params) U32(v uint32) { p.push(uint64(v)) }

// S32 writes an s32.
func (p *Params) S32(v int32) { p.push(uint64(uint32(v))) }

// U64 writes a u64.
func (p *Params) U64(v uint64) { p.push(v) }

// S64 writes an s64.
func (p *Params) S64(v int64) { p.push(uint64(v)) }

// F32 writes an f32.
func (p *Params) F32(v float32) { p.push(uint64(math.Float32bits(v))) }

// F64 writes an f64.
func (p *Params) F64(v float64) { p.push(math.Float64bits(v)) }

// Char writes a char.
func (p *Params) Char(v rune) {
	if v < 0 || v > maxRune || (v >= 0xd800 && v <= 0xdfff) {
		p.err = fmt.Errorf("%s: char %U is not a Unicode scalar value", p.f.name, v)
		return
	}
	p.push(uint64(v))
}

const maxRune = 0x10ffff

// String copies s into the guest (through its realloc) and writes the
// pointer and length.
func (p *Params) String(s string) {
	if p.err != nil {
		return
	}
	if ptr, fast, terr := p.cx.tryStoreString(s); fast {
		if terr != nil {
			p.trap(terr)
			return
		}
		p.push(uint64(ptr))
		p.push(uint64(len(s)))
		return
	}
	p.guard(func() { // other encodings, and the errors of bad strings
		ptr, n := p.cx.storeStringRange(s)
		p.push(uint64(ptr))
		p.push(uint64(n))
	})
}

// Bytes copies b into the guest as a list<u8> and writes the pointer and
// length.
func (p *Params) Bytes(b []byte) {
	if p.err != nil {
		return
	}
	if uint64(len(b)) > math.MaxUint32 {
		p.err = fmt.Errorf("%s: list of %d bytes is too long", p.f.name, len(b))
		return
	}
	ptr, terr := p.cx.tryAlloc(1, uint32(len(b)))
	if terr != nil {
		p.trap(terr)
		return
	}
	p.cx.mem.Write(ptr, b) // in bounds: checked by tryAlloc
	p.push(uint64(ptr))
	p.push(uint64(len(b)))
}

// trap makes e the error of the call.
func (p *Params) trap(e *trapError) {
	p.err = &Trap{Component: p.f.inst.comp.c.name, Func: p.f.name, Reason: e.reason, Err: e.err}
}

// guard turns a trap or bad value raised by body into p.err.
func (p *Params) guard(body func()) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *trapError:
				p.trap(e)
			case *valueError:
				p.err = fmt.Errorf("%s: %s", p.f.name, e.msg)
			case error:
				p.err = &Trap{Component: p.f.inst.comp.c.name, Func: p.f.name, Reason: e.Error(), Err: e}
			default:
				panic(r)
			}
		}
	}()
	body()
}

func errReentered(inst *instance, f *funcVal) error {
	return &Trap{Component: inst.comp.c.name, Func: f.name, Reason: "cannot enter component instance: it is already on the call stack"}
}

// Call calls the core function with the parameters written so far.
func (p *Params) Call() (*Results, error) {
	inst := p.inst
	if p.err != nil || p.n != p.nparams || inst.parent != nil || inst.entered {
		if err := p.enterSlow(); err != nil {
			return nil, err
		}
	} else {
		inst.entered = true // the common case, without the walk up the parents
	}
	p.n = 0
	p.task = inst.beginTask()
	r := &p.res // r.p, r.vals and r.single never change (newTyped)
	r.fresh = r.single
	// wazero turns traps, and panics of the host functions the guest calls,
	// into the error of the call.
	if err := p.f.core.CallWithStack(p.cx.ctx, p.stack); err != nil || r.indirect {
		return p.called(err)
	}
	// Reading a flat result needs nothing of the guest: without a
	// post-return the call ends here, and Finish has nothing left to do.
	if r.done = r.early; r.done {
		if inst.parent != nil || len(inst.borrowed) != p.task.borrowed { // the general end
			r.end()
			return r, nil
		}
		inst.task = p.task.task
		inst.entered = false
	}
	return r, nil
}

// enterSlow is Call's entry when there is an error to report, or when
// the instance has a parent (whose may-enter rule walks up the parents).
func (p *Params) enterSlow() error {
	f, inst := p.f, p.inst
	if p.err != nil {
		return p.err
	}
	if p.n != p.nparams {
		return fmt.Errorf("%s: wrote %d flat parameters, the signature %s has %d", f.name, p.n, f.sig, p.nparams)
	}
	if !inst.mayEnterFrom(nil) {
		return errReentered(inst, f)
	}
	inst.enterFrom(nil)
	return nil
}

// called finishes Call when the core function failed (err) or returned a
// pointer to its result, which is checked here.
func (p *Params) called(err error) (*Results, error) {
	f, inst, r := p.f, p.inst, &p.res
	if err != nil {
		err = catch(inst.comp.c.name, f.name, func() { panic(err) })
	} else {
		// The pointer to the result, checked as lift_flat_values does.
		r.ptr = uint32(p.stack[0])
		r.limit = uint64(r.ptr) + uint64(r.layout.Size)
		if reason := p.cx.tuplePtrFault("result", r.ptr, r.layout); reason != "" {
			err = &Trap{Component: inst.comp.c.name, Func: f.name, Reason: reason}
		}
	}
	if err != nil {
		inst.endTask(p.task)
		inst.leaveTo(nil)
		return nil, err
	}
	r.done = false
	return r, nil
}

func (r *Results) next(size uint32) uint64 {
	if r.fresh {
		r.fresh = false
		return r.vals[0]
	}
	return r.nextSlow(size)
}

func (r *Results) nextSlow(size uint32) uint64 {
	if !r.indirect {
		r.fail("read more results than the signature %s has", r.p.f.sig)
		return 0
	}
	if r.p.err != nil {
		return 0
	}
	r.ptr = alignTo(r.ptr, size)
	if uint64(r.ptr)+uint64(size) > r.limit {
		r.fail("read more than the result's %d bytes", r.layout.Size)
		return 0
	}
	m := r.p.cx.mem // in bounds: checked by called
	var v uint64
	switch size {
	case 1:
		b, _ := m.ReadByte(r.ptr)
		v = uint64(b)
	case 2:
		h, _ := m.ReadUint16Le(r.ptr)
		v = uint64(h)
	case 4:
		w, _ := m.ReadUint32Le(r.ptr)
		v = uint64(w)
	default:
		v, _ = m.ReadUint64Le(r.ptr)
	}
	r.ptr += size
	return v
}

func (r *Results) fail(format string, args ...any) {
	if r.p.err == nil {
		r.p.err = &Trap{Component: r.p.f.inst.comp.c.name, Func: r.p.f.name, Reason: fmt.Sprintf(format, args...)}
	}
}

// Align moves the memory cursor of an indirect result to a multiple of n
// (the alignment of a nested record or tuple).
func (r *Results) Align(n uint32) {
	if r.indirect {
		r.ptr = alignTo(r.ptr, n)
	}
}

// Bool reads a bool.
func (r *Results) Bool() bool { return uint32(r.next(1)) != 0 }

// U8 reads a u8.
func (r *Results) U8() uint8 { return uint8(r.next(1)) }

// S8 reads an s8.
func (r *Results) S8() int8 { return int8(r.next(1)) }

// U16 reads a u16.
func (r *Results) U16() uint16 { return uint16(r.next(2)) }

// S16 reads an s16.
func (r *Results) S16() int16 { return int16(r.next(2)) }

// U32 reads a u32 (also flags of up to 32 flags and enum discriminants).
func (r *Results) U32() uint32 { return uint32(r.next(4)) }

// Char reads a char; one that is not a Unicode scalar value is an error of
// the call (and reads as 0).
func (r *Results) Char() rune {
	v := uint32(r.next(4))
	if v > maxRune || (v >= 0xd800 && v <= 0xdfff) {
		r.fail("invalid char 0x%x", v)
		return 0
	}
	return rune(v)
}

// S32 reads an s32.
func (r *Results) S32() int32 { return int32(uint32(r.next(4))) }

// U64 reads a u64.
func (r *Results) U64() uint64 { return r.next(8) }

// S64 reads an s64.
func (r *Results) S64() int64 { return int64(r.next(8)) }

// F32 reads an f32 (NaNs canonicalized).
func (r *Results) F32() float32 {
	f := math.Float32frombits(uint32(r.next(4)))
	if f != f {
		f = math.Float32frombits(canonicalNaN32)
	}
	return f
}

// F64 reads an f64 (NaNs canonicalized).
func (r *Results) F64() float64 {
	f := math.Float64frombits(r.next(8))
	if f != f {
		f = math.Float64frombits(canonicalNaN64)
	}
	return f
}

// String reads a string out of the guest (a copy).
func (r *Results) String() string {
	ptr, n := uint32(r.next(4)), uint32(r.next(4))
	if r.p.err != nil {
		return ""
	}
	cx := &r.p.cx
	if cx.enc == 0 && n <= maxStringByteLength {
		b, ok := cx.mem.Read(ptr, n)
		if !ok {
			r.fail("string of %d bytes at 0x%x is out of bounds", n, ptr)
			return ""
		}
		if !utf8.Valid(b) {
			r.fail("invalid UTF-8 in string at 0x%x", ptr)
			return ""
		}
		return string(b)
	}
	var s string
	r.p.guard(func() { s = string(cx.loadStringRange(ptr, n).(String)) })
	return s
}

// Bytes reads a list<u8> out of the guest (a copy).
func (r *Results) Bytes() []byte {
	ptr, n := uint32(r.next(4)), uint32(r.next(4))
	if r.p.err != nil {
		return nil
	}
	b, ok := r.p.cx.mem.Read(ptr, n)
	if !ok {
		r.fail("list of %d bytes at 0x%x is out of bounds", n, ptr)
		return nil
	}
	return append([]byte(nil), b...)
}

// Finish ends the call: it runs the function's post-return and returns the
// first error of the call's reads.
func (r *Results) Finish() error {
	if r.done { // Call ended it
		return r.p.err
	}
	return r.finish()
}

func (r *Results) finish() error {
	f := r.p.f
	if f.postReturn != nil {
		// wazero returns traps, and panics of host functions, as errors.
		inst := r.p.inst
		inst.noLeave = true
		err := f.postReturn.CallWithStack(r.p.cx.ctx, r.vals)
		inst.noLeave = false
		if err != nil && r.p.err == nil {
			r.p.err = &Trap{Component: inst.comp.c.name, Func: f.name, Reason: "post-return: " + firstLine(err.Error()), Err: err}
		}
	}
	r.end()
	return r.p.err
}

// end ends the call: its borrow scope, and the instance is left.
func (r *Results) end() {
	p := r.p
	inst := p.inst
	if err := inst.endTask(p.task); err != nil && p.err == nil {
		p.err = &Trap{Component: inst.comp.c.name, Func: p.f.name, Reason: err.Error()}
	}
	if inst.parent == nil {
		inst.entered = false
	} else {
		inst.leaveTo(nil)
	}
}

// Signature returns the core signature the typed path writes and reads.
func (f *Func) Signature() wit.Signature { return f.f.sig }

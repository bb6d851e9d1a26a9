package component

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/wit"
)

// The tests in this file run the all-types plugin, built from
// testdata/plugins/alltypes by scripts/build-alltypes.sh with real guest
// toolchains, in two implementations of the same world: alltypes-c.wasm
// (wit-bindgen C, clang, wasi-libc) and alltypes-rust.wasm (the wit-bindgen
// crate, cargo, wasm32-wasip2). For every WIT value type T it exports
// echo-T, which passes its argument to the host's host-echo-T and returns
// the host's reply; it also defines a resource (counter) and uses one the
// host defines (hres). Every test runs against each implementation, as the
// subtests c and rust.

const (
	alltypesDir = "../testdata/plugins/alltypes"
	countersIf  = "plugwit:alltypes/counters#"
)

// alltypesImpl is one implementation of the all-types world.
type alltypesImpl struct {
	name string // the subtest; the component is alltypes-<name>.wasm
	// wasi: the component imports WASI 0.2 (Rust's std links in its
	// panic and abort paths, which use wasi:cli and wasi:io, though the
	// plugin calls none of them): the tests link stubWASI for them.
	wasi bool
}

var alltypesImpls = []alltypesImpl{{name: "c"}, {name: "rust", wasi: true}}

// component is the name the tests compile the component with (what traps
// name).
func (impl alltypesImpl) component() string { return "alltypes-" + impl.name }

func (impl alltypesImpl) wasm() string { return alltypesDir + "/" + impl.component() + ".wasm" }

// forAlltypes runs f as a subtest for each implementation.
func forAlltypes(t *testing.T, f func(t *testing.T, impl alltypesImpl)) {
	for _, impl := range alltypesImpls {
		t.Run(impl.name, func(t *testing.T) { f(t, impl) })
	}
}

// alltypes is an instance of the plugin with its host: the host imports
// record their arguments and answer with a chosen reply (by default their
// argument).
type alltypes struct {
	t     *testing.T
	impl  alltypesImpl
	ctx   context.Context
	rt    *Runtime
	c     *Compiled
	inst  *Instance
	got   map[string][]Value
	reply map[string]Value

	hres    *ResourceType
	dropped []uint32 // hres reps whose destructor ran
	taken   []uint32 // hres reps host-take-hres received

	wasi *wasiStub // the WASI stub, for impl.wasi
}

func readAlltypes(t *testing.T, impl alltypesImpl) []byte {
	t.Helper()
	b, err := os.ReadFile(impl.wasm())
	if err != nil {
		t.Fatalf("%v (rebuild it with scripts/build-alltypes.sh %s)", err, impl.name)
	}
	return b
}

// newAlltypes instantiates the plugin with dynamic host functions, and
// with typed ones for the imports typed installs (by name).
func newAlltypes(t *testing.T, impl alltypesImpl, typed func(a *alltypes, l *Linker)) *alltypes {
	t.Helper()
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	t.Cleanup(func() { rt.Close(ctx) })
	c, err := rt.Compile(ctx, readAlltypes(t, impl), WithName(impl.component()))
	if err != nil {
		t.Fatal(err)
	}
	a := &alltypes{t: t, impl: impl, ctx: ctx, rt: rt, c: c, got: map[string][]Value{}, reply: map[string]Value{}}
	a.hres = NewResourceType("hres", func(ctx context.Context, rep uint32) error {
		a.dropped = append(a.dropped, rep)
		return nil
	})
	l := NewLinker(rt)
	root := l.Root().Resource("hres", a.hres)
	hooks := map[string]HostFunc{
		"[constructor]hres": func(ctx context.Context, args []Value) (Value, error) {
			return Resource{Type: a.hres, Rep: uint32(args[0].(U32)), Own: true}, nil
		},
		"[method]hres.get": func(ctx context.Context, args []Value) (Value, error) {
			return U32(args[0].(Resource).Rep * 10), nil
		},
		"host-peek-hres": func(ctx context.Context, args []Value) (Value, error) {
			r := args[0].(Resource)
			if r.Own || r.Type != a.hres {
				return nil, fmt.Errorf("host-peek-hres got %+v, want a borrowed hres", r)
			}
			return U32(r.Rep), nil
		},
		"host-take-hres": func(ctx context.Context, args []Value) (Value, error) {
			r := args[0].(Resource)
			if !r.Own || r.Type != a.hres {
				return nil, fmt.Errorf("host-take-hres got %+v, want an owned hres", r)
			}
			a.taken = append(a.taken, r.Rep)
			return U32(r.Rep + 1000), nil
		},
		"host-make-hres": func(ctx context.Context, args []Value) (Value, error) {
			return Resource{Type: a.hres, Rep: uint32(args[0].(U32)) + 500, Own: true}, nil
		},
		"host-echo-many": func(ctx context.Context, args []Value) (Value, error) {
			return manyRecord(args), nil
		},
	}
	for _, e := range c.Imports() {
		if e.Kind != "func" {
			continue
		}
		name := e.Name
		hook := hooks[name]
		if hook == nil && !strings.HasPrefix(name, "host-echo-") {
			t.Fatalf("unexpected import %s", name)
		}
		root.Func(name, func(ctx context.Context, args []Value) (Value, error) {
			a.got[name] = append([]Value(nil), args...)
			if r, ok := a.reply[name]; ok {
				return r, nil
			}
			if hook != nil {
				return hook(ctx, args)
			}
			return args[0], nil
		})
	}
	if typed != nil {
		typed(a, l)
	}
	if impl.wasi {
		// After the plugin's own imports: stubWASI stubs what is left.
		a.wasi = stubWASI(l, c)
	}
	a.inst, err = l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.inst.Close(ctx) })
	if a.wasi != nil {
		// Nothing the tests do reaches std's WASI paths (C's abort is
		// std::process::abort, an `unreachable` that prints nothing).
		t.Cleanup(func() {
			if w := a.wasi; w.stdout.Len()+w.stderr.Len()+w.stubLog.Len() > 0 {
				t.Errorf("the plugin used WASI: stdout %q, stderr %q, stubs called:\n%s", w.stdout.String(),
					w.stderr.String(), w.stubLog.String())
			}
		})
	}
	return a
}

func (a *alltypes) call(name string, args ...Value) (Value, error) {
	a.t.Helper()
	fn := a.inst.Func(name)
	if fn == nil {
		a.t.Fatalf("no export %q", name)
	}
	return fn.Call(a.ctx, args...)
}

func (a *alltypes) mustCall(name string, args ...Value) Value {
	a.t.Helper()
	v, err := a.call(name, args...)
	if err != nil {
		a.t.Fatalf("%s: %v", name, err)
	}
	return v
}

var manyFields = strings.Split("a b c d e f g h i j k l m n o p q", " ")

func manyRecord(args []Value) Record {
	r := make(Record, len(args))
	for i, v := range args {
		r[i] = Field{Name: manyFields[i], Value: v}
	}
	return r
}

func flagsN(prefix string, bits uint32, n int) Flags {
	fl := Flags{}
	for i := range n {
		if bits&(1<<i) != 0 {
			fl = append(fl, fmt.Sprintf("%s%d", prefix, i))
		}
	}
	return fl
}

func letters(bits uint32, n int) Flags {
	fl := Flags{}
	for i := range n {
		if bits&(1<<i) != 0 {
			fl = append(fl, string(rune('a'+i)))
		}
	}
	return fl
}

// wantBig is wantValue, quicker for long byte lists (which fmtValue
// formats one element at a time).
func wantBig(t *testing.T, what string, got, want Value) {
	t.Helper()
	if w, ok := want.(Bytes); ok && len(w) > 1024 {
		g, ok := got.(Bytes)
		if l, isList := got.(List); isList {
			g, ok = Bytes(valueBytes(t, l)), true
		}
		if !ok || !bytes.Equal(g, w) {
			t.Errorf("%s: got a %T of %d bytes, want the %d bytes sent", what, got, len(g), len(w))
		}
		return
	}
	wantValue(t, what, got, want)
}

func mixedE(u uint8, f float64) Variant { return Variant{"e", Tuple{U8(u), F64(f)}} }

var (
	nan32   = f32bits(0x7fc00000) // the canonical NaNs
	nan64   = f64bits(0x7ff8000000000000)
	bigText = strings.Repeat("héllo wörld 日本 𝄞 ", 1<<16) // ~1.6 MB
)

func bigBytes() Bytes {
	b := make(Bytes, 1<<20)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func manyStrings(n int) List {
	l := make(List, n)
	for i := range l {
		l[i] = String(strings.Repeat("ab𝄞", i%17))
	}
	return l
}

// alltypesCases are the values sent to echo-T (and received by host-echo-T)
// and the host's replies (returned by echo-T).
func alltypesCases() []echoCase {
	return []echoCase{
		{fn: "bool", in: Bool(true), reply: Bool(false)},
		{fn: "bool", in: Bool(false), reply: Bool(true)},
		{fn: "s8", in: S8(math.MinInt8), reply: S8(math.MaxInt8)},
		{fn: "s8", in: S8(-1), reply: S8(0)},
		{fn: "u8", in: U8(math.MaxUint8), reply: U8(0)},
		{fn: "s16", in: S16(math.MinInt16), reply: S16(math.MaxInt16)},
		{fn: "s16", in: S16(-1), reply: S16(1)},
		{fn: "u16", in: U16(math.MaxUint16), reply: U16(1)},
		{fn: "s32", in: S32(math.MinInt32), reply: S32(math.MaxInt32)},
		{fn: "s32", in: S32(-1), reply: S32(0)},
		{fn: "u32", in: U32(math.MaxUint32), reply: U32(0)},
		{fn: "s64", in: S64(math.MinInt64), reply: S64(math.MaxInt64)},
		{fn: "s64", in: S64(-1), reply: S64(0)},
		{fn: "u64", in: U64(math.MaxUint64), reply: U64(1 << 63)},
		{fn: "f32", in: negZero32, reply: F32(float32(math.Inf(1)))},
		{fn: "f32", in: F32(float32(math.Inf(-1))), reply: F32(math.SmallestNonzeroFloat32)},
		{fn: "f32", in: F32(math.MaxFloat32), reply: F32(-1.5)},
		// NaNs lose their sign and payload when lifted.
		{fn: "f32", in: f32bits(0x7fa00001), reply: f32bits(0xffc00123), gotIn: nan32, gotR: nan32},
		{fn: "f64", in: negZero64, reply: F64(math.Inf(-1))},
		{fn: "f64", in: F64(math.MaxFloat64), reply: F64(math.SmallestNonzeroFloat64)},
		{fn: "f64", in: f64bits(0x7ff0000000000001), reply: f64bits(0xfff8000000000abc), gotIn: nan64, gotR: nan64},
		{fn: "char", in: Char(0x10ffff), reply: Char('é')},
		{fn: "char", in: Char(0xd7ff), reply: Char(0xe000)},
		{fn: "char", in: Char(0), reply: Char('𝄞')},
		{fn: "string", in: String(""), reply: String("hello")},
		{fn: "string", in: String("héllo wörld 日本 𝄞"), reply: String("\x00nul")},
		{fn: "string", in: String(bigText), reply: String("")},
		{fn: "list-u8", in: List{}, reply: bytesValue([]byte{0, 1, 255})},
		{fn: "list-u8", in: Bytes{1, 2, 255}, reply: Bytes{}, gotIn: bytesValue([]byte{1, 2, 255}), gotR: List{}},
		{fn: "list-u8", in: bigBytes(), reply: Bytes{9}},
		{fn: "list-string", in: List{String("a"), String(""), String("𝄞")}, reply: List{}},
		{fn: "list-string", in: List{}, reply: manyStrings(3)},
		{fn: "list-string", in: manyStrings(20000), reply: List{String("日本")}},
		{fn: "list-point", in: List{point(-1, 2, "p"), point(math.MaxInt32, math.MinInt32, "")}, reply: List{point(0, 0, "origin")}},
		{fn: "list-point", in: List{}, reply: List{}},
		{fn: "list-list", in: List{List{String("a"), String("b")}, List{}, List{String("日本")}}, reply: List{List{}}},
		{fn: "list-list", in: List{}, reply: List{List{String("")}, List{String("x"), String("𝄞")}}},
		{fn: "option-u32", in: None, reply: Some(U32(0))},
		{fn: "option-u32", in: Some(U32(math.MaxUint32)), reply: None},
		{fn: "option-string", in: None, reply: Some(String("x"))},
		{fn: "option-string", in: Some(String("")), reply: None},
		{fn: "option-string", in: Some(String("日本")), reply: Some(String(""))},
		{fn: "option-option", in: None, reply: Some(None)},
		{fn: "option-option", in: Some(None), reply: Some(Some(U8(255)))},
		{fn: "option-option", in: Some(Some(U8(0))), reply: None},
		{fn: "result-unit", in: Ok(nil), reply: Err(nil)},
		{fn: "result-unit", in: Err(nil), reply: Ok(nil)},
		{fn: "result-ok", in: Ok(U32(1)), reply: Err(nil)},
		{fn: "result-ok", in: Err(nil), reply: Ok(U32(math.MaxUint32))},
		{fn: "result-err", in: Ok(nil), reply: Err(String("bad"))},
		{fn: "result-err", in: Err(String("")), reply: Ok(nil)},
		{fn: "result-err", in: Err(String("日本")), reply: Err(String(""))},
		{fn: "result-both", in: Ok(String("ok")), reply: Err(U64(math.MaxUint64))},
		{fn: "result-both", in: Err(U64(7)), reply: Ok(String(""))},
		{fn: "tuple", in: Tuple{U8(7), String("tuple"), F64(-1.5)}, reply: Tuple{U8(0), String(""), negZero64}},
		{fn: "tuple", in: Tuple{U8(255), String("é"), f64bits(0xfff0000000000001)}, reply: Tuple{U8(1), String("x"), F64(1)},
			gotIn: Tuple{U8(255), String("é"), nan64}},
		{fn: "point", in: point(math.MinInt32, math.MaxInt32, "日本"), reply: point(0, -1, "")},
		{fn: "padded", in: padded(0xff, math.MaxUint64, 0xffff, 0xffffffff, 0xfe), reply: padded(1, 2, 3, 4, 5)},
		{fn: "padded", in: padded(0, 0, 0, 0, 0), reply: padded(0x80, 1<<63, 0x8000, 1<<31, 0x7f)},
		{fn: "mixed", in: Variant{"a", U64(math.MaxUint64)}, reply: Variant{"b", F32(-2.25)}},
		{fn: "mixed", in: Variant{"b", negZero32}, reply: Variant{"a", U64(1)}},
		{fn: "mixed", in: Variant{"b", f32bits(0xff800001)}, reply: Variant{"c", String("str")}, gotIn: Variant{"b", nan32}},
		{fn: "mixed", in: Variant{"c", String("日本 𝄞")}, reply: Variant{"d", nil}},
		{fn: "mixed", in: Variant{"d", nil}, reply: mixedE(255, -0.125)},
		{fn: "mixed", in: mixedE(0, math.MaxFloat64), reply: Variant{"c", String("")}},
		{fn: "small-variant", in: Variant{"f", F32(1.5)}, reply: Variant{"u", U32(math.MaxUint32)}},
		{fn: "small-variant", in: Variant{"u", U32(7)}, reply: Variant{"f", negZero32}},
		{fn: "small-variant", in: Variant{"f", f32bits(0x7f800001)}, reply: Variant{"f", F32(float32(math.Inf(-1)))},
			gotIn: Variant{"f", nan32}},
		{fn: "small-enum", in: Enum("blue"), reply: Enum("red")},
		{fn: "small-enum", in: Enum("red"), reply: Enum("green")},
		{fn: "big-enum", in: Enum("e299"), reply: Enum("e0")},
		{fn: "big-enum", in: Enum("e255"), reply: Enum("e256")},
		{fn: "flags1", in: Flags{"a"}, reply: Flags{}},
		{fn: "flags1", in: Flags{}, reply: Flags{"a"}},
		{fn: "flags9", in: Flags{"i"}, reply: Flags{"a", "i"}},
		{fn: "flags9", in: letters(0x1ff, 9), reply: Flags{}},
		{fn: "flags17", in: Flags{"q"}, reply: Flags{"a", "p", "q"}},
		{fn: "flags17", in: letters(0x1ffff, 17), reply: Flags{"h", "i"}},
		{fn: "flags32", in: flagsN("x", 0xffffffff, 32), reply: flagsN("x", 0x80000001, 32)},
		{fn: "flags32", in: Flags{}, reply: Flags{"x16"}},
	}
}

// TestAlltypesEcho sends a value of every type through an export of the C
// plugin and an import it calls, and back: host → guest (lower),
// guest → host (lift, parameters), host → guest (lower, the result into the
// guest's memory when it does not fit one core value) and guest → host
// (lift, the export's result).
func TestAlltypesEcho(t *testing.T) { forAlltypes(t, testAlltypesEcho) }

func testAlltypesEcho(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	for _, c := range alltypesCases() {
		name := c.fn + "/" + fmtValue(c.in)
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			a.t = t
			imp := "host-echo-" + c.fn
			gotIn, gotR := c.in, c.reply
			if c.gotIn != nil {
				gotIn = c.gotIn
			}
			if c.gotR != nil {
				gotR = c.gotR
			}
			a.reply[imp] = c.reply
			defer delete(a.reply, imp)
			res := a.mustCall("echo-"+c.fn, c.in)
			if args := a.got[imp]; len(args) != 1 {
				t.Fatalf("%s got %d arguments", imp, len(args))
			} else {
				wantBig(t, imp+" argument", args[0], gotIn)
			}
			wantBig(t, "result", res, gotR)
			// And the identity: the value comes back unchanged.
			delete(a.reply, imp)
			wantBig(t, "echoed", a.mustCall("echo-"+c.fn, c.in), gotIn)
		})
	}
}

func manyArgs(m Value, q Value) []Value {
	return []Value{U8(math.MaxUint8), S8(math.MinInt8), U16(math.MaxUint16), S16(math.MinInt16),
		U32(math.MaxUint32), S32(math.MinInt32), U64(math.MaxUint64), S64(math.MinInt64),
		negZero32, F64(math.Inf(-1)), Char('𝄞'), Bool(true), m, Bytes{0, 1, 2, 255},
		point(-5, 5, "pt"), Some(U32(42)), q}
}

// TestAlltypesMany: 17 parameters flatten to more than 16 core values, so
// they go through memory both ways (the host's arguments into the export,
// the guest's into the import), and the record result through the return
// area.
func TestAlltypesMany(t *testing.T) { forAlltypes(t, testAlltypesMany) }

func testAlltypesMany(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	for _, q := range []Value{Variant{"a", U64(math.MaxUint64)}, Variant{"b", F32(1.5)}, Variant{"c", String("日本")},
		Variant{"d", nil}, mixedE(9, -0.5)} {
		args := manyArgs(String("héllo"), q)
		want := manyRecord(args)
		want[13].Value = bytesValue([]byte{0, 1, 2, 255})
		res := a.mustCall("echo-many", args...)
		wantValue(t, "echo-many", res, want)
		wantValue(t, "host-echo-many arguments", manyRecord(a.got["host-echo-many"]), want)
	}
	// A reply unlike the arguments.
	reply := manyRecord([]Value{U8(0), S8(0), U16(0), S16(0), U32(0), S32(0), U64(0), S64(0), F32(0), F64(0),
		Char(0), Bool(false), String(""), List{}, point(0, 0, ""), None, Variant{"d", nil}})
	a.reply["host-echo-many"] = reply
	wantValue(t, "echo-many", a.mustCall("echo-many", manyArgs(String(bigText), Variant{"c", String("")})...), reply)
}

// TestAlltypesMemory: the plugin frees what it owns (its arguments, and
// its results in post-return): 1 MiB echoes do not grow its memory.
func TestAlltypesMemory(t *testing.T) { forAlltypes(t, testAlltypesMemory) }

func testAlltypesMemory(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	b, s := bigBytes(), String(bigText)
	l := manyStrings(5000)
	var pages [2]uint32
	for i := range 40 {
		a.mustCall("echo-list-u8", b)
		a.mustCall("echo-string", s)
		a.mustCall("echo-list-string", l)
		switch i {
		case 3:
			pages[0] = uint32(a.mustCall("memory-pages").(U32))
		case 39:
			pages[1] = uint32(a.mustCall("memory-pages").(U32))
		}
	}
	if pages[1] > pages[0] {
		t.Errorf("the plugin's memory grew from %d to %d pages: it leaks", pages[0], pages[1])
	}
	t.Logf("memory: %d pages after 4 rounds, %d after 40", pages[0], pages[1])
}

// TestAlltypesHostResource passes handles of the host's hres through the
// plugin: own and borrow, in and out, dropped by the guest.
func TestAlltypesHostResource(t *testing.T) { forAlltypes(t, testAlltypesHostResource) }

func testAlltypesHostResource(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	own := func(rep uint32) Resource { return Resource{Type: a.hres, Rep: rep, Own: true} }
	wantRes := func(what string, v Value, rep uint32) {
		t.Helper()
		r, ok := v.(Resource)
		if !ok || r.Type != a.hres || r.Rep != rep || !r.Own {
			t.Errorf("%s = %+v, want an owned hres %d", what, v, rep)
		}
	}
	// The guest calls the constructor, and host-make-hres.
	wantRes("hres-new", a.mustCall("hres-new", U32(7)), 7)
	wantRes("hres-make", a.mustCall("hres-make", U32(7)), 507)
	// Owned in, borrowed twice by the guest, owned out.
	wantRes("hres-roundtrip", a.mustCall("hres-roundtrip", own(9)), 9)
	wantValue(t, "host-peek-hres argument", a.got["host-peek-hres"][0], Resource{Type: a.hres, Rep: 9})
	// A borrow passed on by the guest (which drops it before returning).
	wantValue(t, "hres-borrow", a.mustCall("hres-borrow", Resource{Type: a.hres, Rep: 4}), U32(4+40))
	wantValue(t, "hres-borrow", a.mustCall("hres-borrow", own(3)), U32(3+30))
	// Moved to the host through the guest.
	wantValue(t, "hres-consume", a.mustCall("hres-consume", own(5)), U32(1005))
	if len(a.taken) != 1 || a.taken[0] != 5 {
		t.Errorf("host-take-hres received %v, want [5]", a.taken)
	}
	// Dropped by the guest: the host's destructor runs.
	if len(a.dropped) != 0 {
		t.Fatalf("destructor ran early: %v", a.dropped)
	}
	a.mustCall("hres-drop", own(6))
	if len(a.dropped) != 1 || a.dropped[0] != 6 {
		t.Errorf("destructor calls %v, want [6]", a.dropped)
	}
	// A borrowed handle is not an owned one.
	if _, err := a.call("hres-drop", Resource{Type: a.hres, Rep: 8}); err == nil {
		t.Errorf("hres-drop of a borrowed handle: no error")
	}
}

// TestAlltypesGuestResource uses the plugin's counter: constructor,
// methods, statics, own and borrow parameters, own results, destructor.
func TestAlltypesGuestResource(t *testing.T) { forAlltypes(t, testAlltypesGuestResource) }

func testAlltypesGuestResource(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	drops := func(n, last uint32) {
		t.Helper()
		wantValue(t, "drops", a.mustCall(countersIf+"drops"), Tuple{U32(n), U32(last)})
	}
	c1 := a.mustCall(countersIf+"[constructor]counter", U32(3)).(Resource)
	if !c1.Own || c1.Type == nil || c1.Type.Name() != "counter" {
		t.Fatalf("constructor = %+v (%q)", c1, c1.Type.Name())
	}
	wantValue(t, "add", a.mustCall(countersIf+"[method]counter.add", c1, U32(4)), U32(7))
	wantValue(t, "get", a.mustCall(countersIf+"[method]counter.get", c1), U32(7))
	wantValue(t, "peek", a.mustCall(countersIf+"peek", c1), U32(7))
	c2 := a.mustCall(countersIf+"[static]counter.make", U32(10)).(Resource)
	drops(0, 0)
	// merge takes c1 (own: the guest drops it) and borrows c2.
	c3 := a.mustCall(countersIf+"[static]counter.merge", c1, c2).(Resource)
	drops(1, 7)
	wantValue(t, "get", a.mustCall(countersIf+"[method]counter.get", c3), U32(17))
	if _, err := a.call(countersIf+"[method]counter.get", c1); err == nil {
		t.Errorf("a moved handle is still usable")
	}
	wantValue(t, "consume", a.mustCall(countersIf+"consume", c3), U32(17))
	drops(2, 17)
	// The host drops c2: the destructor runs in the guest.
	if err := c2.Drop(a.ctx); err != nil {
		t.Fatal(err)
	}
	drops(3, 10)
	if err := c2.Drop(a.ctx); err == nil {
		t.Errorf("dropping twice: no error")
	}
}

// TestAlltypesTypedGuest calls the scalar and string exports through the
// typed path (Func.Begin … Finish).
func TestAlltypesTypedGuest(t *testing.T) { forAlltypes(t, testAlltypesTypedGuest) }

func testAlltypesTypedGuest(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	type tcase struct {
		fn   string
		call func(p *Params) func(r *Results) Value
		want Value
	}
	cases := []tcase{
		{"bool", func(p *Params) func(*Results) Value {
			p.Bool(true)
			return func(r *Results) Value { return Bool(r.Bool()) }
		}, Bool(true)},
		{"s8", func(p *Params) func(*Results) Value {
			p.S8(math.MinInt8)
			return func(r *Results) Value { return S8(r.S8()) }
		}, S8(math.MinInt8)},
		{"u8", func(p *Params) func(*Results) Value { p.U8(255); return func(r *Results) Value { return U8(r.U8()) } }, U8(255)},
		{"s16", func(p *Params) func(*Results) Value {
			p.S16(math.MinInt16)
			return func(r *Results) Value { return S16(r.S16()) }
		}, S16(math.MinInt16)},
		{"u16", func(p *Params) func(*Results) Value {
			p.U16(math.MaxUint16)
			return func(r *Results) Value { return U16(r.U16()) }
		}, U16(math.MaxUint16)},
		{"s32", func(p *Params) func(*Results) Value {
			p.S32(math.MinInt32)
			return func(r *Results) Value { return S32(r.S32()) }
		}, S32(math.MinInt32)},
		{"u32", func(p *Params) func(*Results) Value {
			p.U32(math.MaxUint32)
			return func(r *Results) Value { return U32(r.U32()) }
		}, U32(math.MaxUint32)},
		{"s64", func(p *Params) func(*Results) Value {
			p.S64(math.MinInt64)
			return func(r *Results) Value { return S64(r.S64()) }
		}, S64(math.MinInt64)},
		{"u64", func(p *Params) func(*Results) Value {
			p.U64(math.MaxUint64)
			return func(r *Results) Value { return U64(r.U64()) }
		}, U64(math.MaxUint64)},
		{"f32", func(p *Params) func(*Results) Value {
			p.F32(float32(negZero32))
			return func(r *Results) Value { return F32(r.F32()) }
		}, negZero32},
		{"f32", func(p *Params) func(*Results) Value {
			p.F32(math.Float32frombits(0xffc00001))
			return func(r *Results) Value { return F32(r.F32()) }
		}, nan32},
		{"f64", func(p *Params) func(*Results) Value {
			p.F64(float64(negZero64))
			return func(r *Results) Value { return F64(r.F64()) }
		}, negZero64},
		{"f64", func(p *Params) func(*Results) Value {
			p.F64(math.Float64frombits(0xfff0000000000001))
			return func(r *Results) Value { return F64(r.F64()) }
		}, nan64},
		{"char", func(p *Params) func(*Results) Value {
			p.Char(0x10ffff)
			return func(r *Results) Value { return Char(r.Char()) }
		}, Char(0x10ffff)},
		{"string", func(p *Params) func(*Results) Value {
			p.String("")
			return func(r *Results) Value { return String(r.String()) }
		}, String("")},
		{"string", func(p *Params) func(*Results) Value {
			p.String("héllo 日本 𝄞")
			return func(r *Results) Value { return String(r.String()) }
		}, String("héllo 日本 𝄞")},
		{"string", func(p *Params) func(*Results) Value {
			p.String(bigText)
			return func(r *Results) Value { return String(r.String()) }
		}, String(bigText)},
		{"list-u8", func(p *Params) func(*Results) Value {
			p.Bytes(nil)
			return func(r *Results) Value { return bytesValue(r.Bytes()) }
		}, List{}},
		{"list-u8", func(p *Params) func(*Results) Value {
			p.Bytes(bigBytes())
			return func(r *Results) Value { return Bytes(r.Bytes()) }
		}, bigBytes()},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			fn := a.inst.Func("echo-" + c.fn)
			for range 3 { // the typed state is reused
				p := fn.Begin(a.ctx)
				read := c.call(p)
				r, err := p.Call()
				if err != nil {
					t.Fatal(err)
				}
				got := read(r)
				if err := r.Finish(); err != nil {
					t.Fatal(err)
				}
				wantBig(t, "echo-"+c.fn, got, c.want)
			}
		})
	}
}

// TestAlltypesWorld: Compiled.World prints what `wasm-tools component wit`
// prints for the plugin: the golden alltypes-<impl>.wit.expected that
// scripts/build-alltypes.sh saved (one per implementation: the Rust
// component also imports WASI), and wasm-tools' own output when it is
// installed.
func TestAlltypesWorld(t *testing.T) { forAlltypes(t, testAlltypesWorld) }

func testAlltypesWorld(t *testing.T, impl alltypesImpl) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, readAlltypes(t, impl))
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := c.World()
	if err != nil {
		t.Fatal(err)
	}
	got := r.PrintAll(r.Worlds[w].Package)
	golden := strings.TrimSuffix(impl.wasm(), ".wasm") + ".wit.expected"
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("World() differs from %s:\n%s", golden, lineDiff(string(want), got))
	}
	tool, err := exec.LookPath("wasm-tools")
	if err != nil {
		if home, herr := os.UserHomeDir(); herr == nil {
			tool, err = exec.LookPath(filepath.Join(home, ".cargo", "bin", "wasm-tools"))
		}
	}
	if err != nil {
		t.Skipf("wasm-tools not installed (%v): compared with the golden %s only", err, golden)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(tool, "component", "wit", impl.wasm())
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("wasm-tools component wit: %v\n%s", err, stderr.String())
	}
	if got != out.String() {
		t.Errorf("World() differs from wasm-tools component wit:\n%s", lineDiff(out.String(), got))
	}
}

// alltypesDecl parses the plugin's own WIT, as an application declaring
// the functions it implements, and returns the imports of world alltypes.
func alltypesDecl(t *testing.T) func(name string) (*wit.Resolve, *wit.Function) {
	t.Helper()
	src, err := os.ReadFile(alltypesDir + "/wit/alltypes.wit")
	if err != nil {
		t.Fatal(err)
	}
	r := wit.NewResolve()
	pkg, err := r.PushSource("alltypes.wit", string(src))
	if err != nil {
		t.Fatal(err)
	}
	wid, ok := r.Packages[pkg].Worlds.Get("alltypes")
	if !ok {
		t.Fatal("no world alltypes")
	}
	return func(name string) (*wit.Resolve, *wit.Function) {
		it, _ := r.Worlds[wid].Imports.Get(wit.WorldKey{Name: name})
		fn, ok := it.(*wit.Function)
		if !ok {
			t.Fatalf("no function %s in world alltypes", name)
		}
		return r, fn
	}
}

// readMixed reads a mixed from memory (the arguments of host-echo-many);
// writeMixed writes one to the return area.
func readMixed(c *HostCall) (uint8, []any) {
	c.Align(8)
	disc := c.U8()
	c.Align(8)
	switch disc {
	case 0:
		return disc, []any{c.U64()}
	case 1:
		return disc, []any{c.F32()}
	case 2:
		return disc, []any{c.String()}
	case 4:
		return disc, []any{c.U8(), c.F64()}
	}
	return disc, nil
}

func writeMixed(c *HostCall, disc uint8, v []any) {
	c.ReturnAlign(8)
	c.ReturnU8(disc)
	c.ReturnAlign(8)
	switch disc {
	case 0:
		c.ReturnU64(v[0].(uint64))
	case 1:
		c.ReturnF32(v[0].(float32))
	case 2:
		c.ReturnString(v[0].(string))
	case 4:
		c.ReturnU8(v[0].(uint8))
		c.ReturnF64(v[1].(float64))
	}
}

// typedAlltypes implements the imports that HostCall can read and write
// as TypedHostFuncs that echo their argument, counting their calls.
func typedAlltypes(t *testing.T, calls map[string]int) func(a *alltypes, l *Linker) {
	decl := alltypesDecl(t)
	return func(a *alltypes, l *Linker) {
		def := func(name string, fn TypedHostFunc) {
			r, f := decl(name)
			l.Root().TypedFunc(name, r, f, func(ctx context.Context, c *HostCall) error {
				calls[name]++
				return fn(ctx, c)
			})
		}
		def("host-echo-bool", func(_ context.Context, c *HostCall) error { c.ReturnBool(c.Bool()); return nil })
		def("host-echo-s8", func(_ context.Context, c *HostCall) error { c.ReturnS8(c.S8()); return nil })
		def("host-echo-u8", func(_ context.Context, c *HostCall) error { c.ReturnU8(c.U8()); return nil })
		def("host-echo-s16", func(_ context.Context, c *HostCall) error { c.ReturnS16(c.S16()); return nil })
		def("host-echo-u16", func(_ context.Context, c *HostCall) error { c.ReturnU16(c.U16()); return nil })
		def("host-echo-s32", func(_ context.Context, c *HostCall) error { c.ReturnS32(c.S32()); return nil })
		def("host-echo-u32", func(_ context.Context, c *HostCall) error { c.ReturnU32(c.U32()); return nil })
		def("host-echo-s64", func(_ context.Context, c *HostCall) error { c.ReturnS64(c.S64()); return nil })
		def("host-echo-u64", func(_ context.Context, c *HostCall) error { c.ReturnU64(c.U64()); return nil })
		def("host-echo-f32", func(_ context.Context, c *HostCall) error { c.ReturnF32(c.F32()); return nil })
		def("host-echo-f64", func(_ context.Context, c *HostCall) error { c.ReturnF64(c.F64()); return nil })
		def("host-echo-char", func(_ context.Context, c *HostCall) error { c.ReturnChar(c.Char()); return nil })
		def("host-echo-string", func(_ context.Context, c *HostCall) error { c.ReturnString(c.String()); return nil })
		def("host-echo-list-u8", func(_ context.Context, c *HostCall) error { c.ReturnBytes(c.BytesView()); return nil })
		for _, name := range []string{"small-enum", "big-enum", "flags1", "flags9", "flags17", "flags32"} {
			def("host-echo-"+name, func(_ context.Context, c *HostCall) error { c.ReturnU32(c.U32()); return nil })
		}
		// Flat parameters, results in the return area.
		def("host-echo-option-u32", func(_ context.Context, c *HostCall) error {
			disc, v := c.U32(), c.U32()
			c.ReturnU8(uint8(disc))
			c.ReturnU32(v)
			return nil
		})
		def("host-echo-result-ok", func(_ context.Context, c *HostCall) error {
			disc, v := c.U32(), c.U32()
			c.ReturnU8(uint8(disc))
			c.ReturnU32(v)
			return nil
		})
		def("host-echo-result-unit", func(_ context.Context, c *HostCall) error { c.ReturnU8(uint8(c.U32())); return nil })
		def("host-echo-point", func(_ context.Context, c *HostCall) error {
			x, y, label := c.S32(), c.S32(), c.String()
			c.ReturnS32(x)
			c.ReturnS32(y)
			c.ReturnString(label)
			return nil
		})
		def("host-echo-padded", func(_ context.Context, c *HostCall) error {
			pa, pb, pc, pd, pe := c.U8(), c.U64(), c.U16(), c.U32(), c.U8()
			c.ReturnU8(pa)
			c.ReturnU64(pb)
			c.ReturnU16(pc)
			c.ReturnU32(pd)
			c.ReturnU8(pe)
			return nil
		})
		def("host-echo-tuple", func(_ context.Context, c *HostCall) error {
			u, s, f := c.U8(), c.String(), c.F64()
			c.ReturnU8(u)
			c.ReturnString(s)
			c.ReturnF64(f)
			return nil
		})
		// Joined flat payloads: mixed flattens to i32, i64, i64.
		def("host-echo-mixed", func(_ context.Context, c *HostCall) error {
			disc := uint8(c.U32())
			var v []any
			switch disc {
			case 0:
				v = []any{c.U64(), c.U64()}
			case 1:
				v = []any{math.Float32frombits(uint32(c.U64())), c.U64()}
			case 2:
				v = []any{c.String()}
			case 3:
				c.U64()
				c.U64()
			case 4:
				v = []any{uint8(c.U64()), c.F64()}
			}
			writeMixed(c, disc, v)
			return nil
		})
		def("host-echo-small-variant", func(_ context.Context, c *HostCall) error {
			disc, v := c.U32(), c.U32()
			c.ReturnU8(uint8(disc))
			c.ReturnU32(v)
			return nil
		})
		// Parameters in memory, the result in the return area.
		def("host-echo-many", func(_ context.Context, c *HostCall) error {
			ma, mb, mc, md, me, mf, mg, mh := c.U8(), c.S8(), c.U16(), c.S16(), c.U32(), c.S32(), c.U64(), c.S64()
			mi, mj, mk, ml, mm, mn := c.F32(), c.F64(), c.Char(), c.Bool(), c.String(), c.Bytes()
			ox, oy, ol := c.S32(), c.S32(), c.String()
			pd, pv := c.U8(), c.U32()
			qd, qv := readMixed(c)
			c.ReturnU8(ma)
			c.ReturnS8(mb)
			c.ReturnU16(mc)
			c.ReturnS16(md)
			c.ReturnU32(me)
			c.ReturnS32(mf)
			c.ReturnU64(mg)
			c.ReturnS64(mh)
			c.ReturnF32(mi)
			c.ReturnF64(mj)
			c.ReturnChar(mk)
			c.ReturnBool(ml)
			c.ReturnString(mm)
			c.ReturnBytes(mn)
			c.ReturnS32(ox)
			c.ReturnS32(oy)
			c.ReturnString(ol)
			c.ReturnU8(pd)
			c.ReturnU32(pv)
			writeMixed(c, qd, qv)
			return nil
		})
		// Handles of the host's resource.
		def("host-peek-hres", func(_ context.Context, c *HostCall) error { c.ReturnU32(c.Borrow(a.hres)); return nil })
		def("host-take-hres", func(_ context.Context, c *HostCall) error {
			rep := c.Own(a.hres)
			a.taken = append(a.taken, rep)
			c.ReturnU32(rep + 1000)
			return nil
		})
		def("host-make-hres", func(_ context.Context, c *HostCall) error { c.ReturnOwn(a.hres, c.U32()+500); return nil })
	}
}

// TestAlltypesTypedHost runs the echoes again with the imports HostCall
// supports implemented as TypedHostFuncs.
func TestAlltypesTypedHost(t *testing.T) { forAlltypes(t, testAlltypesTypedHost) }

func testAlltypesTypedHost(t *testing.T, impl alltypesImpl) {
	calls := map[string]int{}
	a := newAlltypes(t, impl, typedAlltypes(t, calls))
	n := 0
	for _, c := range alltypesCases() {
		imp := "host-echo-" + c.fn
		before := calls[imp]
		want := c.in
		if c.gotIn != nil {
			want = c.gotIn
		}
		res, err := a.call("echo-"+c.fn, c.in)
		if err != nil {
			t.Errorf("echo-%s(%.80s): %v", c.fn, fmtValue(c.in), err)
			continue
		}
		wantBig(t, "echo-"+c.fn, res, want)
		if calls[imp] > before {
			n++
		}
	}
	for _, q := range []Value{Variant{"a", U64(math.MaxUint64)}, Variant{"b", negZero32}, Variant{"c", String("日本")},
		Variant{"d", nil}, mixedE(9, -0.5)} {
		args := manyArgs(String("héllo"), q)
		want := manyRecord(args)
		want[13].Value = bytesValue([]byte{0, 1, 2, 255})
		wantValue(t, "echo-many", a.mustCall("echo-many", args...), want)
	}
	if calls["host-echo-many"] != 5 {
		t.Errorf("typed host-echo-many called %d times, want 5", calls["host-echo-many"])
	}
	t.Logf("%d echo cases went through typed host functions", n)

	own := func(rep uint32) Resource { return Resource{Type: a.hres, Rep: rep, Own: true} }
	wantValue(t, "hres-make", a.mustCall("hres-make", U32(1)), own(501))
	wantValue(t, "hres-roundtrip", a.mustCall("hres-roundtrip", own(2)), own(2))
	wantValue(t, "hres-borrow", a.mustCall("hres-borrow", Resource{Type: a.hres, Rep: 3}), U32(33))
	wantValue(t, "hres-consume", a.mustCall("hres-consume", own(4)), U32(1004))
	if len(a.taken) != 1 || a.taken[0] != 4 {
		t.Errorf("host-take-hres received %v, want [4]", a.taken)
	}
	for _, name := range []string{"host-peek-hres", "host-take-hres", "host-make-hres"} {
		if calls[name] == 0 {
			t.Errorf("typed %s was not called", name)
		}
	}
}

// TestAlltypesTraps: a host error and a C abort trap the call, the
// instance keeps working, and handles of the wrong type are refused.
func TestAlltypesTraps(t *testing.T) { forAlltypes(t, testAlltypesTraps) }

func testAlltypesTraps(t *testing.T, impl alltypesImpl) {
	a := newAlltypes(t, impl, nil)
	a.reply["host-echo-u32"] = Enum("not a u32")
	_, err := a.call("echo-u32", U32(1))
	wantTrap(t, err, impl.component(), "echo-u32", "host-echo-u32")
	delete(a.reply, "host-echo-u32")
	wantValue(t, "echo-u32 after a trap", a.mustCall("echo-u32", U32(5)), U32(5))

	// hres-roundtrip aborts when the host's two views of a handle disagree.
	a.reply["host-peek-hres"] = U32(1)
	_, err = a.call("hres-roundtrip", Resource{Type: a.hres, Rep: 7, Own: true})
	wantTrap(t, err, impl.component(), "hres-roundtrip", "unreachable")
	delete(a.reply, "host-peek-hres")
	wantValue(t, "echo-string after a trap", a.mustCall("echo-string", String("x")), String("x"))

	c := a.mustCall(countersIf+"[constructor]counter", U32(1)).(Resource)
	if _, err := a.call("hres-borrow", c); err == nil || isTrap(err) {
		t.Errorf("a counter for an hres: err = %v, want a plain error", err)
	} else if !strings.Contains(err.Error(), "counter") {
		t.Errorf("a counter for an hres: error %q does not name the counter type", err)
	}
	if _, err := a.call(countersIf+"peek", Resource{Type: a.hres, Rep: 1}); err == nil || isTrap(err) {
		t.Errorf("an hres for a counter: err = %v, want a plain error", err)
	}
}

// TestAlltypesRebuild rebuilds each implementation from its sources with
// scripts/build-alltypes.sh (when its toolchain is installed) and checks
// that the committed component and its world are what the sources make.
//
// The C build is reproducible: both files must be equal byte for byte.
// The Rust one is reproducible on one machine (cargo's target directory
// does not show in it), but not across machines: the component links in
// the std of whichever Rust toolchain builds it, so its bytes follow the
// toolchain's version. For Rust the test requires only that the rebuilt
// component's world equals the golden alltypes-rust.wit.expected, and
// logs whether the bytes differ.
func TestAlltypesRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds with the guest toolchains: not run with -short")
	}
	forAlltypes(t, testAlltypesRebuild)
}

func testAlltypesRebuild(t *testing.T, impl alltypesImpl) {
	home, _ := os.UserHomeDir()
	path := os.Getenv("PATH") + string(os.PathListSeparator) + filepath.Join(home, ".cargo", "bin")
	env := append(os.Environ(), "PATH="+path)
	lookPath := func(tool string) string {
		for _, d := range filepath.SplitList(path) {
			if st, err := os.Stat(filepath.Join(d, tool)); err == nil && !st.IsDir() {
				return filepath.Join(d, tool)
			}
		}
		return ""
	}
	tools := map[string][]string{"c": {"wit-bindgen", "clang", "wasm-tools"}, "rust": {"cargo", "rustup", "wasm-tools"}}
	for _, tool := range tools[impl.name] {
		if lookPath(tool) == "" {
			t.Skipf("%s not installed (scripts/toolchains.sh): the committed %s is not rebuilt", tool, impl.wasm())
		}
	}
	if impl.name == "rust" {
		out, err := exec.Command(lookPath("rustup"), "target", "list", "--installed").Output()
		if err != nil || !strings.Contains("\n"+string(out), "\nwasm32-wasip2\n") {
			t.Skipf("the Rust target wasm32-wasip2 is not installed (rustup target add wasm32-wasip2; %v): "+
				"the committed %s is not rebuilt", err, impl.wasm())
		}
		// The wit-bindgen crate comes from crates.io (or cargo's cache).
		fetch := exec.Command(lookPath("cargo"), "fetch", "--locked", "--target", "wasm32-wasip2")
		fetch.Dir, fetch.Env = alltypesDir+"/rust", env
		if out, err := fetch.CombinedOutput(); err != nil {
			t.Skipf("cargo cannot fetch the plugin's crates (%v): the committed %s is not rebuilt\n%s", err, impl.wasm(), out)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command("../scripts/build-alltypes.sh", "-o", dir, impl.name)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-alltypes.sh %s: %v\n%s", impl.name, err, out)
	}
	for _, name := range []string{impl.component() + ".wasm", impl.component() + ".wit.expected"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(alltypesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case bytes.Equal(got, want):
		case impl.name == "rust" && strings.HasSuffix(name, ".wasm"):
			t.Logf("%s differs from the committed one (%d bytes, built %d): another Rust toolchain "+
				"(the world is what counts)", name, len(want), len(got))
		case strings.HasSuffix(name, ".wit.expected"):
			t.Errorf("the world of what the sources build differs from %s: run scripts/build-alltypes.sh %s\n%s",
				name, impl.name, lineDiff(string(want), string(got)))
		default:
			t.Errorf("%s differs from what its sources build (%d bytes, built %d): run scripts/build-alltypes.sh %s",
				name, len(want), len(got), impl.name)
		}
	}
}

package component

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/wit"
)

// typedWIT declares, in WIT, the imports of canon-values.wasm that the
// tests below implement with TypedFunc.
const typedWIT = `package test:typed;
world w {
  record padded { a: u8, b: u64, c: u16, d: u32, e: u8 }
  enum small-enum { red, green, blue }
  flags flags9 { a, b, c, d, e, f, g, h, i }
  import host-echo-bool: func(x: bool) -> bool;
  import host-echo-s8: func(x: s8) -> s8;
  import host-echo-u32: func(x: u32) -> u32;
  import host-echo-s64: func(x: s64) -> s64;
  import host-echo-f32: func(x: f32) -> f32;
  import host-echo-f64: func(x: f64) -> f64;
  import host-echo-char: func(x: char) -> char;
  import host-echo-string: func(x: string) -> string;
  import host-echo-list-u8: func(x: list<u8>) -> list<u8>;
  import host-echo-padded: func(x: padded) -> padded;
  import host-many: func(a: u8, b: s8, c: u16, d: s16, e: u32, f: s32, g: u64, h: s64, i: f32, j: f64,
    k: char, l: bool, m: string, n: small-enum, o: flags9, p: option<u8>, q: u32) -> string;
  import host-flat16: func(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32, g: u32, h: u32, i: u32,
    j: u32, k: u32, l: u32, m: u32, n: u32, o: u32, p: u64) -> u64;
  import host-echo-u64: func(x: string) -> u64;
  variant v-u32-f32 { a(u32), b(f32) }
  import host-echo-small-enum: func(x: small-enum) -> small-enum;
  import host-echo-v-u32-f32: func(x: v-u32-f32) -> v-u32-f32;
}
`

// typedDecl returns the WIT function name of world w in typedWIT.
func typedDecl(t *testing.T) func(name string) (*wit.Resolve, *wit.Function) {
	t.Helper()
	r := wit.NewResolve()
	pkg, err := r.PushSource("typed.wit", typedWIT)
	if err != nil {
		t.Fatal(err)
	}
	wid, _ := r.Packages[pkg].Worlds.Get("w")
	return func(name string) (*wit.Resolve, *wit.Function) {
		it, _ := r.Worlds[wid].Imports.Get(wit.WorldKey{Name: name})
		fn, ok := it.(*wit.Function)
		if !ok {
			t.Fatalf("no function %s in typedWIT", name)
		}
		return r, fn
	}
}

// TestTypedHostFuncs calls exports of canon-values.wasm whose imports are
// TypedHostFuncs: flat scalars, strings and lists through realloc, a record
// result written to the guest's return area, parameters passed in memory.
func TestTypedHostFuncs(t *testing.T) {
	decl := typedDecl(t)
	var many []any
	var gotPadded [5]uint64
	f := newFixture(t, valuesFixture, func(f *fixture) {
		def := func(name string, fn TypedHostFunc) {
			r, fd := decl(name)
			f.l.Root().TypedFunc(name, r, fd, fn)
		}
		def("host-echo-bool", func(_ context.Context, c *HostCall) error { c.ReturnBool(!c.Bool()); return nil })
		def("host-echo-s8", func(_ context.Context, c *HostCall) error { c.ReturnS8(c.S8() + 1); return nil })
		def("host-echo-u32", func(_ context.Context, c *HostCall) error { c.ReturnU32(c.U32() * 2); return nil })
		def("host-echo-s64", func(_ context.Context, c *HostCall) error { c.ReturnS64(-c.S64()); return nil })
		def("host-echo-f32", func(_ context.Context, c *HostCall) error { c.ReturnF32(c.F32() / 2); return nil })
		def("host-echo-f64", func(_ context.Context, c *HostCall) error { c.ReturnF64(c.F64() * 4); return nil })
		def("host-echo-char", func(_ context.Context, c *HostCall) error { c.ReturnChar(c.Char() + 1); return nil })
		def("host-echo-string", func(_ context.Context, c *HostCall) error {
			c.ReturnString(strings.ToUpper(c.String()) + "!")
			return nil
		})
		def("host-echo-list-u8", func(_ context.Context, c *HostCall) error {
			b := c.Bytes()
			for i := range b {
				b[i]++
			}
			c.ReturnBytes(append(b, 0xff))
			return nil
		})
		def("host-echo-padded", func(_ context.Context, c *HostCall) error {
			a, b, cc, d, e := c.U8(), c.U64(), c.U16(), c.U32(), c.U8()
			gotPadded = [5]uint64{uint64(a), b, uint64(cc), uint64(d), uint64(e)}
			c.ReturnU8(e)
			c.ReturnU64(b + 1)
			c.ReturnU16(cc + 1)
			c.ReturnU32(d + 1)
			c.ReturnU8(a)
			return nil
		})
		def("host-many", func(_ context.Context, c *HostCall) error {
			many = []any{c.U8(), c.S8(), c.U16(), c.S16(), c.U32(), c.S32(), c.U64(), c.S64(), c.F32(), c.F64(),
				c.Char(), c.Bool(), c.String(), c.U8() /* enum */, c.U16() /* flags9 */}
			c.Align(1)
			if c.U8() == 1 { // option<u8>: discriminant, payload
				many = append(many, c.U8())
			}
			many = append(many, c.U32())
			c.ReturnString("typed")
			return nil
		})
		def("host-flat16", func(_ context.Context, c *HostCall) error {
			var sum uint64
			for range 15 {
				sum += uint64(c.U32())
			}
			c.ReturnU64(sum + c.U64())
			return nil
		})
	})

	wantValue(t, "echo-bool", f.mustCall("echo-bool", Bool(true)), Bool(false))
	wantValue(t, "echo-s8", f.mustCall("echo-s8", S8(-5)), S8(-4))
	wantValue(t, "echo-u32", f.mustCall("echo-u32", U32(21)), U32(42))
	wantValue(t, "echo-s64", f.mustCall("echo-s64", S64(math.MinInt64+1)), S64(math.MaxInt64))
	wantValue(t, "echo-f32", f.mustCall("echo-f32", F32(3)), F32(1.5))
	wantValue(t, "echo-f64", f.mustCall("echo-f64", F64(0.25)), F64(1))
	wantValue(t, "echo-char", f.mustCall("echo-char", Char('a')), Char('b'))
	wantValue(t, "echo-string", f.mustCall("echo-string", String("héllo")), String("HÉLLO!"))
	wantValue(t, "echo-list-u8", f.mustCall("echo-list-u8", Bytes{1, 2, 3}), Bytes{2, 3, 4, 0xff})
	wantValue(t, "echo-padded", f.mustCall("echo-padded", padded(1, math.MaxUint64-1, 3, 4, 5)),
		padded(5, math.MaxUint64, 4, 5, 1))
	if gotPadded != [5]uint64{1, math.MaxUint64 - 1, 3, 4, 5} {
		t.Errorf("host-echo-padded read %v", gotPadded)
	}

	args := []Value{U8(255), S8(-128), U16(65535), S16(-32768), U32(math.MaxUint32), S32(math.MinInt32),
		U64(math.MaxUint64), S64(math.MinInt64), F32(1.5), F64(-2.5), Char('𝄞'), Bool(true),
		String("many"), Enum("green"), Flags{"a", "i"}, Some(U8(9)), U32(17)}
	wantValue(t, "echo-many", f.mustCall("echo-many", args...), String("typed"))
	want := []any{uint8(255), int8(-128), uint16(65535), int16(-32768), uint32(math.MaxUint32), int32(math.MinInt32),
		uint64(math.MaxUint64), int64(math.MinInt64), float32(1.5), float64(-2.5), '𝄞', true, "many",
		uint8(1), uint16(1 | 1<<8), uint8(9), uint32(17)}
	if len(many) != len(want) {
		t.Fatalf("host-many read %v, want %v", many, want)
	}
	for i := range want {
		if many[i] != want[i] {
			t.Errorf("host-many argument %d = %v (%T), want %v (%T)", i, many[i], many[i], want[i], want[i])
		}
	}

	flat := make([]Value, 16)
	for i := range 15 {
		flat[i] = U32(uint32(i + 1))
	}
	flat[15] = U64(1 << 40)
	wantValue(t, "echo-flat16", f.mustCall("echo-flat16", flat...), U64(1<<40+120))
}

// TestTypedHostFuncErrors checks what a typed host function gets wrong:
// too few or too many results, reading past its arguments, its own error,
// a bad char; and the link-time checks of its declared type.
func TestTypedHostFuncErrors(t *testing.T) {
	decl := typedDecl(t)
	var fn TypedHostFunc
	f := newFixture(t, valuesFixture, func(f *fixture) {
		for _, name := range []string{"host-echo-u32", "host-echo-string", "host-echo-padded"} {
			r, fd := decl(name)
			f.l.Root().TypedFunc(name, r, fd, func(ctx context.Context, c *HostCall) error { return fn(ctx, c) })
		}
	})
	boom := errors.New("boom")
	cases := []struct {
		name, export string
		arg          Value
		fn           TypedHostFunc
		want         string
	}{
		{"no result", "echo-u32", U32(1), func(_ context.Context, c *HostCall) error { c.U32(); return nil },
			"import host-echo-u32: wrote 0 flat results, the signature (i32) -> (i32) has 1"},
		{"two results", "echo-u32", U32(1), func(_ context.Context, c *HostCall) error {
			c.ReturnU32(c.U32())
			c.ReturnU32(1)
			return nil
		}, "wrote 2 flat results"},
		{"read too much", "echo-u32", U32(1), func(_ context.Context, c *HostCall) error {
			c.ReturnU32(c.U32() + c.U32())
			return nil
		}, "read more arguments than the signature"},
		{"host error", "echo-string", String("x"), func(_ context.Context, c *HostCall) error { return boom },
			"import host-echo-string: boom"},
		{"bad char", "echo-u32", U32(1), func(_ context.Context, c *HostCall) error {
			c.ReturnChar(0xd800)
			return nil
		}, "not a Unicode scalar value"},
		{"record too long", "echo-padded", padded(1, 2, 3, 4, 5), func(_ context.Context, c *HostCall) error {
			for range 6 {
				c.ReturnU64(1)
			}
			return nil
		}, "wrote more than the result's 32 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fn = tc.fn
			_, err := f.call(tc.export, tc.arg)
			var trap *Trap
			if !errors.As(err, &trap) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want a trap containing %q", err, tc.want)
			}
			if tc.fn == nil {
				return
			}
			// The instance stays usable, and the HostCall is reused.
			fn = func(_ context.Context, c *HostCall) error { c.ReturnU32(c.U32() + 1); return nil }
			wantValue(t, "echo-u32 after the trap", f.mustCall("echo-u32", U32(1)), U32(2))
		})
	}

	// A declared type that does not match the import is refused at link time.
	l := NewLinker(f.rt)
	for _, e := range f.c.Imports() {
		if e.Kind == "func" {
			l.Root().Func(e.Name, func(context.Context, []Value) (Value, error) { return nil, nil })
		}
	}
	r, fd := decl("host-echo-u64") // declared func(x: string) -> u64
	l.Root().TypedFunc("host-echo-u64", r, fd, func(context.Context, *HostCall) error { return nil })
	_, err := l.InstantiatePre(context.Background(), f.c)
	want := "import `host-echo-u64`: expected func(x: u64) -> u64, host provides func(x: string) -> u64"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("link error = %v, want %q", err, want)
	}
}

// TestTypedHostFuncDynamicCall checks that a typed function called with
// Values fails clearly.
func TestTypedHostFuncDynamicCall(t *testing.T) {
	r := wit.NewResolve()
	pkg, err := r.PushSource("h.wit", `package test:h;
interface i { plain: func(); }`)
	if err != nil {
		t.Fatal(err)
	}
	iid, _ := r.Packages[pkg].Interfaces.Get("i")
	plain, _ := r.Interfaces[iid].Functions.Get("plain")
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	l := NewLinker(rt)
	l.Root().TypedFunc("x", r, plain, func(context.Context, *HostCall) error { return nil })
	_, err = l.root.funcs["x"](ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "x: a typed host function can only be called by a component") {
		t.Fatalf("dynamic call error = %v", err)
	}
}

// TestTypedResultChar: the typed path checks a char result as lifting
// does, and the instance stays usable.
func TestTypedResultChar(t *testing.T) {
	f := newValues(t)
	fn := f.inst.Func("id-char")
	for _, tc := range []struct {
		in   uint32
		want rune
		err  string
	}{{'a', 'a', ""}, {0x10ffff, 0x10ffff, ""}, {0xd800, 0, "invalid char 0xd800"}, {0x110000, 0, "invalid char 0x110000"}} {
		p := fn.Begin(f.ctx)
		p.U32(tc.in)
		r, err := p.Call()
		if err != nil {
			t.Fatal(err)
		}
		got := r.Char()
		err = r.Finish()
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("id-char(%#x) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("id-char(%#x): error %v, want %q", tc.in, err, tc.err)
		}
	}
}

// TestTypedHostFuncBadResults: a typed host function that writes an
// impossible value (an enum or variant discriminant out of range, a
// surrogate as a char) traps the call instead of handing it to the guest.
func TestTypedHostFuncBadResults(t *testing.T) {
	decl := typedDecl(t)
	fns := map[string]TypedHostFunc{}
	f := newFixture(t, valuesFixture, func(f *fixture) {
		for _, name := range []string{"host-echo-small-enum", "host-echo-v-u32-f32", "host-echo-char"} {
			r, fd := decl(name)
			f.l.Root().TypedFunc(name, r, fd, func(ctx context.Context, c *HostCall) error { return fns[name](ctx, c) })
		}
	})
	fns["host-echo-small-enum"] = func(_ context.Context, c *HostCall) error { c.ReturnU8(uint8(c.U32())); return nil }
	fns["host-echo-v-u32-f32"] = func(_ context.Context, c *HostCall) error {
		d, v := c.U32(), c.U32()
		c.ReturnU8(uint8(d))
		c.ReturnAlign(4)
		c.ReturnU32(v)
		return nil
	}
	fns["host-echo-char"] = func(_ context.Context, c *HostCall) error { c.ReturnU32(c.U32()); return nil }

	// Good values pass through.
	wantValue(t, "echo-small-enum", f.mustCall("echo-small-enum", Enum("blue")), Enum("blue"))
	wantValue(t, "echo-v-u32-f32", f.mustCall("echo-v-u32-f32", Variant{Case: "a", Value: U32(7)}), Variant{Case: "a", Value: U32(7)})
	wantValue(t, "echo-char", f.mustCall("echo-char", Char('x')), Char('x'))

	fns["host-echo-small-enum"] = func(_ context.Context, c *HostCall) error { c.U32(); c.ReturnU8(3); return nil }
	f.trapCall("echo-small-enum", []string{"import host-echo-small-enum: the host returned a bad value", "discriminant 3 out of range (3 cases)"}, Enum("red"))
	fns["host-echo-v-u32-f32"] = func(_ context.Context, c *HostCall) error {
		c.U32()
		c.U32()
		c.ReturnU8(2)
		return nil
	}
	f.trapCall("echo-v-u32-f32", []string{"discriminant 2 out of range (2 cases)"}, Variant{Case: "a", Value: U32(7)})
	fns["host-echo-char"] = func(_ context.Context, c *HostCall) error { c.U32(); c.ReturnU32(0xd800); return nil }
	f.trapCall("echo-char", []string{"char 0xd800 is not a Unicode scalar value"}, Char('x'))
}

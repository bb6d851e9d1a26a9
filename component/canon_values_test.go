package component

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// The tests in this file run testdata/canon-values.wat: see its header for
// the scheme (echo-T, raw-T, load-T, id-T, flat-T, poke, peek).

const (
	valuesFixture = "canon-values.wasm"
	retArea       = 1024 // where the guest lets imports store their results
	freeArea      = 2048 // memory the test may poke
)

func newValues(t *testing.T) *fixture { return newFixture(t, valuesFixture, nil) }

func (f *fixture) poke(addr uint32, b []byte) {
	f.t.Helper()
	f.mustCall("poke", U32(addr), bytesValue(b))
}

func (f *fixture) peek(addr, n uint32) []byte {
	f.t.Helper()
	return valueBytes(f.t, f.mustCall("peek", U32(addr), U32(n)))
}

func point(x, y int32, label string) Record {
	return Record{{"x", S32(x)}, {"y", S32(y)}, {"label", String(label)}}
}

func padded(a uint8, b uint64, c uint16, d uint32, e uint8) Record {
	return Record{{"a", U8(a)}, {"b", U64(b)}, {"c", U16(c)}, {"d", U32(d)}, {"e", U8(e)}}
}

func allFlags(a, b, c, d, e, f Flags) Record {
	return Record{{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"e", e}, {"f", f}}
}

func flags32(bits uint32) Flags {
	var fl Flags
	for i := range 32 {
		if bits&(1<<i) != 0 {
			fl = append(fl, fmt.Sprintf("f%d", i))
		}
	}
	return fl
}

var negZero32 = f32bits(0x80000000)
var negZero64 = f64bits(0x8000000000000000)

// echoCase is a value of type T sent to echo-T (and received by
// host-echo-T), and the import's reply (returned by echo-T).
type echoCase struct {
	fn          string
	in, reply   Value
	gotIn, gotR Value // the values after lifting, when they differ (NaN)
}

func echoCases() []echoCase {
	return []echoCase{
		{fn: "bool", in: Bool(true), reply: Bool(false)},
		{fn: "bool", in: Bool(false), reply: Bool(true)},
		{fn: "s8", in: S8(math.MinInt8), reply: S8(math.MaxInt8)},
		{fn: "s8", in: S8(-1), reply: S8(0)},
		{fn: "u8", in: U8(math.MaxUint8), reply: U8(0)},
		{fn: "s16", in: S16(math.MinInt16), reply: S16(math.MaxInt16)},
		{fn: "u16", in: U16(math.MaxUint16), reply: U16(1)},
		{fn: "s32", in: S32(math.MinInt32), reply: S32(math.MaxInt32)},
		{fn: "u32", in: U32(math.MaxUint32), reply: U32(0)},
		{fn: "s64", in: S64(math.MinInt64), reply: S64(math.MaxInt64)},
		{fn: "s64", in: S64(-1), reply: S64(0)},
		{fn: "u64", in: U64(math.MaxUint64), reply: U64(1 << 63)},
		{fn: "f32", in: negZero32, reply: F32(float32(math.Inf(1)))},
		{fn: "f32", in: F32(float32(math.Inf(-1))), reply: F32(math.SmallestNonzeroFloat32)},
		{fn: "f32", in: F32(math.MaxFloat32), reply: F32(-1.5)},
		// NaNs lose their sign and payload when lifted.
		{fn: "f32", in: f32bits(0x7fa00001), reply: f32bits(0xffc00123), gotIn: f32bits(0x7fc00000), gotR: f32bits(0x7fc00000)},
		{fn: "f64", in: negZero64, reply: F64(math.Inf(-1))},
		{fn: "f64", in: F64(math.MaxFloat64), reply: F64(math.SmallestNonzeroFloat64)},
		{fn: "f64", in: f64bits(0x7ff0000000000001), reply: f64bits(0xfff8000000000abc),
			gotIn: f64bits(0x7ff8000000000000), gotR: f64bits(0x7ff8000000000000)},
		{fn: "char", in: Char(0x10ffff), reply: Char('é')},
		{fn: "char", in: Char(0xd7ff), reply: Char(0xe000)},
		{fn: "char", in: Char(0), reply: Char('𝄞')},
		{fn: "small-enum", in: Enum("blue"), reply: Enum("red")},
		{fn: "big-enum", in: Enum("e299"), reply: Enum("e0")},
		{fn: "big-enum", in: Enum("e255"), reply: Enum("e256")},
		{fn: "flags1", in: Flags{"a"}, reply: Flags{}},
		{fn: "flags8", in: Flags{"a", "b", "c", "d", "e", "f", "g", "h"}, reply: Flags{"h"}},
		{fn: "flags9", in: Flags{"i"}, reply: Flags{"a", "i"}},
		{fn: "flags16", in: Flags{"a", "p"}, reply: Flags{"h", "i"}},
		{fn: "flags17", in: Flags{"q"}, reply: Flags{"a", "p", "q"}},
		{fn: "flags32", in: flags32(0xffffffff), reply: flags32(0x80000001)},
		{fn: "result-unit", in: Ok(nil), reply: Err(nil)},
		{fn: "result-unit", in: Err(nil), reply: Ok(nil)},
		{fn: "string", in: String(""), reply: String("hello")},
		{fn: "string", in: String("héllo wörld 日本 𝄞"), reply: String("\x00nul")},
		{fn: "string16", in: String("héllo wörld 日本 𝄞"), reply: String("")},
		{fn: "string16", in: String(""), reply: String("ascii")},
		{fn: "string-l1", in: String("héllo ÿ"), reply: String("日本 𝄞")},
		{fn: "string-l1", in: String("𝄞"), reply: String("latin1 only: é")},
		{fn: "string-l1", in: String(""), reply: String("")},
		{fn: "list-u8", in: List{}, reply: bytesValue([]byte{0, 1, 255})},
		{fn: "list-u8", in: bytesValue(bytes.Repeat([]byte{7}, 1000)), reply: List{}},
		// Bytes lowers like a List of U8 (and lifts as one).
		{fn: "list-u8", in: Bytes{1, 2, 255}, reply: Bytes{9, 8},
			gotIn: bytesValue([]byte{1, 2, 255}), gotR: bytesValue([]byte{9, 8})},
		{fn: "list-string", in: List{String("a"), String(""), String("𝄞")}, reply: List{}},
		{fn: "list-string16", in: List{String("a"), String(""), String("𝄞")}, reply: List{String("日本")}},
		{fn: "list-point", in: List{point(-1, 2, "p"), point(math.MaxInt32, math.MinInt32, "")}, reply: List{point(0, 0, "origin")}},
		{fn: "fixed4", in: List{U32(1), U32(2), U32(3), U32(math.MaxUint32)}, reply: List{U32(0), U32(0), U32(0), U32(0)}},
		{fn: "fixed-nested", in: List{bytesValue([]byte{1, 2, 3}), bytesValue([]byte{4, 5, 6})},
			reply: List{bytesValue([]byte{255, 0, 255}), bytesValue([]byte{0, 0, 1})}},
		{fn: "map-string-u32", in: List{Tuple{String("a"), U32(1)}, Tuple{String("é"), U32(math.MaxUint32)}}, reply: List{}},
		{fn: "map-u8-u64", in: List{Tuple{U8(1), U64(math.MaxUint64)}, Tuple{U8(255), U64(0)}}, reply: List{Tuple{U8(7), U64(8)}}},
		{fn: "padded", in: padded(0xff, math.MaxUint64, 0xffff, 0xffffffff, 0xfe), reply: padded(1, 2, 3, 4, 5)},
		{fn: "tuple", in: Tuple{U8(7), String("tuple"), F64(-1.5)}, reply: Tuple{U8(0), String(""), negZero64}},
		{fn: "enum-tuple", in: Tuple{Enum("e299"), Enum("green"), Char('😀'), Bool(true)},
			reply: Tuple{Enum("e1"), Enum("red"), Char(0), Bool(false)}},
		{fn: "all-flags", in: allFlags(Flags{"a"}, Flags{"a", "h"}, Flags{"i"}, Flags{"p"}, Flags{"q"}, Flags{"f31"}),
			reply: allFlags(Flags{}, Flags{}, Flags{}, Flags{}, Flags{}, Flags{})},
		{fn: "v-u32-f32", in: Variant{"a", U32(math.MaxUint32)}, reply: Variant{"b", F32(1.5)}},
		{fn: "v-u32-f32", in: Variant{"b", f32bits(0xff800001)}, reply: Variant{"a", U32(0)},
			gotIn: Variant{"b", f32bits(0x7fc00000)}},
		{fn: "v-u64-f32", in: Variant{"a", U64(math.MaxUint64)}, reply: Variant{"b", F32(-2.25)}},
		{fn: "v-u64-f32", in: Variant{"b", negZero32}, reply: Variant{"a", U64(1)}},
		{fn: "v-f64-u32", in: Variant{"a", F64(1e300)}, reply: Variant{"b", U32(7)}},
		{fn: "v-f64-u32", in: Variant{"c", nil}, reply: Variant{"a", negZero64}},
		{fn: "v-f64-u32", in: Variant{"b", U32(math.MaxUint32)}, reply: Variant{"c", nil}},
		{fn: "v-mixed", in: Variant{"a", Tuple{U8(255), F32(3.5)}}, reply: Variant{"b", F64(-0.125)}},
		{fn: "v-mixed", in: Variant{"c", String("str")}, reply: Variant{"a", Tuple{U8(0), negZero32}}},
		{fn: "v-mixed", in: Variant{"b", f64bits(0xfff0000000000001)}, reply: Variant{"c", String("")},
			gotIn: Variant{"b", f64bits(0x7ff8000000000000)}},
		{fn: "opt-opt", in: None, reply: Some(None)},
		{fn: "opt-opt", in: Some(None), reply: Some(Some(U32(5)))},
		{fn: "opt-opt", in: Some(Some(U32(math.MaxUint32))), reply: None},
		{fn: "opt-string", in: None, reply: Some(String("x"))},
		{fn: "opt-string", in: Some(String("")), reply: None},
		{fn: "result-u32", in: Ok(U32(1)), reply: Err(nil)},
		{fn: "result-u32", in: Err(nil), reply: Ok(U32(math.MaxUint32))},
		{fn: "result-err-string", in: Ok(nil), reply: Err(String("bad"))},
		{fn: "result-err-string", in: Err(String("")), reply: Ok(nil)},
		{fn: "result-string-u64", in: Ok(String("ok")), reply: Err(U64(math.MaxUint64))},
		{fn: "result-string-u64", in: Err(U64(7)), reply: Ok(String(""))},
	}
}

// TestCanonEcho sends a value of every type through an export and an
// import and back: host → guest (lift), guest → host (lower, params),
// host → guest (lower, results, through the retptr when they do not fit one
// core value) and guest → host (lift, results).
func TestCanonEcho(t *testing.T) {
	f := newValues(t)
	for _, c := range echoCases() {
		imp := "host-echo-" + c.fn
		if strings.HasPrefix(c.fn, "string") {
			imp = "host-echo-string"
		}
		if c.fn == "list-string16" {
			imp = "host-echo-list-string"
		}
		t.Run(c.fn+"/"+fmtValue(c.in), func(t *testing.T) {
			f.t = t
			gotIn, gotR := c.in, c.reply
			if c.gotIn != nil {
				gotIn = c.gotIn
			}
			if c.gotR != nil {
				gotR = c.gotR
			}
			f.reply[imp] = c.reply
			defer delete(f.reply, imp)
			res, err := f.call("echo-"+c.fn, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if args := f.got[imp]; len(args) != 1 {
				t.Fatalf("%s got %d arguments", imp, len(args))
			} else {
				wantValue(t, imp+" argument", args[0], gotIn)
			}
			wantValue(t, "result", res, gotR)
			// And the identity: the value comes back unchanged.
			delete(f.reply, imp)
			res, err = f.call("echo-"+c.fn, c.in)
			if err != nil {
				t.Fatal(err)
			}
			wantValue(t, "echoed", res, gotIn)
		})
	}
}

// TestCanonManyParams passes 17 parameters that flatten to 19 core values:
// through a tuple in memory both when the host calls the export (realloc)
// and when the guest calls the import (a pointer into its memory).
func TestCanonManyParams(t *testing.T) {
	f := newValues(t)
	args := []Value{U8(255), S8(-128), U16(65535), S16(-32768), U32(math.MaxUint32), S32(math.MinInt32),
		U64(math.MaxUint64), S64(math.MinInt64), F32(1.5), F64(-2.5), Char('𝄞'), Bool(true),
		String("many"), Enum("green"), Flags{"a", "i"}, Some(U8(9)), U32(17)}
	f.reply["host-many"] = String("done")
	res := f.mustCall("echo-many", args...)
	wantValue(t, "result", res, String("done"))
	wantValue(t, "host-many arguments", Tuple(f.got["host-many"]), Tuple(args))

	// The parameter tuple the guest passes on to the import, at a pointer
	// the test chooses: layout u8@0 s8@1 u16@2 s16@4 u32@8 s32@12 u64@16
	// s64@24 f32@32 f64@40 char@48 bool@52 string@56 enum@64 flags@66
	// option<u8>@68 u32@72, size 80, alignment 8.
	mem := bytes.Repeat([]byte{0xaa}, 80)
	put := func(off int, b ...byte) { copy(mem[off:], b) }
	put(0, 1)
	put(1, 0xfe)
	put(2, le32(0x1234)[:2]...)
	put(4, le32(0xfffe)[:2]...)
	put(8, le32(5)...)
	put(12, le32(0xfffffffa)...)
	put(16, le64(7)...)
	put(24, le64(0xfffffffffffffff8)...)
	put(32, le32(math.Float32bits(0.5))...)
	put(40, le64(math.Float64bits(0.25))...)
	put(48, le32('x')...)
	put(52, 0)
	put(56, le32(freeArea+128)...)
	put(60, le32(3)...)
	put(64, 2)
	put(66, 0x00, 0x01) // flag "i"
	put(68, 0)          // none
	put(72, le32(99)...)
	f.poke(freeArea, mem)
	f.poke(freeArea+128, []byte("abc"))
	f.reply["host-many"] = String("raw")
	res = f.mustCall("raw-many", U32(freeArea))
	wantValue(t, "result", res, String("raw"))
	wantValue(t, "host-many arguments", Tuple(f.got["host-many"]), Tuple{U8(1), S8(-2), U16(0x1234), S16(-2),
		U32(5), S32(-6), U64(7), S64(-8), F32(0.5), F64(0.25), Char('x'), Bool(false), String("abc"),
		Enum("blue"), Flags{"i"}, None, U32(99)})
}

// TestCanonFlat16 passes exactly MAX_FLAT_PARAMS core values: still flat.
func TestCanonFlat16(t *testing.T) {
	f := newValues(t)
	var args []Value
	for i := range 15 {
		args = append(args, U32(i+1))
	}
	args = append(args, U64(math.MaxUint64))
	f.reply["host-flat16"] = U64(16)
	res := f.mustCall("echo-flat16", args...)
	wantValue(t, "result", res, U64(16))
	wantValue(t, "host-flat16 arguments", Tuple(f.got["host-flat16"]), Tuple(args))
}

// layoutCase is a value and its exact bytes in memory; 0xaa marks padding
// and bytes beyond a smaller variant payload, which store must not write
// and load must ignore.
type layoutCase struct {
	fn  string
	v   Value
	mem []byte
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func pad(n int) []byte { return bytes.Repeat([]byte{0xaa}, n) }

func layoutCases() []layoutCase {
	return []layoutCase{
		{"padded", padded(0x11, 0x2233445566778899, 0xaabb, 0xccddeeff, 0x01),
			cat([]byte{0x11}, pad(7), le64(0x2233445566778899), []byte{0xbb, 0xaa}, pad(2), le32(0xccddeeff), []byte{0x01}, pad(7))},
		{"all-flags", allFlags(Flags{"a"}, Flags{"b", "h"}, Flags{"a", "i"}, Flags{"p"}, Flags{"a", "q"}, flags32(0x80000002)),
			cat([]byte{0x01, 0x82, 0x01, 0x01, 0x00, 0x80}, pad(2), le32(0x00010001), le32(0x80000002))},
		{"enum-tuple", Tuple{Enum("e258"), Enum("blue"), Char('€'), Bool(true)},
			cat([]byte{0x02, 0x01, 0x02}, pad(1), le32('€'), []byte{1}, pad(3))},
		{"fixed4", List{U32(1), U32(2), U32(3), U32(0xfffffffe)}, cat(le32(1), le32(2), le32(3), le32(0xfffffffe))},
		{"fixed-nested", List{bytesValue([]byte{1, 2, 3}), bytesValue([]byte{4, 5, 6})}, []byte{1, 2, 3, 4, 5, 6}},
		{"v-u32-f32", Variant{"b", F32(1.5)}, cat([]byte{1}, pad(3), le32(0x3fc00000))},
		{"v-u64-f32", Variant{"b", F32(1.5)}, cat([]byte{1}, pad(7), le32(0x3fc00000), pad(4))},
		{"v-u64-f32", Variant{"a", U64(0x0102030405060708)}, cat([]byte{0}, pad(7), le64(0x0102030405060708))},
		{"v-f64-u32", Variant{"c", nil}, cat([]byte{2}, pad(15))},
		{"v-f64-u32", Variant{"b", U32(9)}, cat([]byte{1}, pad(7), le32(9), pad(4))},
		{"v-mixed", Variant{"a", Tuple{U8(0x80), F32(-1)}}, cat([]byte{0}, pad(7), []byte{0x80}, pad(3), le32(0xbf800000))},
		{"v-mixed", Variant{"b", F64(2)}, cat([]byte{1}, pad(7), le64(0x4000000000000000))},
		{"opt-opt", None, cat([]byte{0}, pad(11))},
		{"opt-opt", Some(None), cat([]byte{1}, pad(3), []byte{0}, pad(7))},
		{"opt-opt", Some(Some(U32(0x01020304))), cat([]byte{1}, pad(3), []byte{1}, pad(3), le32(0x01020304))},
		{"result-u32", Err(nil), cat([]byte{1}, pad(7))},
		{"result-u32", Ok(U32(3)), cat([]byte{0}, pad(3), le32(3))},
		{"result-string-u64", Err(U64(5)), cat([]byte{1}, pad(7), le64(5))},
		{"result-err-string", Ok(nil), cat([]byte{0}, pad(11))},
	}
}

// TestCanonLayout checks the exact bytes store writes (the import's result
// written at RET) and that load reads them back (the same bytes poked and
// loaded), padding untouched and ignored.
func TestCanonLayout(t *testing.T) {
	f := newValues(t)
	for _, c := range layoutCases() {
		t.Run(c.fn+"/"+fmtValue(c.v), func(t *testing.T) {
			f.t = t
			n := uint32(len(c.mem))
			f.poke(retArea, pad(int(n)+8))
			f.reply["host-echo-"+c.fn] = c.v
			defer delete(f.reply, "host-echo-"+c.fn)
			var in Value = c.v
			res := f.mustCall("echo-"+c.fn, in)
			wantValue(t, "echo", res, c.v)
			if got := f.peek(retArea, n+8); !bytes.Equal(got, append(c.mem, pad(8)...)) {
				t.Errorf("stored\n  % x\nwant\n  % x", got, append(c.mem, pad(8)...))
			}
			f.poke(freeArea, c.mem)
			wantValue(t, "load", f.mustCall("load-"+c.fn, U32(freeArea)), c.v)
		})
	}
}

// TestCanonFlatLowering checks the core values the host lowers, the join
// of variant payloads in particular (flatten_variant, lower_flat_variant).
func TestCanonFlatLowering(t *testing.T) {
	f := newValues(t)
	cases := []struct {
		fn   string
		in   Value
		want Value
	}{
		{"flat-v-u32-f32", Variant{"b", F32(1.5)}, Tuple{U32(1), U32(0x3fc00000)}},
		{"flat-v-u32-f32", Variant{"a", U32(7)}, Tuple{U32(0), U32(7)}},
		{"flat-v-u64-f32", Variant{"b", F32(-1)}, Tuple{U32(1), U64(0xbf800000)}},
		{"flat-v-u64-f32", Variant{"a", U64(math.MaxUint64)}, Tuple{U32(0), U64(math.MaxUint64)}},
		{"flat-v-f64-u32", Variant{"a", F64(1.5)}, Tuple{U32(0), U64(0x3ff8000000000000)}},
		{"flat-v-f64-u32", Variant{"b", U32(math.MaxUint32)}, Tuple{U32(1), U64(0xffffffff)}},
		{"flat-v-f64-u32", Variant{"c", nil}, Tuple{U32(2), U64(0)}},
		{"flat-v-mixed", Variant{"a", Tuple{U8(255), F32(3.5)}}, Tuple{U32(0), U64(255), U32(0x40600000)}},
		{"flat-v-mixed", Variant{"b", negZero64}, Tuple{U32(1), U64(0x8000000000000000), U32(0)}},
		{"flat-opt-opt", None, Tuple{U32(0), U32(0), U32(0)}},
		{"flat-opt-opt", Some(None), Tuple{U32(1), U32(0), U32(0)}},
		{"flat-opt-opt", Some(Some(U32(5))), Tuple{U32(1), U32(1), U32(5)}},
		{"flat-result-string-u64", Err(U64(7)), Tuple{U32(1), U64(7), U32(0)}},
		{"s8-bits", S8(-1), U32(0xffffffff)},
		{"s8-bits", S8(127), U32(127)},
		{"s16-bits", S16(-2), U32(0xfffffffe)},
		{"bool-bits", Bool(true), U32(1)},
		{"char-bits", Char(0x10ffff), U32(0x10ffff)},
		{"f32-to-bits", negZero32, U32(0x80000000)},
		{"f32-to-bits", F32(float32(math.Inf(1))), U32(0x7f800000)},
		{"f64-to-bits", F64(math.Inf(-1)), U64(0xfff0000000000000)},
	}
	for _, c := range cases {
		got, err := f.call(c.fn, c.in)
		if err != nil {
			t.Errorf("%s(%s): %v", c.fn, fmtValue(c.in), err)
			continue
		}
		wantValue(t, c.fn+"("+fmtValue(c.in)+")", got, c.want)
	}

	// Strings: pointer and length in code units, bytes in the guest's encoding.
	for _, c := range []struct {
		fn, s string
		n     uint32
		mem   []byte
	}{
		{"flat-string", "h€", 4, []byte("h€")},
		{"flat-string16", "h€𝄞", 4, []byte{'h', 0, 0xac, 0x20, 0x34, 0xd8, 0x1e, 0xdd}},
		{"flat-string-l1", "hé", 2, []byte{'h', 0xe9}},
		{"flat-string-l1", "h€", 2 | 1<<31, []byte{'h', 0, 0xac, 0x20}},
		{"flat-string-l1", "", 0, nil},
	} {
		got := f.mustCall(c.fn, String(c.s)).(Tuple)
		ptr, n := uint32(got[0].(U32)), uint32(got[1].(U32))
		if n != c.n {
			t.Errorf("%s(%q): length %#x, want %#x", c.fn, c.s, n, c.n)
		}
		if c.fn != "flat-string" && ptr%2 != 0 {
			t.Errorf("%s(%q): pointer %#x is not 2-aligned", c.fn, c.s, ptr)
		}
		if mem := f.peek(ptr, uint32(len(c.mem))); !bytes.Equal(mem, c.mem) {
			t.Errorf("%s(%q): memory % x, want % x", c.fn, c.s, mem, c.mem)
		}
	}
}

// TestCanonFlatLifting feeds raw core values to the lifting of import
// arguments (lift_flat) and export results.
func TestCanonFlatLifting(t *testing.T) {
	f := newValues(t)
	f.poke(freeArea, []byte("poked"))
	cases := []struct {
		fn   string
		args []Value
		imp  string
		want Value
	}{
		{"raw-bool", []Value{U32(2)}, "host-echo-bool", Bool(true)},
		{"raw-bool", []Value{U32(0x100)}, "host-echo-bool", Bool(true)},
		{"raw-s8", []Value{U32(0x1ff)}, "host-echo-s8", S8(-1)},
		{"raw-u8", []Value{U32(0x1ff)}, "host-echo-u8", U8(255)},
		{"raw-s16", []Value{U32(0x18000)}, "host-echo-s16", S16(math.MinInt16)},
		{"raw-u16", []Value{U32(0xfffff)}, "host-echo-u16", U16(0xffff)},
		{"raw-char", []Value{U32(0x10ffff)}, "host-echo-char", Char(0x10ffff)},
		{"raw-big-enum", []Value{U32(299)}, "host-echo-big-enum", Enum("e299")},
		// Unknown flag bits are ignored (unpack_flags_from_int).
		{"raw-flags9", []Value{U32(0xfffffe00 | 0x101)}, "host-echo-flags9", Flags{"a", "i"}},
		{"raw-flags32", []Value{U32(0xffffffff)}, "host-echo-flags32", flags32(0xffffffff)},
		{"raw-result-unit", []Value{U32(1)}, "host-echo-result-unit", Err(nil)},
		{"raw-v-u32-f32", []Value{U32(1), U32(0x7fa00001)}, "host-echo-v-u32-f32", Variant{"b", f32bits(0x7fc00000)}},
		{"raw-v-u64-f32", []Value{U32(1), U64(0xdeadbeef3fc00000)}, "host-echo-v-u64-f32", Variant{"b", F32(1.5)}},
		{"raw-v-u64-f32", []Value{U32(0), U64(math.MaxUint64)}, "host-echo-v-u64-f32", Variant{"a", U64(math.MaxUint64)}},
		{"raw-v-f64-u32", []Value{U32(1), U64(0xdeadbeef00000007)}, "host-echo-v-f64-u32", Variant{"b", U32(7)}},
		{"raw-v-f64-u32", []Value{U32(0), U64(0xfff8000000000001)}, "host-echo-v-f64-u32", Variant{"a", f64bits(0x7ff8000000000000)}},
		{"raw-v-f64-u32", []Value{U32(2), U64(99)}, "host-echo-v-f64-u32", Variant{"c", nil}},
		{"raw-v-mixed", []Value{U32(0), U64(0xffffffffffffff80), U32(0x40600000)}, "host-echo-v-mixed",
			Variant{"a", Tuple{U8(0x80), F32(3.5)}}},
		{"raw-v-mixed", []Value{U32(2), U64(0xffffffff00000000 | freeArea), U32(5)}, "host-echo-v-mixed",
			Variant{"c", String("poked")}},
		{"raw-opt-opt", []Value{U32(0), U32(9), U32(9)}, "host-echo-opt-opt", None},
		{"raw-opt-opt", []Value{U32(1), U32(1), U32(5)}, "host-echo-opt-opt", Some(Some(U32(5)))},
		{"raw-result-string-u64", []Value{U32(1), U64(7), U32(0)}, "host-echo-result-string-u64", Err(U64(7))},
		{"raw-result-string-u64", []Value{U32(0), U64(0xffffffff00000000 | freeArea), U32(5)}, "host-echo-result-string-u64",
			Ok(String("poked"))},
		{"raw-string", []Value{U32(freeArea), U32(5)}, "host-echo-string", String("poked")},
		{"raw-string", []Value{U32(freeArea + 5), U32(0)}, "host-echo-string", String("")},
	}
	for _, c := range cases {
		name := c.fn + fmtValue(Tuple(c.args))
		res, err := f.call(c.fn, c.args...)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if args := f.got[c.imp]; len(args) != 1 {
			t.Errorf("%s: %s got %d arguments", name, c.imp, len(args))
		} else {
			wantValue(t, name+": "+c.imp+" argument", args[0], c.want)
		}
		wantValue(t, name+": result", res, c.want)
	}

	// Export results from raw core values.
	for _, c := range []struct {
		fn   string
		arg  Value
		want Value
	}{
		{"id-bool", U32(0xffffffff), Bool(true)},
		{"id-s8", U32(0x80), S8(-128)},
		{"id-s16", U32(0xffff7fff), S16(0x7fff)},
		{"id-u16", U32(0xfffff), U16(0xffff)},
		{"id-char", U32('🙂'), Char('🙂')},
		{"id-big-enum", U32(256), Enum("e256")},
		{"id-small-enum", U32(2), Enum("blue")},
		{"id-flags1", U32(0xffffffff), Flags{"a"}},
		{"id-flags17", U32(0xfffe0001), Flags{"a"}},
		{"id-result-unit", U32(0), Ok(nil)},
		{"id-s64", U64(1 << 63), S64(math.MinInt64)},
		{"f32-from-bits", U32(0xffc00001), f32bits(0x7fc00000)},
		{"f32-from-bits", U32(0x80000000), negZero32},
		{"f64-from-bits", U64(0x7ff4000000000000), f64bits(0x7ff8000000000000)},
		{"f64-from-bits", U64(0x7ff0000000000000), F64(math.Inf(1))},
	} {
		wantValue(t, c.fn+"("+fmtValue(c.arg)+")", f.mustCall(c.fn, c.arg), c.want)
	}
}

// TestCanonPostReturn checks that post-return gets the flat results.
func TestCanonPostReturn(t *testing.T) {
	f := newValues(t)
	f.poke(900, make([]byte, 8))
	wantValue(t, "echo-u32-post-return", f.mustCall("echo-u32-post-return", U32(0xdeadbeef)), U32(0xdeadbeef))
	if got := f.peek(900, 8); !bytes.Equal(got, cat(le32(0xdeadbeef), le32(1))) {
		t.Errorf("post-return memory % x, want its argument 0xdeadbeef and one call", got)
	}
	wantValue(t, "echo-string-post-return", f.mustCall("echo-string-post-return", String("pr")), String("pr"))
	if got := f.peek(900, 8); !bytes.Equal(got, cat(le32(retArea), le32(2))) {
		t.Errorf("post-return memory % x, want its argument RET (the result pointer) and two calls", got)
	}
	f.mustCall("echo-u32", U32(1))
	if got := f.peek(904, 4); !bytes.Equal(got, le32(2)) {
		t.Errorf("post-return called by a function without the option")
	}
}

// TestCanonStringTranscoding checks strings in guest encodings made by the
// guest rather than by the runtime.
func TestCanonStringTranscoding(t *testing.T) {
	f := newValues(t)
	f.poke(freeArea, []byte{'h', 0, 0xe9, 0, 0xac, 0x20, 0x34, 0xd8, 0x1e, 0xdd})
	wantValue(t, "utf16", f.mustCall("raw-string16", U32(freeArea), U32(5)), String("hé€𝄞"))
	wantValue(t, "latin1+utf16 tagged", f.mustCall("raw-string-l1", U32(freeArea), U32(5|1<<31)), String("hé€𝄞"))
	f.poke(freeArea, []byte{'h', 0xe9, 0xff, 0x80})
	wantValue(t, "latin1", f.mustCall("raw-string-l1", U32(freeArea), U32(4)), String("héÿ\u0080"))
	// in memory: (ptr, tagged length)
	f.poke(freeArea+64, cat(le32(freeArea), le32(2)))
	wantValue(t, "load latin1", f.mustCall("load-string-l1", U32(freeArea+64)), String("hé"))
}

// TestCanonMap checks map<K, V>, laid out as list<tuple<K, V>>: entries of
// map<u8, u64> are 16 bytes, the value at offset 8.
func TestCanonMap(t *testing.T) {
	f := newValues(t)
	f.poke(freeArea, cat([]byte{3}, pad(7), le64(0x0102030405060708), []byte{4}, pad(7), le64(9)))
	want := List{Tuple{U8(3), U64(0x0102030405060708)}, Tuple{U8(4), U64(9)}}
	wantValue(t, "raw-map-u8-u64", f.mustCall("raw-map-u8-u64", U32(freeArea), U32(2)), want)
	wantValue(t, "host-echo-map-u8-u64 argument", f.got["host-echo-map-u8-u64"][0], want)
	f.poke(freeArea+64, cat(le32(freeArea), le32(2)))
	wantValue(t, "load-map-u8-u64", f.mustCall("load-map-u8-u64", U32(freeArea+64)), want)
	// what store writes: the import's result
	f.reply["host-echo-map-u8-u64"] = List{Tuple{U8(5), U64(6)}}
	got := f.mustCall("raw-map-u8-u64", U32(freeArea), U32(0))
	wantValue(t, "reply", got, List{Tuple{U8(5), U64(6)}})
	ret := f.peek(retArea, 8)
	ptr, n := uint32(ret[0])|uint32(ret[1])<<8|uint32(ret[2])<<16|uint32(ret[3])<<24, ret[4]
	if n != 1 || ptr%8 != 0 {
		t.Fatalf("stored map at %#x, %d entries", ptr, n)
	}
	if mem := f.peek(ptr, 16); mem[0] != 5 || !bytes.Equal(mem[8:], le64(6)) {
		t.Errorf("stored map entry % x", mem)
	}
	f.trapCall("raw-map-u8-u64", []string{"import host-echo-map-u8-u64", "misaligned"}, U32(freeArea+4), U32(1))
	f.trapCall("raw-map-u8-u64", []string{"import host-echo-map-u8-u64", "too long"}, U32(freeArea), U32(1<<24))
	f.trapCall("raw-map-u8-u64", []string{"import host-echo-map-u8-u64", "out of bounds"}, U32(0xfffffff0), U32(1))
}

package wave

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// testWIT defines a type for every WAVE shape. Anonymous types get an alias
// so that tests can find them by name.
const testWIT = `package test:wave;

interface types {
  record point { x: s32, y: s32 }
  record message { content: string, name: string }
  record opts { required: u8, optional: option<u8> }
  record all-opt { a: option<u8>, b: option<string> }
  record kw { true: bool, false: bool, some: option<u8>, none: option<u8>, ok: result, err: result, inf: f32, nan: f32 }
  record labels { sha-256: u8, HTTP3: u8, method-GET: u8 }
  variant shape { circle(f64), square(u32), dot, none-shape }
  variant kwv { true(u8), false, some(u8), none, ok(u8), err, inf(u8), nan }
  type kwvs = list<kwv>;
  enum color { red, green, blue }
  enum kwe { true, false, some, none, ok, err, inf, nan }
  flags perms { read, write, exec }
  flags kwf { true, false, some, none, ok, err, inf, nan }
  resource res;

  type bytes = list<u8>;
  type strings = list<string>;
  type chars = list<char>;
  type floats = list<f32>;
  type quad = list<u8, 4>;
  type empty-fixed = list<u8, 0>;
  type pair = tuple<u8, string>;
  type single = tuple<bool>;
  type opt-u8 = option<u8>;
  type opt-opt = option<option<u8>>;
  type opt-res = option<result<u8>>;
  type opt-color = option<color>;
  type opt-shape = option<shape>;
  type opt-bool = option<bool>;
  type opt-list = option<list<u8>>;
  type res-u8 = result<u8>;
  type res-err = result<_, string>;
  type res-both = result<u8, string>;
  type res-none = result;
  type res-opt = result<option<u8>, u8>;
  type nested = list<list<option<point>>>;
  type alias-of-alias = bytes;
  type own-res = own<res>;
  type fut = future<u8>;
  type strm = stream<u8>;
  type dict = map<string, u8>;
  type opt-own = option<own<res>>;

  greet: func(msg: message);
  init-plugin: func();
  trailing: func(a: u8, b: option<u8>, c: option<string>);
  middle: func(a: option<u8>, b: u8);
  add: func(a: s32, b: s32) -> s32;
  use-res: func(r: borrow<res>);
  %f32: func(val: f32);
}
`

type fixture struct {
	r     *wit.Resolve
	iface *wit.Interface
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	r := wit.NewResolve()
	if _, err := r.PushSource("test.wit", testWIT); err != nil {
		t.Fatal(err)
	}
	for _, iface := range r.Interfaces {
		if iface.Name == "types" {
			return &fixture{r: r, iface: iface}
		}
	}
	t.Fatal("no interface types")
	return nil
}

// typ returns a primitive by its WIT name or a named type of the fixture.
func (fx *fixture) typ(t testing.TB, name string) wit.Type {
	t.Helper()
	for p := wit.Bool; p <= wit.ErrorContext; p++ {
		if p.String() == name {
			return p
		}
	}
	id, ok := fx.iface.Types.Get(name)
	if !ok {
		t.Fatalf("no type %s", name)
	}
	return id
}

func (fx *fixture) lookup(name string) (*wit.Function, bool) {
	return fx.iface.Functions.Get(name)
}

// Round trips: input parses, formats as want, and want parses to the same
// value and formats as itself.
var roundTrips = []struct {
	typ, in, want string
}{
	// bool
	{"bool", "true", "true"},
	{"bool", " false ", "false"},
	{"bool", "// comment\nfalse // comment", "false"},

	// integers, with their limits
	{"u8", "0", "0"},
	{"u8", "255", "255"},
	{"s8", "-128", "-128"},
	{"s8", "127", "127"},
	{"s8", "-0", "0"},
	{"u16", "65535", "65535"},
	{"s16", "-32768", "-32768"},
	{"u32", "4294967295", "4294967295"},
	{"s32", "-2147483648", "-2147483648"},
	{"u64", "18446744073709551615", "18446744073709551615"},
	{"s64", "-9223372036854775808", "-9223372036854775808"},
	{"s64", "9223372036854775807", "9223372036854775807"},

	// floats (wasm-wave's accept-floats)
	{"f64", "3.14", "3.14"},
	{"f64", "6.022e+23", "602200000000000000000000"},
	{"f64", "1E-3", "0.001"},
	{"f64", "-0.0e-0", "-0"},
	{"f64", "nan", "nan"},
	{"f64", "inf", "inf"},
	{"f64", "-inf", "-inf"},
	{"f64", "1e400", "inf"},
	{"f64", "-1e400", "-inf"},
	{"f64", "1e-400", "0"},
	{"f64", "5e-324", "0." + strings.Repeat("0", 323) + "5"},
	{"f32", "0.1", "0.1"},
	{"f32", "-3.1415", "-3.1415"},
	{"f32", "-100000", "-100000"},
	{"f32", "16777217", "16777216"},
	{"f32", "3.4028234664e38", "340282350000000000000000000000000000000"},
	{"f32", "3.4028234664123e38", "340282350000000000000000000000000000000"},
	{"f32", "3.4028234664e39", "inf"},
	{"f32", "1.4012984643e-45", "0.000000000000000000000000000000000000000000001"},
	{"f32", "1.4012984643e-46", "0"},
	{"floats", "[0, 0.0, 0e0, 0.0e0, 0e-1, 0e+1, 0.000e100]", "[0, 0, 0, 0, 0, 0, 0]"},
	{"floats", "[nan, inf, -inf]", "[nan, inf, -inf]"},

	// chars (wasm-wave's accept-chars)
	{"chars", "['W', 'A', 'V', 'E', '🌊']", "['W', 'A', 'V', 'E', '🌊']"},
	{"chars", `['\\', '\'', '\"', '\t', '\n', '\r']`, `['\\', '\'', '\"', '\t', '\n', '\r']`},
	{"chars", `['\u{0}', '\u{000000}']`, `['\u{0}', '\u{0}']`},
	{"chars", `['x', '\u{78}', '\u{000078}']`, `['x', 'x', 'x']`},
	{"chars", `['☃', '\u{2603}', '\u{002603}']`, `['☃', '☃', '☃']`},
	{"chars", `['"', '\"', '\u{22}']`, `['\"', '\"', '\"']`},
	{"char", `'\u{10FFFF}'`, `'\u{10ffff}'`},
	{"char", `'\u{7f}'`, `'\u{7f}'`},
	{"char", `'\u{301}'`, `'\u{301}'`},
	{"char", "'\u00a0'", `'\u{a0}'`},
	{"char", "'\t'", `'\t'`},

	// strings (wasm-wave's accept-strings)
	{"string", `""`, `""`},
	{"string", `"WAVE🌊"`, `"WAVE🌊"`},
	{"string", `"\\\'\"\t\n\r"`, `"\\\'\"\t\n\r"`},
	{"string", `"'\'\u{27}"`, `"\'\'\'"`},
	{"string", `"☃\u{2603}\u{002603}"`, `"☃☃☃"`},
	{"string", "\"a\rb\"", `"a\rb"`},
	{"string", `"\u{1b}[0m"`, `"\u{1b}[0m"`},
	{"string", "\"\"\"\n\"\"\"", `""`},
	{"string", "\"\"\"\r\n  one\r\n  two\r\n  \"\"\"", `"one\ntwo"`},
	{"string", "\"\"\"\nBreak up double quote sequences: \"\"\\\"\"\nOther escapes work: \\\\\\'\\\"\\t\\n\\r\\u{2603}\n\"\"\"",
		`"Break up double quote sequences: \"\"\"\"\nOther escapes work: \\\'\"\t\n\r☃"`},
	{"string", "\"\"\"\n    Trailing indent\n  determines dedent\n      behavior.\n  \"\"\"",
		`"  Trailing indent\ndetermines dedent\n    behavior."`},
	{"string", "\"\"\"\n\nEmpty leading and trailing lines are retained\n\n\"\"\"",
		`"\nEmpty leading and trailing lines are retained\n"`},
	{"string", "\"\"\"\n  it's \"quoted\"\ttab\n  \"\"\"", `"it\'s \"quoted\"\ttab"`},

	// lists
	{"bytes", "[]", "[]"},
	{"bytes", "[ ]", "[]"},
	{"bytes", "[1,2,3,]", "[1, 2, 3]"},
	{"strings", `["a", "b"]`, `["a", "b"]`},
	{"alias-of-alias", "[7]", "[7]"},
	{"quad", "[1, 2, 3, 4]", "[1, 2, 3, 4]"},
	{"quad", "[1, 2, 3, 4,]", "[1, 2, 3, 4]"},
	{"empty-fixed", "[]", "[]"},
	{"nested", "[[{x: 1, y: 2}, none], [], [some({y: -1, x: 0})]]", "[[some({x: 1, y: 2}), none], [], [some({x: 0, y: -1})]]"},

	// tuples
	{"pair", `(1, "one")`, `(1, "one")`},
	{"pair", `( 1 , "one" , )`, `(1, "one")`},
	{"single", "(true)", "(true)"},

	// records
	{"point", "{x: 1, y: -2}", "{x: 1, y: -2}"},
	{"point", "{y: -2, x: 1,}", "{x: 1, y: -2}"},
	{"point", "{%x: 1, %y: 2}", "{x: 1, y: 2}"},
	{"message", `{content: "hello world from wasm!", name: "alez"}`, `{content: "hello world from wasm!", name: "alez"}`},
	{"opts", "{ required: 1 }", "{required: 1}"},
	{"opts", "{ required: 1, optional: none }", "{required: 1}"},
	{"opts", "{ optional: none, required: 1 }", "{required: 1}"},
	{"opts", "{ required: 1, optional: some(2) }", "{required: 1, optional: some(2)}"},
	{"opts", "{ optional: 2, required: 1, }", "{required: 1, optional: some(2)}"},
	{"all-opt", "{:}", "{:}"},
	{"all-opt", "{ : }", "{:}"},
	{"all-opt", "{a:none,b:none}", "{:}"},
	{"all-opt", `{b: "x"}`, `{b: some("x")}`},
	{"all-opt", `{b:some("x"),a:some(1)}`, `{a: some(1), b: some("x")}`},
	{"kw", "{true: true, false: false, some: some(1), none: none, ok: ok, err: err, inf: inf, nan: nan}",
		"{true: true, false: false, some: some(1), ok: ok, err: err, inf: inf, nan: nan}"},
	{"labels", "{sha-256: 1, HTTP3: 2, method-GET: 3}", "{sha-256: 1, HTTP3: 2, method-GET: 3}"},

	// variants
	{"shape", "circle(1.5)", "circle(1.5)"},
	{"shape", "square (4)", "square(4)"},
	{"shape", "dot", "dot"},
	{"shape", "%dot", "dot"},
	{"shape", "none-shape", "none-shape"},
	{"kwvs", "[%true(1), %false, %inf(1), %nan, %some(1), %none, %ok(1), %err]", ""},

	// enums
	{"color", "red", "red"},
	{"color", "%blue", "blue"},
	{"kwe", "%true", "%true"},
	{"kwe", "%nan", "%nan"},

	// options
	{"opt-u8", "some(1)", "some(1)"},
	{"opt-u8", "1", "some(1)"},
	{"opt-u8", "none", "none"},
	{"opt-opt", "some(some(1))", "some(some(1))"},
	{"opt-opt", "some(none)", "some(none)"},
	{"opt-opt", "some(1)", "some(some(1))"},
	{"opt-opt", "none", "none"},
	{"opt-res", "some(ok(1))", "some(ok(1))"},
	{"opt-res", "some(2)", "some(ok(2))"},
	{"opt-color", "green", "some(green)"},
	{"opt-shape", "circle(0)", "some(circle(0))"},
	{"opt-bool", "true", "some(true)"},
	{"opt-list", "[1]", "some([1])"},

	// results
	{"res-u8", "ok(1)", "ok(1)"},
	{"res-u8", "1", "ok(1)"},
	{"res-u8", "err", "err"},
	{"res-err", "ok", "ok"},
	{"res-err", `err("oops")`, `err("oops")`},
	{"res-both", `err("oops")`, `err("oops")`},
	{"res-both", "7", "ok(7)"},
	{"res-none", "ok", "ok"},
	{"res-none", "err", "err"},
	{"res-opt", "ok(none)", "ok(none)"},
	{"res-opt", "ok(3)", "ok(some(3))"},
	{"res-opt", "err(3)", "err(3)"},

	// flags (wasm-wave's accept-flags)
	{"perms", "{}", "{}"},
	{"perms", "{ read }", "{read}"},
	{"perms", "{ read, }", "{read}"},
	{"perms", "{ exec, read }", "{read, exec}"},
	{"perms", "{%write}", "{write}"},
	{"kwf", "{true, false, inf, nan, some, none, ok, err}", "{true, false, some, none, ok, err, inf, nan}"},
}

func TestRoundTrip(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range roundTrips {
		typ := fx.typ(t, tc.typ)
		want := tc.want
		if want == "" {
			want = tc.in
		}
		v, err := ParseValue(fx.r, typ, tc.in)
		if err != nil {
			t.Errorf("%s: parse %q: %v", tc.typ, tc.in, err)
			continue
		}
		got, err := Format(fx.r, typ, v)
		if err != nil {
			t.Errorf("%s: format %q: %v", tc.typ, tc.in, err)
			continue
		}
		if got != want {
			t.Errorf("%s: %q formats as\n%s\nwant\n%s", tc.typ, tc.in, got, want)
			continue
		}
		v2, err := ParseValue(fx.r, typ, got)
		if err != nil {
			t.Errorf("%s: reparse %q: %v", tc.typ, got, err)
			continue
		}
		if !sameValue(v, v2) {
			t.Errorf("%s: %q parses as %#v, its formatting %q as %#v", tc.typ, tc.in, v, got, v2)
		}
		if again, err := Format(fx.r, typ, v2); err != nil || again != got {
			t.Errorf("%s: %q formats as %q then %q (%v)", tc.typ, tc.in, got, again, err)
		}
	}
}

// sameValue is reflect.DeepEqual, except that NaNs of a type are equal.
func sameValue(a, b component.Value) bool {
	switch a := a.(type) {
	case component.F32:
		b, ok := b.(component.F32)
		return ok && (a == b && math.Signbit(float64(a)) == math.Signbit(float64(b)) || a != a && b != b)
	case component.F64:
		b, ok := b.(component.F64)
		return ok && (a == b && math.Signbit(float64(a)) == math.Signbit(float64(b)) || a != a && b != b)
	case component.List:
		b, ok := b.(component.List)
		return ok && sameValues(a, b)
	case component.Tuple:
		b, ok := b.(component.Tuple)
		return ok && sameValues(a, b)
	case component.Record:
		b, ok := b.(component.Record)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Name != b[i].Name || !sameValue(a[i].Value, b[i].Value) {
				return false
			}
		}
		return true
	case component.Variant:
		b, ok := b.(component.Variant)
		return ok && a.Case == b.Case && sameValue(a.Value, b.Value)
	case component.Option:
		b, ok := b.(component.Option)
		return ok && sameValue(a.Value, b.Value)
	case component.Result:
		b, ok := b.(component.Result)
		return ok && a.IsErr == b.IsErr && sameValue(a.Value, b.Value)
	}
	return reflect.DeepEqual(a, b)
}

func sameValues(a, b []component.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestValues checks the values parsing produces, not just their formatting.
func TestValues(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		typ, in string
		want    component.Value
	}{
		{"u8", "7", component.U8(7)},
		{"s64", "-7", component.S64(-7)},
		{"f32", "1.5", component.F32(1.5)},
		{"char", `'\u{1F30A}'`, component.Char('🌊')},
		{"string", `"a\u{0}b"`, component.String("a\x00b")},
		{"bytes", "[]", component.List{}},
		{"pair", `(1, "x")`, component.Tuple{component.U8(1), component.String("x")}},
		{"opts", "{required: 1}", component.Record{{Name: "required", Value: component.U8(1)}, {Name: "optional", Value: component.None}}},
		{"shape", "circle(2)", component.Variant{Case: "circle", Value: component.F64(2)}},
		{"shape", "dot", component.Variant{Case: "dot"}},
		{"kwv", "%none", component.Variant{Case: "none"}},
		{"color", "blue", component.Enum("blue")},
		{"opt-u8", "3", component.Some(component.U8(3))},
		{"opt-opt", "some(none)", component.Some(component.None)},
		{"res-both", `err("e")`, component.Err(component.String("e"))},
		{"res-none", "ok", component.Ok(nil)},
		{"perms", "{exec, read}", component.Flags{"read", "exec"}},
		{"perms", "{}", component.Flags{}},
	}
	for _, tc := range tests {
		got, err := ParseValue(fx.r, fx.typ(t, tc.typ), tc.in)
		if err != nil {
			t.Errorf("%s %q: %v", tc.typ, tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %q = %#v, want %#v", tc.typ, tc.in, got, tc.want)
		}
	}
	v, err := ParseValue(fx.r, wit.F32, "nan")
	if f, ok := v.(component.F32); err != nil || !ok || math.Float32bits(float32(f)) != 0x7fc00000 {
		t.Errorf("f32 nan = %#v, %v; want the canonical NaN", v, err)
	}
}

func TestParseErrors(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		typ, in string
		off     int
		msg     string
	}{
		// tokens and syntax
		{"u32", "abc", 0, `expected u32, found "abc"`},
		{"u32", "", 0, "expected u32, found end of input"},
		{"u32", "  ", 2, "expected u32, found end of input"},
		{"u32", "1 2", 2, `unexpected "2" after the value`},
		{"u32", "1 // c\n/", 7, "unexpected character '/'"},
		{"u32", "01", 0, `malformed number "01"`},
		{"u32", "1.", 0, `malformed number "1."`},
		{"u32", "1e", 0, `malformed number "1e"`},
		{"u32", "+1", 0, "unexpected character '+'"},
		{"u32", "-", 0, "unexpected character '-'"},
		{"u32", "#", 0, "unexpected character '#'"},
		{"u32", "\xff", 0, "invalid UTF-8"},
		{"string", "\"a\xffb\"", 2, "invalid UTF-8"},
		{"color", "rEd", 0, `malformed label "rEd"`},
		{"color", "red_x", 0, `malformed label "red_x"`},
		{"color", "%", 0, "expected a label after '%'"},
		{"color", "%-a", 0, "expected a label after '%'"},
		{"color", "red-", 3, "unexpected character '-'"},

		// integers
		{"u8", "256", 0, "256 out of range for u8 (0 to 255)"},
		{"u8", "-1", 0, "-1 out of range for u8 (0 to 255)"},
		{"u8", "-0", 0, "unsigned integers have no sign"},
		{"s8", "128", 0, "128 out of range for s8 (-128 to 127)"},
		{"s8", "-129", 0, "-129 out of range for s8 (-128 to 127)"},
		{"u64", "18446744073709551616", 0, "out of range for u64 (0 to 18446744073709551615)"},
		{"s64", "-9223372036854775809", 0, "out of range for s64 (-9223372036854775808 to 9223372036854775807)"},
		{"u32", "1.5", 0, `expected u32, found "1.5" (not an integer)`},
		{"u32", "1e3", 0, "not an integer"},
		{"u32", "-inf", 0, "not an integer"},
		{"u32", "nan", 0, `expected u32, found keyword "nan"`},
		{"u32", `"1"`, 0, `expected u32, found string "1"`},

		// floats (wasm-wave's reject-floats)
		{"f32", "-nan", 0, "unexpected character '-'"},
		{"f32", "NaN", 0, `malformed label "NaN"`},
		{"f32", "infinity", 0, `expected f32 (a number, nan, inf or -inf), found "infinity"`},
		{"f64", "-infinity", 0, `malformed number "-infinity"`},
		{"f32", "INFINITY", 0, `found "INFINITY"`},
		{"f32", "Inf", 0, `malformed label "Inf"`},
		{"f32", "INF", 0, `found "INF"`},
		{"f32", "%inf", 0, `found "%inf"`},

		// bools
		{"bool", "%true", 0, `expected bool (true or false), found "%true"`},
		{"bool", "1", 0, "expected bool"},

		// chars (wasm-wave's reject-chars)
		{"char", "''", 0, "empty char literal"},
		{"char", "'ab'", 0, "exactly one character"},
		{"char", "'☃☃'", 0, "exactly one character"},
		{"char", `'\n\n'`, 0, "exactly one character"},
		{"char", `'\z'`, 1, `invalid escape \z`},
		{"char", `'\x1f'`, 1, `invalid escape \x`},
		{"char", `'\u1f'`, 1, "invalid unicode escape"},
		{"char", `'\u{1f'`, 1, "invalid unicode escape"},
		{"char", `'\u{}'`, 1, "invalid unicode escape"},
		{"char", `'\u{x}'`, 1, "invalid unicode escape"},
		{"char", `'\u{1234567}'`, 1, "invalid unicode escape"},
		{"char", `'\u{110000}'`, 1, `invalid unicode escape \u{110000}: not a Unicode scalar value`},
		{"char", `'\u{D800}'`, 1, "not a Unicode scalar value"},
		{"char", `'\u{DFFF}'`, 1, "not a Unicode scalar value"},
		{"char", "'", 0, "unterminated char literal"},
		{"char", "x'", 0, `expected char, found "x"`},
		{"char", "'x", 0, "unterminated char literal"},
		{"char", `'\'`, 0, "unterminated char literal"},
		{"char", "'''", 0, "empty char literal"},
		{"char", "'\n'", 1, "line break in char literal"},
		{"char", `"x"`, 0, `expected char, found string "x"`},

		// strings (wasm-wave's reject-strings)
		{"string", `"\u{d800}"`, 1, "not a Unicode scalar value"},
		{"string", `"\u{dfff}"`, 1, "not a Unicode scalar value"},
		{"string", `"\u{110000}"`, 1, "not a Unicode scalar value"},
		{"string", `"\u{ffffffff}"`, 1, "invalid unicode escape"},
		{"string", `"\u{-1}"`, 1, "invalid unicode escape"},
		{"string", `"\u{+1}"`, 1, "invalid unicode escape"},
		{"string", `"abc`, 0, "unterminated string"},
		{"string", `"\"`, 0, "unterminated string"},
		{"string", "\"\n\"", 1, "line break in string"},
		{"string", `"""""`, 0, `unterminated multiline string (no closing """)`},
		{"string", `""""""`, 3, `opening """`},
		{"string", `""" """`, 3, `opening """`},
		{"string", "\"\"\"\"\n\"\"\"", 3, `opening """`},
		{"string", "\"\"\"\n\"\"", 0, "unterminated multiline string"},
		{"string", "\"\"\"\n\"\"\"\"", 7, `unterminated string`},
		{"string", "\"\"\"extra\n\"\"\"", 3, `opening """`},
		{"string", "\"\"\"\nextra\"\"\"", 9, `closing """ of a multiline string must be on its own line`},
		{"string", "\"\"\"\n  \"\"\"\n  \"\"\"", 12, "unterminated multiline string"},
		{"string", "\"\"\"\n\"\"\" \"\"\"\n\"\"\"", 8, "unexpected multiline string after the value"},
		{"string", "\"\"\"\n  Between \"\"\" words\n  \"\"\"", 14, `closing """`},
		{"string", "\"\"\"\nInvalid surrogate: \\u{d800}\n\"\"\"", 23, "not a Unicode scalar value"},
		{"string", "\"\"\"\nInvalid escape: \\j\n\"\"\"", 20, `invalid escape \j`},
		{"string", "\"\"\"\n  a\n b\n  \"\"\"", 8, "indented less than the closing"},
		{"string", "\"\"\"\n  a\n\n  \"\"\"", 8, "indented less than the closing"},
		{"string", "\"\"\"\n  a\\\n  \"\"\"", 7, "invalid escape"},
		{"string", "'x'", 0, "expected string, found char 'x'"},

		// lists (wasm-wave's reject-lists)
		{"strings", `["\u{0}",,]`, 9, `expected string, found ","`},
		{"strings", `[,"\u{0}"]`, 1, `expected string, found ","`},
		{"strings", "[,]", 1, `expected string, found ","`},
		{"strings", "[)", 1, `expected string, found ")"`},
		{"strings", "(]", 0, `expected list<string> (a list in [ ]), found "("`},
		{"strings", "[}", 1, `found "}"`},
		{"strings", "{]", 0, `found "{"`},
		{"strings", `["a" "b"]`, 5, `expected ',' or ']', found string "b"`},
		{"strings", `["a"`, 4, "expected ',' or ']', found end of input"},
		{"quad", "[1, 2, 3]", 8, "too few elements for list<u8, 4>: expected 4, found 3"},
		{"quad", "[1, 2, 3, 4, 5]", 13, "too many elements for list<u8, 4>: it has exactly 4"},
		{"bytes", "[256]", 1, "out of range for u8"},

		// tuples
		{"pair", "(1)", 2, "too few elements for tuple<u8, string>: expected 2, found 1"},
		{"pair", "()", 1, "too few elements"},
		{"pair", `(1, "a", 2)`, 9, "too many elements for tuple<u8, string>: it has 2"},
		{"pair", `[1, "a"]`, 0, "expected tuple<u8, string> (a tuple in ( ))"},

		// records (wasm-wave's reject-records)
		{"opts", "{ optional: none }", 0, `missing field "required" of record opts`},
		{"opts", "{ optional: some(0) }", 0, `missing field "required"`},
		{"opts", "{ required: 0, required: 0 }", 15, `duplicate field "required"`},
		{"opts", "{ required: 0, optional: none, optional: some(0) }", 31, `duplicate field "optional"`},
		{"opts", "{ required: 0,, }", 14, `expected a field name of record opts, found ","`},
		{"opts", "{ , required: 0, }", 2, `expected a field name`},
		{"all-opt", "{}", 0, "expected record all-opt, found {} (empty flags); a record with all fields left out is written {:}"},
		{"opts", "{:}", 0, `missing field "required"`},
		{"opts", "{: 1}", 3, `expected '}' of the empty record {:}, found "1"`},
		{"opts", "{required 1}", 10, `expected ':' after field required, found "1"`},
		{"opts", "{required: 1 optional: 2}", 13, `expected ',' or '}', found "optional"`},
		{"opts", "{required: 1, bogus: 2}", 14, `unknown field "bogus" of record opts (fields: required, optional)`},
		{"opts", "{required}", 9, `expected ':' after field required`},
		{"point", "{x: 1, y: 2", 11, "expected ',' or '}', found end of input"},
		{"point", `{"x": 1}`, 1, `expected a field name of record point, found string "x"`},

		// variants
		{"shape", "circle", 0, "case circle of variant shape needs a payload: circle(…)"},
		{"shape", "dot(1)", 3, "case dot of variant shape has no payload"},
		{"shape", "triangle", 0, `unknown case "triangle" of variant shape (cases: circle, square, dot, none-shape)`},
		{"shape", "circle(1", 8, "expected ')' after the payload, found end of input"},
		{"shape", "circle()", 7, `expected f64 (a number, nan, inf or -inf), found ")"`},
		{"kwv", "some(1)", 0, `expected variant kwv, found keyword "some" (write the case as %some)`},
		{"kwv", "none", 0, `(write the case as %none)`},
		{"shape", "none", 0, `expected variant shape, found keyword "none"`},
		{"shape", "1", 0, `expected variant shape, found "1"`},

		// enums (wasm-wave's reject-enums)
		{"kwe", "true", 0, `expected enum kwe, found keyword "true" (write the case as %true)`},
		{"kwe", "false", 0, "write the case as %false"},
		{"kwe", "some", 0, "write the case as %some"},
		{"kwe", "none", 0, "write the case as %none"},
		{"kwe", "ok", 0, "write the case as %ok"},
		{"kwe", "err", 0, "write the case as %err"},
		{"kwe", "inf", 0, "write the case as %inf"},
		{"kwe", "nan", 0, "write the case as %nan"},
		{"color", "purple", 0, `unknown case "purple" of enum color (cases: red, green, blue)`},
		{"color", "red(1)", 3, "case red of enum color has no payload"},

		// options (wasm-wave's reject-options)
		{"opt-u8", "some", 4, "expected '(' after some, found end of input"},
		{"opt-u8", "some()", 5, `expected u8, found ")"`},
		{"opt-u8", "some(some)", 5, `expected u8, found keyword "some"`},
		{"opt-u8", "some(some(0))", 5, `expected u8, found keyword "some"`},
		{"opt-u8", "none()", 4, "none has no payload"},
		{"opt-u8", "none(0)", 4, "none has no payload"},
		{"opt-u8", "some(none(0))", 5, `expected u8, found keyword "none"`},
		{"opt-u8", "ok(0)", 0, `expected u8, found keyword "ok"`},
		{"opt-opt", "1", 0, `expected option<option<u8>>: some(…) or none, found "1"`},
		{"opt-res", "ok(1)", 0, `expected option<result<u8>>: some(…) or none, found keyword "ok"`},
		{"opt-u8", "some(1", 6, "expected ')' after the payload"},

		// results (wasm-wave's reject-results)
		{"res-u8", "ok", 0, "ok of result<u8> needs a payload: ok(…)"},
		{"res-u8", "ok()", 3, `expected u8, found ")"`},
		{"res-u8", "o(0)", 0, `expected u8, found "o"`},
		{"res-u8", "err(0)", 3, "err of result<u8> has no payload"},
		{"res-err", "err", 0, "err of result<_, string> needs a payload: err(…)"},
		{"res-err", "err()", 4, `expected string, found ")"`},
		{"res-err", "e(0)", 0, `expected result<_, string>: ok or err, found "e"`},
		{"res-err", "ok(0)", 2, "ok of result<_, string> has no payload"},
		{"res-none", "ok()", 2, "has no payload"},
		{"res-none", "ok(0)", 2, "ok of result has no payload"},
		{"res-none", "err(0)", 3, "err of result has no payload"},
		{"res-opt", "none", 0, `expected result<option<u8>, u8>: ok or err, found keyword "none"`},
		{"res-both", "err", 0, "needs a payload"},

		// flags (wasm-wave's reject-flags)
		{"perms", "{ read, read }", 8, `duplicate flag "read"`},
		{"perms", "{ write, write }", 9, `duplicate flag "write"`},
		{"perms", "{ read, write, read }", 15, `duplicate flag "read"`},
		{"perms", "{ read, write, execute }", 15, `unknown flag "execute" of flags perms (flags: read, write, exec)`},
		{"perms", "{read: true}", 5, "found a record field (flags are written {a, b})"},
		{"perms", "{:}", 1, `expected a flag of flags perms, found ":"`},
		{"perms", "{read write}", 6, `expected ',' or '}', found "write"`},
		{"perms", "{read,,}", 6, `expected a flag of flags perms, found ","`},
		{"perms", "read", 0, "expected flags perms (flags in { })"},

		// unsupported types
		{"own-res", "0", 0, "not supported in WAVE: own<res>"},
		{"res", "0", 0, "not supported in WAVE: resource res"},
		{"fut", "0", 0, "not supported in WAVE: future<u8>"},
		{"strm", "0", 0, "not supported in WAVE: stream<u8>"},
		{"dict", "[]", 0, "not supported in WAVE: map<string, u8>"},
		{"error-context", "0", 0, "not supported in WAVE: error-context"},
		{"opt-own", "some(1)", 5, "not supported in WAVE: own<res>"},

		// nesting
		{"bytes", strings.Repeat("[", 200), 1, `expected u8, found "["`},
		{"opt-u8", strings.Repeat("some(", 200), 5, `expected u8, found keyword "some"`},
	}
	for _, tc := range tests {
		_, err := ParseValue(fx.r, fx.typ(t, tc.typ), tc.in)
		var we *Error
		if !errors.As(err, &we) {
			t.Errorf("%s %q: error %v, want a *wave.Error", tc.typ, tc.in, err)
			continue
		}
		if we.Offset != tc.off || !strings.Contains(we.Msg, tc.msg) {
			t.Errorf("%s %q:\n got %v\nwant at %d: …%s…", tc.typ, tc.in, err, tc.off, tc.msg)
		}
	}
}

func TestNesting(t *testing.T) {
	fx := newFixture(t)
	// A list type nested as deep as the limit allows parses; one level more
	// does not.
	src := "package test:deep;\ninterface d {\n  type l0 = u8;\n"
	for i := 1; i <= maxDepth+1; i++ {
		src += "  type l" + itoa(i) + " = list<l" + itoa(i-1) + ">;\n"
	}
	src += "}\n"
	if _, err := fx.r.PushSource("deep.wit", src); err != nil {
		t.Fatal(err)
	}
	var d *wit.Interface
	for _, iface := range fx.r.Interfaces {
		if iface.Name == "d" {
			d = iface
		}
	}
	ok, _ := d.Types.Get("l" + itoa(maxDepth))
	text := strings.Repeat("[", maxDepth) + "1" + strings.Repeat("]", maxDepth)
	v, err := ParseValue(fx.r, ok, text)
	if err != nil {
		t.Fatalf("depth %d: %v", maxDepth, err)
	}
	if s, err := Format(fx.r, ok, v); err != nil || s != text {
		t.Fatalf("depth %d formats as %q, %v", maxDepth, s, err)
	}
	deep, _ := d.Types.Get("l" + itoa(maxDepth+1))
	text = "[" + text + "]"
	if _, err := ParseValue(fx.r, deep, text); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("depth %d: %v, want a nesting error", maxDepth+1, err)
	}
	if _, err := Format(fx.r, deep, component.List{v}); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("format depth %d: %v, want a nesting error", maxDepth+1, err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestErrorPosition(t *testing.T) {
	fx := newFixture(t)
	_, err := ParseValue(fx.r, fx.typ(t, "message"), "{\n  content: \"hi\",\n  name: 12,\n}")
	if err == nil || err.Error() != "wave: at 27 (line 3, column 9): expected string, found \"12\"" {
		t.Fatalf("got %v", err)
	}
	_, err = ParseValue(fx.r, wit.U32, "  abc")
	if err == nil || err.Error() != `wave: at 2: expected u32, found "abc"` {
		t.Fatalf("got %v", err)
	}
	_, err = ParseValue(fx.r, wit.String, "\"☃☃\", x")
	var we *Error
	if !errors.As(err, &we) || we.Offset != 8 || we.Col != 5 {
		t.Fatalf("got %#v", err)
	}
}

func TestParseCall(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		in, name string
		args     []component.Value
		formats  string
	}{
		{`greet({content: "hello world from wasm!", name: "alez"})`, "greet",
			[]component.Value{component.Record{{Name: "content", Value: component.String("hello world from wasm!")}, {Name: "name", Value: component.String("alez")}}},
			`greet({content: "hello world from wasm!", name: "alez"})`},
		{"init-plugin()", "init-plugin", []component.Value{}, "init-plugin()"},
		{"  init-plugin ( ) // call it\n", "init-plugin", []component.Value{}, "init-plugin()"},
		{"trailing(1)", "trailing", []component.Value{component.U8(1), component.None, component.None}, "trailing(1, none, none)"},
		{"trailing(1, 2)", "trailing", []component.Value{component.U8(1), component.Some(component.U8(2)), component.None}, "trailing(1, some(2), none)"},
		{`trailing(1, none, "x",)`, "trailing", []component.Value{component.U8(1), component.None, component.Some(component.String("x"))}, `trailing(1, none, some("x"))`},
		{"add(-1, 2)", "add", []component.Value{component.S32(-1), component.S32(2)}, "add(-1, 2)"},
		{"%f32(1.5)", "f32", []component.Value{component.F32(1.5)}, "f32(1.5)"},
	}
	for _, tc := range tests {
		f, args, err := ParseCall(fx.r, fx.lookup, tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if f.Name != tc.name || !reflect.DeepEqual(append([]component.Value{}, args...), tc.args) {
			t.Errorf("%q = %s %#v, want %s %#v", tc.in, f.Name, args, tc.name, tc.args)
		}
		s, err := FormatCall(fx.r, f, args)
		if err != nil || s != tc.formats {
			t.Errorf("%q formats as %q, %v; want %q", tc.in, s, err, tc.formats)
		}
		if _, again, err := ParseCall(fx.r, fx.lookup, s); err != nil || !reflect.DeepEqual(append([]component.Value{}, again...), tc.args) {
			t.Errorf("%q reparses as %#v, %v", s, again, err)
		}
	}

	errs := []struct {
		in  string
		off int
		msg string
	}{
		{"", 0, "expected a function name, found end of input"},
		{"(1)", 0, "expected a function name, found '('"},
		{"nope()", 0, `unknown function "nope"`},
		{"greet", 5, "expected '(' after the function name, found end of input"},
		{"greet{}", 5, `expected '(' after the function name, found "{"`},
		{"greet()", 6, "missing argument msg (record message) of greet"},
		{"middle()", 7, "missing argument b (u8) of middle"},
		{"add(1)", 5, "missing argument b (s32) of add"},
		{"init-plugin(1)", 12, "too many arguments: init-plugin takes 0"},
		{"add(1, 2, 3)", 10, "too many arguments: add takes 2"},
		{"add(1, 2) x", 10, `unexpected "x" after the function call`},
		{"add(1, 2);", 9, "unexpected character ';'"},
		{"add(1 2)", 6, `expected ',' or ')', found "2"`},
		{"add(,)", 4, `expected s32, found ","`},
		{"add(1, x)", 7, `expected s32, found "x"`},
		{"use-res(0)", 8, "not supported in WAVE: borrow<res>"},
		{"trailing(" + strings.Repeat("some(", 150), 9, `expected u8, found keyword "some"`},
	}
	for _, tc := range errs {
		_, _, err := ParseCall(fx.r, fx.lookup, tc.in)
		var we *Error
		if !errors.As(err, &we) || we.Offset != tc.off || !strings.Contains(we.Msg, tc.msg) {
			t.Errorf("%q:\n got %v\nwant at %d: …%s…", tc.in, err, tc.off, tc.msg)
		}
	}
}

func TestFormatResult(t *testing.T) {
	fx := newFixture(t)
	add, _ := fx.lookup("add")
	if s, err := FormatResult(fx.r, add, component.S32(3)); err != nil || s != "3" {
		t.Errorf("add result = %q, %v", s, err)
	}
	if _, err := FormatResult(fx.r, add, component.U32(3)); err == nil || err.Error() != "wave: format: expected s32, got u32" {
		t.Errorf("add result u32: %v", err)
	}
	greet, _ := fx.lookup("greet")
	if s, err := FormatResult(fx.r, greet, nil); err != nil || s != "" {
		t.Errorf("greet result = %q, %v", s, err)
	}
	if _, err := FormatResult(fx.r, greet, component.U8(1)); err == nil {
		t.Errorf("greet result with a value: no error")
	}
}

func TestFormatErrors(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		typ string
		v   component.Value
		msg string
	}{
		{"u8", nil, "wave: format: expected u8, got no value"},
		{"u8", component.S8(1), "wave: format: expected u8, got s8"},
		{"char", component.Char(0xD800), "wave: format: char U+D800 is not a Unicode scalar value"},
		{"char", component.Char(-1), "is not a Unicode scalar value"},
		{"string", component.String("\xff"), "wave: format: string is not valid UTF-8"},
		{"message", component.Record{{Name: "content", Value: component.String("x")}, {Name: "name", Value: component.U8(1)}},
			"wave: format .name: expected string, got u8"},
		{"message", component.Record{{Name: "content", Value: component.String("x")}}, "record message has 2 fields, the value has 1"},
		{"message", component.Record{{Name: "name", Value: component.String("x")}, {Name: "content", Value: component.String("x")}},
			`field 0 of record message is "content", the value has "name"`},
		{"nested", component.List{component.List{component.Some(component.Record{{Name: "x", Value: component.S32(0)}, {Name: "y", Value: component.U8(0)}})}},
			"wave: format [0][0].some.y: expected s32, got u8"},
		{"pair", component.Tuple{component.U8(1)}, "tuple<u8, string> has 2 elements, the value has 1"},
		{"quad", component.List{component.U8(1)}, "list<u8, 4> has 4 elements, the value has 1"},
		{"bytes", component.Tuple{}, "expected list<u8>, got tuple"},
		{"shape", component.Variant{Case: "hexagon"}, `variant shape has no case "hexagon"`},
		{"shape", component.Variant{Case: "circle"}, "case circle of variant shape needs a payload of type f64"},
		{"shape", component.Variant{Case: "dot", Value: component.U8(1)}, "case dot of variant shape has no payload, the value has a u8"},
		{"shape", component.Variant{Case: "circle", Value: component.F32(1)}, "wave: format .circle: expected f64, got f32"},
		{"color", component.Enum("purple"), `enum color has no case "purple"`},
		{"color", component.String("red"), "expected enum color, got string"},
		{"opt-u8", component.U8(1), "expected option<u8>, got u8"},
		{"res-err", component.Ok(component.U8(1)), "ok of result<_, string> has no payload, the value has a u8"},
		{"res-err", component.Err(nil), "err of result<_, string> needs a payload of type string"},
		{"perms", component.Flags{"read", "read"}, `flag "read" set twice`},
		{"perms", component.Flags{"fly"}, `flags perms has no flag "fly"`},
		{"own-res", component.U32(0), "not supported in WAVE: own<res>"},
		{"dict", component.List{}, "not supported in WAVE: map<string, u8>"},
		{"error-context", component.U32(0), "not supported in WAVE: error-context"},
	}
	for _, tc := range tests {
		_, err := Format(fx.r, fx.typ(t, tc.typ), tc.v)
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s %#v:\n got %v\nwant …%s…", tc.typ, tc.v, err, tc.msg)
		}
	}
	// Bad types are errors, not panics.
	for _, typ := range []wit.Type{nil, wit.TypeID(-1), wit.TypeID(1 << 20), wit.Primitive(200)} {
		if _, err := Format(fx.r, typ, component.U8(0)); err == nil {
			t.Errorf("Format with type %#v: no error", typ)
		}
		if _, err := ParseValue(fx.r, typ, "0"); err == nil {
			t.Errorf("ParseValue with type %#v: no error", typ)
		}
	}
	if _, err := ParseValue(nil, fx.typ(t, "point"), "{x: 1, y: 2}"); err == nil {
		t.Errorf("ParseValue without a Resolve: no error")
	}
	if v, err := ParseValue(nil, wit.U8, "1"); err != nil || v != component.U8(1) {
		t.Errorf("ParseValue of a primitive without a Resolve: %v, %v", v, err)
	}
	// Options whose payload has no WAVE form still format when none.
	if s, err := Format(fx.r, fx.typ(t, "opt-own"), component.None); err != nil || s != "none" {
		t.Errorf("none of option<own<res>> = %q, %v", s, err)
	}
}

func TestFormatCallErrors(t *testing.T) {
	fx := newFixture(t)
	add, _ := fx.lookup("add")
	if _, err := FormatCall(fx.r, add, []component.Value{component.S32(1)}); err == nil || err.Error() != "wave: format: add takes 2 arguments, got 1" {
		t.Errorf("short call: %v", err)
	}
	greet, _ := fx.lookup("greet")
	_, err := FormatCall(fx.r, greet, []component.Value{component.Record{{Name: "content", Value: component.String("")}, {Name: "name", Value: component.Bool(true)}}})
	if err == nil || err.Error() != "wave: format msg.name: expected string, got bool" {
		t.Errorf("bad argument: %v", err)
	}
}

func TestLongTokenInMessage(t *testing.T) {
	_, err := ParseValue(nil, wit.U8, "a-"+strings.Repeat("b", 60))
	if err == nil || !strings.Contains(err.Error(), "…") || len(err.Error()) > 120 {
		t.Errorf("got %v", err)
	}
	_, err = ParseValue(nil, wit.U8, `"`+strings.Repeat("é", 60)+`"`)
	if err == nil || !strings.Contains(err.Error(), `found string "ééé`) || !strings.HasSuffix(err.Error(), "…") {
		t.Errorf("got %v", err)
	}
}

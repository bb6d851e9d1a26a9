package wit

import (
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
)

// abiTypes builds a Resolve by hand, one anonymous TypeDef at a time.
type abiTypes struct{ r *Resolve }

func newABITypes() *abiTypes { return &abiTypes{r: NewResolve()} }

func (b *abiTypes) add(k TypeDefKind) TypeID {
	b.r.Types = append(b.r.Types, &TypeDef{Kind: k})
	return TypeID(len(b.r.Types) - 1)
}

func (b *abiTypes) record(ts ...Type) TypeID {
	fs := make([]Field, len(ts))
	for i, t := range ts {
		fs[i] = Field{Name: fmt.Sprint("f", i), Type: t}
	}
	return b.add(&Record{Fields: fs})
}

func (b *abiTypes) tuple(ts ...Type) TypeID { return b.add(&Tuple{Types: ts}) }

// variant has one case per payload; a nil payload is a case without one.
func (b *abiTypes) variant(payloads ...Type) TypeID {
	cs := make([]Case, len(payloads))
	for i, t := range payloads {
		cs[i] = Case{Name: fmt.Sprint("c", i), Type: t}
	}
	return b.add(&Variant{Cases: cs})
}

func (b *abiTypes) enum(n int) TypeID    { return b.add(&Enum{Cases: make([]EnumCase, n)}) }
func (b *abiTypes) flags(n int) TypeID   { return b.add(&Flags{Flags: make([]Flag, n)}) }
func (b *abiTypes) option(t Type) TypeID { return b.add(&Option{Type: t}) }
func (b *abiTypes) result(ok, err Type) TypeID {
	return b.add(&Result{OK: ok, Err: err})
}
func (b *abiTypes) list(t Type) TypeID            { return b.add(&List{Elem: t}) }
func (b *abiTypes) fixed(t Type, n uint32) TypeID { return b.add(&FixedList{Elem: t, Len: n}) }
func (b *abiTypes) alias(t Type) TypeID           { return b.add(&Alias{Type: t}) }

func repeatType(t Type, n int) []Type { return slices.Repeat([]Type{t}, n) }

// flatString formats a flattening as "i32 i64", or "overflow".
func flatString(l Layout) string {
	if l.FlatOverflow {
		if l.Flat != nil {
			return "overflow with flat " + fmt.Sprint(l.Flat)
		}
		return "overflow"
	}
	s := make([]string, len(l.Flat))
	for i, t := range l.Flat {
		s[i] = t.String()
	}
	return strings.Join(s, " ")
}

type layoutCase struct {
	name   string
	t      Type
	size   uint32
	align  uint32
	flat   string   // flatString of the expected flattening
	offs   []uint32 // FieldOffsets, for records and tuples
	payoff uint32   // PayloadOffset, for variant-like types
}

// checkLayouts checks each case through a fresh ABI and through the
// uncached Resolve.Layout.
func checkLayouts(t *testing.T, r *Resolve, cases []layoutCase) {
	t.Helper()
	abi := NewABI(r)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, how := range []struct {
				name string
				l    Layout
			}{{"ABI", abi.Layout(c.t)}, {"Resolve", r.Layout(c.t)}} {
				l := how.l
				if l.Size != c.size || l.Align != c.align || flatString(l) != c.flat {
					t.Errorf("%s: got size %d align %d flat %q, want size %d align %d flat %q",
						how.name, l.Size, l.Align, flatString(l), c.size, c.align, c.flat)
				}
			}
			if got := abi.FieldOffsets(c.t); !slices.Equal(got, c.offs) {
				t.Errorf("FieldOffsets = %v, want %v", got, c.offs)
			}
			if got := abi.PayloadOffset(c.t); got != c.payoff {
				t.Errorf("PayloadOffset = %d, want %d", got, c.payoff)
			}
		})
	}
}

func TestLayoutPrimitives(t *testing.T) {
	checkLayouts(t, NewResolve(), []layoutCase{
		{name: "bool", t: Bool, size: 1, align: 1, flat: "i32"},
		{name: "u8", t: U8, size: 1, align: 1, flat: "i32"},
		{name: "s8", t: S8, size: 1, align: 1, flat: "i32"},
		{name: "u16", t: U16, size: 2, align: 2, flat: "i32"},
		{name: "s16", t: S16, size: 2, align: 2, flat: "i32"},
		{name: "u32", t: U32, size: 4, align: 4, flat: "i32"},
		{name: "s32", t: S32, size: 4, align: 4, flat: "i32"},
		{name: "u64", t: U64, size: 8, align: 8, flat: "i64"},
		{name: "s64", t: S64, size: 8, align: 8, flat: "i64"},
		{name: "f32", t: F32, size: 4, align: 4, flat: "f32"},
		{name: "f64", t: F64, size: 8, align: 8, flat: "f64"},
		{name: "char", t: Char, size: 4, align: 4, flat: "i32"},
		{name: "string", t: String, size: 8, align: 4, flat: "i32 i32"},
		{name: "error-context", t: ErrorContext, size: 4, align: 4, flat: "i32"},
		{name: "no type", t: nil, size: 0, align: 1, flat: ""},
	})
}

func TestLayoutTypes(t *testing.T) {
	b := newABITypes()
	res := b.add(&Resource{})
	inner := b.record(U8, U32)
	optF32 := b.option(F32)
	tupU32U64 := b.tuple(U32, U64)
	optU8 := b.option(U8)
	message := b.record(String, String)
	u8x16 := b.tuple(repeatType(U8, 16)...)
	u8x17 := b.tuple(repeatType(U8, 17)...)
	inner1M := b.fixed(U8, 1_000_000)
	u32x15 := b.tuple(repeatType(U32, 15)...)
	variant257 := append([]Type{U8}, repeatType(nil, 256)...)

	checkLayouts(t, b.r, []layoutCase{
		// Pointer pairs and handles.
		{name: "list<u8>", t: b.list(U8), size: 8, align: 4, flat: "i32 i32"},
		{name: "list<string>", t: b.list(String), size: 8, align: 4, flat: "i32 i32"},
		{name: "list<u64>", t: b.list(U64), size: 8, align: 4, flat: "i32 i32"},
		{name: "map<string,u64>", t: b.add(&Map{Key: String, Value: U64}), size: 8, align: 4, flat: "i32 i32"},
		{name: "own<r>", t: b.add(&Own{Resource: res}), size: 4, align: 4, flat: "i32"},
		{name: "borrow<r>", t: b.add(&Borrow{Resource: res}), size: 4, align: 4, flat: "i32"},
		{name: "resource", t: res, size: 4, align: 4, flat: "i32"},
		{name: "future", t: b.add(&Future{}), size: 4, align: 4, flat: "i32"},
		{name: "future<string>", t: b.add(&Future{Elem: String}), size: 4, align: 4, flat: "i32"},
		{name: "stream<u8>", t: b.add(&Stream{Elem: U8}), size: 4, align: 4, flat: "i32"},

		// Records and tuples, with padding.
		{name: "record{u8,u32,u16,u64}", t: b.record(U8, U32, U16, U64), size: 24, align: 8,
			flat: "i32 i32 i32 i64", offs: []uint32{0, 4, 8, 16}},
		{name: "record{u64,u8} trailing padding", t: b.record(U64, U8), size: 16, align: 8,
			flat: "i64 i32", offs: []uint32{0, 8}},
		{name: "record{u8,u16,u8}", t: b.record(U8, U16, U8), size: 6, align: 2,
			flat: "i32 i32 i32", offs: []uint32{0, 2, 4}},
		{name: "record{u8,f32,f64}", t: b.record(U8, F32, F64), size: 16, align: 8,
			flat: "i32 f32 f64", offs: []uint32{0, 4, 8}},
		{name: "message record{string,string}", t: message, size: 16, align: 4,
			flat: "i32 i32 i32 i32", offs: []uint32{0, 8}},
		{name: "record{u8,record{u8,u32}}", t: b.record(U8, inner), size: 12, align: 4,
			flat: "i32 i32 i32", offs: []uint32{0, 4}},
		{name: "tuple<u8,f64>", t: b.tuple(U8, F64), size: 16, align: 8, flat: "i32 f64", offs: []uint32{0, 8}},
		{name: "tuple<u8,u16,u8,u32>", t: b.tuple(U8, U16, U8, U32), size: 12, align: 4,
			flat: "i32 i32 i32 i32", offs: []uint32{0, 2, 4, 8}},
		{name: "tuple<>", t: b.tuple(), size: 0, align: 1, flat: "", offs: []uint32{}},
		{name: "16 u8 fields", t: u8x16, size: 16, align: 1, flat: strings.TrimSpace(strings.Repeat("i32 ", 16)),
			offs: []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
		{name: "17 u8 fields", t: u8x17, size: 17, align: 1, flat: "overflow",
			offs: []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
		{name: "record{u8,17 u8 fields}", t: b.record(U8, u8x17), size: 18, align: 1, flat: "overflow",
			offs: []uint32{0, 1}},

		// Options and results.
		{name: "option<u8>", t: optU8, size: 2, align: 1, flat: "i32 i32", payoff: 1},
		{name: "option<u64>", t: b.option(U64), size: 16, align: 8, flat: "i32 i64", payoff: 8},
		{name: "option<string>", t: b.option(String), size: 12, align: 4, flat: "i32 i32 i32", payoff: 4},
		{name: "option<f32>", t: optF32, size: 8, align: 4, flat: "i32 f32", payoff: 4},
		{name: "option<option<u8>>", t: b.option(optU8), size: 3, align: 1, flat: "i32 i32 i32", payoff: 1},
		{name: "option<17 u8 fields>", t: b.option(u8x17), size: 18, align: 1, flat: "overflow", payoff: 1},
		{name: "result", t: b.result(nil, nil), size: 1, align: 1, flat: "i32", payoff: 1},
		{name: "result<u32,f32>", t: b.result(U32, F32), size: 8, align: 4, flat: "i32 i32", payoff: 4},
		{name: "result<f32,f32>", t: b.result(F32, F32), size: 8, align: 4, flat: "i32 f32", payoff: 4},
		{name: "result<_,string>", t: b.result(nil, String), size: 12, align: 4, flat: "i32 i32 i32", payoff: 4},
		{name: "result<u8>", t: b.result(U8, nil), size: 2, align: 1, flat: "i32 i32", payoff: 1},
		{name: "result<u64,string>", t: b.result(U64, String), size: 16, align: 8, flat: "i32 i64 i32", payoff: 8},

		// Variants and join.
		{name: "variant{a(u32),b(f32)}", t: b.variant(U32, F32), size: 8, align: 4, flat: "i32 i32", payoff: 4},
		{name: "variant{a(u64),b(f32)}", t: b.variant(U64, F32), size: 16, align: 8, flat: "i32 i64", payoff: 8},
		{name: "variant{a(f64),b(u32)} i32+f64", t: b.variant(F64, U32), size: 16, align: 8, flat: "i32 i64", payoff: 8},
		{name: "variant{a(f32),b(f64)}", t: b.variant(F32, F64), size: 16, align: 8, flat: "i32 i64", payoff: 8},
		{name: "variant{a(f64),b(f64)}", t: b.variant(F64, F64), size: 16, align: 8, flat: "i32 f64", payoff: 8},
		{name: "variant{a,b(u8)}", t: b.variant(nil, U8), size: 2, align: 1, flat: "i32 i32", payoff: 1},
		{name: "variant{a,b}", t: b.variant(nil, nil), size: 1, align: 1, flat: "i32", payoff: 1},
		{name: "variant{a(string),b(f32),c(u64)}", t: b.variant(String, F32, U64), size: 16, align: 8,
			flat: "i32 i64 i32", payoff: 8},
		{name: "variant{a(option<f32>),b(tuple<u32,u64>),c}", t: b.variant(optF32, tupU32U64, nil),
			size: 24, align: 8, flat: "i32 i32 i64", payoff: 8},
		{name: "variant{a(15 u32)} fits", t: b.variant(u32x15), size: 64, align: 4,
			flat: strings.TrimSpace(strings.Repeat("i32 ", 16)), payoff: 4},
		{name: "variant{a(16 u8)} overflows", t: b.variant(u8x16, nil), size: 17, align: 1, flat: "overflow", payoff: 1},
		{name: "variant of 257 cases, first u8", t: b.variant(variant257...), size: 4, align: 2, flat: "i32 i32", payoff: 2},

		// Enums.
		{name: "enum 1", t: b.enum(1), size: 1, align: 1, flat: "i32", payoff: 1},
		{name: "enum 2", t: b.enum(2), size: 1, align: 1, flat: "i32", payoff: 1},
		{name: "enum 256", t: b.enum(256), size: 1, align: 1, flat: "i32", payoff: 1},
		{name: "enum 257", t: b.enum(257), size: 2, align: 2, flat: "i32", payoff: 2},
		{name: "enum 65536", t: b.enum(65536), size: 2, align: 2, flat: "i32", payoff: 2},
		{name: "enum 65537", t: b.enum(65537), size: 4, align: 4, flat: "i32", payoff: 4},

		// Flags.
		{name: "flags 0", t: b.flags(0), size: 0, align: 4, flat: ""},
		{name: "flags 1", t: b.flags(1), size: 1, align: 1, flat: "i32"},
		{name: "flags 8", t: b.flags(8), size: 1, align: 1, flat: "i32"},
		{name: "flags 9", t: b.flags(9), size: 2, align: 2, flat: "i32"},
		{name: "flags 16", t: b.flags(16), size: 2, align: 2, flat: "i32"},
		{name: "flags 17", t: b.flags(17), size: 4, align: 4, flat: "i32"},
		{name: "flags 32", t: b.flags(32), size: 4, align: 4, flat: "i32"},
		{name: "flags 33", t: b.flags(33), size: 8, align: 4, flat: "i32 i32"},
		{name: "flags 64", t: b.flags(64), size: 8, align: 4, flat: "i32 i32"},
		{name: "flags 65", t: b.flags(65), size: 12, align: 4, flat: "i32 i32 i32"},
		{name: "record{u8,flags 9}", t: b.record(U8, b.flags(9)), size: 4, align: 2, flat: "i32 i32", offs: []uint32{0, 2}},

		// Fixed-length lists.
		{name: "list<u8,3>", t: b.fixed(U8, 3), size: 3, align: 1, flat: "i32 i32 i32"},
		{name: "list<u64,2>", t: b.fixed(U64, 2), size: 16, align: 8, flat: "i64 i64"},
		{name: "list<f32,1>", t: b.fixed(F32, 1), size: 4, align: 4, flat: "f32"},
		{name: "list<record{u8,u32},2>", t: b.fixed(inner, 2), size: 16, align: 4, flat: "i32 i32 i32 i32"},
		{name: "list<string,8>", t: b.fixed(String, 8), size: 64, align: 4,
			flat: strings.TrimSpace(strings.Repeat("i32 ", 16))},
		{name: "list<string,9>", t: b.fixed(String, 9), size: 72, align: 4, flat: "overflow"},
		{name: "list<list<u8,1000000>,1000000> saturates", t: b.fixed(inner1M, 1_000_000),
			size: math.MaxUint32, align: 1, flat: "overflow"},
		{name: "tuple<u64,list<u8,1000000>>", t: b.tuple(U64, inner1M), size: 1_000_008, align: 8,
			flat: "overflow", offs: []uint32{0, 8}},

		// Aliases follow the aliased type.
		{name: "alias of u64", t: b.alias(U64), size: 8, align: 8, flat: "i64"},
		{name: "alias of alias of record", t: b.alias(b.alias(inner)), size: 8, align: 4,
			flat: "i32 i32", offs: []uint32{0, 4}},
		{name: "alias of option<u64>", t: b.alias(b.option(U64)), size: 16, align: 8, flat: "i32 i64", payoff: 8},
	})
}

func TestLayoutHelpers(t *testing.T) {
	for _, c := range []struct {
		cases int
		want  uint32
	}{{0, 1}, {1, 1}, {2, 1}, {256, 1}, {257, 2}, {65536, 2}, {65537, 4}, {1 << 24, 4}, {1<<24 + 1, 4}} {
		if got := DiscriminantSize(c.cases); got != c.want {
			t.Errorf("DiscriminantSize(%d) = %d, want %d", c.cases, got, c.want)
		}
	}
	for _, c := range []struct {
		n    int
		size uint32
		i32s int
	}{{0, 0, 0}, {1, 1, 1}, {8, 1, 1}, {9, 2, 1}, {16, 2, 1}, {17, 4, 1}, {32, 4, 1},
		{33, 8, 2}, {64, 8, 2}, {65, 12, 3}} {
		if got := FlagsSize(c.n); got != c.size {
			t.Errorf("FlagsSize(%d) = %d, want %d", c.n, got, c.size)
		}
		if got := FlagsI32Count(c.n); got != c.i32s {
			t.Errorf("FlagsI32Count(%d) = %d, want %d", c.n, got, c.i32s)
		}
	}
	for ct, want := range map[CoreType]string{CoreI32: "i32", CoreI64: "i64", CoreF32: "f32", CoreF64: "f64", 0: "invalid-core-type"} {
		if got := ct.String(); got != want {
			t.Errorf("CoreType(%#x).String() = %q, want %q", uint8(ct), got, want)
		}
	}
	for _, c := range []struct {
		a, b, want CoreType
	}{
		{CoreI32, CoreI32, CoreI32}, {CoreI32, CoreF32, CoreI32}, {CoreF32, CoreI32, CoreI32},
		{CoreF32, CoreF32, CoreF32}, {CoreI32, CoreF64, CoreI64}, {CoreF64, CoreI32, CoreI64},
		{CoreF32, CoreF64, CoreI64}, {CoreI32, CoreI64, CoreI64}, {CoreF64, CoreF64, CoreF64},
		{CoreF32, CoreI64, CoreI64}, {CoreI64, CoreF64, CoreI64},
	} {
		if got := abiJoin(c.a, c.b); got != c.want {
			t.Errorf("join(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

func TestLayoutTuple(t *testing.T) {
	abi := NewABI(NewResolve())
	l, offs := abi.TupleLayout([]Type{U8, U64, String, U16})
	if l.Size != 32 || l.Align != 8 || flatString(l) != "i32 i64 i32 i32 i32" || !slices.Equal(offs, []uint32{0, 8, 16, 24}) {
		t.Errorf("TupleLayout = %+v %v", l, offs)
	}
	if abi.Resolve() == nil {
		t.Error("Resolve() = nil")
	}
}

func TestLayoutDeepAliasChain(t *testing.T) {
	// Without recursion, a 100k-deep type needs a few kB of goroutine stack;
	// a recursive walk would need tens of MB and die here.
	defer debug.SetMaxStack(debug.SetMaxStack(1 << 20))
	const n = 100_000

	t.Run("aliases to lower IDs", func(t *testing.T) {
		b := newABITypes()
		prev := b.record(U8, U64)
		for range n {
			prev = b.alias(prev)
		}
		for _, l := range []Layout{NewABI(b.r).Layout(prev), b.r.Layout(prev)} {
			if l.Size != 16 || l.Align != 8 || flatString(l) != "i32 i64" {
				t.Errorf("got %+v", l)
			}
		}
		if offs := NewABI(b.r).FieldOffsets(prev); !slices.Equal(offs, []uint32{0, 8}) {
			t.Errorf("FieldOffsets = %v", offs)
		}
	})
	t.Run("aliases to higher IDs", func(t *testing.T) {
		b := newABITypes()
		for i := range n {
			b.alias(TypeID(i + 1))
		}
		b.record(U8, U64)
		for _, l := range []Layout{NewABI(b.r).Layout(TypeID(0)), b.r.Layout(TypeID(0))} {
			if l.Size != 16 || l.Align != 8 || flatString(l) != "i32 i64" {
				t.Errorf("got %+v", l)
			}
		}
	})
	t.Run("nested options to higher IDs", func(t *testing.T) {
		// option<option<…<u8>…>>: each level adds a 1-byte discriminant.
		b := newABITypes()
		for i := range n - 1 {
			b.option(TypeID(i + 1))
		}
		b.option(U8)
		for _, l := range []Layout{NewABI(b.r).Layout(TypeID(0)), b.r.Layout(TypeID(0))} {
			if l.Size != n+1 || l.Align != 1 || !l.FlatOverflow {
				t.Errorf("got %+v", l)
			}
		}
		if l := b.r.Layout(TypeID(n - 15)); flatString(l) != strings.TrimSpace(strings.Repeat("i32 ", 16)) {
			t.Errorf("15 options of u8: flat %q", flatString(l))
		}
	})
}

func TestLayoutCyclePanics(t *testing.T) {
	b := newABITypes()
	b.alias(TypeID(1))
	b.record(U8, TypeID(2))
	b.option(TypeID(0))
	for name, f := range map[string]func(){
		"NewABI":  func() { NewABI(b.r) },
		"Resolve": func() { b.r.Layout(TypeID(1)) },
	} {
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), "depends on itself") {
					t.Errorf("%s: recovered %v, want a cycle panic", name, e)
				}
			}()
			f()
		}()
	}
}

func TestABIGrownResolve(t *testing.T) {
	b := newABITypes()
	rec := b.record(U8, U64)
	abi := NewABI(b.r)
	opt := b.option(b.alias(rec)) // added after NewABI
	if l := abi.Layout(opt); l.Size != 24 || l.Align != 8 || flatString(l) != "i32 i32 i64" {
		t.Errorf("got %+v", l)
	}
	if got := abi.PayloadOffset(opt); got != 8 {
		t.Errorf("PayloadOffset = %d", got)
	}
}

func TestABIConcurrentReaders(t *testing.T) {
	b := newABITypes()
	rec := b.record(U8, U32, U16, U64)
	v := b.variant(U64, F32)
	abi := NewABI(b.r)
	f := &Function{Name: "f", Params: []Param{{Name: "a", Type: rec}, {Name: "b", Type: v}}, Result: String}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				if l := abi.Layout(rec); l.Size != 24 {
					t.Errorf("size %d", l.Size)
					return
				}
				if s := abi.Signature(f, Lower); s.String() != "(i32, i32, i32, i64, i32, i64, i32) -> ()" {
					t.Errorf("signature %s", s)
					return
				}
				_ = abi.FieldOffsets(rec)
			}
		}()
	}
	wg.Wait()
}

func TestSignature(t *testing.T) {
	b := newABITypes()
	res := b.add(&Resource{})
	pair := b.tuple(U32, U32)
	empty := b.tuple()
	big := b.fixed(String, 9)
	fn := func(result Type, params ...Type) *Function {
		f := &Function{Name: "f", Result: result}
		for i, p := range params {
			f.Params = append(f.Params, Param{Name: fmt.Sprint("p", i), Type: p})
		}
		return f
	}
	method := fn(F64, b.add(&Borrow{Resource: res}), F32)
	method.Name, method.Kind, method.Resource = "[method]r.m", Method, res
	async := func(f *Function) *Function { f.Kind = AsyncFreestanding; return f }

	i32s := func(n int) string { return strings.TrimSuffix(strings.Repeat("i32, ", n), ", ") }
	type want struct {
		sig           string
		indir, indres bool
	}
	cases := []struct {
		name string
		f    *Function
		want map[ABIVariant]want
	}{
		{"nothing", fn(nil), map[ABIVariant]want{
			Lift:  {sig: "() -> ()"},
			Lower: {sig: "() -> ()"},
		}},
		{"message", fn(nil, b.record(String, String)), map[ABIVariant]want{
			Lift:  {sig: "(i32, i32, i32, i32) -> ()"},
			Lower: {sig: "(i32, i32, i32, i32) -> ()"},
		}},
		{"(u32, string) -> u64", fn(U64, U32, String), map[ABIVariant]want{
			Lift:  {sig: "(i32, i32, i32) -> (i64)"},
			Lower: {sig: "(i32, i32, i32) -> (i64)"},
		}},
		{"method", method, map[ABIVariant]want{
			Lift:  {sig: "(i32, f32) -> (f64)"},
			Lower: {sig: "(i32, f32) -> (f64)"},
		}},
		{"16 params", fn(nil, repeatType(U32, 16)...), map[ABIVariant]want{
			Lift:  {sig: "(" + i32s(16) + ") -> ()"},
			Lower: {sig: "(" + i32s(16) + ") -> ()"},
		}},
		{"17 params", fn(nil, repeatType(U32, 17)...), map[ABIVariant]want{
			Lift:  {sig: "(i32) -> ()", indir: true},
			Lower: {sig: "(i32) -> ()", indir: true},
		}},
		{"8 strings and a bool", fn(U8, append(repeatType(String, 8), Bool)...), map[ABIVariant]want{
			Lift:  {sig: "(i32) -> (i32)", indir: true},
			Lower: {sig: "(i32) -> (i32)", indir: true},
		}},
		{"one overflowing param", fn(nil, big), map[ABIVariant]want{
			Lift: {sig: "(i32) -> ()", indir: true},
		}},
		{"-> tuple<u32,u32>", fn(pair), map[ABIVariant]want{
			Lift:  {sig: "() -> (i32)", indres: true},
			Lower: {sig: "(i32) -> ()", indres: true},
		}},
		{"(u8) -> string", fn(String, U8), map[ABIVariant]want{
			Lift:  {sig: "(i32) -> (i32)", indres: true},
			Lower: {sig: "(i32, i32) -> ()", indres: true},
		}},
		{"17 params -> string", fn(String, repeatType(U8, 17)...), map[ABIVariant]want{
			Lift:  {sig: "(i32) -> (i32)", indir: true, indres: true},
			Lower: {sig: "(i32, i32) -> ()", indir: true, indres: true},
		}},
		{"-> tuple<>", fn(empty), map[ABIVariant]want{
			Lift:       {sig: "() -> ()"},
			Lower:      {sig: "() -> ()"},
			LowerAsync: {sig: "() -> (i32)"},
		}},
		{"async (u32 x4) -> u32", async(fn(U32, repeatType(U32, 4)...)), map[ABIVariant]want{
			Lift:              {sig: "(" + i32s(4) + ") -> (i32)"},
			Lower:             {sig: "(" + i32s(4) + ") -> (i32)"},
			LiftAsync:         {sig: "(" + i32s(4) + ") -> (i32)"},
			LiftAsyncStackful: {sig: "(" + i32s(4) + ") -> ()"},
			LowerAsync:        {sig: "(" + i32s(5) + ") -> (i32)", indres: true},
		}},
		{"async (u32 x5) -> string", async(fn(String, repeatType(U32, 5)...)), map[ABIVariant]want{
			Lift:              {sig: "(" + i32s(5) + ") -> (i32)", indres: true},
			Lower:             {sig: "(" + i32s(6) + ") -> ()", indres: true},
			LiftAsync:         {sig: "(" + i32s(5) + ") -> (i32)"},
			LiftAsyncStackful: {sig: "(" + i32s(5) + ") -> ()"},
			LowerAsync:        {sig: "(i32, i32) -> (i32)", indir: true, indres: true},
		}},
		{"async (u32 x17)", async(fn(nil, repeatType(U32, 17)...)), map[ABIVariant]want{
			LiftAsync:         {sig: "(i32) -> (i32)", indir: true},
			LiftAsyncStackful: {sig: "(i32) -> ()", indir: true},
			LowerAsync:        {sig: "(i32) -> (i32)", indir: true},
		}},
		{"async (f64) -> f32", async(fn(F32, F64)), map[ABIVariant]want{
			LiftAsync:  {sig: "(f64) -> (i32)"},
			LowerAsync: {sig: "(f64, i32) -> (i32)", indres: true},
		}},
	}
	abi := NewABI(b.r)
	for _, c := range cases {
		for v, w := range c.want {
			t.Run(c.name+"/"+v.String(), func(t *testing.T) {
				s := abi.Signature(c.f, v)
				if s.String() != w.sig || s.IndirectParams != w.indir || s.IndirectResults != w.indres {
					t.Errorf("got %s indirect params %v results %v, want %s %v %v",
						s, s.IndirectParams, s.IndirectResults, w.sig, w.indir, w.indres)
				}
			})
		}
	}

	// The signature's slices must not alias the layout cache.
	f := fn(U64, U64)
	s := abi.Signature(f, Lift)
	s.Params[0], s.Results[0] = CoreF32, CoreF32
	if l := abi.Layout(U64); flatString(l) != "i64" {
		t.Errorf("Signature aliases the cache: u64 now flattens to %q", flatString(l))
	}
}

func TestSignatureTaskReturn(t *testing.T) {
	b := newABITypes()
	big := b.fixed(String, 9)
	abi := NewABI(b.r)
	for _, c := range []struct {
		result Type
		want   string
		indir  bool
	}{
		{nil, "() -> ()", false},
		{String, "(i32, i32) -> ()", false},
		{U64, "(i64) -> ()", false},
		{big, "(i32) -> ()", true},
	} {
		s := abi.TaskReturnSignature(&Function{Name: "f", Kind: AsyncFreestanding, Result: c.result})
		if s.String() != c.want || s.IndirectParams != c.indir || s.IndirectResults {
			t.Errorf("task.return for %v: got %s %v", c.result, s, s.IndirectParams)
		}
	}
}

func TestSignatureVariantNames(t *testing.T) {
	for v, want := range map[ABIVariant]string{
		Lift: "lift", Lower: "lower", LiftAsync: "lift-async",
		LiftAsyncStackful: "lift-async-stackful", LowerAsync: "lower-async", 99: "invalid-abi-variant",
	} {
		if v.String() != want {
			t.Errorf("%d: %q, want %q", v, v.String(), want)
		}
		if got, async := v.IsAsync(), strings.Contains(want, "async"); got != async {
			t.Errorf("%s.IsAsync() = %v", v, got)
		}
	}
}

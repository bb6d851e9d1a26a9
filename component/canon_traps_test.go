package component

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestCanonTraps feeds the Canonical ABI bad values from the guest: every
// one must trap (a *Trap naming the component, the export called and the
// reason), never panic, and leave the instance usable.
func TestCanonTraps(t *testing.T) {
	f := newValues(t)
	const imp = "host-echo-string"
	// freeArea: invalid UTF-8; +16: UTF-16 with a lone high surrogate at
	// the end; +32: a high surrogate followed by a non-surrogate; +48: a
	// lone low surrogate; +64: valid "hi" in UTF-16.
	f.poke(freeArea, []byte{'a', 0xff, 0xfe})
	f.poke(freeArea+16, []byte{'a', 0, 0x00, 0xd8})
	f.poke(freeArea+32, []byte{0x00, 0xd8, 'a', 0})
	f.poke(freeArea+48, []byte{0x00, 0xdc})
	f.poke(freeArea+64, []byte{'h', 0, 'i', 0})
	f.poke(freeArea+128, cat(le32(0xffff0000), le32(0x10000)))
	cases := []struct {
		fn      string
		args    []Value
		reasons []string
	}{
		// strings lifted from import arguments
		{"raw-string", []Value{U32(0xfffffff0), U32(32)}, []string{imp, "out of bounds"}},
		{"raw-string", []Value{U32(0xffffffff), U32(0)}, []string{imp, "out of bounds"}},
		{"raw-string", []Value{U32(0), U32(1 << 28)}, []string{imp, "longer than the maximum"}},
		{"raw-string", []Value{U32(freeArea), U32(0xffffffff)}, []string{imp, "longer than the maximum"}},
		{"raw-string", []Value{U32(freeArea), U32(3)}, []string{imp, "invalid UTF-8"}},
		{"raw-string16", []Value{U32(freeArea + 65), U32(1)}, []string{imp, "misaligned"}},
		{"raw-string16", []Value{U32(freeArea + 64), U32(0x80000001)}, []string{imp, "longer than the maximum"}},
		{"raw-string16", []Value{U32(freeArea + 64), U32(0x08000000)}, []string{imp, "longer than the maximum"}},
		{"raw-string16", []Value{U32(freeArea + 16), U32(2)}, []string{imp, "unpaired surrogate"}},
		{"raw-string16", []Value{U32(freeArea + 32), U32(2)}, []string{imp, "unpaired surrogate"}},
		{"raw-string16", []Value{U32(freeArea + 48), U32(1)}, []string{imp, "unpaired surrogate"}},
		{"raw-string-l1", []Value{U32(freeArea + 65), U32(1)}, []string{imp, "misaligned"}},
		{"raw-string-l1", []Value{U32(freeArea + 64), U32(1<<31 | 1<<27)}, []string{imp, "longer than the maximum"}},
		{"raw-string-l1", []Value{U32(freeArea + 16), U32(1<<31 | 2)}, []string{imp, "unpaired surrogate"}},
		{"raw-string-l1", []Value{U32(0xfffffffe), U32(4)}, []string{imp, "out of bounds"}},
		// lists lifted from import arguments
		{"raw-list-u8", []Value{U32(0xffffff00), U32(0x1000)}, []string{"host-echo-list-u8", "out of bounds"}},
		{"raw-list-u8", []Value{U32(0), U32(1 << 28)}, []string{"host-echo-list-u8", "too long"}},
		{"raw-list-point", []Value{U32(freeArea + 2), U32(1)}, []string{"host-echo-list-point", "misaligned"}},
		// 2^28 elements of 16 bytes: 2^32 bytes, 0 if computed in 32 bits
		{"raw-list-point", []Value{U32(freeArea), U32(1 << 28)}, []string{"host-echo-list-point", "too long"}},
		{"raw-list-point", []Value{U32(freeArea), U32(math.MaxUint32)}, []string{"host-echo-list-point", "too long"}},
		{"raw-list-string", []Value{U32(freeArea + 128), U32(1)}, []string{"host-echo-list-string", "out of bounds"}},
		// scalars lifted from import arguments
		{"raw-char", []Value{U32(0xd800)}, []string{"host-echo-char", "invalid char"}},
		{"raw-char", []Value{U32(0xdfff)}, []string{"host-echo-char", "invalid char"}},
		{"raw-char", []Value{U32(0x110000)}, []string{"host-echo-char", "invalid char"}},
		{"raw-char", []Value{U32(0xffffffff)}, []string{"host-echo-char", "invalid char"}},
		{"raw-big-enum", []Value{U32(300)}, []string{"host-echo-big-enum", "discriminant 300"}},
		{"raw-result-unit", []Value{U32(2)}, []string{"host-echo-result-unit", "discriminant 2"}},
		{"raw-v-u32-f32", []Value{U32(2), U32(0)}, []string{"host-echo-v-u32-f32", "discriminant 2"}},
		{"raw-v-u64-f32", []Value{U32(0xffffffff), U64(0)}, []string{"host-echo-v-u64-f32", "discriminant"}},
		{"raw-v-f64-u32", []Value{U32(3), U64(0)}, []string{"host-echo-v-f64-u32", "discriminant 3"}},
		{"raw-v-mixed", []Value{U32(2), U64(0xfffffff0), U32(32)}, []string{"host-echo-v-mixed", "out of bounds"}},
		{"raw-opt-opt", []Value{U32(1), U32(2), U32(0)}, []string{"host-echo-opt-opt", "discriminant 2"}},
		{"raw-opt-opt", []Value{U32(2), U32(0), U32(0)}, []string{"host-echo-opt-opt", "discriminant 2"}},
		{"raw-result-string-u64", []Value{U32(0), U64(0), U32(1 << 30)}, []string{"host-echo-result-string-u64", "longer than the maximum"}},
		// spilled parameters: the tuple pointer
		{"raw-many", []Value{U32(freeArea + 4)}, []string{"host-many", "misaligned"}},
		{"raw-many", []Value{U32(0xfffffff8)}, []string{"host-many", "out of bounds"}},
		// the import's result pointer
		{"string-retptr", []Value{U32(freeArea + 64), U32(2), U32(retArea + 1)}, []string{imp, "misaligned"}},
		{"string-retptr", []Value{U32(freeArea + 64), U32(2), U32(0xfffffffc)}, []string{imp, "out of bounds"}},
		// export results
		{"id-char", []Value{U32(0xd800)}, []string{"invalid char"}},
		{"id-big-enum", []Value{U32(0x10000)}, []string{"discriminant"}},
		{"id-small-enum", []Value{U32(3)}, []string{"discriminant 3"}},
		{"id-result-unit", []Value{U32(0xffffffff)}, []string{"discriminant"}},
		{"load-string", []Value{U32(freeArea + 1)}, []string{"misaligned"}},
		{"load-string", []Value{U32(0xfffffffc)}, []string{"out of bounds"}},
		{"load-padded", []Value{U32(freeArea + 4)}, []string{"misaligned"}},
		{"load-padded", []Value{U32(0xfffffff8)}, []string{"out of bounds"}},
	}
	for _, c := range cases {
		t.Run(c.fn+fmtValue(Tuple(c.args)), func(t *testing.T) {
			f.t = t
			f.trapCall(c.fn, c.reasons, c.args...)
		})
	}

	// Bad values in memory.
	f.t = t
	mem := []struct {
		fn      string
		bytes   []byte
		reasons []string
	}{
		{"load-enum-tuple", cat([]byte{0x2c, 0x01, 0, 0}, le32('a'), []byte{1, 0, 0, 0}), []string{"discriminant 300"}},
		{"load-enum-tuple", cat([]byte{0, 0, 3, 0}, le32('a'), []byte{1, 0, 0, 0}), []string{"discriminant 3"}},
		{"load-enum-tuple", cat([]byte{0, 0, 0, 0}, le32(0xdc00), []byte{1, 0, 0, 0}), []string{"invalid char"}},
		{"load-v-mixed", cat([]byte{3}, make([]byte, 15)), []string{"discriminant 3"}},
		{"load-v-mixed", cat([]byte{2}, make([]byte, 7), le32(0xfffffff0), le32(0x20)), []string{"out of bounds"}},
		{"load-opt-opt", cat([]byte{1, 0, 0, 0, 7, 0, 0, 0}, le32(0)), []string{"discriminant 7"}},
		{"load-result-err-string", cat([]byte{1, 0, 0, 0}, le32(freeArea+1), le32(1<<28)), []string{"longer than the maximum"}},
		{"load-list-string", cat(le32(freeArea+1), le32(1)), []string{"misaligned"}},
		{"load-list-string", cat(le32(freeArea+16), le32(1), le32(0xffff0000), le32(0x10000)), []string{"out of bounds"}},
		{"load-list-point", cat(le32(freeArea), le32(0x10000000)), []string{"too long"}},
		{"load-opt-string", cat([]byte{1, 0, 0, 0}, le32(freeArea), le32(4)), []string{"invalid UTF-8"}},
	}
	for _, c := range mem {
		t.Run(c.fn+"/memory", func(t *testing.T) {
			f.t = t
			f.poke(freeArea, []byte{'a', 0xff, 0xfe, 0})
			f.poke(freeArea+32, c.bytes)
			f.trapCall(c.fn, c.reasons, U32(freeArea+32))
		})
	}
}

// TestCanonLenient checks what the Canonical ABI accepts although it looks
// wrong: booleans other than 0 and 1, unknown flag bits, high bits of
// narrow integers, bytes beyond a smaller payload.
func TestCanonLenient(t *testing.T) {
	f := newValues(t)
	f.poke(freeArea, cat([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0}, le32(0xffffffff), le32(0xffffffff)))
	wantValue(t, "all-flags with every bit set", f.mustCall("load-all-flags", U32(freeArea)),
		allFlags(Flags{"a"}, Flags{"a", "b", "c", "d", "e", "f", "g", "h"}, Flags{"a", "b", "c", "d", "e", "f", "g", "h", "i"},
			Flags{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"},
			Flags{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"}, flags32(0xffffffff)))
	f.poke(freeArea, cat([]byte{0, 0, 0, 0xff}, le32('a'), []byte{0x80, 0xff, 0xff, 0xff}))
	wantValue(t, "enum-tuple with bool 0x80", f.mustCall("load-enum-tuple", U32(freeArea)),
		Tuple{Enum("e0"), Enum("red"), Char('a'), Bool(true)})
}

// TestCanonReallocTraps checks the pointers realloc returns.
func TestCanonReallocTraps(t *testing.T) {
	f := newValues(t)
	const (
		normal = iota
		misaligned
		outOfBounds
		unreachable
	)
	for _, c := range []struct {
		mode    int
		fn      string
		args    []Value
		reasons []string
	}{
		// lowering the export's arguments
		{misaligned, "echo-list-point", []Value{List{point(1, 2, "")}}, []string{"realloc", "misaligned"}},
		{misaligned, "echo-string16", []Value{String("x")}, []string{"realloc", "misaligned"}},
		{outOfBounds, "echo-string", []Value{String("xyz")}, []string{"realloc", "out of bounds"}},
		{outOfBounds, "echo-many", []Value{U8(0), S8(0), U16(0), S16(0), U32(0), S32(0), U64(0), S64(0), F32(0), F64(0),
			Char('a'), Bool(false), String(""), Enum("red"), Flags{}, None, U32(0)}, []string{"realloc", "out of bounds"}},
		{unreachable, "echo-string", []Value{String("xyz")}, []string{"unreachable"}},
		// lowering the import's results
		{misaligned, "raw-list-point", []Value{U32(freeArea), U32(0)}, []string{"host-echo-list-point", "realloc", "misaligned"}},
		{outOfBounds, "raw-string", []Value{U32(freeArea), U32(0)}, []string{"host-echo-string", "realloc", "out of bounds"}},
	} {
		t.Run(c.fn, func(t *testing.T) {
			f.t = t
			if c.fn == "raw-list-point" {
				f.reply["host-echo-list-point"] = List{point(1, 1, "a")}
				defer delete(f.reply, "host-echo-list-point")
			}
			if c.fn == "echo-many" {
				f.reply["host-many"] = String("")
				defer delete(f.reply, "host-many")
			}
			if c.fn == "raw-string" {
				f.reply["host-echo-string"] = String("reply")
				defer delete(f.reply, "host-echo-string")
			}
			f.mustCall("set-realloc-mode", U32(c.mode))
			_, err := f.call(c.fn, c.args...)
			f.mustCall("set-realloc-mode", U32(normal))
			wantTrap(t, err, valuesFixture, c.fn, c.reasons...)
			f.healthy()
			wantValue(t, "after the trap", f.mustCall(c.fn, c.args...), f.mustCall(c.fn, c.args...))
		})
	}
}

// TestCanonHostValues checks that values the host passes that do not fit the
// type are errors (not traps, not panics), and that a host import returning
// one traps the guest.
func TestCanonHostValues(t *testing.T) {
	f := newValues(t)
	bad := []struct {
		fn  string
		arg Value
	}{
		{"echo-u32", S32(1)},
		{"echo-u32", nil},
		{"echo-char", Char(0xd800)},
		{"echo-char", Char(-1)},
		{"echo-string", String("\xff")},
		{"echo-string16", String("a\xffb")},
		{"echo-string-l1", String("\xc3")},
		{"echo-list-u8", List{U8(1), U16(2)}},
		{"echo-list-u8", Tuple{}},
		{"echo-fixed4", List{U32(1)}},
		{"echo-padded", Record{{"a", U8(1)}}},
		{"echo-padded", Record{{"b", U8(1)}, {"a", U64(1)}, {"c", U16(1)}, {"d", U32(1)}, {"e", U8(1)}}},
		{"echo-tuple", Tuple{U8(1)}},
		{"echo-small-enum", Enum("purple")},
		{"echo-flags9", Flags{"z"}},
		{"echo-v-u32-f32", Variant{"c", nil}},
		{"echo-v-u32-f32", Variant{"a", nil}},
		{"echo-v-f64-u32", Variant{"c", U32(1)}},
		{"echo-opt-opt", Some(U32(1))},
		{"echo-result-u32", Err(U32(1))},
		{"echo-result-u32", Option{}},
	}
	for _, c := range bad {
		_, err := f.call(c.fn, c.arg)
		if err == nil {
			t.Errorf("%s(%s): no error", c.fn, fmtValue(c.arg))
			continue
		}
		if _, ok := err.(*Trap); ok {
			t.Errorf("%s(%s): %v is a trap, want a plain error", c.fn, fmtValue(c.arg), err)
		}
		f.healthy()
	}
	if _, err := f.call("echo-u32"); err == nil {
		t.Errorf("echo-u32 without arguments: no error")
	}
	// An import returning a bad value traps the guest.
	f.reply["host-echo-char"] = Char(0xd800)
	_, err := f.call("echo-char", Char('a'))
	wantTrap(t, err, valuesFixture, "echo-char", "host-echo-char", "char")
	f.reply["host-echo-string"] = U32(1)
	_, err = f.call("echo-string", String("a"))
	wantTrap(t, err, valuesFixture, "echo-string", "host-echo-string", "string")
	delete(f.reply, "host-echo-string")
	// An import returning an error traps the guest, the error wrapped.
	f.hooks["host-echo-u32"] = func(ctxt context.Context, args []Value) (Value, error) { return nil, errBoom }
	_, err = f.call("echo-u32", U32(1))
	tr := wantTrap(t, err, valuesFixture, "echo-u32", "host-echo-u32", "boom")
	if tr != nil && !errors.Is(err, errBoom) {
		t.Errorf("the host error is not wrapped: %v", err)
	}
	delete(f.hooks, "host-echo-u32")
	f.healthy()
}

var errBoom = errors.New("boom")

// TestLiftBudget: a guest returns a list of strings that all point at the
// same memory. Each string is within bounds, but together they would lift
// to far more than the guest's memory; the call's lift budget stops it.
func TestLiftBudget(t *testing.T) {
	const n, size, strings = 100, 20000, 40000 // 100 strings of 20,000 bytes at 40000: 2 MB
	entries := make([]byte, 0, 8*n)
	for range n {
		entries = append(entries, cat(le32(strings), le32(size))...)
	}
	setup := func(f *fixture) {}
	small := newFixtureWith(t, valuesFixture, NewRuntimeConfig().WithMaxLiftBytes(1<<20), setup)
	small.poke(strings, make([]byte, size)) // valid UTF-8: NULs
	small.poke(freeArea+32, cat(le32(freeArea+64), le32(n)))
	small.poke(freeArea+64, entries)
	small.trapCall("load-list-string", []string{"exceed the budget of 1048576 bytes per call"}, U32(freeArea+32))

	big := newFixtureWith(t, valuesFixture, NewRuntimeConfig().WithMaxLiftBytes(4<<20), setup)
	big.poke(strings, make([]byte, size))
	big.poke(freeArea+32, cat(le32(freeArea+64), le32(n)))
	big.poke(freeArea+64, entries)
	v := big.mustCall("load-list-string", U32(freeArea+32))
	if l, ok := v.(List); !ok || len(l) != n || len(l[0].(String)) != size {
		t.Fatalf("within the budget: got %T of %d", v, len(v.(List)))
	}
}

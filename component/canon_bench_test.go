package component

import (
	"strings"
	"testing"
)

// Benchmarks of the dynamic (Value) call path through the canon-values
// fixture: each call goes host → export → import → host and back.
func BenchmarkCanonEcho(b *testing.B) {
	t := &testing.T{}
	f := newFixture(t, valuesFixture, nil)
	f.t = t
	for _, c := range []struct {
		name string
		fn   string
		arg  Value
	}{
		{"u32", "echo-u32", U32(7)},
		{"string", "echo-string", String(strings.Repeat("x", 100))},
		{"string16", "echo-string16", String(strings.Repeat("é", 100))},
		{"list-point", "echo-list-point", List{point(1, 2, "a"), point(3, 4, "b"), point(5, 6, "c")}},
		{"padded", "echo-padded", padded(1, 2, 3, 4, 5)},
		{"many", "echo-many", nil},
	} {
		args := []Value{c.arg}
		if c.fn == "echo-many" {
			args = []Value{U8(255), S8(-128), U16(65535), S16(-32768), U32(1), S32(-1), U64(1), S64(-1),
				F32(1.5), F64(-2.5), Char('𝄞'), Bool(true), String("many"), Enum("green"), Flags{"a", "i"}, Some(U8(9)), U32(17)}
			f.reply["host-many"] = String("done")
		}
		fn := f.inst.Func(c.fn)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fn.Call(f.ctx, args...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package wave

import (
	"errors"
	"testing"

	"github.com/plugwit/plugwit/wit"
)

// FuzzParseValue parses arbitrary text against every type of the test
// package (and as a call of its functions). Parsing must never panic, errors
// must be *Error at an offset inside the text, and whatever parses must
// format, and that formatting must parse back to the same value and format
// the same again.
func FuzzParseValue(f *testing.F) {
	fx := newFixture(f)
	var types []wit.Type
	for p := wit.Bool; p <= wit.String; p++ {
		types = append(types, p)
	}
	for _, id := range fx.iface.Types.Keys() {
		id, _ := fx.iface.Types.Get(id)
		types = append(types, id)
	}
	for _, tc := range roundTrips {
		f.Add(tc.in)
	}
	for _, s := range []string{
		`greet({content: "hi", name: "x"})`, "trailing(1, some(2),)", "add(-1, 2) // sum",
		"{a: [1, {b: 'c'}], d: some(\"\"\"\n  x\n  \"\"\")}", `"\u{1F30A}"`, "%none", "{:}", "{}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, typ := range types {
			v, err := ParseValue(fx.r, typ, text)
			if err != nil {
				var we *Error
				if !errors.As(err, &we) || we.Offset < 0 || we.Offset > len(text) || we.Line < 1 || we.Col < 1 {
					t.Fatalf("%s %q: bad error %#v", describe(fx.r, typ), text, err)
				}
				continue
			}
			s, err := Format(fx.r, typ, v)
			if err != nil {
				t.Fatalf("%s %q: parsed %#v, which does not format: %v", describe(fx.r, typ), text, v, err)
			}
			v2, err := ParseValue(fx.r, typ, s)
			if err != nil {
				t.Fatalf("%s %q: formats as %q, which does not parse: %v", describe(fx.r, typ), text, s, err)
			}
			if !sameValue(v, v2) {
				t.Fatalf("%s %q: parses as %#v, its formatting %q as %#v", describe(fx.r, typ), text, v, s, v2)
			}
			if s2, err := Format(fx.r, typ, v2); err != nil || s2 != s {
				t.Fatalf("%s %q: formats as %q, then as %q (%v)", describe(fx.r, typ), text, s, s2, err)
			}
		}
		fn, args, err := ParseCall(fx.r, fx.lookup, text)
		if err != nil {
			var we *Error
			if !errors.As(err, &we) || we.Offset < 0 || we.Offset > len(text) {
				t.Fatalf("call %q: bad error %#v", text, err)
			}
			return
		}
		s, err := FormatCall(fx.r, fn, args)
		if err != nil {
			t.Fatalf("call %q: does not format: %v", text, err)
		}
		if _, args2, err := ParseCall(fx.r, fx.lookup, s); err != nil || !sameValues(args, args2) {
			t.Fatalf("call %q: formats as %q, which parses as %#v, %v", text, s, args2, err)
		}
	})
}

package binary

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Helpers to build binaries by hand.

var (
	componentPreamble = []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	corePreamble      = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
)

// leb encodes v as unsigned LEB128.
func leb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

// cat concatenates byte slices and single bytes.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b = append(b, p)
		case int:
			b = append(b, byte(p))
		case rune:
			b = append(b, byte(p))
		case []byte:
			b = append(b, p...)
		case string:
			b = append(b, p...)
		default:
			panic("cat: bad part")
		}
	}
	return b
}

// str encodes a name: its length, then its bytes.
func str(s string) []byte { return cat(leb(uint64(len(s))), s) }

// sec encodes a section with the given id and payload.
func sec(id byte, payload ...any) []byte {
	p := cat(payload...)
	return cat(id, leb(uint64(len(p))), p)
}

// comp encodes a component of the given sections.
func comp(sections ...[]byte) []byte { return cat(componentPreamble, bytes.Join(sections, nil)) }

// coreMod encodes a core module of the given sections.
func coreMod(sections ...[]byte) []byte { return cat(corePreamble, bytes.Join(sections, nil)) }

// nestTypes wraps n instance types around an empty one: (instance (type (instance …))).
func nestTypes(n int) []byte {
	b := []byte{0x42, 0x00}
	for i := 0; i < n; i++ {
		b = cat(0x42, 0x01, 0x01, b)
	}
	return b
}

// nestComponents wraps n component sections around an empty component.
func nestComponents(n int) []byte {
	b := comp()
	for i := 0; i < n; i++ {
		b = comp(sec(4, b))
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string // the whole error message
		eof  bool   // errors.Is(err, io.ErrUnexpectedEOF)
	}{
		{"empty", nil, "decode component: unexpected end of data reading preamble at offset 0x0", true},
		{"core module", coreMod(), "decode component: want a component, found a core module at offset 0x0", false},
		{"unknown section id", comp([]byte{13, 0}), "decode component: invalid section id 0x0d at offset 0x8", false},
		{"section past end", comp([]byte{7, 5, 0}),
			"decode component: section 7 (type) at offset 0x8: section size 5 exceeds the 1 bytes left at offset 0xa", true},
		{"truncated section size", comp([]byte{7, 0x80}),
			"decode component: section 7 (type) at offset 0x8: unexpected end of data reading section size at offset 0xa", true},
		{"LEB overflow", comp([]byte{7, 0xff, 0xff, 0xff, 0xff, 0x7f}),
			"decode component: section 7 (type) at offset 0x8: invalid u32 LEB128 for section size: value overflows 32 bits at offset 0x9", false},
		{"LEB too long", comp([]byte{7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
			"decode component: section 7 (type) at offset 0x8: invalid u32 LEB128 for section size: longer than 5 bytes at offset 0x9", false},
		{"absurd count", comp(sec(7, 0xff, 0xff, 0xff, 0xff, 0x0f)),
			"decode component: section 7 (type) at offset 0x8: type count 4294967295 exceeds the 0 bytes left at offset 0xa", true},
		{"count larger than bytes", comp(sec(10, 3, 0x00)),
			"decode component: section 10 (import) at offset 0x8: import count 3 exceeds the 1 bytes left at offset 0xa", true},
		{"trailing bytes", comp(sec(7, 1, 0x7f, 0x00)),
			"decode component: section 7 (type) at offset 0x8: 1 unexpected bytes at the end of the section at offset 0xc", false},
		{"unknown type opcode", comp(sec(7, 1, 0x55)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid type opcode 0x55 at offset 0xb", false},
		{"removed async dtor", comp(sec(7, 1, 0x3e, 0x7f, 0x00)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid type opcode 0x3e (resource with async destructor, removed from the component model) at offset 0xb", false},
		{"bad value type", comp(sec(7, 1, 0x70, 0x50)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid value type 0x50 at offset 0xc", false},
		{"s33 overflow", comp(sec(7, 1, 0x70, 0x80, 0x80, 0x80, 0x80, 0x10)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid s33 LEB128 for value type: value overflows 33 bits at offset 0xc", false},
		{"variant trailer", comp(sec(7, 1, 0x71, 1, str("a"), 0x00, 0x01)),
			"decode component: section 7 (type) at offset 0x8: type 0: variant case 0: invalid variant case trailer 0x01, want 0x00 at offset 0x10", false},
		{"option flag", comp(sec(7, 1, 0x6a, 0x02)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid result ok type presence flag 0x02 at offset 0xc", false},
		{"result list", comp(sec(7, 1, 0x40, 0x00, 0x02)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid result list 0x02 at offset 0xd", false},
		{"empty result list", comp(sec(7, 1, 0x40, 0x00, 0x01, 0x01)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid empty result list 0x01, want 0x00 at offset 0xe", false},
		{"resource dtor flag", comp(sec(7, 1, 0x3f, 0x7f, 0x02)),
			"decode component: section 7 (type) at offset 0x8: type 0: invalid resource destructor presence flag 0x02 at offset 0xd", false},
		{"import in instance type", comp(sec(7, 1, 0x42, 1, 0x03)),
			"decode component: section 7 (type) at offset 0x8: type 0: instance type declaration 0: invalid instance type declaration kind 0x03 (import) at offset 0xd", false},
		{"unknown declaration", comp(sec(7, 1, 0x41, 1, 0x05)),
			"decode component: section 7 (type) at offset 0x8: type 0: component type declaration 0: invalid declaration kind 0x05 at offset 0xd", false},
		{"type nesting", comp(sec(7, 1, nestTypes(100))),
			"decode component: section 7 (type) at offset 0x8: type 0: instance type declaration 0: instance type declaration 0: ", false},
		{"invalid UTF-8 name", comp(sec(10, 1, 0x00, 2, 0xff, 0xfe, 0x01, 0x00)),
			"decode component: section 10 (import) at offset 0x8: import 0: invalid UTF-8 in name at offset 0xd", false},
		{"name past end", comp(sec(10, 1, 0x00, 10, 'a')),
			"decode component: section 10 (import) at offset 0x8: import 0: name length 10 exceeds the 1 bytes left at offset 0xc", true},
		{"name tag", comp(sec(10, 1, 0x03, str("a"), 0x01, 0)),
			"decode component: section 10 (import) at offset 0x8: import 0: invalid name tag 0x03 at offset 0xb", false},
		{"name attribute", comp(sec(10, 1, 0x02, str("a"), 1, 0x03, str("x"), 0x01, 0)),
			"decode component: section 10 (import) at offset 0x8: import 0: name attribute 0: invalid name attribute kind 0x03 at offset 0xf", false},
		{"extern type kind", comp(sec(10, 1, 0x00, str("a"), 0x06, 0)),
			"decode component: section 10 (import) at offset 0x8: import 0: invalid extern type kind 0x06 at offset 0xe", false},
		{"extern core module", comp(sec(10, 1, 0x00, str("a"), 0x00, 0x10, 0)),
			"decode component: section 10 (import) at offset 0x8: import 0: invalid core extern type sort (must be module) 0x10, want 0x11 at offset 0xf", false},
		{"type bound", comp(sec(10, 1, 0x00, str("a"), 0x03, 0x02)),
			"decode component: section 10 (import) at offset 0x8: import 0: invalid type bound 0x02 at offset 0xf", false},
		{"export type flag", comp(sec(11, 1, 0x00, str("a"), 0x01, 0, 0x02)),
			"decode component: section 11 (export) at offset 0x8: export 0: invalid export type presence flag 0x02 at offset 0x10", false},
		{"unknown sort", comp(sec(6, 1, 0x06, 0x00, 0, str("a"))),
			"decode component: section 6 (alias) at offset 0x8: alias 0: invalid sort 0x06 at offset 0xb", false},
		{"unknown core sort", comp(sec(6, 1, 0x00, 0x05, 0x01, 0, str("a"))),
			"decode component: section 6 (alias) at offset 0x8: alias 0: invalid core sort 0x05 at offset 0xc", false},
		{"alias kind", comp(sec(6, 1, 0x01, 0x03, 0)),
			"decode component: section 6 (alias) at offset 0x8: alias 0: invalid alias kind 0x03 at offset 0xc", false},
		{"core export alias of func", comp(sec(6, 1, 0x01, 0x01, 0, str("f"))),
			"decode component: section 6 (alias) at offset 0x8: alias 0: invalid core export alias of non-core sort func at offset 0xb", false},
		{"outer alias of func", comp(sec(6, 1, 0x01, 0x02, 0, 0)),
			"decode component: section 6 (alias) at offset 0x8: alias 0: invalid outer alias of sort func at offset 0xb", false},
		{"canon opcode", comp(sec(8, 1, 0x30)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid canon opcode 0x30 at offset 0xb", false},
		{"removed resource.drop async", comp(sec(8, 1, 0x07, 0)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid canon opcode 0x07 (resource.drop async, removed from the component model) at offset 0xb", false},
		{"removed backpressure.set", comp(sec(8, 1, 0x08)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid canon opcode 0x08 (backpressure.set, removed from the component model) at offset 0xb", false},
		{"lift sort", comp(sec(8, 1, 0x00, 0x01, 0, 0, 0)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid canon lift sort (must be func) 0x01, want 0x00 at offset 0xc", false},
		{"canon option", comp(sec(8, 1, 0x01, 0x00, 0, 1, 0x0a)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: canon option 0: invalid canon option 0x0a at offset 0xf", false},
		{"async flag", comp(sec(8, 1, 0x06, 0x02)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid async flag 0x02 at offset 0xc", false},
		{"cancellable flag", comp(sec(8, 1, 0x20, 0x02, 0)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid cancellable flag 0x02 at offset 0xc", false},
		{"context type", comp(sec(8, 1, 0x0a, 0x40, 0)),
			"decode component: section 8 (canon) at offset 0x8: canon 0: invalid core value type 0x40 at offset 0xc", false},
		{"instance kind", comp(sec(5, 1, 0x02)),
			"decode component: section 5 (instance) at offset 0x8: instance 0: invalid instance kind 0x02 at offset 0xb", false},
		{"core instance kind", comp(sec(2, 1, 0x02)),
			"decode component: section 2 (core instance) at offset 0x8: core instance 0: invalid core instance kind 0x02 at offset 0xb", false},
		{"core instantiate arg sort", comp(sec(2, 1, 0x00, 0, 1, str("a"), 0x11, 0)),
			"decode component: section 2 (core instance) at offset 0x8: core instance 0: instantiate argument 0: invalid core instantiate argument sort (must be instance) 0x11, want 0x12 at offset 0x10", false},
		{"core inline export sort", comp(sec(2, 1, 0x01, 1, str("a"), 0x05, 0)),
			"decode component: section 2 (core instance) at offset 0x8: core instance 0: export 0: invalid core sort 0x05 at offset 0xf", false},
		{"core type 0x00 without sub", comp(sec(3, 1, 0x00, 0x60)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: invalid core type: 0x00 must be followed by 0x50 (sub), found 0x60 at offset 0xc", false},
		{"core composite type", comp(sec(3, 1, 0x5c)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: invalid core composite type opcode 0x5c at offset 0xb", false},
		{"core value type", comp(sec(3, 1, 0x60, 1, 0x50, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: param 0: invalid core value type 0x50 at offset 0xd", false},
		{"heap type", comp(sec(3, 1, 0x60, 1, 0x63, 0x40, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: param 0: invalid abstract heap type 0x40 at offset 0xe", false},
		{"field mutability", comp(sec(3, 1, 0x5e, 0x7f, 0x02)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: invalid field mutability 0x02 at offset 0xd", false},
		{"module decl kind", comp(sec(3, 1, 0x50, 1, 0x04)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid module type declaration kind 0x04 at offset 0xd", false},
		{"core alias in module type", comp(sec(3, 1, 0x50, 1, 0x02, 0x10, 0x00, 0, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid core alias kind (must be outer) 0x00, want 0x01 at offset 0xf", false},
		{"core extern kind", comp(sec(3, 1, 0x50, 1, 0x03, str("e"), 0x05, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid core extern kind 0x05 at offset 0x10", false},
		{"memory limits flags", comp(sec(3, 1, 0x50, 1, 0x03, str("m"), 0x02, 0x10, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid memory limits flags 0x10 at offset 0x11", false},
		{"memory page size", comp(sec(3, 1, 0x50, 1, 0x03, str("m"), 0x02, 0x08, 1, 64)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid memory page size log2 64 at offset 0x13", false},
		{"table limits flags", comp(sec(3, 1, 0x50, 1, 0x03, str("t"), 0x01, 0x70, 0x08, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid table limits flags 0x08 at offset 0x12", false},
		{"global flags", comp(sec(3, 1, 0x50, 1, 0x03, str("g"), 0x03, 0x7f, 0x04)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid global flags 0x04 at offset 0x12", false},
		{"tag attribute", comp(sec(3, 1, 0x50, 1, 0x03, str("x"), 0x04, 0x01, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid tag attribute 0x01 at offset 0x11", false},
		{"module type in module type", comp(sec(3, 1, 0x50, 1, 0x01, 0x50, 0x00, 0x50, 0)),
			"decode component: section 3 (core type) at offset 0x8: core type 0: module type declaration 0: invalid core composite type opcode 0x50 at offset 0x10", false},
		{"core module layer", comp(sec(1, componentPreamble)),
			"decode component: section 1 (core module) at offset 0x8: want a core module, found a component (version 0x0d, layer 1) at offset 0xa", false},
		{"core section id", comp(sec(1, coreMod([]byte{14, 0}))),
			"decode component: section 1 (core module) at offset 0x8: invalid core section id 0x0e at offset 0x12", false},
		{"core section past end", comp(sec(1, coreMod([]byte{1, 3, 0}))),
			"decode component: section 1 (core module) at offset 0x8: core section 1 (type) at offset 0x12: core section size 3 exceeds the 1 bytes left at offset 0x14", true},
		{"core export kind", comp(sec(1, coreMod(sec(7, 1, str("e"), 0x20, 0)))),
			"decode component: section 1 (core module) at offset 0x8: core section 7 (export) at offset 0x12: export 0: invalid core export kind 0x20 at offset 0x17", false},
		{"core import", comp(sec(1, coreMod(sec(2, 1, str("m"), str("n"), 0x07, 0)))),
			"decode component: section 1 (core module) at offset 0x8: core section 2 (import) at offset 0x12: import 0: invalid core extern kind 0x07 at offset 0x19", false},
		{"nested core module", comp(sec(4, coreMod())),
			"decode component: section 4 (component) at offset 0x8: want a component, found a core module at offset 0xa", false},
		{"nested error", comp(sec(4, comp(sec(7, 1, 0x55)))),
			"decode component: section 4 (component) at offset 0x8: section 7 (type) at offset 0x12: type 0: invalid type opcode 0x55 at offset 0x15", false},
		{"component nesting", nestComponents(101), "decode component: section 4 (component) at offset 0x8: ", false},
		{"start args", comp(sec(9, 0, 5)),
			"decode component: section 9 (start) at offset 0x8: start argument count 5 exceeds the 0 bytes left at offset 0xb", true},
		{"value length", comp(sec(12, 1, 0x73, 5, 'a')),
			"decode component: section 12 (value) at offset 0x8: value 0: value length 5 exceeds the 1 bytes left at offset 0xc", true},
		{"custom name", comp(sec(0, 1, 0xff)),
			"decode component: section 0 (custom) at offset 0x8: invalid UTF-8 in custom section name at offset 0xb", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.in)
			if err == nil {
				t.Fatalf("Decode(% x) succeeded", tc.in)
			}
			if strings.HasSuffix(tc.want, ": ") {
				if !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "nested more than 100 deep") {
					t.Errorf("error:\n got %s\nwant %s… nested more than 100 deep", err, tc.want)
				}
			} else if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
			if got := errors.Is(err, io.ErrUnexpectedEOF); got != tc.eof {
				t.Errorf("errors.Is(err, io.ErrUnexpectedEOF) = %v, want %v", got, tc.eof)
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset > uint64(len(tc.in)) {
				t.Errorf("no *Error within the input in %v", err)
			}
			if got := errors.Is(err, ErrCoreModule); got != (tc.name == "core module") {
				t.Errorf("errors.Is(err, ErrCoreModule) = %v", got)
			}
		})
	}
}

// TestNestingLimit checks that nesting up to the limit decodes.
func TestNestingLimit(t *testing.T) {
	if _, err := Decode(nestComponents(100)); err != nil {
		t.Errorf("100 nested components: %v", err)
	}
	if _, err := Decode(comp(sec(7, 1, nestTypes(99)))); err != nil {
		t.Errorf("100 nested instance types: %v", err)
	}
}

// TestDecodeHandBuilt decodes encodings no fixture can hold: forms wasm-tools
// does not produce (value sections, cancellable built-ins, legacy name tags)
// or that the text format cannot express.
func TestDecodeHandBuilt(t *testing.T) {
	in := comp(
		sec(10, 2,
			0x01, str("a:b/c"), 0x01, 0x00, // legacy 0x01 name tag, func type 0
			0x00, str("v"), 0x02, 0x05), // (value 5)
		sec(12, 2, 0x73, 3, str("hi"), 0x05, 1, 0x01), // (value string "hi"), (value 5 <01>)
		sec(8, 8,
			0x20, 0x01, 0x00, // waitable-set.wait cancellable (memory 0)
			0x21, 0x01, 0x02, // waitable-set.poll cancellable (memory 2)
			0x0c, 0x01, // thread.yield cancellable
			0x29, 0x01, 0x2a, 0x01, 0x2b, 0x01, 0x2c, 0x01, 0x2d, 0x01),
		sec(7, 2,
			0x3f, 0x7e, 0x00, // (resource (rep i64))
			0x6a, 0x01, 0x80, 0x01, 0x00), // (result 128) — a two-byte type index
		sec(0, str("component-name"),
			0x05, 2, 0xaa, 0xbb, // unknown subsection, skipped
			0x01, 3, 0x06, 0x00, 0x00, // a sort subsection with an unknown sort, skipped
			0x01, 6, 0x01, 1, 0x02, str("fn"), // func 2 is "fn"
			0x00, 4, str("top")),
	)
	c, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	n := ExternName{Name: "primary", Tag: 2, Attributes: []NameAttribute{{AttrImplements, "w:kv/store@1"}, {AttrVersionSuffix, ".2.3"}}}
	if full, ok := n.FullImplements(); n.FullName() != "primary" || !ok || full != "w:kv/store@1.2.3" {
		t.Errorf("FullName %q, FullImplements %q %v", n.FullName(), full, ok)
	}
	check(t, "imports", c.Imports(), []Import{
		{Name: ExternName{Name: "a:b/c", Tag: 0x01}, Type: ExternFunc{Type: 0}},
		{Name: name("v"), Type: ExternValue{Type: TypeIndex(5)}},
	})
	values := section[*ValueSection](t, c, 1)
	if len(values.Values) != 2 || values.Values[0].Type != Prim(PrimString) || string(values.Values[0].Data) != "\x02hi" ||
		values.Values[1].Type != TypeIndex(5) || !bytes.Equal(values.Values[1].Data, []byte{1}) {
		t.Errorf("values: %s", dump(values.Values))
	}
	check(t, "cancellable built-ins", section[*CanonSection](t, c, 2).Funcs, []Canon{
		&CanonWaitableSetWait{Cancellable: true, Memory: 0},
		&CanonWaitableSetPoll{Cancellable: true, Memory: 2},
		&CanonThreadYield{Cancellable: true},
		&CanonThreadSuspend{Cancellable: true},
		&CanonThreadSuspendThenResume{Cancellable: true},
		&CanonThreadYieldThenResume{Cancellable: true},
		&CanonThreadSuspendThenPromote{Cancellable: true},
		&CanonThreadYieldThenPromote{Cancellable: true},
	})
	check(t, "types", section[*TypeSection](t, c, 3).Types, []Type{
		&ResourceType{Rep: I64},
		&ResultType{OK: tidx(128)},
	})
	names := section[*CustomSection](t, c, 4)
	if names.NamesErr != nil {
		t.Fatal(names.NamesErr)
	}
	check(t, "names", names.Names, &NameSection{
		Component: ptr("top"),
		Sorts:     []SortNames{{Sort: SortFunc, Names: []NameAssoc{{2, "fn"}}}},
	})

	// Both spellings of a non-final subtype inside a module type.
	c, err = Decode(comp(sec(3, 1, 0x50, 2, 0x01, 0x50, 0x00, 0x60, 0, 0, 0x01, 0x00, 0x50, 0x00, 0x60, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	sub := &CoreTypeDecl{Type: &CoreRecGroup{Types: []CoreSubType{{Type: &CoreFuncType{}}}}}
	check(t, "module type subtypes", section[*CoreTypeSection](t, c, 0).Types, []CoreType{
		&CoreModuleType{Decls: []CoreModuleDecl{sub, sub}},
	})

	// A broken name section is kept raw, with the reason, and does not fail
	// the component.
	c, err = Decode(comp(sec(0, str("component-name"), 0x01, 9, 0x01)))
	if err != nil {
		t.Fatal(err)
	}
	cs := section[*CustomSection](t, c, 0)
	if cs.Names != nil || cs.NamesErr == nil || !strings.Contains(cs.NamesErr.Error(), "name subsection size 9 exceeds") {
		t.Errorf("broken name section: %v, %v", cs.Names, cs.NamesErr)
	}
}

// TestDecodeCoreHandBuilt covers core encodings beyond the fixtures: compact
// imports, custom-page-size memories, 64-bit tables, exact and shared heap
// types, custom descriptors and continuation types.
func TestDecodeCoreHandBuilt(t *testing.T) {
	in := coreMod(
		sec(1, 4,
			0x60, 0x00, 0x00, // (func)
			0x4e, 2, // (rec
			0x50, 0x00, 0x4c, 0x02, 0x5f, 0x00, //   (sub (describes 2) (struct)))
			0x4f, 0x00, 0x4d, 0x01, 0x5f, 0x01, 0x64, 0x62, 0x00, 0x00, //   (sub final (descriptor 1) (struct (field (ref (exact 0))))))
			0x5d, 0x00, // (cont 0)
			0x60, 0x02, 0x63, 0x65, 0x6e, 0x65, 0x6f, 0x00), // (func (param (ref null (shared any)) (shared externref)))
		sec(2, 3,
			str("m"), str("a"), 0x20, 0x00, // exact func import
			str("c1"), str(""), 0x7f, 2, str("x"), 0x00, 0x00, str("mem"), 0x02, 0x08, 1, 16, // compact form 1
			str("c2"), str(""), 0x7e, 0x01, 0x70, 0x05, 1, 2, 2, str("t1"), str("t2")), // compact form 2
	)
	m, err := DecodeCoreModule(in)
	if err != nil {
		t.Fatal(err)
	}
	exact := HeapType{Index: 0, Exact: true}
	check(t, "types", m.Types, []CoreSubType{
		{Final: true, Type: &CoreFuncType{}},
		{Describes: ptr[uint32](2), Type: &CoreStructType{}},
		{Final: true, Descriptor: ptr[uint32](1), Type: &CoreStructType{Fields: []CoreFieldType{
			{Type: CoreValType{Kind: CoreRef, Ref: RefType{Heap: exact}}},
		}}},
		{Final: true, Type: &CoreContType{Type: 0}},
		{Final: true, Type: &CoreFuncType{Params: []CoreValType{
			{Kind: CoreRef, Ref: RefType{Nullable: true, Heap: HeapType{Abstract: HeapAny, Shared: true}}},
			{Kind: CoreRef, Ref: RefType{Nullable: true, Heap: HeapType{Abstract: HeapExtern, Shared: true}}},
		}}},
	})
	table := CoreTableType{Elem: RefType{Nullable: true, Heap: HeapType{Abstract: HeapFunc}}, Limits: Limits{Min: 1, Max: 2, HasMax: true, Is64: true}}
	check(t, "imports", m.Imports, []CoreImport{
		{"m", "a", CoreFuncExtern{Type: 0, Exact: true}},
		{"c1", "x", CoreFuncExtern{Type: 0}},
		{"c1", "mem", CoreMemoryType{Limits: Limits{Min: 1}, PageSizeLog2: ptr[uint32](16)}},
		{"c2", "t1", table},
		{"c2", "t2", table},
	})
	if got := m.Types[2].Type.(*CoreStructType).Fields[0].Type.String(); got != "(ref (exact 0))" {
		t.Errorf("String() = %q", got)
	}
	if got := m.Types[4].Type.(*CoreFuncType).String(); got != "(func (param (ref null (shared any)) (ref null (shared extern))))" {
		t.Errorf("String() = %q", got)
	}
}

// fixtures returns the contents of every testdata/*.wasm.
func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/*.wasm")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// decodeAny decodes b as a component, or as a core module when it is one.
func decodeAny(b []byte) error {
	_, err := Decode(b)
	if errors.Is(err, ErrCoreModule) {
		_, err = DecodeCoreModule(b)
	}
	return err
}

// TestTruncated decodes every prefix of every fixture: each must fail with
// io.ErrUnexpectedEOF, except prefixes that end exactly between two top-level
// sections, which are valid shorter binaries.
func TestTruncated(t *testing.T) {
	for name, b := range fixtures(t) {
		boundaries := map[int]bool{8: true}
		if c, err := Decode(b); err == nil {
			for _, s := range c.Sections {
				h := s.Header()
				boundaries[int(h.PayloadOffset)+int(h.Size)] = true
			}
		} else if m, err := DecodeCoreModule(b); err == nil {
			for _, s := range m.Sections {
				boundaries[int(s.PayloadOffset)+int(s.Size)] = true
			}
		} else {
			t.Fatalf("%s: %v", name, err)
		}
		for n := 0; n < len(b); n++ {
			err := decodeAny(b[:n])
			if boundaries[n] {
				if err != nil {
					t.Errorf("%s[:%d] ends between sections but fails: %v", name, n, err)
				}
				continue
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s[:%d]: got %v, want an io.ErrUnexpectedEOF error", name, n, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset > uint64(n) {
				t.Errorf("%s[:%d]: no *Error within the input in %v", name, n, err)
			}
		}
	}
}

// TestCorrupted overwrites each byte of every fixture with a few values: the
// decoder must never panic, and every error must carry an offset within the
// input.
func TestCorrupted(t *testing.T) {
	for name, b := range fixtures(t) {
		buf := make([]byte, len(b))
		for i := range b {
			for _, v := range []byte{0x00, 0x01, 0x02, 0x3f, 0x40, 0x7f, 0x80, 0xff, b[i] ^ 0x01, b[i] + 1} {
				copy(buf, b)
				buf[i] = v
				err := decodeAny(buf)
				if err == nil {
					continue
				}
				var e *Error
				if !errors.As(err, &e) || e.Offset > uint64(len(buf)) {
					t.Fatalf("%s with byte %d = %#x: no *Error within the input in %v", name, i, v, err)
				}
			}
		}
	}
}

package binary

import (
	"errors"
	"testing"
)

// FuzzDecode checks that Decode (and DecodeCoreModule, for core modules)
// never panics, that every error carries an *Error within the input, and
// that every decoded section lies where its header says, sections tiling
// their component or core module exactly.
//
//	go test ./component/internal/binary -run '^$' -fuzz FuzzDecode -parallel 1 -fuzztime 3m
func FuzzDecode(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	f.Add(comp(sec(7, 1, nestTypes(3))))
	f.Add(comp(sec(4, comp(sec(10, 1, 0x02, str("a:b/c@1.0"), 1, 0x01, str(".2"), 0x05, 0)))))
	f.Add(comp(sec(12, 1, 0x73, 3, str("hi"))))
	f.Add(comp(sec(0, str("component-name"), 0x01, 6, 0x01, 1, 0x02, str("fn"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Decode(b)
		if errors.Is(err, ErrCoreModule) {
			m, err := DecodeCoreModule(b)
			if err == nil {
				checkCoreLayout(t, m, len(b))
				return
			}
			checkError(t, err, len(b))
			return
		}
		if err != nil {
			checkError(t, err, len(b))
			return
		}
		checkLayout(t, c, len(b))
	})
}

func checkError(t *testing.T, err error, n int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error without *Error: %v", err)
	}
	if e.Offset > uint64(n) {
		t.Fatalf("error offset %#x past the end (%#x): %v", e.Offset, n, err)
	}
}

// checkLayout checks that c's sections tile it exactly, recursively.
func checkLayout(t *testing.T, c *Component, n int) {
	t.Helper()
	end := c.Offset + c.Size
	if end > uint64(n) {
		t.Fatalf("component at %#x of size %d exceeds the input (%d bytes)", c.Offset, c.Size, n)
	}
	next := c.Offset + 8
	for i, s := range c.Sections {
		h := s.Header()
		if h.Offset != next || h.PayloadOffset <= h.Offset || h.PayloadOffset+uint64(h.Size) > end {
			t.Fatalf("section %d: header %+v, want it at %#x within %#x", i, h, next, end)
		}
		next = h.PayloadOffset + uint64(h.Size)
		switch s := s.(type) {
		case *ComponentSection:
			if s.Component.Offset != h.PayloadOffset || s.Component.Size != uint64(h.Size) {
				t.Fatalf("section %d: nested component at %#x size %d", i, s.Component.Offset, s.Component.Size)
			}
			checkLayout(t, s.Component, n)
		case *CoreModuleSection:
			if s.Module.Offset != h.PayloadOffset || len(s.Module.Raw) != int(h.Size) {
				t.Fatalf("section %d: core module at %#x size %d", i, s.Module.Offset, len(s.Module.Raw))
			}
			checkCoreLayout(t, s.Module, n)
		}
	}
	if next != end {
		t.Fatalf("sections end at %#x, component at %#x", next, end)
	}
}

// checkCoreLayout checks that m's sections tile it exactly.
func checkCoreLayout(t *testing.T, m *CoreModule, n int) {
	t.Helper()
	end := m.Offset + uint64(len(m.Raw))
	if end > uint64(n) {
		t.Fatalf("core module exceeds the input")
	}
	next := m.Offset + 8
	for i, h := range m.Sections {
		if h.Offset != next || h.PayloadOffset <= h.Offset || h.PayloadOffset+uint64(h.Size) > end {
			t.Fatalf("core section %d: header %+v, want it at %#x within %#x", i, h, next, end)
		}
		next = h.PayloadOffset + uint64(h.Size)
	}
	if next != end {
		t.Fatalf("core sections end at %#x, module at %#x", next, end)
	}
}

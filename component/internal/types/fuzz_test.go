package types

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// FuzzCheck checks that decoding and type-checking arbitrary bytes never
// panics, that every error is an *Error located within the input, and that
// checking stays fast (its work is bounded by the effective type sizes).
//
// The seeds are the decoder's fixtures and this package's; with
// PLUGWIT_CONFORMANCE_DIR set (see scripts/component-conformance.sh) the
// modules of wasm-tools' tests seed it too, locally: inputs derived from
// them are never committed.
//
//	go test ./component/internal/types -run '^$' -fuzz FuzzCheck -parallel 1 -fuzztime 3m
func FuzzCheck(f *testing.F) {
	for _, dir := range []string{filepath.Join("..", "binary", "testdata"), "testdata"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	if dir := os.Getenv("PLUGWIT_CONFORMANCE_DIR"); dir != "" {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".wasm") {
				if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := binary.Decode(b)
		if err != nil {
			return
		}
		start := time.Now()
		comp, err := Check(c)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("checking took %v", d)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not an *Error: %v", err)
			}
			if e.Offset > uint64(len(b)) {
				t.Fatalf("error offset %#x past the end (%#x): %v", e.Offset, len(b), err)
			}
			if comp != nil {
				t.Fatalf("a component and an error")
			}
			return
		}
		checkInvariants(t, comp)
	})
}

// checkInvariants checks what the runtime relies on in a checked component.
func checkInvariants(t *testing.T, c *Component) {
	t.Helper()
	if c.Type == nil {
		t.Fatal("no component type")
	}
	if len(c.Nested) != len(c.Components) {
		t.Fatalf("%d nested definitions for %d components", len(c.Nested), len(c.Components))
	}
	for name, e := range c.Imports.All() {
		if e.Sort == binary.SortType && e.Type == nil && e.Func == nil && e.Instance == nil && e.Component == nil {
			t.Fatalf("import %q: a type import without a type", name)
		}
	}
	for _, d := range c.Defs {
		switch d := d.(type) {
		case *ComponentDef:
			checkInvariants(t, d.Component)
		case *ResourceDef:
			if !c.st.cx.isResource(d.Type) {
				t.Fatalf("resource definition of type %d, not a resource", d.Type)
			}
		}
	}
	for _, id := range c.Type.Imported {
		if !c.st.cx.isResource(id) {
			t.Fatalf("imported resource %d is not a resource", id)
		}
	}
	for _, id := range c.Type.Defined {
		if !c.st.cx.isResource(id) {
			t.Fatalf("defined resource %d is not a resource", id)
		}
	}
}

package wasi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/plugwit/plugwit/component"
)

// TestInstanceCloseReleasesContext: a guest opens files and never drops
// them; closing its instance releases its WASI context (the option
// ForInstance makes): the files it held and its preopened directory.
func TestInstanceCloseReleasesContext(t *testing.T) {
	wasm, err := os.ReadFile("testdata/catfile.wasm")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, wasm, component.WithName("catfile"))
	if err != nil {
		t.Fatal(err)
	}
	l := component.NewLinker(rt)
	defs, err := Define(l, NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}

	h, err := defs.newHost(NewConfig().WithPreopen(dir, "/d", true))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := pre.Instantiate(ctx, defs.instanceOption(h))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // open-code opens the file and keeps the descriptor
		if v, err := inst.Func("open-code").Call(ctx, component.String("hello.txt")); err != nil || v != component.U32(0) {
			t.Fatalf("open-code = %v, %v", v, err)
		}
	}
	if got := h.openFiles.Load(); got != 3 {
		t.Fatalf("open files before Close: %d, want 3", got)
	}
	if err := inst.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.openFiles.Load(); got != 0 {
		t.Errorf("open files after Close: %d, want 0", got)
	}
	if _, err := h.preopens[0].root.Stat("."); err == nil {
		t.Error("the preopened directory is still open after Close")
	}
	if err := inst.Close(ctx); err != nil { // closing again does nothing
		t.Fatal(err)
	}
}

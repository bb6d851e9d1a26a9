package component

import (
	"context"
	"testing"
)

// TestComposedUTF16 calls through two composed components, one working on
// UTF-8 strings and one on UTF-16: the string is transcoded at each
// boundary and only the ASCII letters are upper-cased by the UTF-16 side.
func TestComposedUTF16(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "composed.wasm")
	inst, err := NewLinker(rt).Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	f := inst.Func("shout")
	if f == nil {
		t.Fatalf("no export shout; exports: %v", inst.Exports())
	}
	for in, want := range map[string]string{
		"":                   "",
		"hello":              "HELLO",
		"héllo wörld 日本 𝄞 z": "HéLLO WöRLD 日本 𝄞 Z",
	} {
		got, err := f.Call(ctx, String(in))
		if err != nil {
			t.Fatalf("shout(%q): %v", in, err)
		}
		if got != String(want) {
			t.Errorf("shout(%q) = %q, want %q", in, got, want)
		}
	}
	r, world, err := c.World()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.PrintAll(r.Worlds[world].Package); got != "package root:component;\n\nworld root {\n  export shout: func(s: string) -> string;\n}\n" {
		t.Errorf("world:\n%s", got)
	}
}

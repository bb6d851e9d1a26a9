package component

import (
	"context"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/wit"
)

// TestFuncOf checks host functions declared with a WIT type against the
// component's imports.
func TestFuncOf(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	r := wit.NewResolve()
	pkg, err := r.PushSource("host.wit", `package host:api;
interface good { log: func(line: string); cool-print: func(); }
interface bad { log: func(line: u32) -> bool; }
`)
	if err != nil {
		t.Fatal(err)
	}
	fn := func(iface, name string) *wit.Function {
		id, _ := r.Packages[pkg].Interfaces.Get(iface)
		f, _ := r.Interfaces[id].Functions.Get(name)
		return f
	}
	nop := func(ctx context.Context, args []Value) (Value, error) { return nil, nil }

	l := NewLinker(rt)
	l.Root().FuncOf("log", r, fn("good", "log"), nop).FuncOf("cool-print", r, fn("good", "cool-print"), nop)
	if _, err := l.InstantiatePre(ctx, c); err != nil {
		t.Fatalf("matching declarations: %v", err)
	}

	l = NewLinker(rt)
	l.Root().FuncOf("log", r, fn("bad", "log"), nop).Func("cool-print", nop)
	_, err = l.InstantiatePre(ctx, c)
	want := "import `log`: expected func(line: string), host provides func(line: u32) -> bool"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want one containing %q", err, want)
	}
}

package wasi_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// The greeter plugins of testdata/plugins (see its README) are real
// components built by the C, Go, Rust, QuickJS, SpiderMonkey and CPython
// toolchains; each imports WASI 0.2 and prints its greeting through
// wasi:cli/stdout. Here they run over the real WASI host, with nothing
// stubbed.
var greeters = []struct {
	name, path string
	large      bool // not committed: built by scripts/build-plugins.sh
}{
	{"c", "greeter/c/greeter-c.wasm", false},
	{"go", "greeter/go/greeter-go.wasm", false},
	{"qjs", "greeter/qjs/greeter-qjs.wasm", false},
	{"rust", "greeter/rust/greeter-rust.wasm", false},
	{"rust-p1", "greeter/rust/greeter-rust-p1.wasm", false},
	{"js", "greeter/js/greeter-js.wasm", true},
	{"py", "greeter/py/greeter-py.wasm", true},
}

const wantGreeting = "Oh! hello world from wasm!, my name is alez\n"

func TestGreeterPlugins(t *testing.T) {
	for _, g := range greeters {
		t.Run(g.name, func(t *testing.T) {
			wasm, err := os.ReadFile(filepath.Join("..", "testdata", "plugins", g.path))
			if g.large && errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s is not built (scripts/build-plugins.sh %s)", g.path, g.name)
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.large && testing.Short() {
				t.Skip("large plugin: not run with -short")
			}
			ctx := context.Background()
			rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
			defer rt.Close(ctx)
			c, err := rt.Compile(ctx, wasm, component.WithName(g.name))
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			l := component.NewLinker(rt)
			if err := wasi.Instantiate(l, wasi.NewConfig().WithStdout(&stdout).WithStderr(&stderr)); err != nil {
				t.Fatal(err)
			}
			coolPrints := 0
			l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) {
				coolPrints++
				// What the plugin printed must already be out: writes are
				// not buffered by the host.
				if stdout.String() != wantGreeting {
					t.Errorf("when cool-print is called, stdout is %q, want %q", stdout.String(), wantGreeting)
				}
				return nil, nil
			})
			inst, err := l.Instantiate(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			defer inst.Close(ctx)
			if _, err := inst.Func("init-plugin").Call(ctx); err != nil {
				t.Fatalf("init-plugin: %v (stderr %q)", err, stderr.String())
			}
			msg := component.Record{{Name: "content", Value: component.String("hello world from wasm!")}, {Name: "name", Value: component.String("alez")}}
			if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
				t.Fatalf("greet: %v (stdout %q, stderr %q)", err, stdout.String(), stderr.String())
			}
			if stdout.String() != wantGreeting {
				t.Errorf("stdout = %q, want %q", stdout.String(), wantGreeting)
			}
			if coolPrints != 1 {
				t.Errorf("cool-print called %d times, want 1", coolPrints)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
		})
	}
}

// TestPerInstanceContexts runs two instances of one plugin from one Linker,
// each with its own WASI context (its own stdout).
func TestPerInstanceContexts(t *testing.T) {
	b, err := os.ReadFile("../testdata/plugins/greeter/c/greeter-c.wasm")
	if err != nil {
		t.Skipf("plugin not built: %v", err)
	}
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, b, component.WithName("greeter-c"))
	if err != nil {
		t.Fatal(err)
	}
	l := component.NewLinker(rt)
	var shared bytes.Buffer
	defs, err := wasi.Define(l, wasi.NewConfig().WithStdout(&shared))
	if err != nil {
		t.Fatal(err)
	}
	l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) { return nil, nil })
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var outs [2]bytes.Buffer
	for i, name := range []string{"ada", "bob"} {
		opt, err := defs.ForInstance(wasi.NewConfig().WithStdout(&outs[i]))
		if err != nil {
			t.Fatal(err)
		}
		inst, err := pre.Instantiate(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Func("init-plugin").Call(ctx); err != nil {
			t.Fatal(err)
		}
		msg := component.Record{{Name: "content", Value: component.String("hi")}, {Name: "name", Value: component.String(name)}}
		if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"ada", "bob"} {
		if want := "Oh! hi, my name is " + name + "\n"; outs[i].String() != want {
			t.Errorf("instance %d wrote %q, want %q", i, outs[i].String(), want)
		}
	}
	if shared.Len() != 0 {
		t.Errorf("the default context got %q", shared.String())
	}
}

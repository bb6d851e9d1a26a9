package wasi_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
	"github.com/plugwit/plugwit/wit"
)

const coremodDir = "../testdata/coremod"

// wasip1Plugin compiles testdata/coremod/wasip1.wasm, a core-module plugin
// that counts its environment, arguments and preopens through WASI
// preview1 and writes a line to stdout.
func wasip1Plugin(t *testing.T, rt *component.Runtime) *component.Compiled {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join(coremodDir, "wasip1.wasm"))
	if err != nil {
		t.Fatalf("%v (rebuild with scripts/build-coremod.sh)", err)
	}
	c, err := rt.Compile(context.Background(), wasm, component.WithName("wasip1"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type preview1Counts struct {
	env, args, preopens, errno uint32
}

func callCounts(t *testing.T, inst *component.Instance) preview1Counts {
	t.Helper()
	ctx := context.Background()
	get := func(name string) uint32 {
		v, err := inst.Func(name).Call(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return uint32(v.(component.U32))
	}
	return preview1Counts{get("env-count"), get("args-count"), get("preopen-count"), get("hello")}
}

func TestPreview1DeniedByDefault(t *testing.T) {
	ctx := context.Background()
	t.Setenv("PLUGWIT_PREVIEW1_SECRET", "1")
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := wasip1Plugin(t, rt)
	l := component.NewLinker(rt)
	if err := wasi.Instantiate(l, wasi.NewConfig()); err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if got := callCounts(t, inst); got != (preview1Counts{}) {
		t.Errorf("a default Config grants %+v, want nothing (no env, args, preopens; stdout discarded without error)", got)
	}
}

// TestPreview1RefusesWritablePreopens: wazero's writable directory mount
// does not confine symbolic links, so a core module gets no read-write
// preopen; instantiation says why.
func TestPreview1RefusesWritablePreopens(t *testing.T) {
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := wasip1Plugin(t, rt)
	l := component.NewLinker(rt)
	if err := wasi.Instantiate(l, wasi.NewConfig().WithPreopen(t.TempDir(), "/rw", false)); err != nil {
		t.Fatal(err)
	}
	_, err := l.Instantiate(ctx, c)
	if err == nil || !strings.Contains(err.Error(), "preopen /rw: a core-module plugin (WASI preview1) gets read-only preopens only") {
		t.Fatalf("error = %v, want the refusal of the read-write preopen", err)
	}
}

func TestPreview1Grants(t *testing.T) {
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := wasip1Plugin(t, rt)
	var out bytes.Buffer
	dir := t.TempDir()
	cfg := wasi.NewConfig().WithEnv("A", "1").WithEnv("B", "2").WithArgs("plugin", "x", "y").
		WithPreopen(dir, "/ro", true).WithPreopen(dir, "/ro2", true).WithStdout(&out)
	l := component.NewLinker(rt)
	defs, err := wasi.Define(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if got, want := callCounts(t, inst), (preview1Counts{env: 2, args: 3, preopens: 2}); got != want {
		t.Errorf("granted: got %+v, want %+v", got, want)
	}
	if out.String() != "hello from preview1\n" {
		t.Errorf("stdout got %q", out.String())
	}

	// An instance with a context of its own.
	var own bytes.Buffer
	opt, err := defs.ForInstance(wasi.NewConfig().WithArgs("only").WithStdout(&own))
	if err != nil {
		t.Fatal(err)
	}
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	inst2, err := pre.Instantiate(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer inst2.Close(ctx)
	if got, want := callCounts(t, inst2), (preview1Counts{args: 1}); got != want {
		t.Errorf("own context: got %+v, want %+v", got, want)
	}
	if own.String() != "hello from preview1\n" || out.String() != "hello from preview1\n" {
		t.Errorf("own context: stdout %q, linker's stdout %q", own.String(), out.String())
	}
}

// TestPreview1GoGreeter runs the reference scenario as a plain Go plugin:
// testdata/plugins/greeter/go built with the standard toolchain
// (GOOS=wasip1 GOARCH=wasm -buildmode=c-shared) is a core module; with the
// greeter world appended as its component-type section (or given as WIT),
// it runs directly, its WASI from wazero's preview1.
func TestPreview1GoGreeter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go wasip1 module")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found: cannot build the Go greeter")
	}
	core := filepath.Join(t.TempDir(), "greeter.wasm")
	build := exec.Command(goTool, "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-o", core, ".")
	build.Dir = "../testdata/plugins/greeter/go"
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(core)
	if err != nil {
		t.Fatal(err)
	}
	section, err := os.ReadFile(filepath.Join(coremodDir, "greeter.component-type"))
	if err != nil {
		t.Fatal(err)
	}
	r := wit.NewResolve()
	pkg, err := r.PushPath("../testdata/plugins/greeter/wit")
	if err != nil {
		t.Fatal(err)
	}
	world, _ := r.Packages[pkg].Worlds.Get("api")

	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	for _, tc := range []struct {
		name string
		wasm []byte
		opts []component.CompileOption
	}{
		{"section", appendCustom(wasm, "component-type:api", section), nil},
		{"WithWorld", wasm, []component.CompileOption{component.WithWorld(r, world)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := rt.Compile(ctx, tc.wasm, append(tc.opts, component.WithName("greeter-go-core"))...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "section" {
				r, w, err := c.World()
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(filepath.Join(coremodDir, "greeter-core.wit.expected"))
				if err != nil {
					t.Fatal(err)
				}
				if got := r.PrintAll(r.Worlds[w].Package); got != string(want) {
					t.Errorf("world:\n%s\nwant (wasm-tools component wit of the embedded module):\n%s", got, want)
				}
			}
			var out bytes.Buffer
			l := component.NewLinker(rt)
			if err := wasi.Instantiate(l, wasi.NewConfig().WithStdout(&out)); err != nil {
				t.Fatal(err)
			}
			l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) {
				out.WriteString("This cool print is running natively and has been called from wasm!\n")
				return nil, nil
			})
			inst, err := l.Instantiate(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			defer inst.Close(ctx)
			if _, err := inst.Func("init-plugin").Call(ctx); err != nil {
				t.Fatal(err)
			}
			msg := component.Record{{Name: "content", Value: component.String("hello world from wasm!")}, {Name: "name", Value: component.String("alez")}}
			if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
				t.Fatal(err)
			}
			want := "Oh! hello world from wasm!, my name is alez\nThis cool print is running natively and has been called from wasm!\n"
			if out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
			// Many calls: the guest's memory stays bounded (the fixture
			// yields to its scheduler after each call).
			for i := 0; i < 2000; i++ {
				if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if n := strings.Count(out.String(), "Oh! "); n != 2001 {
				t.Errorf("%d greetings, want 2001", n)
			}
		})
	}
}

// appendCustom appends a custom section to a core module.
func appendCustom(wasm []byte, name string, data []byte) []byte {
	leb := func(b []byte, v uint32) []byte {
		for {
			c := byte(v & 0x7f)
			v >>= 7
			if v == 0 {
				return append(b, c)
			}
			b = append(b, c|0x80)
		}
	}
	payload := append(leb(nil, uint32(len(name))), name...)
	payload = append(payload, data...)
	out := append(append([]byte(nil), wasm...), 0)
	out = leb(out, uint32(len(payload)))
	return append(out, payload...)
}

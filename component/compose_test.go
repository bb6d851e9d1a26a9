package component

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The composed fixtures: component/testdata/compose, built from the sources
// beside them by scripts/build-composed.sh (wasm-tools and wac), with what
// `wasm-tools component wit` prints for each in NAME.wit.expected.
const composeDir = "testdata/compose"

func readCompose(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(composeDir, name))
	if err != nil {
		t.Fatalf("%v (rebuild with scripts/build-composed.sh)", err)
	}
	return b
}

func compileCompose(t *testing.T, rt *Runtime, name string) *Compiled {
	t.Helper()
	c, err := rt.Compile(context.Background(), readCompose(t, name), WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWorldGolden compares World() of every composed fixture, and of the
// components of testdata/world (made from worlds of our WIT corpus that
// World() once printed differently), with the golden WIT wasm-tools printed
// for each when it was built.
func TestWorldGolden(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	var files []string
	for _, dir := range []string{composeDir, "testdata/world"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.wasm"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("no fixtures in %s (%v): rebuild with scripts/build-composed.sh", dir, err)
		}
		files = append(files, fs...)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := rt.Compile(ctx, b, WithName(f))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".wasm") + ".wit.expected")
			if err != nil {
				t.Fatal(err)
			}
			r, w, err := c.World()
			if err != nil {
				t.Fatal(err)
			}
			if got := r.PrintAll(r.Worlds[w].Package); got != string(want) {
				t.Errorf("World() differs from wasm-tools component wit:\n%s", lineDiff(string(want), got))
			}
		})
	}
}

// TestWorldMatchesWasmTools runs `wasm-tools component wit` on every .wasm
// fixture of the repository and compares with World(): both must print
// the same WIT, or both fail.
func TestWorldMatchesWasmTools(t *testing.T) {
	wt, err := exec.LookPath("wasm-tools")
	if err != nil {
		home, _ := os.UserHomeDir()
		if _, err2 := os.Stat(filepath.Join(home, ".cargo", "bin", "wasm-tools")); err2 != nil {
			t.Skip("wasm-tools not found (cargo install --locked wasm-tools): not comparing World() with it")
		}
		wt = filepath.Join(home, ".cargo", "bin", "wasm-tools")
	}
	if testing.Short() {
		t.Skip("runs wasm-tools on every fixture: not run with -short")
	}
	var files []string
	for _, dir := range []string{"testdata", "testdata/compose", "testdata/world", "internal/types/testdata", "../testdata/coremod",
		"../testdata/plugins/greeter/c", "../testdata/plugins/greeter/go", "../testdata/plugins/greeter/qjs", "../wasi/testdata"} {
		fs, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
		files = append(files, fs...)
	}
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(wt, "component", "wit", f)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			wantErr := cmd.Run()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			c, err := rt.Compile(ctx, b)
			if err == nil {
				r, w, werr := c.World()
				if err = werr; err == nil {
					got = r.PrintAll(r.Worlds[w].Package)
				}
			}
			switch {
			case wantErr != nil && err != nil:
			case wantErr != nil:
				t.Errorf("wasm-tools fails (%s), World() succeeds:\n%s", strings.TrimSpace(stderr.String()), got)
			case err != nil:
				t.Errorf("World() fails (%v), wasm-tools prints:\n%s", err, stdout.String())
			case got != stdout.String():
				t.Errorf("World() differs from wasm-tools component wit:\n%s", lineDiff(stdout.String(), got))
			}
		})
	}
}

// TestComposeNested runs nested.wat: a host resource used by a nested
// component through an instance type aliased from its parent, a function
// re-exported by another nested component, an imported instance
// re-exported and an instance of exports.
func TestComposeNested(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCompose(t, rt, "nested.wasm")

	l := NewLinker(rt)
	var drops []uint32
	counter := NewResourceType("counter", func(ctx context.Context, rep uint32) error {
		drops = append(drops, rep)
		return nil
	})
	values := map[uint32]uint32{}
	next := uint32(100)
	ctrs := l.Instance("plugwit:coremod/counters@0.1.0").Resource("counter", counter)
	ctrs.Func("[constructor]counter", func(ctx context.Context, args []Value) (Value, error) {
		next++
		values[next] = uint32(args[0].(U32))
		return Resource{Type: counter, Rep: next, Own: true}, nil
	})
	ctrs.Func("[method]counter.add", func(ctx context.Context, args []Value) (Value, error) {
		r := args[0].(Resource)
		if r.Own {
			t.Errorf("add got an owned handle, want a borrow")
		}
		values[r.Rep] += uint32(args[1].(U32))
		return U32(values[r.Rep]), nil
	})
	ctrs.Func("[method]counter.get", func(ctx context.Context, args []Value) (Value, error) {
		return U32(values[args[0].(Resource).Rep]), nil
	})
	l.Instance("plugwit:compose/text@0.1.0").Func("upper", func(ctx context.Context, args []Value) (Value, error) {
		return String(strings.ToUpper(string(args[0].(String)))), nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	call := func(name string, args ...Value) Value {
		t.Helper()
		f := inst.Func(name)
		if f == nil {
			t.Fatalf("no export %s (exports: %v)", name, inst.Exports())
		}
		v, err := f.Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	if got := call("tally", U32(40), U32(2)); got != U32(42) {
		t.Errorf("tally = %v, want 42", got)
	}
	if len(drops) != 1 || drops[0] != 101 {
		t.Errorf("host drops = %v, want [101] (resource.drop in the nested component)", drops)
	}
	if got := call("tools#tally", U32(1), U32(1)); got != U32(2) {
		t.Errorf("tools#tally = %v, want 2", got)
	}
	if got := call("tools#upper", String("abc")); got != String("ABC") {
		t.Errorf("tools#upper = %v", got)
	}
	if got := call("plugwit:compose/text@0.1.0#upper", String("xyz")); got != String("XYZ") {
		t.Errorf("re-exported upper = %v", got)
	}
}

// callT calls an export of inst and fails the test on an error.
func callT(t *testing.T, inst *Instance, name string, args ...Value) Value {
	t.Helper()
	f := inst.Func(name)
	if f == nil {
		t.Fatalf("no export %s (exports: %v)", name, inst.Exports())
	}
	v, err := f.Call(context.Background(), args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// TestComposeTallyPlugged runs `wac plug tally --plug coremod-component
// --plug upper16`: tally uses the counter resource the coremod component
// defines, and a string goes host → tally (UTF-8) → upper16 (UTF-16) and
// back.
func TestComposeTallyPlugged(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCompose(t, rt, "tally-plugged.wasm")
	h := &coremodHost{}
	inst, err := h.link(rt).Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if got := callT(t, inst, "tally", U32(40), U32(2)); got != U32(42) {
		t.Errorf("tally = %v, want 42", got)
	}
	if got := callT(t, inst, "tally", U32(7), U32(0)); got != U32(7) {
		t.Errorf("tally = %v, want 7", got)
	}
	for in, want := range map[string]string{
		"":                   "!",
		"hello":              "HELLO!",
		"héllo wörld 日本 𝄞 z": "HéLLO WöRLD 日本 𝄞 Z!",
	} {
		if got := callT(t, inst, "shout", String(in)); got != String(want) {
			t.Errorf("shout(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestComposeTallyTools runs `wac compose` of tally-tools.wac: exports
// aliased from three nested instances, one of them an instance with a
// resource that the host uses directly.
func TestComposeTallyTools(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCompose(t, rt, "tally-tools.wasm")
	h := &coremodHost{}
	inst, err := h.link(rt).Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if got := callT(t, inst, "tally", U32(1), U32(2)); got != U32(3) {
		t.Errorf("tally = %v, want 3", got)
	}
	if got := callT(t, inst, "drops"); got != U32(1) {
		t.Errorf("drops = %v, want 1 (the counter tally dropped)", got)
	}
	if got := callT(t, inst, "loud", String("abc")); got != String("ABC!") {
		t.Errorf("loud = %v", got)
	}
	if got := callT(t, inst, "text16#upper", String("abç")); got != String("ABç") {
		t.Errorf("text16#upper = %v", got)
	}
	const iface = "plugwit:coremod/counters@0.1.0#"
	ctr, ok := callT(t, inst, iface+"[constructor]counter", U32(5)).(Resource)
	if !ok || !ctr.Own {
		t.Fatalf("constructor returned %#v", ctr)
	}
	if got := callT(t, inst, iface+"[method]counter.add", ctr, U32(5)); got != U32(10) {
		t.Errorf("add = %v, want 10", got)
	}
	if err := ctr.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := callT(t, inst, "drops"); got != U32(2) {
		t.Errorf("drops = %v, want 2", got)
	}
}

// TestComposeGreeterCool runs the C greeter plugin with its cool-print
// import plugged by cool.wasm (wac plug): cool-print calls the imported log
// instead of the host's cool-print.
func TestComposeGreeterCool(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCompose(t, rt, "greeter-cool.wasm")
	l := NewLinker(rt)
	host := stubWASI(l, c)
	var logs []string
	l.Root().Func("log", func(ctx context.Context, args []Value) (Value, error) {
		logs = append(logs, string(args[0].(String)))
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	callT(t, inst, "init-plugin")
	callT(t, inst, "greet", Record{{"content", String(greetContent)}, {"name", String(greetName)}})
	if want := "Oh! " + greetContent + ", my name is " + greetName + "\n"; host.stdout.String() != want {
		t.Errorf("stdout = %q, want %q (stderr %q)", host.stdout.String(), want, host.stderr.String())
	}
	if host.coolPrints != 0 {
		t.Errorf("the host's cool-print was called %d times; the plug should have answered", host.coolPrints)
	}
	if len(logs) != 1 || logs[0] != "cool-print from a composed plug" {
		t.Errorf("log calls = %q", logs)
	}
}

// TestComposeEnvVirt runs wasi/testdata/env.wasm with its
// wasi:cli/environment import plugged by envvirt.wasm (wac plug): lists of
// strings and tuples and an option lifted from one component's memory and
// lowered into the other's.
func TestComposeEnvVirt(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCompose(t, rt, "env-virt.wasm")
	inst, err := NewLinker(rt).Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	pair := func(k, v string) Value { return Tuple{String(k), String(v)} }
	for _, tc := range []struct {
		fn   string
		want Value
	}{
		{"env", List{pair("PLUGWIT", "composed"), pair("MODE", "virtual")}},
		{"args", List{String("virt")}},
		{"cwd", Option{Value: String("/virt")}},
	} {
		if got := callT(t, inst, tc.fn); !valueEqual(got, tc.want) {
			t.Errorf("%s() = %#v, want %#v", tc.fn, got, tc.want)
		}
	}
}

package component

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// The core-module fixtures: testdata/coremod, built by
// scripts/build-coremod.sh.
const coremodDir = "../testdata/coremod"

func readCoremod(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(coremodDir, name))
	if err != nil {
		t.Fatalf("%v (rebuild with scripts/build-coremod.sh)", err)
	}
	return b
}

// coremodWorld loads wit/coremod.wit and returns world name of it.
func coremodWorld(t *testing.T, name string) (*wit.Resolve, wit.WorldID) {
	t.Helper()
	r := wit.NewResolve()
	pkg, err := r.PushPath(filepath.Join(coremodDir, "wit"))
	if err != nil {
		t.Fatal(err)
	}
	w, ok := r.Packages[pkg].Worlds.Get(name)
	if !ok {
		t.Fatalf("no world %s", name)
	}
	return r, w
}

// coremodHost is the host side of world plugwit:coremod/plugin.
type coremodHost struct {
	logs []string
}

func (h *coremodHost) link(rt *Runtime) *Linker {
	l := NewLinker(rt)
	host := l.Instance("plugwit:coremod/host@0.1.0")
	host.Func("log", func(ctx context.Context, args []Value) (Value, error) {
		h.logs = append(h.logs, string(args[0].(String)))
		return nil, nil
	})
	host.Func("scale", func(ctx context.Context, args []Value) (Value, error) {
		p, by := args[0].(Record), args[1].(S32)
		return Record{{Name: "x", Value: p[0].Value.(S32) * by}, {Name: "y", Value: p[1].Value.(S32) * by}}, nil
	})
	l.Root().Func("name", func(ctx context.Context, args []Value) (Value, error) {
		return String("plugwit"), nil
	})
	return l
}

func compileCoremod(t *testing.T, rt *Runtime, wasm []byte, opts ...CompileOption) *Compiled {
	t.Helper()
	c, err := rt.Compile(context.Background(), wasm, append([]CompileOption{WithName("coremod")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCoreModuleWorld(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	for _, name := range []string{"coremod", "wasip1"} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(coremodDir, name+".wasm")
			c := compileCoremod(t, rt, readCoremod(t, name+".wasm"))
			r, w, err := c.World()
			if err != nil {
				t.Fatal(err)
			}
			got := r.PrintAll(r.Worlds[w].Package)
			want := string(readCoremod(t, name+".wit.expected"))
			if got != want {
				t.Errorf("world:\n%s\nwant (wasm-tools component wit, committed):\n%s", got, want)
			}
			tool, err := exec.LookPath("wasm-tools")
			if err != nil {
				if home, herr := os.UserHomeDir(); herr == nil {
					tool, err = exec.LookPath(filepath.Join(home, ".cargo", "bin", "wasm-tools"))
				}
			}
			if err != nil {
				t.Logf("wasm-tools not found: compared with the committed %s.wit.expected only", name)
				return
			}
			out, err := exec.Command(tool, "component", "wit", file).Output()
			if err != nil {
				t.Fatalf("wasm-tools component wit: %v", err)
			}
			if got != string(out) {
				t.Errorf("world:\n%s\nwasm-tools component wit prints:\n%s", got, out)
			}
		})
	}
}

func TestCoreModuleCalls(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	r, w := coremodWorld(t, "plugin")
	for _, tc := range []struct {
		name string
		opts []CompileOption
	}{
		{"section", nil},
		{"WithWorld", []CompileOption{WithWorld(r, w)}},
		{"component", nil}, // made a component by `wasm-tools component new` (scripts/build-composed.sh)
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasm := readCoremod(t, "coremod.wasm")
			if tc.name == "component" {
				wasm = readCompose(t, "coremod-component.wasm")
			}
			c := compileCoremod(t, rt, wasm, tc.opts...)
			h := &coremodHost{}
			inst, err := h.link(rt).Instantiate(ctx, c)
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
			// Strings both ways, a root import, an interface import,
			// post-return.
			if got := call("greet", String("alice")); got != String("hello alice from plugwit") {
				t.Errorf("greet = %#v", got)
			}
			if len(h.logs) != 1 || h.logs[0] != "alice" {
				t.Errorf("host log got %q", h.logs)
			}
			if got := call("posts"); got != U32(1) {
				t.Errorf("posts after one greet = %v, want 1 (post-return not run?)", got)
			}
			// Lists, records through an imported interface.
			if got := call("sum", List{U32(1), U32(2), U32(39)}); got != U32(42) {
				t.Errorf("sum = %v", got)
			}
			got := call("move", Record{{Name: "x", Value: S32(2)}, {Name: "y", Value: S32(-3)}}, S32(5))
			if rec, ok := got.(Record); !ok || len(rec) != 2 || rec[0].Value != S32(10) || rec[1].Value != S32(-15) {
				t.Errorf("move = %#v", got)
			}
			// The typed path.
			p := inst.Func("greet").Begin(ctx)
			p.String("bob")
			res, err := p.Call()
			if err != nil {
				t.Fatal(err)
			}
			if s := res.String(); s != "hello bob from plugwit" {
				t.Errorf("typed greet = %q", s)
			}
			if err := res.Finish(); err != nil {
				t.Fatal(err)
			}
			p = inst.Func("posts").Begin(ctx)
			res, err = p.Call()
			if err != nil {
				t.Fatal(err)
			}
			if n := res.U32(); n != 2 {
				t.Errorf("typed posts = %d, want 2", n)
			}
			if err := res.Finish(); err != nil {
				t.Fatal(err)
			}
			// A resource the plugin defines.
			const iface = "plugwit:coremod/counters@0.1.0#"
			ctr, ok := call(iface+"[constructor]counter", U32(40)).(Resource)
			if !ok || !ctr.Own {
				t.Fatalf("constructor returned %#v", ctr)
			}
			borrow := ctr // lent for the call
			if got := call(iface+"[method]counter.add", borrow, U32(2)); got != U32(42) {
				t.Errorf("add = %v", got)
			}
			if got := call(iface+"[method]counter.get", borrow); got != U32(42) {
				t.Errorf("get = %v", got)
			}
			if err := ctr.Drop(ctx); err != nil {
				t.Fatal(err)
			}
			if got := call("drops"); got != U32(1) {
				t.Errorf("drops after dropping the counter = %v, want 1 (destructor not run?)", got)
			}
			// A second instance has its own state.
			inst2, err := h.link(rt).Instantiate(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			defer inst2.Close(ctx)
			if v, err := inst2.Func("posts").Call(ctx); err != nil || v != U32(0) {
				t.Errorf("posts of a new instance = %v, %v", v, err)
			}
		})
	}
}

func TestCoreModuleLinkErrors(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCoremod(t, rt, readCoremod(t, "coremod.wasm"))

	l := NewLinker(rt)
	l.Instance("plugwit:coremod/host@0.1.0").Func("log", func(context.Context, []Value) (Value, error) { return nil, nil })
	_, err := l.InstantiatePre(ctx, c)
	if err == nil || !strings.Contains(err.Error(), "plugwit:coremod/host@0.1.0#scale") {
		t.Errorf("missing host function: got %v", err)
	}

	// A host function declared with another type is refused, naming both.
	r := wit.NewResolve()
	pkg, err := r.PushSource("wrong.wit", "package x:y;\ninterface i { name: func() -> u32; }\n")
	if err != nil {
		t.Fatal(err)
	}
	iid, _ := r.Packages[pkg].Interfaces.Get("i")
	wrong, _ := r.Interfaces[iid].Functions.Get("name")
	h := &coremodHost{}
	l = h.link(rt)
	l.Root().FuncOf("name", r, wrong, func(context.Context, []Value) (Value, error) { return U32(1), nil })
	_, err = l.InstantiatePre(ctx, c)
	if err == nil || !strings.Contains(err.Error(), "expected func() -> string, host provides func() -> u32") {
		t.Errorf("mistyped host function: got %v", err)
	}

	// A core module importing a module nobody defines.
	wp := compileCoremod(t, rt, readCoremod(t, "wasip1.wasm"))
	_, err = NewLinker(rt).InstantiatePre(ctx, wp)
	if err == nil || !strings.Contains(err.Error(), `no core module "wasi_snapshot_preview1" is defined`) {
		t.Errorf("undefined wasi_snapshot_preview1: got %v", err)
	}
}

// withoutCustomSections returns the module with its custom sections
// removed, and the contents of its component-type section.
func withoutCustomSections(t *testing.T, wasm []byte) ([]byte, []byte) {
	t.Helper()
	out := append([]byte(nil), wasm[:8]...)
	var section []byte
	r := &byteReader{b: wasm, pos: 8}
	for r.pos < len(wasm) {
		start := r.pos
		id := r.byte()
		size := r.u32()
		end := r.pos + int(size)
		if r.err != nil || end > len(wasm) {
			t.Fatal("malformed module")
		}
		if id == 0 {
			nr := &byteReader{b: wasm[:end], pos: r.pos}
			n := nr.u32()
			if name := string(nr.bytes(int(n))); name == "component-type" {
				section = wasm[nr.pos:end]
			}
		} else {
			out = append(out, wasm[start:end]...)
		}
		r.pos = end
	}
	return out, section
}

// appendCustom appends a custom section.
func appendCustom(wasm []byte, name string, data []byte) []byte {
	payload := append(appendLEB(nil, uint32(len(name))), name...)
	payload = append(payload, data...)
	out := append(append([]byte(nil), wasm...), 0)
	out = appendLEB(out, uint32(len(payload)))
	return append(out, payload...)
}

func appendLEB(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func TestCoreModuleCompileErrors(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	bare, section := withoutCustomSections(t, readCoremod(t, "coremod.wasm"))
	if section == nil {
		t.Fatal("coremod.wasm has no component-type section")
	}
	compileErr := func(wasm []byte, opts ...CompileOption) error {
		_, err := rt.Compile(ctx, wasm, append([]CompileOption{WithName("m")}, opts...)...)
		if err == nil {
			t.Fatal("compiled")
		}
		return err
	}

	err := compileErr(bare)
	if !strings.Contains(err.Error(), `no "component-type" custom section`) || !strings.Contains(err.Error(), "WithWorld") {
		t.Errorf("no world: %v", err)
	}
	// The section put back works.
	if _, err := rt.Compile(ctx, appendCustom(bare, "component-type:plugin", section)); err != nil {
		t.Errorf("with the section appended: %v", err)
	}
	// Twice the same section is fine; two different ones are not.
	twice := appendCustom(appendCustom(bare, "component-type:a", section), "component-type:b", section)
	if _, err := rt.Compile(ctx, twice); err != nil {
		t.Errorf("the same section twice: %v", err)
	}
	other, wasiSection := withoutCustomSections(t, readCoremod(t, "wasip1.wasm"))
	_ = other
	err = compileErr(appendCustom(appendCustom(bare, "component-type:a", section), "component-type:b", wasiSection))
	if !errors.Is(err, types.ErrNotSupported) || !strings.Contains(err.Error(), `"component-type:a" and "component-type:b"`) {
		t.Errorf("two worlds: %v", err)
	}

	// Malformed sections are named.
	for _, data := range [][]byte{nil, {0, 'a', 's', 'm'}, section[:len(section)/2], append(append([]byte(nil), section[:8]...), 0x07, 0x01, 0x00)} {
		err := compileErr(appendCustom(bare, "component-type:bad", data))
		if !strings.Contains(err.Error(), `custom section "component-type:bad"`) {
			t.Errorf("malformed section % x…: %v", data[:min(len(data), 8)], err)
		}
	}
	// A component that is not a WIT package.
	err = compileErr(appendCustom(bare, "component-type", []byte{0, 'a', 's', 'm', 0x0d, 0, 1, 0}))
	if !strings.Contains(err.Error(), "no world in it") {
		t.Errorf("section without a world: %v", err)
	}

	// The module does not match the world: greet is missing.
	r, w := coremodWorld(t, "wasip1")
	err = compileErr(bare, WithWorld(r, w))
	if !strings.Contains(err.Error(), `core module has no export "env-count"`) {
		t.Errorf("world and module disagree: %v", err)
	}
	r, w = coremodWorld(t, "plugin")
	wp, _ := withoutCustomSections(t, readCoremod(t, "wasip1.wasm"))
	err = compileErr(wp, WithWorld(r, w))
	if !strings.Contains(err.Error(), `has no export "greet"`) {
		t.Errorf("world and module disagree: %v", err)
	}
	if err := compileErr(bare, WithWorld(r, 99)); !strings.Contains(err.Error(), "WithWorld") {
		t.Errorf("bad world id: %v", err)
	}
}

// FuzzCompileCoreModule checks that Compile never panics on a mutated
// core-module plugin, and that what compiles instantiates or fails cleanly.
func FuzzCompileCoreModule(f *testing.F) {
	for _, name := range []string{"coremod.wasm", "wasip1.wasm"} {
		b, err := os.ReadFile(filepath.Join(coremodDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	f.Cleanup(func() { rt.Close(ctx) })
	f.Fuzz(func(t *testing.T, wasm []byte) {
		c, err := rt.Compile(ctx, wasm)
		if err != nil {
			return
		}
		c.World()
		l := (&coremodHost{}).link(rt)
		l.StubImports(c, nil, nil)
		if inst, err := l.Instantiate(ctx, c); err == nil {
			inst.Close(ctx)
		}
	})
}

// TestCoreModuleTypedHostFuncs links typed host functions (TypedFunc) into
// a core-module plugin: a string result lowered with the guest's realloc,
// a string argument read from its memory.
func TestCoreModuleTypedHostFuncs(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileCoremod(t, rt, readCoremod(t, "coremod.wasm"))
	r, w := coremodWorld(t, "plugin")
	h := &coremodHost{}
	l := h.link(rt)
	nameKey := wit.NameKey("name")
	nameItem, _ := r.Worlds[w].Imports.Get(nameKey)
	l.Root().TypedFunc("name", r, nameItem.(*wit.Function), func(ctx context.Context, hc *HostCall) error {
		hc.ReturnString("typed")
		return nil
	})
	var hostIface *wit.Interface
	for _, it := range r.Worlds[w].Imports.All() {
		if wi, ok := it.(*wit.WorldInterface); ok && r.Interfaces[wi.ID].Name == "host" {
			hostIface = r.Interfaces[wi.ID]
		}
	}
	logFn, _ := hostIface.Functions.Get("log")
	var logged string
	l.Instance("plugwit:coremod/host@0.1.0").TypedFunc("log", r, logFn, func(ctx context.Context, hc *HostCall) error {
		logged = hc.String()
		return nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	v, err := inst.Func("greet").Call(ctx, String("carol"))
	if err != nil {
		t.Fatal(err)
	}
	if v != String("hello carol from typed") || logged != "carol" {
		t.Errorf("greet = %v, logged %q", v, logged)
	}
}

package wasi_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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

// preview1 errnos the fixture's file functions return.
const (
	p1Success   = 0
	p1Exist     = 20
	p1NoEntry   = 44
	p1NotEmpty  = 55
	p1NotPermit = 63
	p1ReadOnly  = 69
)

// p1Guest calls the file functions of testdata/coremod/wasip1.wasm.
type p1Guest struct {
	t    *testing.T
	inst *component.Instance
}

func (g p1Guest) call(name string, args ...component.Value) component.Value {
	g.t.Helper()
	v, err := g.inst.Func(name).Call(context.Background(), args...)
	if err != nil {
		g.t.Fatalf("%s: %v", name, err)
	}
	return v
}

// errno calls a function that returns an errno.
func (g p1Guest) errno(name string, dir uint32, paths ...string) uint32 {
	g.t.Helper()
	args := []component.Value{component.U32(dir)}
	for _, p := range paths {
		args = append(args, component.String(p))
	}
	return uint32(g.call(name, args...).(component.U32))
}

// write is open-write: oflags creat 1, directory 2, excl 4, trunc 8;
// fdflags append 1.
func (g p1Guest) write(dir uint32, path, data string, oflags, fdflags uint32) uint32 {
	g.t.Helper()
	return uint32(g.call("open-write", component.U32(dir), component.String(path), component.String(data),
		component.U32(oflags), component.U32(fdflags)).(component.U32))
}

// str calls read-file or list-dir: the string and last-errno.
func (g p1Guest) str(name string, dir uint32, path string) (string, uint32) {
	g.t.Helper()
	s := string(g.call(name, component.U32(dir), component.String(path)).(component.String))
	return s, uint32(g.call("last-errno").(component.U32))
}

func (g p1Guest) size(dir uint32, path string) (uint64, uint32) {
	g.t.Helper()
	n := uint64(g.call("file-size", component.U32(dir), component.String(path)).(component.U64))
	return n, uint32(g.call("last-errno").(component.U32))
}

// TestPreview1Filesystem: a core-module plugin's preopens are their
// os.Root (wasi/preview1_fs.go). In a read-write one, the guest creates,
// writes, appends, truncates, reads, lists, renames, links and removes;
// no path leads out of it, not `..`, an absolute path, a link inside
// pointing out (relative or absolute) nor a hard link to the outside; a
// read-only one refuses every change.
func TestPreview1Filesystem(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	tmp := t.TempDir()
	rw, ro, outside := filepath.Join(tmp, "rw"), filepath.Join(tmp, "ro"), filepath.Join(tmp, "outside")
	for _, d := range []string{rw, ro, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(outside, "secret.txt")
	for _, err := range []error{
		os.WriteFile(secret, []byte("secret"), 0o644),
		os.WriteFile(filepath.Join(ro, "ro.txt"), []byte("read me"), 0o644),
		os.Symlink("../outside/secret.txt", filepath.Join(rw, "up")),
		os.Symlink(secret, filepath.Join(rw, "abs")),
		os.Symlink("../outside", filepath.Join(rw, "updir")),
		os.Symlink(outside, filepath.Join(rw, "absdir")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := wasip1Plugin(t, rt)
	l := component.NewLinker(rt)
	if err := wasi.Instantiate(l, wasi.NewConfig().WithPreopen(rw, "/rw", false).WithPreopen(ro, "/ro", true)); err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	g := p1Guest{t, inst}
	const rwFD, roFD = 3, 4
	want := func(what string, got, want uint32) {
		t.Helper()
		if got != want {
			t.Errorf("%s: errno %d, want %d", what, got, want)
		}
	}
	wantFile := func(path, content string) {
		t.Helper()
		got, errno := g.str("read-file", rwFD, path)
		if errno != 0 || got != content {
			t.Errorf("read-file %s = %q, errno %d; want %q", path, got, errno, content)
		}
		if n, errno := g.size(rwFD, path); errno != 0 || n != uint64(len(content)) {
			t.Errorf("file-size %s = %d, errno %d; want %d", path, n, errno, len(content))
		}
	}
	list := func(dir uint32, path string) []string {
		t.Helper()
		s, errno := g.str("list-dir", dir, path)
		if errno != 0 {
			t.Fatalf("list-dir %s: errno %d", path, errno)
		}
		names := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		slices.Sort(names)
		return names
	}

	// Create, write, read, append, truncate.
	want("create a.txt", g.write(rwFD, "a.txt", "hello", 1|8, 0), p1Success)
	wantFile("a.txt", "hello")
	want("append to a.txt", g.write(rwFD, "a.txt", " world", 0, 1), p1Success)
	wantFile("a.txt", "hello world")
	want("truncate a.txt", g.write(rwFD, "a.txt", "bye", 8, 0), p1Success)
	wantFile("a.txt", "bye")
	want("overwrite the start of a.txt", g.write(rwFD, "a.txt", "B", 0, 0), p1Success)
	wantFile("a.txt", "Bye")
	want("create a.txt exclusively", g.write(rwFD, "a.txt", "x", 1|4, 0), p1Exist)
	if b, err := os.ReadFile(filepath.Join(rw, "a.txt")); err != nil || string(b) != "Bye" {
		t.Errorf("a.txt on the host: %q, %v", b, err)
	}

	// Directories, renames, links, removal.
	want("mkdir d", g.errno("mkdir", rwFD, "d"), p1Success)
	want("mkdir d again", g.errno("mkdir", rwFD, "d"), p1Exist)
	want("create d/f", g.write(rwFD, "d/f", "in d", 1, 0), p1Success)
	if got := list(rwFD, "d"); !slices.Equal(got, []string{".", "..", "f"}) {
		t.Errorf("list-dir d = %q", got)
	}
	want("rename d/f d/g", g.errno("rename", rwFD, "d/f", "d/g"), p1Success)
	wantFile("d/g", "in d")
	if _, errno := g.str("read-file", rwFD, "d/f"); errno != p1NoEntry {
		t.Errorf("read-file d/f after the rename: errno %d", errno)
	}
	want("link a.txt hard", g.errno("link", rwFD, "a.txt", "hard"), p1Success)
	wantFile("hard", "Bye")
	want("symlink a.txt sl", g.errno("symlink", rwFD, "a.txt", "sl"), p1Success)
	wantFile("sl", "Bye")
	want("symlink ../a.txt d/sl", g.errno("symlink", rwFD, "../a.txt", "d/sl"), p1Success)
	wantFile("d/sl", "Bye")
	if got := list(rwFD, "."); !slices.Equal(got, []string{".", "..", "a.txt", "abs", "absdir", "d", "hard", "sl", "up", "updir"}) {
		t.Errorf("list-dir . = %q", got)
	}
	want("rmdir d (not empty)", g.errno("rmdir", rwFD, "d"), p1NotEmpty)
	want("unlink d/g", g.errno("unlink", rwFD, "d/g"), p1Success)
	want("unlink d/sl", g.errno("unlink", rwFD, "d/sl"), p1Success)
	want("rmdir d", g.errno("rmdir", rwFD, "d"), p1Success)
	want("unlink hard", g.errno("unlink", rwFD, "hard"), p1Success)
	want("unlink sl", g.errno("unlink", rwFD, "sl"), p1Success)
	if got := list(rwFD, "."); !slices.Equal(got, []string{".", "..", "a.txt", "abs", "absdir", "up", "updir"}) {
		t.Errorf("list-dir . after the removals = %q", got)
	}

	// Escapes.
	for _, p := range []string{
		"..", "../outside/secret.txt", "d/../../outside/secret.txt", "/etc/passwd", secret,
		"up", "abs", "updir/secret.txt", "absdir/secret.txt",
	} {
		if s, errno := g.str("read-file", rwFD, p); errno != p1NotPermit {
			t.Errorf("read-file %s = %q, errno %d; want %d", p, s, errno, p1NotPermit)
		}
		if _, errno := g.size(rwFD, p); errno != p1NotPermit {
			t.Errorf("file-size %s: errno %d, want %d", p, errno, p1NotPermit)
		}
	}
	for _, p := range []string{"..", "updir", "absdir", outside} {
		if s, errno := g.str("list-dir", rwFD, p); errno != p1NotPermit {
			t.Errorf("list-dir %s = %q, errno %d; want %d", p, s, errno, p1NotPermit)
		}
	}
	for _, p := range []string{"up", "abs", "updir/secret.txt", "absdir/secret.txt", "../outside/secret.txt", secret} {
		want("truncate "+p, g.write(rwFD, p, "pwned", 8, 0), p1NotPermit)
		want("append to "+p, g.write(rwFD, p, "pwned", 0, 1), p1NotPermit)
	}
	for _, p := range []string{"updir/new.txt", "absdir/new.txt", "../new.txt", filepath.Join(outside, "new.txt")} {
		want("create "+p, g.write(rwFD, p, "pwned", 1, 0), p1NotPermit)
		want("mkdir "+p, g.errno("mkdir", rwFD, p), p1NotPermit)
	}
	for _, p := range []string{"updir/secret.txt", "absdir/secret.txt", "../outside/secret.txt"} {
		want("unlink "+p, g.errno("unlink", rwFD, p), p1NotPermit)
		want("rename "+p+" stolen", g.errno("rename", rwFD, p, "stolen"), p1NotPermit)
		want("link "+p+" stolen", g.errno("link", rwFD, p, "stolen"), p1NotPermit)
	}
	for _, p := range []string{"../moved", "updir/moved", "absdir/moved"} {
		want("rename a.txt "+p, g.errno("rename", rwFD, "a.txt", p), p1NotPermit)
		want("link a.txt "+p, g.errno("link", rwFD, "a.txt", p), p1NotPermit)
	}
	for _, target := range []string{"../outside", "/etc", secret, "d/../../outside"} {
		want("symlink "+target, g.errno("symlink", rwFD, target, "s"), p1NotPermit)
	}
	want("rmdir ../outside", g.errno("rmdir", rwFD, "../outside"), p1NotPermit)

	// The read-only preopen reads, and refuses every change.
	if s, errno := g.str("read-file", roFD, "ro.txt"); errno != 0 || s != "read me" {
		t.Errorf("read-file /ro/ro.txt = %q, errno %d", s, errno)
	}
	if got := list(roFD, "."); !slices.Equal(got, []string{".", "..", "ro.txt"}) {
		t.Errorf("list-dir /ro = %q", got)
	}
	want("write /ro/ro.txt", g.write(roFD, "ro.txt", "x", 0, 0), p1ReadOnly)
	want("truncate /ro/ro.txt", g.write(roFD, "ro.txt", "x", 8, 0), p1ReadOnly)
	want("append to /ro/ro.txt", g.write(roFD, "ro.txt", "x", 0, 1), p1ReadOnly)
	want("create /ro/new", g.write(roFD, "new", "x", 1, 0), p1ReadOnly)
	want("mkdir /ro/d", g.errno("mkdir", roFD, "d"), p1ReadOnly)
	want("unlink /ro/ro.txt", g.errno("unlink", roFD, "ro.txt"), p1ReadOnly)
	want("rename /ro/ro.txt", g.errno("rename", roFD, "ro.txt", "moved"), p1ReadOnly)
	want("link /ro/ro.txt", g.errno("link", roFD, "ro.txt", "hard"), p1ReadOnly)
	want("symlink in /ro", g.errno("symlink", roFD, "ro.txt", "sl"), p1ReadOnly)
	want("rmdir /ro/.", g.errno("rmdir", roFD, "."), p1ReadOnly)
	if b, err := os.ReadFile(filepath.Join(ro, "ro.txt")); err != nil || string(b) != "read me" {
		t.Errorf("ro.txt on the host: %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(ro); len(entries) != 1 {
		t.Errorf("the read-only preopen holds %v", entries)
	}

	// The outside is as it was.
	if b, err := os.ReadFile(secret); err != nil || string(b) != "secret" {
		t.Errorf("outside/secret.txt: %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Errorf("outside holds %v, want secret.txt only", entries)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 3 {
		t.Errorf("the test directory holds %v, want rw, ro and outside", entries)
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

package wasi

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/plugwit/plugwit/component"
)

// fsTest is a host with preopens, and the handles get-directories gave.
type fsTest struct {
	*testHost
	dirs map[string]component.Resource // guest path -> descriptor
}

func newFSTest(t *testing.T, cfg Config) *fsTest {
	t.Helper()
	ft := &fsTest{testHost: newTestHost(t, cfg), dirs: map[string]component.Resource{}}
	for _, e := range ft.call("wasi:filesystem/preopens#get-directories").(component.List) {
		tup := e.(component.Tuple)
		ft.dirs[string(tup[1].(component.String))] = tup[0].(component.Resource)
	}
	return ft
}

// d calls the descriptor method m.
func (ft *fsTest) d(m string, args ...component.Value) component.Value {
	ft.t.Helper()
	return ft.call("wasi:filesystem/types#[method]descriptor."+m, args...)
}

// ok returns the payload of an ok result, failing the test on an error.
func (ft *fsTest) ok(v component.Value) component.Value {
	ft.t.Helper()
	r, isResult := v.(component.Result)
	if !isResult || r.IsErr {
		ft.t.Fatalf("got %#v, want ok", v)
	}
	return r.Value
}

func (ft *fsTest) open(dir component.Resource, p string, of, df component.Flags) component.Resource {
	ft.t.Helper()
	return ft.ok(ft.d("open-at", dir, component.Flags{"symlink-follow"}, component.String(p), of, df)).(component.Resource)
}

// errCode is the error-code of an err result, "" for ok.
func errCode(v component.Value) string {
	if r, ok := v.(component.Result); ok && r.IsErr {
		return string(r.Value.(component.Enum))
	}
	return ""
}

func noFlags() component.Flags { return component.Flags{} }

func follow() component.Flags { return component.Flags{"symlink-follow"} }

func TestFilesystemSandbox(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	box, roDir, other := t.TempDir(), t.TempDir(), t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(box, "file.txt"), []byte("inside"), 0o644))
	must(os.Mkdir(filepath.Join(box, "sub"), 0o755))
	must(os.Symlink(secret, filepath.Join(box, "abs")))
	must(os.Symlink(outside, filepath.Join(box, "absdir")))
	rel, err := filepath.Rel(box, secret)
	must(err)
	must(os.Symlink(rel, filepath.Join(box, "rel")))
	must(os.Symlink("../../"+filepath.Base(outside), filepath.Join(box, "sub", "up")))
	must(os.Symlink("file.txt", filepath.Join(box, "ok-link")))
	hardLink := os.Link(secret, filepath.Join(box, "hard")) == nil
	if !hardLink {
		t.Log("no hard link across these temporary directories: that case is skipped")
	}
	must(os.WriteFile(filepath.Join(roDir, "ro.txt"), []byte("frozen"), 0o644))

	ft := newFSTest(t, NewConfig().
		WithPreopen(box, "/box", false).
		WithPreopen(roDir, "/ro", true).
		WithPreopen(other, "/other", false))
	b, ro, ot := ft.dirs["/box"], ft.dirs["/ro"], ft.dirs["/other"]
	if len(ft.dirs) != 3 {
		t.Fatalf("get-directories = %v", ft.dirs)
	}
	s := func(p string) component.Value { return component.String(p) }
	rd := component.Flags{"read"}
	rw := component.Flags{"read", "write"}
	create := component.Flags{"create"}

	tests := []struct {
		name string
		call func() component.Value
		want string
	}{
		{"dotdot", func() component.Value { return ft.d("open-at", b, follow(), s("../x"), noFlags(), rd) }, "not-permitted"},
		{"dotdot inside a path", func() component.Value { return ft.d("open-at", b, follow(), s("sub/../../x"), noFlags(), rd) }, "not-permitted"},
		{"absolute path", func() component.Value { return ft.d("open-at", b, follow(), s("/etc/passwd"), noFlags(), rd) }, "not-permitted"},
		{"stat-at absolute", func() component.Value { return ft.d("stat-at", b, noFlags(), s("/etc")) }, "not-permitted"},
		{"symlink to an absolute path outside", func() component.Value { return ft.d("open-at", b, follow(), s("abs"), noFlags(), rd) }, "not-permitted"},
		{"stat-at through an absolute symlink", func() component.Value { return ft.d("stat-at", b, follow(), s("abs")) }, "not-permitted"},
		{"through a symlinked directory", func() component.Value { return ft.d("open-at", b, follow(), s("absdir/secret.txt"), noFlags(), rd) }, "not-permitted"},
		{"relative symlink escaping", func() component.Value { return ft.d("open-at", b, follow(), s("rel"), noFlags(), rd) }, "not-permitted"},
		{"relative symlink escaping from a subdirectory", func() component.Value { return ft.d("open-at", b, follow(), s("sub/up/secret.txt"), noFlags(), rd) }, "not-permitted"},
		{"create through an escaping symlink", func() component.Value {
			return ft.d("open-at", b, follow(), s("absdir/new.txt"), create, rw)
		}, "not-permitted"},
		{"symlink without symlink-follow", func() component.Value { return ft.d("open-at", b, noFlags(), s("abs"), noFlags(), rd) }, "loop"},
		{"link-at out of the preopen", func() component.Value { return ft.d("link-at", b, noFlags(), s("file.txt"), b, s("../out")) }, "not-permitted"},
		{"link-at across preopens", func() component.Value { return ft.d("link-at", b, noFlags(), s("file.txt"), ot, s("x")) }, "cross-device"},
		{"symlink-at to an absolute path", func() component.Value { return ft.d("symlink-at", b, s("/etc/passwd"), s("p")) }, "not-permitted"},
		{"symlink-at climbing out", func() component.Value { return ft.d("symlink-at", b, s("../x"), s("p")) }, "not-permitted"},
		{"symlink-at climbing out of a subdirectory", func() component.Value {
			return ft.d("symlink-at", b, s("../../x"), s("sub/p"))
		}, "not-permitted"},
		{"symlink-at inside", func() component.Value { return ft.d("symlink-at", b, s("../file.txt"), s("sub/p")) }, ""},
		{"read-only: symlink-at", func() component.Value { return ft.d("symlink-at", ro, s("ro.txt"), s("p")) }, "read-only"},
		{"rename across preopens", func() component.Value { return ft.d("rename-at", b, s("file.txt"), ot, s("file.txt")) }, "cross-device"},
		{"rename out", func() component.Value { return ft.d("rename-at", b, s("file.txt"), b, s("../file.txt")) }, "not-permitted"},
		{"read-only: create", func() component.Value { return ft.d("open-at", ro, noFlags(), s("new.txt"), create, rw) }, "read-only"},
		{"read-only: open for writing", func() component.Value { return ft.d("open-at", ro, noFlags(), s("ro.txt"), noFlags(), rw) }, "read-only"},
		{"read-only: truncate", func() component.Value {
			return ft.d("open-at", ro, noFlags(), s("ro.txt"), component.Flags{"truncate"}, rd)
		}, "read-only"},
		{"read-only: unlink", func() component.Value { return ft.d("unlink-file-at", ro, s("ro.txt")) }, "read-only"},
		{"read-only: mkdir", func() component.Value { return ft.d("create-directory-at", ro, s("d")) }, "read-only"},
		{"read-only: rename into", func() component.Value { return ft.d("rename-at", b, s("file.txt"), ro, s("x")) }, "read-only"},
		{"read-only: write to a file opened for reading", func() component.Value {
			f := ft.open(ro, "ro.txt", noFlags(), rd)
			return ft.d("write", f, u8s("x"), component.U64(0))
		}, "read-only"},
		{"read-only: write-via-stream", func() component.Value {
			return ft.d("write-via-stream", ft.open(ro, "ro.txt", noFlags(), rd), component.U64(0))
		}, "read-only"},
		{"read-only: set-size", func() component.Value {
			return ft.d("set-size", ft.open(ro, "ro.txt", noFlags(), rd), component.U64(0))
		}, "read-only"},
		{"read-only: a directory opened with mutate-directory stays read-only", func() component.Value {
			d := ft.open(ro, ".", component.Flags{"directory"}, component.Flags{"read", "mutate-directory"})
			if fl := ft.ok(ft.d("get-flags", d)).(component.Flags); !slices.Equal(fl, component.Flags{"read"}) {
				ft.t.Errorf("get-flags = %v", fl)
			}
			return ft.d("create-directory-at", d, s("x"))
		}, "read-only"},
		{"read-only: reading is fine", func() component.Value {
			return ft.d("read", ft.open(ro, "ro.txt", noFlags(), rd), component.U64(100), component.U64(0))
		}, ""},
		{"symlink inside is followed", func() component.Value { return ft.d("open-at", b, follow(), s("ok-link"), noFlags(), rd) }, ""},
		{"readlink-at of an escaping link reads it", func() component.Value { return ft.d("readlink-at", b, s("abs")) }, ""},
		{"missing file", func() component.Value { return ft.d("open-at", b, follow(), s("nope"), noFlags(), rd) }, "no-entry"},
		{"exclusive create of an existing file", func() component.Value {
			return ft.d("open-at", b, follow(), s("file.txt"), component.Flags{"create", "exclusive"}, rw)
		}, "exist"},
		{"directory flag on a file", func() component.Value {
			return ft.d("open-at", b, follow(), s("file.txt"), component.Flags{"directory"}, rd)
		}, "not-directory"},
		{"unlink a directory", func() component.Value { return ft.d("unlink-file-at", b, s("sub")) }, "is-directory"},
		{"remove-directory-at of a file", func() component.Value { return ft.d("remove-directory-at", b, s("file.txt")) }, "not-directory"},
		{"set-times", func() component.Value {
			nc := component.Variant{Case: "no-change"}
			return ft.d("set-times", b, nc, nc)
		}, "unsupported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft.t = t
			defer func() { ft.t = nil }()
			if got := errCode(tc.call()); got != tc.want {
				t.Errorf("error-code %q, want %q", got, tc.want)
			}
		})
	}
	ft.t = t

	if hardLink {
		// A hard link made by the host is a file of the preopen: reading
		// it is fine.
		f := ft.open(b, "hard", noFlags(), rd)
		got := ft.ok(ft.d("read", f, component.U64(100), component.U64(0))).(component.Tuple)
		if string(got[0].(component.Bytes)) != "secret" {
			t.Errorf("read of the hard link = %v", got)
		}
	}
	if data, err := os.ReadFile(secret); err != nil || string(data) != "secret" {
		t.Errorf("outside file changed: %q %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Error("a file was created outside the preopen")
	}
	if data, _ := os.ReadFile(filepath.Join(roDir, "ro.txt")); string(data) != "frozen" {
		t.Errorf("read-only file = %q", data)
	}
}

func TestFilesystemRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ft := newFSTest(t, NewConfig().WithPreopen(dir, ".", false))
	root := ft.dirs["."]
	s := func(p string) component.Value { return component.String(p) }
	rw := component.Flags{"read", "write"}

	if got := ft.ok(ft.d("get-type", root)); got != component.Enum("directory") {
		t.Errorf("get-type = %v", got)
	}
	if got := ft.ok(ft.d("get-flags", root)).(component.Flags); !slices.Equal(got, component.Flags{"read", "mutate-directory"}) {
		t.Errorf("get-flags = %v", got)
	}
	ft.ok(ft.d("create-directory-at", root, s("d")))
	f := ft.open(root, "d/a.txt", component.Flags{"create", "exclusive"}, rw)
	if n := ft.ok(ft.d("write", f, u8s("hello"), component.U64(0))); n != component.U64(5) {
		t.Errorf("write = %v", n)
	}
	got := ft.ok(ft.d("read", f, component.U64(3), component.U64(1))).(component.Tuple)
	if string(got[0].(component.Bytes)) != "ell" || got[1] != component.Bool(false) {
		t.Errorf("read = %v", got)
	}
	got = ft.ok(ft.d("read", f, component.U64(10), component.U64(2))).(component.Tuple)
	if string(got[0].(component.Bytes)) != "llo" || got[1] != component.Bool(true) {
		t.Errorf("read to the end = %v", got)
	}

	// Streams: write at an offset, append, read from an offset.
	out := ft.ok(ft.d("write-via-stream", f, component.U64(5))).(component.Resource)
	ft.ok(ft.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", out, u8s(" world")))
	app := ft.ok(ft.d("append-via-stream", f)).(component.Resource)
	ft.ok(ft.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", app, u8s("!")))
	in := ft.ok(ft.d("read-via-stream", f, component.U64(6))).(component.Resource)
	if got := okBytes(t, ft.call("wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(100))); got != "world!" {
		t.Errorf("read-via-stream = %q", got)
	}
	if c, _ := streamErrCase(t, ft.call("wasi:io/streams#[method]input-stream.read", in, component.U64(100))); c != "closed" {
		t.Errorf("read at the end: %s", c)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "d", "a.txt")); string(data) != "hello world!" {
		t.Errorf("file = %q", data)
	}

	st := ft.ok(ft.d("stat", f)).(component.Record)
	if st[0].Value != component.Enum("regular-file") || st[2].Value != component.U64(12) {
		t.Errorf("stat = %v", st)
	}
	sa := ft.ok(ft.d("stat-at", root, noFlags(), s("d/a.txt"))).(component.Record)
	if sa[2].Value != component.U64(12) || sa[1].Value != component.U64(1) {
		t.Errorf("stat-at = %v", sa)
	}
	if h1, h2 := ft.ok(ft.d("metadata-hash", f)), ft.ok(ft.d("metadata-hash-at", root, noFlags(), s("d/a.txt"))); !equalRecords(h1, h2) {
		t.Errorf("metadata-hash %v != metadata-hash-at %v", h1, h2)
	}
	f2 := ft.open(root, "d/a.txt", noFlags(), component.Flags{"read"})
	if ft.d("is-same-object", f, f2) != component.Bool(true) || ft.d("is-same-object", f, root) != component.Bool(false) {
		t.Error("is-same-object")
	}
	if code := errCode(ft.d("write", f2, u8s("x"), component.U64(0))); code != "bad-descriptor" {
		t.Errorf("write to a descriptor opened for reading: %q", code)
	}
	ft.ok(ft.d("set-size", f, component.U64(5)))
	ft.ok(ft.d("sync", f))
	ft.ok(ft.d("sync-data", f))
	if data, _ := os.ReadFile(filepath.Join(dir, "d", "a.txt")); string(data) != "hello" {
		t.Errorf("after set-size: %q", data)
	}

	// Listing, from the preopen and from an opened subdirectory.
	sub := ft.open(root, "d", component.Flags{"directory"}, component.Flags{"read"})
	ft.open(sub, "b.txt", component.Flags{"create"}, rw)
	var names []string
	ds := ft.ok(ft.d("read-directory", sub)).(component.Resource)
	for {
		e := ft.ok(ft.call("wasi:filesystem/types#[method]directory-entry-stream.read-directory-entry", ds)).(component.Option)
		if e.Value == nil {
			break
		}
		r := e.Value.(component.Record)
		names = append(names, string(r[1].Value.(component.String))+":"+string(r[0].Value.(component.Enum)))
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"a.txt:regular-file", "b.txt:regular-file"}) {
		t.Errorf("read-directory = %v", names)
	}

	// Rename, readlink, unlink, rmdir.
	ft.ok(ft.d("rename-at", sub, s("b.txt"), root, s("c.txt")))
	if _, err := os.Stat(filepath.Join(dir, "c.txt")); err != nil {
		t.Errorf("rename-at: %v", err)
	}
	if err := os.Symlink("c.txt", filepath.Join(dir, "l")); err != nil {
		t.Fatal(err)
	}
	if got := ft.ok(ft.d("readlink-at", root, s("l"))); got != component.String("c.txt") {
		t.Errorf("readlink-at = %v", got)
	}
	if got := ft.ok(ft.d("stat-at", root, noFlags(), s("l"))).(component.Record); got[0].Value != component.Enum("symbolic-link") {
		t.Errorf("stat-at of a link = %v", got)
	}
	if code := errCode(ft.d("remove-directory-at", root, s("d"))); code != "not-empty" {
		t.Errorf("remove-directory-at of a full directory: %q", code)
	}
	ft.ok(ft.d("unlink-file-at", sub, s("a.txt")))
	ft.ok(ft.d("remove-directory-at", root, s("d")))
	if _, err := os.Stat(filepath.Join(dir, "d")); !os.IsNotExist(err) {
		t.Errorf("d still exists: %v", err)
	}

	// Dropping handles closes opened files; the preopen stays usable.
	for _, r := range []component.Resource{f, f2, sub} {
		if err := r.Drop(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	ft.ok(ft.d("stat", root))

	// The error-code of a filesystem stream's error.
	e, _ := ft.newResource(kindError, &ioErrorObj{err: &fsError{code: "no-entry"}})
	if got := ft.call("wasi:filesystem/types#filesystem-error-code", e); got != component.Some(component.Enum("no-entry")) {
		t.Errorf("filesystem-error-code = %v", got)
	}
}

func equalRecords(a, b component.Value) bool {
	ra, rb := a.(component.Record), b.(component.Record)
	return slices.Equal(ra, rb)
}

func TestPreopenConfig(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	base := NewConfig().WithPreopen(d1, "/a", false)
	c := base.WithPreopen(d2, "/b", true).WithPreopen(d2, "/a", true)
	if len(base.preopens) != 1 || len(c.preopens) != 2 || c.preopens[1].hostDir != d2 {
		t.Errorf("preopens: base %v, c %v", base.preopens, c.preopens)
	}
	d := &Definitions{types: testTypes()}
	if _, err := d.newHost(NewConfig().WithPreopen(filepath.Join(d1, "missing"), "/m", false)); err == nil {
		t.Error("a missing preopen directory was accepted")
	}
}

// TestOpenFileLimit: a guest that opens files and never drops them gets
// insufficient-memory past maxOpenFiles, and room again once it drops one.
func TestOpenFileLimit(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := newFSTest(t, NewConfig().WithPreopen(dir, "/d", true))
	var held []component.Resource
	for range maxOpenFiles {
		held = append(held, ft.open(ft.dirs["/d"], "f", noFlags(), component.Flags{"read"}))
	}
	v := ft.d("open-at", ft.dirs["/d"], follow(), component.String("f"), noFlags(), component.Flags{"read"})
	if got := errCode(v); got != "insufficient-memory" {
		t.Fatalf("open number %d: %v, want insufficient-memory", maxOpenFiles+1, v)
	}
	// Dropping one (what the resource type's destructor does) frees its slot.
	obj, err := ft.host.t.remove(kindDescriptor, held[0].Rep)
	if err != nil {
		t.Fatal(err)
	}
	obj.(*descriptor).release()
	ft.open(ft.dirs["/d"], "f", noFlags(), component.Flags{"read"})
}

// TestDirectoryStreamBatches: a directory stream reads its directory in
// batches, returns every entry once, and closes the directory at its end.
func TestDirectoryStreamBatches(t *testing.T) {
	dir := t.TempDir()
	const n = 3*dirBatch + 5
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ft := newFSTest(t, NewConfig().WithPreopen(dir, "/d", true))
	s := ft.ok(ft.d("read-directory", ft.dirs["/d"])).(component.Resource)
	if got := ft.host.openFiles.Load(); got != 1 {
		t.Fatalf("open files while streaming: %d, want 1", got)
	}
	seen := map[string]bool{}
	for {
		v := ft.ok(ft.call("wasi:filesystem/types#[method]directory-entry-stream.read-directory-entry", s))
		o := v.(component.Option)
		if o.Value == nil {
			break
		}
		name := string(o.Value.(component.Record)[1].Value.(component.String))
		if seen[name] {
			t.Fatalf("%s twice", name)
		}
		seen[name] = true
	}
	if len(seen) != n {
		t.Fatalf("%d entries, want %d", len(seen), n)
	}
	if got := ft.host.openFiles.Load(); got != 0 {
		t.Fatalf("open files after the end: %d, want 0", got)
	}
}

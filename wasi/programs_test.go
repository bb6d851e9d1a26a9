package wasi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// The programs of testdata/wasi-programs (see its README) are WASI
// commands and handlers built by real toolchains: wasiprog, one POSIX-style
// command written in C (wasi-libc) and in Go (GOOS=wasip1), both adapted
// to WASI 0.2 by the wasmtime preview1 command adapter, and two
// componentize-js components (fetch and serve). They run here over the
// real host, through their libc, runtime and adapter: nothing is
// hand-written at the WASI level.

const programsDir = "../testdata/wasi-programs"

// wasiprogs are the builds of the wasiprog command. They print the same
// output; their error messages differ in case only (strerror, Go's errno
// strings).
var wasiprogs = []struct {
	name, path string
	// cleansPaths: the guest resolves ".." lexically before choosing a
	// preopen (Go's syscall package does; wasi-libc passes the path on
	// to the host).
	cleansPaths bool
}{
	{"c", "c/wasiprog-c.wasm", false},
	{"go", "go/wasiprog-go.wasm", true},
}

// program is a compiled command component.
type program struct {
	rt          *component.Runtime
	c           *component.Compiled
	cleansPaths bool
}

// programs caches the compiled programs: each test instantiates them
// afresh, but compiling a Go or JS component takes seconds.
var programs struct {
	sync.Mutex
	m map[string]*program
}

func loadProgram(t testing.TB, path string, large bool) *program {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join(programsDir, path))
	if large && errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is not built: run scripts/toolchains.sh npm, then scripts/build-wasi-programs.sh js", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if large && testing.Short() {
		t.Skip("large program: not run with -short")
	}
	programs.Lock()
	defer programs.Unlock()
	if p, ok := programs.m[path]; ok {
		return &program{rt: p.rt, c: p.c}
	}
	// The runtime lives as long as the test binary.
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	c, err := rt.Compile(ctx, wasm, component.WithName(filepath.Base(path)))
	if err != nil {
		t.Fatal(err)
	}
	p := &program{rt: rt, c: c}
	if programs.m == nil {
		programs.m = map[string]*program{}
	}
	programs.m[path] = p
	return &program{rt: rt, c: c}
}

// result is how a run of a command ended.
type result struct {
	code           int
	stdout, stderr string
	err            error // not an exit: a trap, a link error, ctx
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q, err %v", r.code, r.stdout, r.stderr, r.err)
}

// run instantiates the program with cfg (its stdout and stderr
// captured, its arguments "wasiprog" and args) and calls wasi:cli/run.
func (p *program) run(ctx context.Context, t testing.TB, cfg wasi.Config, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cfg = cfg.WithStdout(&out).WithStderr(&errb).WithArgs(append([]string{"wasiprog"}, args...)...)
	l := component.NewLinker(p.rt)
	if err := wasi.Instantiate(l, cfg); err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(ctx, p.c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	var run *component.Func
	for _, name := range inst.Exports() {
		if strings.HasPrefix(name, "wasi:cli/run@0.2.") && strings.HasSuffix(name, "#run") {
			run = inst.Func(name)
		}
	}
	if run == nil {
		t.Fatalf("no wasi:cli/run export in %v", inst.Exports())
	}
	res, err := run.Call(ctx)
	r := result{stdout: out.String(), stderr: errb.String()}
	var exit *wasi.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = int(exit.Code)
	case err != nil:
		r.code, r.err = -1, err
	case res == component.Err(nil):
		r.code = 1
	}
	return r
}

// forEachWasiprog runs f for each build of wasiprog.
func forEachWasiprog(t *testing.T, f func(t *testing.T, p *program)) {
	for _, w := range wasiprogs {
		t.Run(w.name, func(t *testing.T) {
			p := loadProgram(t, w.path, false)
			p.cleansPaths = w.cleansPaths
			f(t, p)
		})
	}
}

// ok fails unless r is a successful run printing stdout.
func ok(t *testing.T, r result, stdout string) {
	t.Helper()
	if r.code != 0 || r.err != nil || r.stdout != stdout || r.stderr != "" {
		t.Errorf("got %v; want exit 0, stdout %q", r, stdout)
	}
}

// failed fails unless r is a run that exited 1 with an error message on
// stderr containing msg (in any case).
func failed(t *testing.T, r result, msg string) {
	t.Helper()
	if r.code != 1 || r.err != nil || !strings.Contains(strings.ToLower(r.stderr), strings.ToLower(msg)) {
		t.Errorf("got %v; want exit 1 and %q on stderr", r, msg)
	}
}

func TestProgramArgs(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		ok(t, p.run(ctx, t, wasi.NewConfig(), "echo", "hello", "world"), "hello world\n")
		ok(t, p.run(ctx, t, wasi.NewConfig(), "args", "two words", "ünï", ""), "5 [wasiprog] [args] [two words] [ünï] []\n")
	})
}

func TestProgramEnv(t *testing.T) {
	t.Setenv("PLUGWIT_WASI_SECRET", "s3cret")
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		ok(t, p.run(ctx, t, wasi.NewConfig(), "env"), "")
		if r := p.run(ctx, t, wasi.NewConfig(), "env", "PLUGWIT_WASI_SECRET"); r.code != 1 || r.stdout != "" {
			t.Errorf("an ungranted variable: %v; want exit 1 and nothing printed", r)
		}
		cfg := wasi.NewConfig().WithEnv("A", "1").WithEnv("B", "two words=x")
		ok(t, p.run(ctx, t, cfg, "env"), "A=1\nB=two words=x\n")
		ok(t, p.run(ctx, t, cfg, "env", "B"), "two words=x\n")
		ok(t, p.run(ctx, t, wasi.NewConfig().WithEnvInherit(), "env", "PLUGWIT_WASI_SECRET"), "s3cret\n")
	})
}

func TestProgramCat(t *testing.T) {
	input := strings.Repeat("through libc's read and write\n", 1<<20/30)
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		ok(t, p.run(ctx, t, wasi.NewConfig().WithStdin(strings.NewReader(input)), "cat"), input)
		ok(t, p.run(ctx, t, wasi.NewConfig(), "cat"), "") // no stdin: empty

		pr, pw := io.Pipe()
		go func() {
			for _, s := range []string{"one ", "two ", "three"} {
				time.Sleep(5 * time.Millisecond)
				pw.Write([]byte(s))
			}
			pw.Close()
		}()
		ok(t, p.run(ctx, t, wasi.NewConfig().WithStdin(pr), "cat"), "one two three")
	})
}

// fsTree makes a directory to preopen: a.txt, sub/b.txt, and symbolic
// links pointing out of it (to a file and to a directory) and inside it.
func fsTree(t *testing.T) (dir, outside string) {
	t.Helper()
	outside = t.TempDir()
	dir = t.TempDir()
	for name, content := range map[string]string{
		filepath.Join(outside, "secret"): "secret",
		filepath.Join(dir, "a.txt"):      "alpha\n",
		filepath.Join(dir, "sub/b.txt"):  "beta\n",
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"out-file": filepath.Join(outside, "secret"),
		"out-dir":  outside,
		"in-dir":   "sub",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, outside
}

func readHost(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestProgramFiles(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		dir, _ := fsTree(t)
		cfg := wasi.NewConfig().WithPreopen(dir, "/data", false)
		run := func(args ...string) result { return p.run(ctx, t, cfg, args...) }

		ok(t, run("ls", "/data"), "a.txt\nin-dir\nout-dir\nout-file\nsub/\n")
		ok(t, run("ls", "/data/sub"), "b.txt\n")
		ok(t, run("ls", "/data/in-dir"), "b.txt\n") // a link inside is followed
		ok(t, run("read", "/data/a.txt"), "alpha\n")
		ok(t, run("read", "/data/sub/../in-dir/b.txt"), "beta\n")
		ok(t, run("stat", "/data/a.txt"), "file 6\n")
		ok(t, run("stat", "/data/sub"), "dir\n")
		failed(t, run("read", "/data/missing"), "no such file")

		ok(t, run("write", "/data/new.txt", "written by wasm"), "")
		ok(t, run("append", "/data/new.txt", ", twice"), "")
		if got := readHost(t, filepath.Join(dir, "new.txt")); got != "written by wasm, twice" {
			t.Errorf("new.txt = %q", got)
		}
		ok(t, run("write", "/data/a.txt", "truncated"), "")
		if got := readHost(t, filepath.Join(dir, "a.txt")); got != "truncated" {
			t.Errorf("a.txt = %q", got)
		}
		ok(t, run("mkdir", "/data/made"), "")
		failed(t, run("mkdir", "/data/made"), "exists")
		ok(t, run("mv", "/data/new.txt", "/data/made/moved.txt"), "")
		ok(t, run("ls", "/data/made"), "moved.txt\n")
		failed(t, run("rm", "/data/made"), "not empty")
		ok(t, run("rm", "/data/made/moved.txt"), "")
		ok(t, run("rm", "/data/made"), "")
		if _, err := os.Stat(filepath.Join(dir, "made")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("made is still there: %v", err)
		}

		// Many entries: the directory is read in several batches.
		for i := range 600 {
			if err := os.WriteFile(filepath.Join(dir, "sub", fmt.Sprintf("f%03d-%s", i, strings.Repeat("x", 40))), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if r := run("ls", "/data/sub"); r.code != 0 || strings.Count(r.stdout, "\n") != 601 {
			t.Errorf("ls of 601 entries: exit %d, %d lines, stderr %q, err %v", r.code, strings.Count(r.stdout, "\n"), r.stderr, r.err)
		}
		// A file of several MiB read back whole.
		big := bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16)
		if err := os.WriteFile(filepath.Join(dir, "big"), big, 0o644); err != nil {
			t.Fatal(err)
		}
		if r := run("read", "/data/big"); r.code != 0 || r.stdout != string(big) {
			t.Errorf("read big: exit %d, %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
		}

		// The preopen under another name, and a second one.
		other := t.TempDir()
		cfg2 := wasi.NewConfig().WithPreopen(dir, "/x/y", true).WithPreopen(other, "/out", false)
		ok(t, p.run(ctx, t, cfg2, "read", "/x/y/sub/b.txt"), "beta\n")
		ok(t, p.run(ctx, t, cfg2, "write", "/out/f", "f"), "")
		if got := readHost(t, filepath.Join(other, "f")); got != "f" {
			t.Errorf("out/f = %q", got)
		}
	})
}

func TestProgramReadOnly(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		dir, _ := fsTree(t)
		cfg := wasi.NewConfig().WithPreopen(dir, "/data", true)
		run := func(args ...string) result { return p.run(ctx, t, cfg, args...) }

		ok(t, run("read", "/data/a.txt"), "alpha\n")
		ok(t, run("ls", "/data/sub"), "b.txt\n")
		for _, args := range [][]string{
			{"write", "/data/a.txt", "x"},
			{"write", "/data/new", "x"},
			{"append", "/data/a.txt", "x"},
			{"mkdir", "/data/d"},
			{"rm", "/data/a.txt"},
			{"rm", "/data/sub/b.txt"},
			{"mv", "/data/a.txt", "/data/c.txt"},
		} {
			failed(t, run(args...), "read-only file system")
		}
		if got := readHost(t, filepath.Join(dir, "a.txt")); got != "alpha\n" {
			t.Errorf("a.txt = %q", got)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 5 {
			t.Errorf("the read-only preopen now has %d entries, want 5", len(entries))
		}
	})
}

func TestProgramEscapes(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		dir, outside := fsTree(t)
		cfg := wasi.NewConfig().WithPreopen(dir, "/data", false)
		run := func(args ...string) result { return p.run(ctx, t, cfg, args...) }

		rel, err := filepath.Rel(dir, filepath.Join(outside, "secret"))
		if err != nil {
			t.Fatal(err)
		}
		dotdot := [][]string{
			{"read", "/data/../" + filepath.Base(outside) + "/secret"},
			{"read", "/data/" + filepath.ToSlash(rel)},
			{"read", "/data/sub/../../x"},
			{"mv", "/data/a.txt", "/data/../moved"},
		}
		for _, args := range dotdot {
			r := run(args...)
			if r.code != 1 || r.err != nil || r.stdout != "" {
				t.Errorf("%q: %v; want exit 1", args, r)
			}
			if !p.cleansPaths && !strings.Contains(strings.ToLower(r.stderr), "not permitted") {
				t.Errorf("%q: stderr %q; want the host's not-permitted", args, r.stderr)
			}
		}
		// Symbolic links are followed by the host, which refuses.
		for _, args := range [][]string{
			{"read", "/data/out-file"},
			{"ls", "/data/out-dir"},
			{"read", "/data/out-dir/secret"},
			{"write", "/data/out-dir/pwned", "x"},
			{"write", "/data/out-file", "x"},
			{"mkdir", "/data/out-dir/d"},
			{"rm", "/data/out-dir/secret"},
		} {
			r := run(args...)
			if r.code != 1 || r.err != nil || r.stdout != "" || !strings.Contains(strings.ToLower(r.stderr), "not permitted") {
				t.Errorf("%q: %v; want exit 1, not permitted", args, r)
			}
		}
		// An absolute path outside every preopen: libc finds no preopen
		// for it, and nothing reaches the host.
		if r := run("read", filepath.Join(outside, "secret")); r.code != 1 || r.stdout != "" {
			t.Errorf("absolute path: %v; want exit 1", r)
		}
		entries, _ := os.ReadDir(outside)
		if len(entries) != 1 || readHost(t, filepath.Join(outside, "secret")) != "secret" {
			t.Errorf("the directory outside changed: %v", entries)
		}
		if _, err := os.Stat(filepath.Join(dir, "a.txt")); err != nil {
			t.Errorf("a.txt moved out: %v", err)
		}
		// Without a preopen nothing at all is reachable.
		if r := p.run(ctx, t, wasi.NewConfig(), "ls", "/"); r.code != 1 {
			t.Errorf("ls / without a preopen: %v", r)
		}
	})
}

var sleptRe = regexp.MustCompile(`^slept (\d+) ms\n$`)

func TestProgramSleep(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		start := time.Now()
		r := p.run(ctx, t, wasi.NewConfig(), "sleep", "50")
		elapsed := time.Since(start)
		m := sleptRe.FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("sleep 50: %v", r)
		}
		if ms, _ := strconv.Atoi(m[1]); ms < 50 || ms > 2000 {
			t.Errorf("the guest measured %d ms, want 50 (monotonic clock)", ms)
		}
		if elapsed < 50*time.Millisecond {
			t.Errorf("sleep 50 returned after %v", elapsed)
		}

		// A deadline interrupts a long sleep.
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start = time.Now()
		r = p.run(ctx, t, wasi.NewConfig(), "sleep", "60000")
		if !errors.Is(r.err, context.DeadlineExceeded) {
			t.Errorf("sleep 60000 with a deadline: %v; want an error wrapping context.DeadlineExceeded", r)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the sleep ended %v after it started, with a 50 ms deadline", d)
		}
	})
}

func TestProgramClock(t *testing.T) {
	clockRe := regexp.MustCompile(`^monotonic ok\nresolution (\d+)\nrealtime (\d+)\ntime (\d+)\n$`)
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		r := p.run(ctx, t, wasi.NewConfig(), "clock")
		m := clockRe.FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("clock: %v", r)
		}
		now := time.Now().Unix()
		for _, s := range m[2:] {
			if sec, _ := strconv.ParseInt(s, 10, 64); sec < now-5 || sec > now+5 {
				t.Errorf("the guest's wall clock says %d, the host's %d", sec, now)
			}
		}
		// The host's clocks, as configured, are what libc sees.
		fixed := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		r = p.run(ctx, t, wasi.NewConfig().WithClock(func() time.Time { return fixed }), "clock")
		if m := clockRe.FindStringSubmatch(r.stdout); m == nil || m[2] != "981173106" || m[3] != "981173106" {
			t.Errorf("with a fixed wall clock: %v", r)
		}
	})
}

func TestProgramExit(t *testing.T) {
	forEachWasiprog(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		for _, tc := range []struct {
			args []string
			code int
		}{
			{[]string{"exit", "0"}, 0},
			{[]string{"exit", "1"}, 1},
			// The preview1 adapter maps every non-zero code to
			// wasi:cli/exit's err: the host sees 1.
			{[]string{"exit", "3"}, 1},
			{[]string{"no-such-command"}, 1},
			{nil, 1},
		} {
			if r := p.run(ctx, t, wasi.NewConfig(), tc.args...); r.code != tc.code || r.err != nil {
				t.Errorf("%q: %v; want exit %d", tc.args, r, tc.code)
			}
		}
	})
}

// TestProgramJSFetch runs fetch.js, componentize-js's fetch() over
// wasi:http/outgoing-handler, against a loopback server.
func TestProgramJSFetch(t *testing.T) {
	p := loadProgram(t, "js/fetch-js.wasm", true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s %s from=%s", r.Method, r.URL.Path, r.Header.Get("X-From"))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ctx := context.Background()
	want := "status 200\nhello GET /path from=fetch.js\n"

	ok(t, p.run(ctx, t, wasi.NewConfig().WithAllowHTTP(u.Host), srv.URL+"/path"), want)
	ok(t, p.run(ctx, t, wasi.NewConfig().WithAllowHTTP("127.0.0.1").WithEnv("URL", srv.URL+"/path")), want)
	// Not granted: fetch() rejects, the program exits 1.
	r := p.run(ctx, t, wasi.NewConfig().WithAllowHTTP("example.com"), srv.URL+"/path")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "fetch "+srv.URL) {
		t.Errorf("not granted: %v", r)
	}
}

// TestProgramJSServe serves HTTP with serve.js, which exports
// wasi:http/incoming-handler by hand.
func TestProgramJSServe(t *testing.T) {
	p := loadProgram(t, "js/serve-js.wasm", true)
	checkServe(t, p, "serve.js", []serveCase{
		{"GET", "/hello?q=1", "", "yes", 200, "hello from js: GET /hello?q=1 x-test=yes body=0\n"},
		{"POST", "/missing", strings.Repeat("z", 100000), "", 404, "hello from js: POST /missing x-test= body=100000\n"},
	})
}

// serveCase is a request to a served program and the answer it expects.
type serveCase struct {
	method, path, body, header string
	status                     int
	want                       string
}

// checkServe serves HTTP with the program p (an HTTPHandler over an
// httptest server) and checks each case, and that every answer has the
// header X-Served-By: servedBy.
func checkServe(t *testing.T, p *program, servedBy string, cases []serveCase) {
	t.Helper()
	ctx := context.Background()
	l := component.NewLinker(p.rt)
	defs, err := wasi.Define(l, wasi.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	pre, err := l.InstantiatePre(ctx, p.c)
	if err != nil {
		t.Fatal(err)
	}
	h, err := defs.NewHTTPHandler(pre, wasi.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncWriter{}
	h.ErrorLog = log.New(logs, "", 0)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.header != "" {
			req.Header.Set("X-Test", tc.header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(body) != tc.want || res.Header.Get("X-Served-By") != servedBy {
			t.Errorf("%s %s: status %d, body %q, headers %v; want %d %q (logs: %s)", tc.method, tc.path,
				res.StatusCode, body, res.Header, tc.status, tc.want, logs)
		}
	}
}

// TestProgramRustFetch runs fetch-rust, a Rust command on the `wasi`
// crate's wasi:http bindings, against a loopback server.
func TestProgramRustFetch(t *testing.T) {
	p := loadProgram(t, "rust/fetch-rust.wasm", false)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen", r.Header.Get("X-From"))
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ctx := context.Background()

	ok(t, p.run(ctx, t, wasi.NewConfig().WithAllowHTTP(u.Host), u.Host, "/p?q=1"),
		"status 201\nx-seen: fetch-rust\nPOST /p?q=1 hello from rust\n")
	// Not granted: the request is refused before it leaves.
	r := p.run(ctx, t, wasi.NewConfig().WithAllowHTTP("example.com"), u.Host, "/p")
	if r.code != 1 || r.stdout != "error ErrorCode::HttpRequestDenied\n" {
		t.Errorf("not granted: %v", r)
	}
}

// TestProgramRustServe serves HTTP with proxy-rust, a wasi:http/proxy
// component made by the `wasi` crate's export macro.
func TestProgramRustServe(t *testing.T) {
	p := loadProgram(t, "rust/proxy-rust.wasm", false)
	checkServe(t, p, "proxy-rust", []serveCase{
		{"GET", "/hello?q=1", "", "yes", 200, "rust: GET /hello?q=1 x-test=yes body=0\n"},
		{"POST", "/missing", strings.Repeat("z", 300000), "", 404, "rust: POST /missing x-test= body=300000\n"},
		{"PUT", "/p", "abc", "1", 200, "rust: PUT /p x-test=1 body=3\n"},
	})
}

package wasi_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// The fixtures of testdata/ are hand-written components (NAME.wat, built
// into NAME.wasm by scripts/build-fixtures.sh): exit.wat calls
// wasi:cli/exit, cat.wat copies stdin to stdout, env.wat returns its
// environment, arguments and working directory, catfile.wat reads a file
// of its first preopened directory, tcpclient.wat connects to a TCP
// server, writes a line and prints the reply. The wasi:http fixtures,
// fetch.wat (a client) and proxy.wat (an incoming-handler), are used in
// http_test.go.

func instantiate(t testing.TB, file string, cfg wasi.Config) (*component.Instance, func()) {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	c, err := rt.Compile(ctx, wasm, component.WithName(file))
	if err != nil {
		t.Fatal(err)
	}
	l := component.NewLinker(rt)
	if err := wasi.Instantiate(l, cfg); err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return inst, func() { rt.Close(ctx) }
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		fn   string
		args []component.Value
		code uint32
	}{
		{"wasi:cli/run@0.2.0#run", nil, 7},
		{"exit-ok", nil, 0},
		{"exit-err", nil, 1},
		{"exit-with", []component.Value{component.U8(42)}, 42},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			inst, done := instantiate(t, "exit.wasm", wasi.NewConfig())
			defer done()
			_, err := inst.Func(tc.fn).Call(context.Background(), tc.args...)
			var exit *wasi.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("error %v, want an *ExitError", err)
			}
			if exit.Code != tc.code {
				t.Errorf("exit code %d, want %d", exit.Code, tc.code)
			}
			var trap *component.Trap
			if !errors.As(err, &trap) {
				t.Errorf("error %v is not a *component.Trap", err)
			}
		})
	}
}

func TestCat(t *testing.T) {
	// 8 MiB of text through the guest: the guest reads 64 KiB at a time
	// and the writer never receives more than 64 KiB in one Write.
	input := strings.Repeat("the quick brown fox jumps over the lazy dog\n", 8<<20/44)
	var out chunkWriter
	inst, done := instantiate(t, "cat.wasm", wasi.NewConfig().WithStdin(strings.NewReader(input)).WithStdout(&out))
	defer done()
	res, err := inst.Func("wasi:cli/run@0.2.0#run").Call(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res != component.Ok(nil) {
		t.Errorf("run = %v, want ok", res)
	}
	if out.buf.String() != input {
		t.Errorf("stdout has %d bytes, want the %d of stdin", out.buf.Len(), len(input))
	}
	if out.biggest > 64<<10 {
		t.Errorf("one Write of %d bytes: the host buffered more than a chunk", out.biggest)
	}
	if res, err := inst.Func("fail").Call(context.Background()); err != nil || res != component.Err(nil) {
		t.Errorf("fail = %v, %v; want err", res, err)
	}
}

type chunkWriter struct {
	buf     bytes.Buffer
	biggest int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.biggest = max(w.biggest, len(p))
	return w.buf.Write(p)
}

func TestCatFromPipe(t *testing.T) {
	pr, pw := io.Pipe()
	var out bytes.Buffer
	inst, done := instantiate(t, "cat.wasm", wasi.NewConfig().WithStdin(pr).WithStdout(&out))
	defer done()
	go func() {
		for _, s := range []string{"one ", "two ", "three"} {
			time.Sleep(5 * time.Millisecond)
			pw.Write([]byte(s))
		}
		pw.Close()
	}()
	if _, err := inst.Func("wasi:cli/run@0.2.0#run").Call(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != "one two three" {
		t.Errorf("stdout = %q", out.String())
	}
}

func TestCancelBlockedGuest(t *testing.T) {
	pr, pw := io.Pipe() // no data ever comes
	defer pw.Close()
	inst, done := instantiate(t, "cat.wasm", wasi.NewConfig().WithStdin(pr))
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := inst.Func("wasi:cli/run@0.2.0#run").Call(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want one wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the blocked call ended %v after its deadline", d)
	}
}

func TestEnvironmentReachesGuest(t *testing.T) {
	call := func(inst *component.Instance, fn string) string {
		t.Helper()
		v, err := inst.Func(fn).Call(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(v)
	}
	t.Setenv("PLUGWIT_WASI_SECRET", "s3cret")
	inst, done := instantiate(t, "env.wasm", wasi.NewConfig())
	defer done()
	if env, args := call(inst, "env"), call(inst, "args"); env != "[]" || args != "[]" {
		t.Errorf("by default the guest sees env %s and args %s, want none", env, args)
	}
	if cwd := call(inst, "cwd"); cwd != fmt.Sprint(component.None) {
		t.Errorf("cwd = %s, want none", cwd)
	}

	inst, done = instantiate(t, "env.wasm", wasi.NewConfig().WithEnv("A", "1").WithEnv("B", "two words").WithArgs("prog", "-x", "ünï"))
	defer done()
	if got, want := call(inst, "env"), "[[A 1] [B two words]]"; got != want {
		t.Errorf("env = %s, want %s", got, want)
	}
	if got, want := call(inst, "args"), "[prog -x ünï]"; got != want {
		t.Errorf("args = %s, want %s", got, want)
	}
}

func TestCatFile(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	content := strings.Repeat("a file through a preopen\n", 10000)
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	inst, done := instantiate(t, "catfile.wasm", wasi.NewConfig().WithPreopen(dir, "/data", true).WithStdout(&out))
	defer done()
	ctx := context.Background()
	res, err := inst.Func("wasi:cli/run@0.2.0#run").Call(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res != component.Ok(nil) || out.String() != content {
		t.Errorf("run = %v, stdout %d bytes; want ok and the file's %d", res, out.Len(), len(content))
	}
	// 1 + the error-code's index: no-entry is 21, not-permitted 32.
	for path, want := range map[string]component.U32{
		"hello.txt": 0, "missing": 21, "../x": 32, "/etc/passwd": 32, "escape": 32,
	} {
		if got, err := inst.Func("open-code").Call(ctx, component.String(path)); err != nil || got != want {
			t.Errorf("open %q = %v, %v; want %d", path, got, err, want)
		}
	}

	// Without a preopen, get-directories is empty: the guest reads out of
	// bounds and traps rather than open anything.
	inst2, done2 := instantiate(t, "catfile.wasm", wasi.NewConfig())
	defer done2()
	if _, err := inst2.Func("wasi:cli/run@0.2.0#run").Call(ctx); err == nil {
		t.Error("run without a preopen succeeded")
	}
}

// lineServer answers each connection's first line with "got: " and the
// line.
func lineServer(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err == nil {
					fmt.Fprintf(c, "got: %s", line)
				}
			}()
		}
	}()
	return ln
}

func TestTCPClient(t *testing.T) {
	ln := lineServer(t)
	addr := ln.Addr().String()
	port := ln.Addr().(*net.TCPAddr).Port
	ctx := context.Background()

	run := func(cfg wasi.Config, args ...string) (component.Value, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		inst, done := instantiate(t, "tcpclient.wasm", cfg.WithStdout(&out).WithStderr(&errb).WithArgs(append([]string{"tcpclient"}, args...)...))
		defer done()
		res, err := inst.Func("wasi:cli/run@0.2.0#run").Call(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res, out.String(), errb.String()
	}
	res, out, errs := run(wasi.NewConfig().WithAllowConnect(addr), addr, "hello from wasm")
	if res != component.Ok(nil) || out != "got: hello from wasm\n" || errs != "" {
		t.Errorf("granted: run = %v, stdout %q, stderr %q", res, out, errs)
	}
	for _, tc := range []struct {
		name string
		cfg  wasi.Config
		want string
	}{
		{"no grant", wasi.NewConfig(), "tcpclient: access-denied\n"},
		{"another port", wasi.NewConfig().WithAllowConnect(fmt.Sprintf("127.0.0.1:%d", port+1)), "tcpclient: access-denied\n"},
		{"another host", wasi.NewConfig().WithAllowConnect(fmt.Sprintf("10.0.0.0/8:%d", port)), "tcpclient: access-denied\n"},
		{"IPv6 only", wasi.NewConfig().WithAllowConnect(fmt.Sprintf("[::1]:%d", port)), "tcpclient: access-denied\n"},
		{"bind only", wasi.NewConfig().WithAllowBind("*:*"), "tcpclient: access-denied\n"},
	} {
		res, out, errs := run(tc.cfg, addr, "x")
		if res != component.Err(nil) || out != "" || errs != tc.want {
			t.Errorf("%s: run = %v, stdout %q, stderr %q; want err and %q", tc.name, res, out, errs, tc.want)
		}
	}
	if _, _, errs := run(wasi.NewConfig().WithAllowConnect("*:*"), "127.0.0.1:99999", "x"); errs != "tcpclient: bad address (want A.B.C.D:PORT)\n" {
		t.Errorf("bad address: stderr %q", errs)
	}

	// dial and lookup, through one instance: 1 + the error-code index
	// (access-denied is 2, invalid-argument 4, connection-refused 15).
	free, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := free.Addr().String()
	closedPort := free.Addr().(*net.TCPAddr).Port
	free.Close()
	inst, done := instantiate(t, "tcpclient.wasm", wasi.NewConfig().
		WithAllowConnect(addr, closed).WithAllowNameLookup("localhost"))
	defer done()
	dial := func(a, b, c, d uint8, port int) component.Value {
		v, err := inst.Func("dial").Call(ctx, component.U8(a), component.U8(b), component.U8(c), component.U8(d), component.U16(port))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		a, b, c, d uint8
		port       int
		want       component.U32
	}{
		{127, 0, 0, 1, port, 0},
		{127, 0, 0, 2, port, 2},
		{127, 0, 0, 1, closedPort, 15},
		{127, 0, 0, 1, otherPort(port, closedPort), 2},
		{0, 0, 0, 0, port, 4},
		{127, 0, 0, 1, 0, 4},
	} {
		if got := dial(tc.a, tc.b, tc.c, tc.d, tc.port); got != tc.want {
			t.Errorf("dial %d.%d.%d.%d:%d = %v, want %d", tc.a, tc.b, tc.c, tc.d, tc.port, got, tc.want)
		}
	}
	for name, want := range map[string]component.U32{"localhost": 0, "example.com": 2, "127.0.0.1": 0, "not a name": 4} {
		if got, err := inst.Func("lookup").Call(ctx, component.String(name)); err != nil || got != want {
			t.Errorf("lookup %q = %v, %v; want %d", name, got, err, want)
		}
	}
}

// otherPort is a port that is neither a nor b.
func otherPort(a, b int) int {
	for p := 1; ; p++ {
		if p != a && p != b {
			return p
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/wit"
)

// runCLIStdin is runCLI with stdin.
func runCLIStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, pushPath: (*wit.Resolve).PushPath}
	code = c.main(args)
	return code, out.String(), errb.String()
}

const (
	greeterDir = "../../testdata/plugins/greeter/"
	wasiDir    = "../../wasi/testdata/"
)

func TestRunGreeters(t *testing.T) {
	for _, p := range []string{"c/greeter-c.wasm", "go/greeter-go.wasm", "qjs/greeter-qjs.wasm",
		"rust/greeter-rust.wasm", "rust/greeter-rust-p1.wasm"} {
		t.Run(p, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "run", "--stub-imports", greeterDir+p,
				"--invoke", "init-plugin()", "--invoke", `greet({content: "hello world from wasm!", name: "alez"})`)
			if code != exitOK {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			if want := "Oh! hello world from wasm!, my name is alez\n"; stdout != want {
				t.Errorf("stdout = %q, want %q", stdout, want)
			}
			// Only cool-print is stubbed: WASI is plugwit's.
			if want := "stub: cool-print()\n"; stderr != want {
				t.Errorf("stderr = %q, want %q", stderr, want)
			}
		})
	}
}

func TestRunWithoutStubs(t *testing.T) {
	code, _, stderr := runCLI(t, "run", greeterDir+"c/greeter-c.wasm")
	if code != exitFail || !strings.Contains(stderr, "import `cool-print`: no host function defined") {
		t.Errorf("exit code %d, stderr %q: want 1 and the missing import", code, stderr)
	}
}

func TestRunCommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
	}{
		{"run exits 7", "", []string{"run", wasiDir + "exit.wasm"}, 7, ""},
		{"exit stops the invokes", "", []string{"run", wasiDir + "exit.wasm", "--invoke", "exit-with(3)", "--invoke", "exit-with(4)"}, 3, ""},
		{"exit 0 stops the invokes", "", []string{"run", wasiDir + "exit.wasm", "--invoke", "exit-ok()", "--invoke", "exit-with(4)"}, 0, ""},
		{"exit err", "", []string{"run", wasiDir + "exit.wasm", "--invoke", "exit-err()"}, 1, ""},
		{"cat", "from stdin\n", []string{"run", wasiDir + "cat.wasm"}, 0, "from stdin\n"},
		{"cat of nothing", "", []string{"run", wasiDir + "cat.wasm"}, 0, ""},
		{"run returns err", "", []string{"run", wasiDir + "cat.wasm", "--invoke", "fail()"}, 0, "err\n"},
		{"no env by default", "", []string{"run", wasiDir + "env.wasm", "--invoke", "env()", "--invoke", "args()"}, 0,
			"[]\n[\"" + wasiDir + "env.wasm\"]\n"},
		{"env and args", "", []string{"run", "--env", "A=1", wasiDir + "env.wasm", "--env=B=x=y", "--invoke", "env()", "--invoke", "args()", "--", "-x", "--invoke", "--"}, 0,
			"[(\"A\", \"1\"), (\"B\", \"x=y\")]\n[\"" + wasiDir + "env.wasm\", \"-x\", \"--invoke\", \"--\"]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLIStdin(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if stdout != tc.stdout {
				t.Errorf("stdout = %q, want %q", stdout, tc.stdout)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

func TestRunEnvInherit(t *testing.T) {
	t.Setenv("PLUGWIT_RUN_TEST", "inherited")
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"run", wasiDir + "env.wasm", "--invoke", "env()"}, false},
		{[]string{"run", "--env-inherit", wasiDir + "env.wasm", "--invoke", "env()"}, true},
		{[]string{"run", "--env", "PLUGWIT_RUN_TEST", wasiDir + "env.wasm", "--invoke", "env()"}, true},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != exitOK {
			t.Fatalf("%v: exit code %d, stderr %q", tc.args, code, stderr)
		}
		if got := strings.Contains(stdout, `("PLUGWIT_RUN_TEST", "inherited")`); got != tc.want {
			t.Errorf("%v: variable passed %v, want %v; stdout %q", tc.args, got, tc.want, stdout)
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", wasiDir + "exit.wasm", "extra"},
		{"run", "--env", "=x", wasiDir + "exit.wasm"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || !strings.Contains(stderr, "usage: plugwit run") {
			t.Errorf("%v: exit code %d, stderr %q; want 2 and the usage", args, code, stderr)
		}
	}
}

func TestParseDir(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want dirGrant
		err  bool
	}{
		{"data", dirGrant{"data", "data", false}, false},
		{"/srv/data::/data", dirGrant{"/srv/data", "/data", false}, false},
		{"/srv/data::/data:ro", dirGrant{"/srv/data", "/data", true}, false},
		{"/srv/data:ro", dirGrant{"/srv/data", "/srv/data", true}, false},
		{"C:\\x::/x", dirGrant{"C:\\x", "/x", false}, false},
		{"", dirGrant{}, true},
		{"::/x", dirGrant{}, true},
		{"x::", dirGrant{}, true},
		{":ro", dirGrant{}, true},
	} {
		got, err := parseDir(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("parseDir(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestRunDir(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "run", "--dir", dir+"::/d:ro", wasiDir+"env.wasm", "--invoke", "env()"); code != exitOK {
		t.Errorf("--dir: exit code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "run", "--dir", dir+"/missing", wasiDir+"exit.wasm"); code != exitFail || !strings.Contains(stderr, "missing") {
		t.Errorf("--dir of a missing directory: exit code %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "run", "--dir", "::/x", wasiDir+"exit.wasm"); code != exitUsage {
		t.Errorf("bad --dir: exit code %d, want %d", code, exitUsage)
	}
}

func TestRunAllowNet(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if line, err := bufio.NewReader(c).ReadString('\n'); err == nil {
					fmt.Fprintf(c, "got: %s", line)
				}
			}()
		}
	}()
	addr := ln.Addr().String()
	port := ln.Addr().(*net.TCPAddr).Port
	client := wasiDir + "tcpclient.wasm"
	for _, tc := range []struct {
		name           string
		flags          []string
		code           int
		stdout, stderr string
	}{
		{"granted", []string{"--allow-net", addr}, exitOK, "got: hi\n", ""},
		{"granted by a network", []string{"--allow-net", fmt.Sprintf("127.0.0.0/8:%d", port)}, exitOK, "got: hi\n", ""},
		{"granted by a range", []string{"--allow-net", "[::1]:1-65535", "--allow-net", "127.0.0.1:1-65535"}, exitOK, "got: hi\n", ""},
		{"granted every address", []string{"--allow-net", fmt.Sprintf("*:%d", port)}, exitOK, "got: hi\n", ""},
		{"no grant", nil, exitFail, "", "tcpclient: access-denied\n"},
		{"another port", []string{"--allow-net", fmt.Sprintf("127.0.0.1:%d", port+1)}, exitFail, "", "tcpclient: access-denied\n"},
		{"another host", []string{"--allow-net", fmt.Sprintf("127.0.0.2:%d", port)}, exitFail, "", "tcpclient: access-denied\n"},
		{"IPv6 loopback only", []string{"--allow-net", fmt.Sprintf("[::1]:%d", port)}, exitFail, "", "tcpclient: access-denied\n"},
		{"bind is not connect", []string{"--allow-bind", "*:*", "--allow-lookup", "*"}, exitFail, "", "tcpclient: access-denied\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"run"}, tc.flags...), client, "--", addr, "hi")
			code, stdout, stderr := runCLI(t, args...)
			if code != tc.code || stdout != tc.stdout || stderr != tc.stderr {
				t.Errorf("exit code %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
	for _, bad := range [][]string{
		{"--allow-net", "localhost:80"}, {"--allow-net", "127.0.0.1"}, {"--allow-net", "::1:80"},
		{"--allow-bind", "1.2.3.4:70000"}, {"--allow-lookup", "a b"},
	} {
		code, _, stderr := runCLI(t, append(append([]string{"run"}, bad...), client)...)
		if code != exitUsage || !strings.Contains(stderr, "usage: plugwit run") {
			t.Errorf("%v: exit code %d, stderr %q; want 2 and the usage", bad, code, stderr)
		}
	}
}

// TestCompilationCache: with a cache directory, the first run fills it and
// a second run gives the same output from it; PLUGWIT_CACHE chooses it.
func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		var out, errb bytes.Buffer
		c := &cli{stdout: &out, stderr: &errb, pushPath: (*wit.Resolve).PushPath, cacheDir: dir}
		code := c.main([]string{"run", "--stub-imports", greeterDir + "c/greeter-c.wasm",
			"--invoke", `greet({content: "cached", name: "alez"})`})
		if code != exitOK || out.String() != "Oh! cached, my name is alez\n" {
			t.Fatalf("run %d: exit %d, stdout %q, stderr %q", i, code, out.String(), errb.String())
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("run %d: cache directory %s is empty (%v)", i, dir, err)
		}
	}

	t.Setenv("PLUGWIT_CACHE", "off")
	if d := defaultCacheDir(); d != "" {
		t.Errorf("PLUGWIT_CACHE=off: cache dir %q, want none", d)
	}
	t.Setenv("PLUGWIT_CACHE", dir)
	if d := defaultCacheDir(); d != dir {
		t.Errorf("PLUGWIT_CACHE=%s: cache dir %q", dir, d)
	}
}

// TestRunWasiprog runs the C build of testdata/wasi-programs' wasiprog, a
// wasi-libc command, through `plugwit run --dir … -- ARGS`.
func TestRunWasiprog(t *testing.T) {
	const prog = "../../testdata/wasi-programs/c/wasiprog-c.wasm"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "run", "--dir", dir+"::/data", prog, "--", "write", "/data/out.txt", "from wasm")
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("write: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "from wasm" {
		t.Errorf("out.txt = %q, %v", b, err)
	}
	code, stdout, _ = runCLI(t, "run", "--dir", dir+"::/data:ro", prog, "--", "ls", "/data")
	if code != exitOK || stdout != "in.txt\nout.txt\n" {
		t.Errorf("ls: exit code %d, stdout %q", code, stdout)
	}
	code, _, stderr = runCLI(t, "run", "--dir", dir+"::/data:ro", prog, "--", "rm", "/data/in.txt")
	if code != exitFail || stderr != "wasiprog: rm /data/in.txt: Read-only file system\n" {
		t.Errorf("rm in a read-only dir: exit code %d, stderr %q", code, stderr)
	}
	code, stdout, _ = runCLIStdin(t, "piped\n", "run", "--env", "K=V", prog, "--", "env")
	if code != exitOK || stdout != "K=V\n" {
		t.Errorf("env: exit code %d, stdout %q", code, stdout)
	}
	code, stdout, _ = runCLIStdin(t, "piped\n", "run", prog, "--", "cat")
	if code != exitOK || stdout != "piped\n" {
		t.Errorf("cat: exit code %d, stdout %q", code, stdout)
	}
}

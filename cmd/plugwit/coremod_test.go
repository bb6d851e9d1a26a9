package main

import (
	"os"
	"strings"
	"testing"
)

const coremodDir = "../../testdata/coremod/"

func TestInspectCoreModule(t *testing.T) {
	for _, name := range []string{"coremod", "wasip1"} {
		code, stdout, stderr := runCLI(t, "inspect", "--wit", coremodDir+name+".wasm")
		if code != exitOK {
			t.Fatalf("%s: exit code %d, stderr:\n%s", name, code, stderr)
		}
		want, err := os.ReadFile(coremodDir + name + ".wit.expected")
		if err != nil {
			t.Fatal(err)
		}
		if stdout != string(want) {
			t.Errorf("%s: inspect --wit:\n%s\nwant (wasm-tools component wit):\n%s", name, stdout, want)
		}
	}
	code, stdout, _ := runCLI(t, "inspect", coremodDir+"coremod.wasm")
	if code != exitOK || !strings.Contains(stdout, "\ncore module "+coremodDir+"coremod.wasm") ||
		!strings.Contains(stdout, "greet: func(who: string) -> string") {
		t.Errorf("inspect: exit code %d, stdout:\n%s", code, stdout)
	}
}

func TestRunCoreModule(t *testing.T) {
	code, stdout, stderr := runCLI(t, "run", "--stub-imports", coremodDir+"coremod.wasm",
		"--invoke", `greet("x")`, "--invoke", "sum([1, 2, 3])", "--invoke", "posts()")
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	if want := "\"hello x from \"\n6\n1\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}

	// WASI preview1, granted by the same flags as for components.
	dir := t.TempDir()
	code, stdout, stderr = runCLI(t, "run", coremodDir+"wasip1.wasm", "--env", "A=1", "--dir", dir+"::/d:ro",
		"--invoke", "env-count()", "--invoke", "preopen-count()", "--invoke", "args-count()", "--invoke", "hello()", "--", "a")
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	if want := "1\n1\n2\nhello from preview1\n0\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	code, stdout, _ = runCLI(t, "run", coremodDir+"wasip1.wasm", "--invoke", "env-count()", "--invoke", "preopen-count()")
	if code != exitOK || stdout != "0\n0\n" {
		t.Errorf("nothing granted: exit code %d, stdout %q", code, stdout)
	}

	// A read-write directory: the plugin writes a file (fd 3, creat), reads
	// it back; a read-only one refuses (EROFS, 69).
	code, stdout, stderr = runCLI(t, "run", coremodDir+"wasip1.wasm", "--dir", dir+"::/rw", "--dir", dir+"::/ro:ro",
		"--invoke", `open-write(3, "x.txt", "hi", 1, 0)`, "--invoke", `read-file(3, "x.txt")`,
		"--invoke", `open-write(4, "y.txt", "hi", 1, 0)`)
	if code != exitOK {
		t.Fatalf("read-write --dir: exit code %d, stderr:\n%s", code, stderr)
	}
	if want := "0\n\"hi\"\n69\n"; stdout != want {
		t.Errorf("read-write --dir: stdout = %q, want %q", stdout, want)
	}
	if b, err := os.ReadFile(dir + "/x.txt"); err != nil || string(b) != "hi" {
		t.Errorf("x.txt: %q, %v", b, err)
	}
}

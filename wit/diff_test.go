package wit

// Differential tests against wasm-tools, the reference WIT implementation
// (wit-parser). They need `wasm-tools` on PATH (or in ~/.cargo/bin); without
// it they skip and say so. scripts/wit-diff.sh installs it and runs them.
//
//   - TestWasmToolsCorpus checks the corpus itself: wasm-tools must accept
//     every valid case and reject every invalid one.
//   - TestDiffWasmTools compares this implementation with wasm-tools: the JSON
//     of every valid case, structurally and byte for byte, the printed WIT,
//     and that both reject every invalid case.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// wasmTools returns the path of the wasm-tools binary, or skips the test.
func wasmTools(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("wasm-tools")
	if err != nil {
		if home, herr := os.UserHomeDir(); herr == nil {
			p := filepath.Join(home, ".cargo", "bin", "wasm-tools")
			if _, serr := os.Stat(p); serr == nil {
				path, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skipf("SKIP (not a pass): wasm-tools is not on PATH, so the differential test did not run; "+
			"run scripts/wit-diff.sh, which installs it with `cargo install --locked wasm-tools` (%v)", err)
	}
	wasmToolsVersion.Do(func() {
		out, _ := exec.Command(path, "--version").Output()
		wasmToolsVersion.s = strings.TrimSpace(string(out))
	})
	t.Logf("reference: %s (%s)", wasmToolsVersion.s, path)
	return path
}

var wasmToolsVersion struct {
	sync.Once
	s string
}

// wasmToolsResult is what `wasm-tools component wit` made of one case.
type wasmToolsResult struct {
	ok     bool
	stdout []byte
	stderr string
}

// runWasmTools runs `wasm-tools component wit [args] --features active PATH`
// from the repository root (the working directory of these tests).
func runWasmTools(t *testing.T, tool, path string, args ...string) wasmToolsResult {
	t.Helper()
	argv := []string{"component", "wit", "--color", "never"}
	argv = append(argv, args...)
	for _, f := range goldenFeatures {
		argv = append(argv, "--features", f)
	}
	argv = append(argv, path)
	cmd := exec.Command(tool, argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("running wasm-tools: %v", err)
	}
	return wasmToolsResult{ok: err == nil, stdout: stdout.Bytes(), stderr: stderr.String()}
}

// wasmToolsCrashed reports whether wasm-tools died of a panic rather than
// rejecting its input with an error.
func (r wasmToolsResult) crashed() bool {
	return strings.Contains(r.stderr, "panicked at") || strings.Contains(r.stderr, "RUST_BACKTRACE")
}

func TestWasmToolsCorpus(t *testing.T) {
	tool := wasmTools(t)
	chdirRepoRoot(t)
	t.Run("valid", func(t *testing.T) {
		for _, c := range corpusCases(t, "valid") {
			t.Run(c.Name, func(t *testing.T) {
				res := runWasmTools(t, tool, c.Path, "--json")
				if !res.ok {
					t.Fatalf("wasm-tools rejects this valid case:\n%s", res.stderr)
				}
			})
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, c := range corpusCases(t, "invalid") {
			t.Run(c.Name, func(t *testing.T) {
				res := runWasmTools(t, tool, c.Path, "--json")
				switch {
				case res.crashed():
					t.Fatalf("wasm-tools crashed:\n%s", res.stderr)
				case res.ok:
					t.Fatalf("wasm-tools accepts this invalid case")
				}
				t.Logf("wasm-tools: %s", res.stderr)
			})
		}
	})
}

func TestDiffWasmTools(t *testing.T) {
	tool := wasmTools(t)
	chdirRepoRoot(t)
	skipIfParserMissing(t)
	t.Run("valid", func(t *testing.T) {
		for _, c := range corpusCases(t, "valid") {
			t.Run(c.Name, func(t *testing.T) {
				ref := runWasmTools(t, tool, c.Path, "--json")
				if !ref.ok {
					t.Fatalf("wasm-tools rejects this valid case (fix the corpus):\n%s", ref.stderr)
				}
				r, pkg, err := loadCase(c.Path)
				if notImplemented(err) {
					t.Skipf("skipping: %v", err)
				}
				if err != nil {
					t.Fatalf("wasm-tools accepts this case but we reject it:\n%v", err)
				}

				js, err := marshalResolve(r)
				if err != nil {
					t.Fatalf("MarshalJSON: %v", err)
				}
				if d := corpusJSONDiff(ref.stdout, js); d != "" {
					t.Errorf("JSON differs from wasm-tools structurally (-wasm-tools +ours):\n%s", d)
				} else if !bytes.Equal(ref.stdout, js) {
					t.Errorf("JSON is structurally equal to wasm-tools' but not byte for byte (-wasm-tools +ours):\n%s",
						lineDiff(string(ref.stdout), string(js)))
				}

				printed, err := printResolve(r, pkg)
				if err != nil {
					t.Fatalf("Print: %v", err)
				}
				refText := runWasmTools(t, tool, c.Path)
				if !refText.ok {
					t.Fatalf("wasm-tools cannot print this case:\n%s", refText.stderr)
				}
				if printed != string(refText.stdout) {
					t.Errorf("printed WIT differs from wasm-tools (-wasm-tools +ours):\n%s",
						lineDiff(string(refText.stdout), printed))
				}

				// Our printed text must mean to wasm-tools what it means to
				// us, whatever the round trip changes.
				tmp := filepath.Join(t.TempDir(), c.Name+".wit")
				if err := os.WriteFile(tmp, []byte(printed), 0o644); err != nil {
					t.Fatal(err)
				}
				refRT := runWasmTools(t, tool, tmp, "--json")
				if !refRT.ok {
					t.Fatalf("wasm-tools rejects our printed text:\n%s\n--- printed ---\n%s", refRT.stderr, printed)
				}
				r2 := NewResolve(goldenFeatures...)
				if _, err := r2.PushSource(c.Name+".wit", printed); err != nil {
					t.Fatalf("we reject our own printed text:\n%v", err)
				}
				js2, err := marshalResolve(r2)
				if err != nil {
					t.Fatalf("MarshalJSON after round trip: %v", err)
				}
				if d := corpusJSONDiff(refRT.stdout, js2); d != "" {
					t.Errorf("our printed text parses differently here and in wasm-tools (-wasm-tools +ours):\n%s", d)
				} else if !bytes.Equal(refRT.stdout, js2) {
					t.Errorf("our printed text parses to JSON that differs from wasm-tools' byte for byte (-wasm-tools +ours):\n%s",
						lineDiff(string(refRT.stdout), string(js2)))
				}
			})
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, c := range corpusCases(t, "invalid") {
			t.Run(c.Name, func(t *testing.T) {
				ref := runWasmTools(t, tool, c.Path, "--json")
				if ref.ok {
					t.Errorf("wasm-tools accepts this invalid case (fix the corpus)")
				}
				_, _, err := loadCase(c.Path)
				switch {
				case notImplemented(err):
					t.Skipf("skipping: %v", err)
				case isPanic(err):
					t.Fatal(err)
				case err == nil:
					t.Errorf("we accept this invalid case; wasm-tools says:\n%s", ref.stderr)
				}
			})
		}
	})
}

// corpusJSONDiff compares two JSON documents structurally and describes up to 40
// differences by JSON path, or returns "" when they are equal.
func corpusJSONDiff(a, b []byte) string {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return fmt.Sprintf("first document is not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return fmt.Sprintf("second document is not JSON: %v", err)
	}
	if reflect.DeepEqual(x, y) {
		return ""
	}
	var diffs []string
	corpusWalkJSONDiff("$", x, y, &diffs)
	if len(diffs) > 40 {
		diffs = append(diffs[:40], fmt.Sprintf("… and %d more", len(diffs)-40))
	}
	return strings.Join(diffs, "\n")
}

func corpusWalkJSONDiff(path string, x, y any, out *[]string) {
	if len(*out) > 40 {
		return
	}
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range xv {
			keys[k] = true
		}
		for k := range yv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := path + "." + k
			xe, xok := xv[k]
			ye, yok := yv[k]
			switch {
			case !yok:
				*out = append(*out, fmt.Sprintf("- %s = %s", p, corpusCompactJSON(xe)))
			case !xok:
				*out = append(*out, fmt.Sprintf("+ %s = %s", p, corpusCompactJSON(ye)))
			default:
				corpusWalkJSONDiff(p, xe, ye, out)
			}
		}
		return
	case []any:
		yv, ok := y.([]any)
		if !ok {
			break
		}
		for i := 0; i < len(xv) || i < len(yv); i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= len(yv):
				*out = append(*out, fmt.Sprintf("- %s = %s", p, corpusCompactJSON(xv[i])))
			case i >= len(xv):
				*out = append(*out, fmt.Sprintf("+ %s = %s", p, corpusCompactJSON(yv[i])))
			default:
				corpusWalkJSONDiff(p, xv[i], yv[i], out)
			}
		}
		return
	}
	if !reflect.DeepEqual(x, y) {
		*out = append(*out, fmt.Sprintf("- %s = %s\n+ %s = %s", path, corpusCompactJSON(x), path, corpusCompactJSON(y)))
	}
}

func corpusCompactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

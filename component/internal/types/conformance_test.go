package types

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// wastCommand is one command of a `wasm-tools json-from-wast` script.
type wastCommand struct {
	Type       string `json:"type"`
	Line       int    `json:"line"`
	Filename   string `json:"filename"`
	ModuleType string `json:"module_type"`
	Text       string `json:"text"`
}

// verdict is what decoding and checking one binary gave.
type verdict struct {
	err         error
	unsupported bool // err wraps ErrNotSupported
	core        bool // a core module, not ours to validate
	panicked    bool
}

// checkBytes decodes and type-checks b with features f, turning a panic
// into an error.
func checkBytes(b []byte, f features) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			v = verdict{err: fmt.Errorf("panic: %v", r), panicked: true}
		}
	}()
	c, err := binary.Decode(b)
	if errors.Is(err, binary.ErrCoreModule) {
		return verdict{core: true}
	}
	if err == nil {
		_, err = check(c, f)
	}
	return verdict{err: err, unsupported: errors.Is(err, ErrNotSupported)}
}

type fileResult struct {
	name                         string
	valid, validOK, unsupported  int
	invalid, invalidOK, skipped  int
	mismatches, known            []string
	rejectedAsUnsupported, panic int
	specDisagrees                int // spec verdicts wasmparser disagrees with
}

// TestConformance runs the type checker over wasm-tools' component model
// test suite converted by scripts/component-conformance.sh, which sets
// PLUGWIT_CONFORMANCE_DIR to a directory of json-from-wast output.
func TestConformance(t *testing.T) {
	dir := os.Getenv("PLUGWIT_CONFORMANCE_DIR")
	if dir == "" {
		t.Skip("PLUGWIT_CONFORMANCE_DIR is not set; run scripts/component-conformance.sh")
	}
	verbose := os.Getenv("PLUGWIT_CONFORMANCE_VERBOSE") == "1"
	version := "unknown"
	if b, err := os.ReadFile(filepath.Join(dir, "VERSION")); err == nil {
		version = strings.TrimSpace(string(b))
	}
	fmt.Printf("wasm-tools test suite %s\n", version)
	known := readKnown(t, filepath.Join("testdata", "conformance-known.txt"), version)
	seenKnown := map[string]bool{}

	var scripts []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			scripts = append(scripts, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(scripts)
	if len(scripts) == 0 {
		t.Fatalf("no .json scripts under %s", dir)
	}

	var total fileResult
	var results []*fileResult
	for _, script := range scripts {
		rel, _ := filepath.Rel(dir, script)
		name := strings.TrimSuffix(filepath.ToSlash(rel), ".json") + ".wast"
		r := runScript(t, script, name, known, seenKnown)
		results = append(results, r)
		total.valid += r.valid
		total.validOK += r.validOK
		total.unsupported += r.unsupported
		total.invalid += r.invalid
		total.invalidOK += r.invalidOK
		total.skipped += r.skipped
		total.rejectedAsUnsupported += r.rejectedAsUnsupported
		total.panic += r.panic
		total.specDisagrees += r.specDisagrees
		total.mismatches = append(total.mismatches, r.mismatches...)
		total.known = append(total.known, r.known...)
	}

	fmt.Printf("%-62s %9s %9s %5s %5s %4s\n", "file", "valid", "invalid", "unsup", "skip", "bad")
	for _, r := range results {
		fmt.Printf("%-62s %4d/%-4d %4d/%-4d %5d %5d %4d\n", r.name, r.validOK, r.valid,
			r.invalidOK, r.invalid, r.unsupported, r.skipped, len(r.mismatches))
		limit := 3
		if verbose {
			limit = len(r.mismatches)
		}
		for i, m := range r.mismatches {
			if i == limit {
				fmt.Printf("    … %d more (-v lists all)\n", len(r.mismatches)-limit)
				break
			}
			fmt.Printf("    %s\n", m)
		}
	}
	fmt.Printf("\nvalid accepted %d/%d, invalid rejected %d/%d (%d of them only as not supported), "+
		"valid but not supported %d, skipped %d (core modules, text), known mismatches %d, "+
		"new mismatches %d, panics %d; spec-suite verdicts replaced by wasmparser's: %d\n",
		total.validOK, total.valid, total.invalidOK, total.invalid, total.rejectedAsUnsupported,
		total.unsupported, total.skipped, len(total.known), len(total.mismatches), total.panic, total.specDisagrees)
	for k := range known {
		if !seenKnown[k] {
			fmt.Printf("known mismatch %s no longer mismatches (or is gone): remove it from testdata/conformance-known.txt\n", k)
		}
	}
	if len(total.mismatches) > 0 {
		t.Errorf("%d mismatch(es) with the wast verdicts", len(total.mismatches))
	}
}

// trace prints each module before checking it (PLUGWIT_CONFORMANCE_TRACE=1),
// to find a hang.
var trace = os.Getenv("PLUGWIT_CONFORMANCE_TRACE") == "1"

func runScript(t *testing.T, script, name string, known, seenKnown map[string]bool) *fileResult {
	t.Helper()
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Commands []wastCommand `json:"commands"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	wasmDir := strings.TrimSuffix(script, ".json")
	r := &fileResult{name: name}
	// The features the file runs with (from its RUN line), and, for the
	// spec suite, wasmparser's verdict on each module.
	feat := defaultFeatures
	if spec, err := os.ReadFile(wasmDir + ".features"); err == nil {
		feat = parseFeatures(defaultFeatures, string(spec))
	}
	var verdicts map[string]bool
	if data, err := os.ReadFile(wasmDir + ".verdicts"); err == nil {
		feat = allFeatures
		verdicts = map[string]bool{}
		for _, line := range strings.Split(string(data), "\n") {
			if f, v, ok := strings.Cut(line, " "); ok {
				verdicts[f] = v == "valid"
			}
		}
	}
	for _, cmd := range s.Commands {
		var wantValid bool
		switch cmd.Type {
		case "module", "module_definition", "assert_unlinkable", "assert_uninstantiable":
			wantValid = true
		case "assert_invalid", "assert_malformed":
		default:
			continue
		}
		if cmd.Filename == "" {
			continue
		}
		if cmd.ModuleType != "binary" {
			r.skipped++ // a text module that does not even parse
			continue
		}
		b, err := os.ReadFile(filepath.Join(wasmDir, cmd.Filename))
		if err != nil {
			t.Fatal(err)
		}
		if trace {
			fmt.Fprintf(os.Stderr, "%s:%d %s\n", name, cmd.Line, cmd.Filename)
		}
		v := checkBytes(b, feat)
		if verdicts != nil {
			if valid, ok := verdicts[cmd.Filename]; ok && valid != wantValid {
				r.specDisagrees++
				wantValid = valid
			}
		}
		if v.core {
			r.skipped++
			continue
		}
		key := fmt.Sprintf("%s:%d", name, cmd.Line)
		if v.panicked {
			r.panic++
		}
		var mismatch string
		if wantValid {
			r.valid++
			switch {
			case v.err == nil:
				r.validOK++
			case v.unsupported:
				r.unsupported++
			default:
				mismatch = fmt.Sprintf("%s: valid, rejected: %v", key, v.err)
			}
		} else {
			r.invalid++
			switch {
			case v.err == nil:
				mismatch = fmt.Sprintf("%s: %s (%q), accepted", key, cmd.Type, cmd.Text)
			case v.panicked:
				mismatch = fmt.Sprintf("%s: %s (%q): %v", key, cmd.Type, cmd.Text, v.err)
			default:
				r.invalidOK++
				if v.unsupported {
					r.rejectedAsUnsupported++
				}
			}
		}
		if mismatch == "" {
			continue
		}
		if len(mismatch) > 300 {
			mismatch = mismatch[:300] + "…"
		}
		if known[key] && !v.panicked {
			seenKnown[key] = true
			r.known = append(r.known, mismatch)
			continue
		}
		r.mismatches = append(r.mismatches, mismatch)
	}
	return r
}

// readKnown reads the list of accepted mismatches: one `file.wast:line` per
// line, then optionally `#` and why. A line starting with `@VERSION ` only
// applies to the test suite of that wasm-tools version.
func readKnown(t *testing.T, path, version string) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if v, rest, ok := strings.Cut(line, " "); ok && strings.HasPrefix(v, "@") {
			if v[1:] != version {
				continue
			}
			line = strings.TrimSpace(rest)
		}
		if line != "" {
			known[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}

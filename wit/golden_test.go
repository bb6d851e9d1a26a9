package wit

// Golden tests over the WIT conformance corpus in testdata/wit.
//
//	testdata/wit/valid/NAME.wit or NAME/      a package (a directory may have deps/)
//	testdata/wit/valid/NAME.json              Resolve.MarshalJSON of it
//	testdata/wit/valid/NAME.wit.printed       Resolve.Print of the main package,
//	                                          every other package nested
//	testdata/wit/invalid/NAME.wit or NAME/    a package with exactly one error
//	testdata/wit/invalid/NAME.err             the error text
//
// Every case loads with the feature `active` enabled (`inactive` stays off).
// Run `go test ./wit -run TestGolden -update` to rewrite the golden files from
// this implementation, then review the diff: the .json and .wit.printed files
// were first written by `scripts/wit-diff.sh -seed` from wasm-tools, the
// reference implementation, so any diff in them is a divergence from it.
//
// The tests run from the repository root so that every path in an error
// message is relative to it (testdata/wit/…) and golden files do not depend on
// the machine.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// goldenFeatures are the features every corpus case is loaded with.
var goldenFeatures = []string{"active"}

// update is registered in init so that a second test file of this package
// that also wants `-update` (and registers it at package-variable time) does
// not make the test binary panic; both then read the same flag.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files in testdata from this implementation")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// witCase is one corpus entry: a .wit file or a directory.
type witCase struct {
	Name string // file name without .wit, or directory name
	Path string // relative to the repository root, slash-separated
	Dir  string // the directory holding the case and its golden files
}

func (c witCase) golden(ext string) string { return c.Dir + "/" + c.Name + ext }

// corpusRoot is the corpus directory relative to the repository root.
const corpusRoot = "testdata/wit"

// chdirRepoRoot makes the repository root the working directory for the rest
// of the test.
func chdirRepoRoot(t *testing.T) {
	t.Helper()
	t.Chdir("..")
	if _, err := os.Stat(filepath.Join(corpusRoot, "valid")); err != nil {
		t.Fatalf("corpus not found from %s: %v", mustGetwd(t), err)
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// corpusCases lists testdata/wit/<kind> (kind is "valid" or "invalid"),
// sorted by name. It must run with the repository root as working directory.
func corpusCases(t *testing.T, kind string) []witCase {
	t.Helper()
	dir := corpusRoot + "/" + kind
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []witCase
	seen := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		var c witCase
		switch {
		case e.IsDir():
			c = witCase{Name: name, Path: dir + "/" + name, Dir: dir}
		case strings.HasSuffix(name, ".wit"):
			c = witCase{Name: strings.TrimSuffix(name, ".wit"), Path: dir + "/" + name, Dir: dir}
		default:
			continue // golden files
		}
		if prev, dup := seen[c.Name]; dup {
			t.Fatalf("corpus case %s is both %s and %s", c.Name, prev, c.Path)
		}
		seen[c.Name] = c.Path
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", dir)
	}
	return cases
}

// loadCase loads a corpus case with goldenFeatures, turning a panic into an
// error that names it.
func loadCase(path string) (r *Resolve, pkg PackageID, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("PANIC while loading %s: %v\n%s", path, p, debug.Stack())
		}
	}()
	return LoadPath(path, goldenFeatures...)
}

func isPanic(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "PANIC ") }

// notImplemented reports whether err is the placeholder error of a part of
// the parser that does not exist yet.
func notImplemented(err error) bool {
	return err != nil && strings.Contains(err.Error(), "not implemented")
}

// skipIfParserMissing skips the whole test while the parser is a stub.
func skipIfParserMissing(t *testing.T) {
	t.Helper()
	_, err := NewResolve().PushSource("probe.wit", "package probe:probe;\n")
	if notImplemented(err) {
		t.Skipf("skipping: the WIT parser is not implemented yet (PushSource says %q)", err)
	}
}

// marshalResolve returns r's JSON, turning a panic into an error.
func marshalResolve(r *Resolve) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC in MarshalJSON: %v\n%s", p, debug.Stack())
		}
	}()
	return r.MarshalJSON()
}

// printResolve prints the main package pkg with every other package of r
// nested, in package order (what `wasm-tools component wit` prints), turning
// a panic into an error.
func printResolve(r *Resolve, pkg PackageID) (s string, err error) {
	var nested []PackageID
	for id := range r.Packages {
		if PackageID(id) != pkg {
			nested = append(nested, PackageID(id))
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC in Print: %v\n%s", p, debug.Stack())
		}
	}()
	return r.Print(pkg, nested...), nil
}

// checkGolden compares got with the golden file at path, or rewrites the file
// under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Errorf("golden file %s is missing; run `go test ./wit -run %s -update` and review it", path, rootTestName(t))
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from this implementation (-golden +got):\n%s\nrun with -update to accept", path, lineDiff(string(want), string(got)))
	}
}

func rootTestName(t *testing.T) string {
	name, _, _ := strings.Cut(t.Name(), "/")
	return name
}

// errLocation matches the `file:line:col` every WIT error must carry; the
// file must be the case itself or a file inside it.
func errLocation(c witCase) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(c.Path) + `(/[^\s:]+)?:[0-9]+:[0-9]+`)
}

// normalizeErr makes an error text machine-independent.
func normalizeErr(s string) string {
	if filepath.Separator != '/' {
		s = strings.ReplaceAll(s, string(filepath.Separator), "/")
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

func TestGoldenValid(t *testing.T) {
	chdirRepoRoot(t)
	skipIfParserMissing(t)
	for _, c := range corpusCases(t, "valid") {
		t.Run(c.Name, func(t *testing.T) {
			r, pkg, err := loadCase(c.Path)
			if notImplemented(err) {
				t.Skipf("skipping: %v", err)
			}
			if err != nil {
				t.Fatalf("valid case rejected:\n%v", err)
			}

			js, err := marshalResolve(r)
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			checkGolden(t, c.golden(".json"), js)

			printed, err := printResolve(r, pkg)
			if err != nil {
				t.Fatalf("Print: %v", err)
			}
			checkGolden(t, c.golden(".wit.printed"), []byte(printed))

			// Round trip: the printed text, parsed again as one file, must
			// give the same Resolve.
			r2 := NewResolve(goldenFeatures...)
			var pkg2 PackageID
			func() {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("PANIC: %v\n%s", p, debug.Stack())
					}
				}()
				pkg2, err = r2.PushSource(c.golden(".wit.printed"), printed)
			}()
			if err != nil {
				t.Fatalf("printed text does not parse again:\n%v\n--- printed ---\n%s", err, printed)
			}
			if got := r2.Packages[pkg2].Name.String(); got != r.Packages[pkg].Name.String() {
				t.Errorf("round trip: main package is %s, want %s", got, r.Packages[pkg].Name)
			}
			js2, err := marshalResolve(r2)
			if err != nil {
				t.Fatalf("MarshalJSON after round trip: %v", err)
			}
			checkCorpusRoundTrip(t, c.Name, js, js2)
		})
	}
}

func TestGoldenInvalid(t *testing.T) {
	chdirRepoRoot(t)
	skipIfParserMissing(t)
	for _, c := range corpusCases(t, "invalid") {
		t.Run(c.Name, func(t *testing.T) {
			r, _, err := loadCase(c.Path)
			if notImplemented(err) {
				t.Skipf("skipping: %v", err)
			}
			if isPanic(err) {
				t.Fatal(err)
			}
			if err == nil {
				js, _ := marshalResolve(r)
				t.Fatalf("invalid case accepted; see %s for what is wrong with it (JSON: %.2000s)", c.golden(".err"), js)
			}
			msg := normalizeErr(err.Error())
			if !errLocation(c).MatchString(msg) {
				t.Errorf("error does not name file:line:col under %s:\n%s", c.Path, msg)
			}
			checkGolden(t, c.golden(".err"), []byte(msg))
		})
	}
}

// lineDiff is a small line-oriented diff (longest common subsequence) for
// golden mismatches; long inputs fall back to the first differing line.
func lineDiff(a, b string) string {
	x, y := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	if len(x)*len(y) > 4_000_000 {
		for i := 0; i < len(x) && i < len(y); i++ {
			if x[i] != y[i] {
				return fmt.Sprintf("first difference at line %d:\n-%s+%s", i+1, x[i], y[i])
			}
		}
		return fmt.Sprintf("lengths differ: %d vs %d lines", len(x), len(y))
	}
	// lcs[i][j] = LCS length of x[i:], y[j:]
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	shown := 0
	emit := func(prefix string, n int, line string) {
		if shown < 200 {
			fmt.Fprintf(&out, "%s%4d| %s\n", prefix, n, strings.TrimSuffix(line, "\n"))
		} else if shown == 200 {
			out.WriteString("…\n")
		}
		shown++
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			emit("+", j+1, y[j])
			j++
		default:
			emit("-", i+1, x[i])
			i++
		}
	}
	return out.String()
}

// knownRoundTripChanges lists the corpus cases whose Resolve really changes
// when printed and parsed again, and why. wasm-tools changes them the same
// way (TestDiffWasmTools parses our printed text with wasm-tools too, so a
// divergence there is still caught).
var knownRoundTripChanges = map[string]string{
	"docs-block":                      "block doc comments are printed as `///` lines, so their ` * ` margins change",
	"docs-crlf":                       "block doc comments are printed as `///` lines, so their ` * ` margins change",
	"include-inline-interface-rename": "an inline interface copied by `include … with` prints as a fresh inline interface, so clone_of is lost",
}

// checkCorpusRoundTrip compares the JSON of a loaded case with the JSON of its
// printed text parsed again: byte for byte, else modulo ID numbering and
// order (corpusCanonicalJSON), else it must be a known change.
func checkCorpusRoundTrip(t *testing.T, name string, loaded, reparsed []byte) {
	t.Helper()
	if bytes.Equal(loaded, reparsed) {
		return
	}
	a, err := corpusCanonicalJSON(loaded)
	if err != nil {
		t.Fatalf("canonical JSON of the loaded case: %v", err)
	}
	b, err := corpusCanonicalJSON(reparsed)
	if err != nil {
		t.Fatalf("canonical JSON after round trip: %v", err)
	}
	d := corpusJSONDiff(a, b)
	switch {
	case d == "":
		t.Logf("round trip renumbers or reorders the Resolve but keeps its meaning")
	case knownRoundTripChanges[name] != "":
		t.Logf("round trip changes the Resolve as expected (%s):\n%s", knownRoundTripChanges[name], d)
	default:
		t.Errorf("round trip through the printer changes the Resolve (-loaded +reparsed, IDs replaced by names):\n%s", d)
	}
}

// corpusCanonicalJSON rewrites wit-parser Resolve JSON so that it no longer depends
// on arena order: every package, interface, world and named type is keyed by
// its qualified name, every reference to one is replaced by that name, and
// anonymous types are inlined where they are used.
func corpusCanonicalJSON(b []byte) ([]byte, error) {
	var r struct {
		Worlds, Interfaces, Types, Packages []map[string]any
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	c := &corpusCanonicalizer{worlds: r.Worlds, ifaces: r.Interfaces, types: r.Types, pkgs: r.Packages,
		anon: map[int]string{}}
	// Anonymous (inline) interfaces are named after the world item that
	// holds them.
	for wi, w := range r.Worlds {
		for _, dir := range []string{"imports", "exports"} {
			items, _ := w[dir].(map[string]any)
			for key, item := range items {
				m, _ := item.(map[string]any)
				ref, _ := m["interface"].(map[string]any)
				if id, ok := corpusJSONInt(ref["id"]); ok && c.ifaceField(id, "name") == nil {
					c.anon[id] = c.worldName(wi) + "/" + dir + "/" + key
				}
			}
		}
	}
	out := map[string]any{}
	pkgs := map[string]any{}
	for _, p := range r.Packages {
		pkgs[fmt.Sprint(p["name"])] = map[string]any{
			"docs":       p["docs"],
			"interfaces": c.names(p["interfaces"], c.ifaceName),
			"worlds":     c.names(p["worlds"], c.worldName),
		}
	}
	out["packages"] = pkgs
	ifaces := map[string]any{}
	for id, i := range r.Interfaces {
		ci := map[string]any{}
		for k, v := range i {
			switch k {
			case "package":
				ci[k] = c.pkgName(v)
			case "clone_of":
				if n, ok := corpusJSONInt(v); ok {
					ci[k] = c.ifaceName(n)
				}
			case "types":
				ci[k] = c.typeDefs(v)
			case "functions":
				ci[k] = c.walk(v)
			default:
				ci[k] = v
			}
		}
		ifaces[c.ifaceName(id)] = ci
	}
	out["interfaces"] = ifaces
	worlds := map[string]any{}
	for id, w := range r.Worlds {
		cw := map[string]any{}
		for k, v := range w {
			switch k {
			case "package":
				cw[k] = c.pkgName(v)
			case "imports", "exports":
				items := map[string]any{}
				m, _ := v.(map[string]any)
				for key, item := range m {
					if rest, ok := strings.CutPrefix(key, "interface-"); ok {
						if n, err := strconv.Atoi(rest); err == nil {
							key = "interface:" + c.ifaceName(n)
						}
					}
					items[key] = c.worldItem(item)
				}
				cw[k] = items
			default:
				cw[k] = v
			}
		}
		worlds[c.worldName(id)] = cw
	}
	out["worlds"] = worlds
	// Named types not owned by an interface or world would be lost above.
	orphans := map[string]any{}
	for id, t := range r.Types {
		if t["name"] != nil && t["owner"] == nil {
			orphans[fmt.Sprint(t["name"], "#", id)] = c.typeDef(id)
		}
	}
	if len(orphans) > 0 {
		out["orphan-types"] = orphans
	}
	return json.Marshal(out)
}

type corpusCanonicalizer struct {
	worlds, ifaces, types, pkgs []map[string]any
	anon                        map[int]string
	depth                       int
}

func corpusJSONInt(v any) (int, bool) {
	f, ok := v.(float64)
	return int(f), ok && f >= 0 && f == float64(int(f))
}

func (c *corpusCanonicalizer) pkgName(v any) string {
	if n, ok := corpusJSONInt(v); ok && n < len(c.pkgs) {
		return fmt.Sprint(c.pkgs[n]["name"])
	}
	return fmt.Sprintf("bad-package-%v", v)
}

func (c *corpusCanonicalizer) ifaceField(id int, k string) any {
	if id < 0 || id >= len(c.ifaces) {
		return nil
	}
	return c.ifaces[id][k]
}

func (c *corpusCanonicalizer) ifaceName(id int) string {
	if id < 0 || id >= len(c.ifaces) {
		return fmt.Sprintf("bad-interface-%d", id)
	}
	if name := c.ifaces[id]["name"]; name != nil {
		return c.pkgName(c.ifaces[id]["package"]) + "/" + fmt.Sprint(name)
	}
	if n, ok := c.anon[id]; ok {
		return n
	}
	return fmt.Sprintf("anonymous-interface-%d", id) // not reachable from a world
}

func (c *corpusCanonicalizer) worldName(id int) string {
	if id < 0 || id >= len(c.worlds) {
		return fmt.Sprintf("bad-world-%d", id)
	}
	return c.pkgName(c.worlds[id]["package"]) + "#" + fmt.Sprint(c.worlds[id]["name"])
}

func (c *corpusCanonicalizer) ownerName(v any) string {
	m, _ := v.(map[string]any)
	if n, ok := corpusJSONInt(m["interface"]); ok {
		return c.ifaceName(n)
	}
	if n, ok := corpusJSONInt(m["world"]); ok {
		return c.worldName(n)
	}
	return "-"
}

// names maps {name: id} through f.
func (c *corpusCanonicalizer) names(v any, f func(int) string) map[string]any {
	out := map[string]any{}
	m, _ := v.(map[string]any)
	for k, id := range m {
		if n, ok := corpusJSONInt(id); ok {
			out[k] = f(n)
		}
	}
	return out
}

// typeRef names a named type, or inlines an anonymous one.
func (c *corpusCanonicalizer) typeRef(v any) any {
	n, ok := corpusJSONInt(v)
	if !ok {
		return v // a primitive, or null
	}
	if n >= len(c.types) {
		return fmt.Sprintf("bad-type-%d", n)
	}
	t := c.types[n]
	if t["name"] != nil {
		return "type:" + c.ownerName(t["owner"]) + "." + fmt.Sprint(t["name"])
	}
	return c.typeDef(n)
}

func (c *corpusCanonicalizer) typeDef(id int) any {
	if c.depth > 200 {
		return "too-deep"
	}
	c.depth++
	defer func() { c.depth-- }()
	out := map[string]any{}
	for k, v := range c.types[id] {
		switch k {
		case "owner":
			out[k] = c.ownerName(v)
		case "kind":
			out[k] = c.kind(v)
		default:
			out[k] = v
		}
	}
	return out
}

func (c *corpusCanonicalizer) typeDefs(v any) map[string]any {
	out := map[string]any{}
	m, _ := v.(map[string]any)
	for k, id := range m {
		if n, ok := corpusJSONInt(id); ok && n < len(c.types) {
			out[k] = c.typeDef(n)
		}
	}
	return out
}

func (c *corpusCanonicalizer) kind(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v // "resource"
	}
	if fl, ok := m["fixed-length-list"].([]any); ok && len(fl) == 2 {
		return map[string]any{"fixed-length-list": []any{c.typeRef(fl[0]), fl[1]}}
	}
	return c.walk(m)
}

// walk replaces every number in v by the type it refers to: in type kinds,
// functions and world items every number is a type ID.
func (c *corpusCanonicalizer) walk(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = c.walk(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = c.walk(e)
		}
		return out
	case float64:
		return c.typeRef(v)
	}
	return v
}

func (c *corpusCanonicalizer) worldItem(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, e := range m {
		switch k {
		case "interface":
			ref, _ := e.(map[string]any)
			cr := map[string]any{}
			for rk, rv := range ref {
				if n, ok := corpusJSONInt(rv); ok && rk == "id" {
					cr[rk] = c.ifaceName(n)
				} else {
					cr[rk] = rv
				}
			}
			out[k] = cr
		case "type":
			if n, ok := corpusJSONInt(e); ok && n < len(c.types) {
				out[k] = c.typeDef(n)
			} else {
				out[k] = e
			}
		default:
			out[k] = c.walk(e)
		}
	}
	return out
}

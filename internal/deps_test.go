// Package internal holds the packages users must not import. This file guards
// the core module's dependency set.
package internal

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/plugwit/plugwit"

// allowedDeps is every module the core go.mod may require: wazero, and for
// plugin manifests at most one of two well-kept TOML libraries. Benchmarks
// against peers live in bench/, a module of its own.
var allowedDeps = map[string]bool{
	"github.com/tetratelabs/wazero":   true,
	"github.com/BurntSushi/toml":      true,
	"github.com/pelletier/go-toml/v2": true,
}

// wazeroDeps are the modules wazero itself requires (wazero v1.12 needs
// golang.org/x/sys). They may appear in go.mod, as `// indirect` only, and
// no package of this module may import them.
var wazeroDeps = map[string]bool{
	"golang.org/x/sys": true,
}

func isTOML(mod string) bool { return strings.Contains(strings.ToLower(mod), "toml") }

// repoRoot finds the directory of the core go.mod above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// goModRequires returns the module paths of the require directives of a
// go.mod file, in both the one-line and the block form. It reads only what
// it needs of the go.mod grammar: directives start a line, `//` starts a
// comment, a block runs from `require (` to `)`.
func goModRequires(text string) ([]string, error) {
	var mods []string
	inBlock := false
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if inBlock {
			if fields[0] == ")" {
				inBlock = false
				continue
			}
			mod, err := modPath(fields[0])
			if err != nil {
				return nil, fmt.Errorf("go.mod:%d: %v", n, err)
			}
			mods = append(mods, mod)
			continue
		}
		if fields[0] != "require" {
			continue
		}
		switch {
		case len(fields) == 2 && fields[1] == "(":
			inBlock = true
		case len(fields) >= 3 && fields[1] != "(":
			mod, err := modPath(fields[1])
			if err != nil {
				return nil, fmt.Errorf("go.mod:%d: %v", n, err)
			}
			mods = append(mods, mod)
		default:
			return nil, fmt.Errorf("go.mod:%d: malformed require: %q", n, sc.Text())
		}
	}
	if inBlock {
		return nil, fmt.Errorf("go.mod: unterminated require block")
	}
	return mods, sc.Err()
}

// modPath unquotes a module path written as a Go string literal.
func modPath(s string) (string, error) {
	if strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "`") {
		return strconv.Unquote(s)
	}
	return s, nil
}

func TestGoModRequires(t *testing.T) {
	got, err := goModRequires(`module example.com/m // the module

go 1.24

require github.com/a/b v1.0.0 // indirect
require (
	// a comment line
	github.com/c/d v0.1.0
	"github.com/e/f" v1.2.3 // indirect

)
require ( github.com/g/h v1.0.0 )
`)
	// The last line is not the block form (the block must open with "require
	// (" alone), so it is rejected rather than misread.
	if err == nil {
		t.Fatalf("want an error for the one-line block, got %q", got)
	}
	got, err = goModRequires(`module example.com/m

require github.com/a/b v1.0.0 // indirect
require (
	// a comment line
	github.com/c/d v0.1.0
	"github.com/e/f" v1.2.3 // indirect

)
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "github.com/a/b github.com/c/d github.com/e/f"; strings.Join(got, " ") != want {
		t.Errorf("requires %q, want %q", got, want)
	}
}

// TestCoreDependencies asserts that the core module requires only wazero and
// at most one TOML library.
func TestCoreDependencies(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mods, err := goModRequires(string(data))
	if err != nil {
		t.Fatal(err)
	}
	tomls := 0
	indirect := indirectRequires(string(data))
	for _, m := range mods {
		if wazeroDeps[m] {
			if !indirect[m] {
				t.Errorf("go.mod requires %s directly; it may only come in as a dependency of wazero (// indirect)", m)
			}
			continue
		}
		if !allowedDeps[m] {
			t.Errorf("go.mod requires %s; the core module may depend only on wazero and one TOML library "+
				"(put benchmark peers in bench/, which is its own module)", m)
		}
		if isTOML(m) {
			tomls++
		}
	}
	if tomls > 1 {
		t.Errorf("go.mod requires %d TOML libraries; pick one", tomls)
	}
	t.Logf("core dependencies: %q", mods)
}

// indirectRequires returns the modules whose require line is marked
// `// indirect`.
func indirectRequires(text string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		code, comment, ok := strings.Cut(line, "//")
		if !ok || strings.TrimSpace(comment) != "indirect" {
			continue
		}
		f := strings.Fields(code)
		if len(f) >= 2 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) == 2 {
			out[strings.Trim(f[0], `"`)] = true
		}
	}
	return out
}

// TestCoreImports asserts that the Go files of the core module import only
// the standard library, the module's own packages, and modules that go.mod
// may require. Directories holding another module (bench/) and testdata are
// skipped, as the go command skips them.
func TestCoreImports(t *testing.T) {
	root := repoRoot(t)
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if !importAllowed(p) {
				t.Errorf("%s imports %s, outside the standard library, this module, wazero and one TOML library", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func importAllowed(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	if !strings.Contains(first, ".") {
		return true // standard library
	}
	if p == modulePath || strings.HasPrefix(p, modulePath+"/") {
		return true
	}
	for m := range allowedDeps {
		if p == m || strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}

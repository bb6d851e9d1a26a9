package wit

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxSourceBytes bounds the WIT text one Resolve accepts, so that spans fit
// their 32-bit offsets.
const maxSourceBytes = math.MaxUint32 / 2

// PushPath parses the WIT package at path and adds it to r with everything
// it depends on. path is a `.wit` file (one package, plus any nested
// `package a:b { … }` blocks; what it uses must already be in r) or a
// directory: all its `.wit` files form one package, and its `deps/` folder
// holds the packages it depends on, each a `.wit` file or a directory of
// them, in any order. PushPath returns the ID of the main package.
func (r *Resolve) PushPath(path string) (PackageID, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("wit: %w", err)
	}
	if !info.IsDir() {
		g, err := r.parseFiles([]string{path}, path)
		if err != nil {
			return 0, err
		}
		return r.pushGroups(g, nil)
	}
	main, err := r.parseDir(path)
	if err != nil {
		return 0, err
	}
	deps, err := r.parseDeps(filepath.Join(path, "deps"))
	if err != nil {
		return 0, err
	}
	return r.pushGroups(main, deps)
}

// PushSource parses WIT text as if read from a file named name (used in
// error messages) and adds its package, with any nested packages, to r.
// Every package it uses must already be in r.
func (r *Resolve) PushSource(name, text string) (PackageID, error) {
	g, err := r.parseTexts([]namedText{{name, text}}, name)
	if err != nil {
		return 0, err
	}
	return r.pushGroups(g, nil)
}

// LoadPath is a shorthand for NewResolve(features...).PushPath(path).
func LoadPath(path string, features ...string) (*Resolve, PackageID, error) {
	r := NewResolve(features...)
	id, err := r.PushPath(path)
	if err != nil {
		return nil, 0, err
	}
	return r, id, nil
}

// packageGroup is what one file or directory yields: its main package and
// the packages nested in it.
type packageGroup struct {
	main   *unresolvedPackage
	nested []*unresolvedPackage
}

type namedText struct{ name, text string }

// parseDir parses the `.wit` files of a directory (not its subdirectories)
// as one package.
func (r *Resolve) parseDir(dir string) (*packageGroup, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wit: %w", err)
	}
	var files []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !strings.HasSuffix(e.Name(), ".wit") || isDir(p, e) {
			continue
		}
		files = append(files, p)
	}
	return r.parseFiles(files, dir)
}

func isDir(p string, e fs.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&fs.ModeSymlink != 0 {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			return true
		}
	}
	return false
}

// parseDeps parses every package in a deps folder, in name order.
func (r *Resolve) parseDeps(dir string) ([]*packageGroup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wit: %w", err)
	}
	var groups []*packageGroup
	for _, e := range entries { // os.ReadDir sorts by name
		p := filepath.Join(dir, e.Name())
		var g *packageGroup
		switch {
		case isDir(p, e):
			g, err = r.parseDir(p)
		case strings.HasSuffix(e.Name(), ".wit"):
			g, err = r.parseFiles([]string{p}, p)
		case strings.HasSuffix(e.Name(), ".wasm"), strings.HasSuffix(e.Name(), ".wat"):
			err = fmt.Errorf("wit: %s: WIT packages encoded as wasm are not supported yet; use the .wit text", p)
		default:
			continue // .DS_Store and other strays
		}
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, nil
}

func (r *Resolve) parseFiles(paths []string, what string) (*packageGroup, error) {
	texts := make([]namedText, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("wit: %w", err)
		}
		if !utf8.Valid(b) {
			bad := 0
			for bad < len(b) {
				r, n := utf8.DecodeRune(b[bad:])
				if r == utf8.RuneError && n == 1 {
					break
				}
				bad += n
			}
			f := r.sources.add(p, string(b))
			return nil, r.sources.errorAt(Span{f.offset + uint32(bad), f.offset + uint32(bad) + 1}, "input file is not valid UTF-8")
		}
		texts = append(texts, namedText{p, string(b)})
	}
	return r.parseTexts(texts, what)
}

// parseTexts parses the files of one package, in path order, and resolves
// each nested package and then the main one within the package.
func (r *Resolve) parseTexts(texts []namedText, what string) (g *packageGroup, err error) {
	total := uint64(r.sources.next)
	for _, t := range texts {
		total += uint64(len(t.text)) + 1
	}
	if total > maxSourceBytes {
		return nil, fmt.Errorf("wit: %s: too much WIT text (%d bytes)", what, total)
	}
	files := make([]*sourceFile, len(texts))
	for i, t := range texts {
		files[i] = r.sources.add(t.name, t.text)
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].path < files[j].path })

	defer func() {
		if e := recover(); e != nil {
			se, ok := e.(*syntaxError)
			if !ok {
				panic(e)
			}
			g, err = nil, r.sources.errorAt(se.span, "%s", se.msg)
		}
	}()
	g = &packageGroup{}
	main := &astResolver{}
	if len(files) > 0 {
		main.firstPos = Span{files[0].offset, files[0].offset}
	}
	for _, f := range files {
		ast, serr := parseFile(f.text, f.offset)
		if serr != nil {
			panic(serr)
		}
		kept := ast.items[:0]
		for _, it := range ast.items {
			nested, ok := it.(*astFile)
			if !ok {
				kept = append(kept, it)
				continue
			}
			nr := &astResolver{firstPos: nested.pkg.span}
			nr.push(nested)
			g.nested = append(g.nested, nr.resolve())
		}
		ast.items = kept
		main.push(ast)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("wit: %s: no `package` header was found: no .wit files", what)
	}
	g.main = main.resolve()
	return g, nil
}

// pushGroups adds the packages of main and deps to r, each after the
// packages it uses, and returns the ID of main's main package.
func (r *Resolve) pushGroups(main *packageGroup, deps []*packageGroup) (id PackageID, err error) {
	// A failure leaves r as it was: what was added so far is cut off again.
	nw, ni, nt, np := len(r.Worlds), len(r.Interfaces), len(r.Types), len(r.Packages)
	defer func() {
		if e := recover(); e != nil {
			se, ok := e.(*syntaxError)
			if !ok {
				panic(e)
			}
			err = r.sources.errorAt(se.span, "%s", se.msg)
		}
		if err != nil {
			for _, p := range r.Packages[np:] {
				delete(r.packageNames, p.Name.String())
			}
			r.Worlds, r.Interfaces, r.Types, r.Packages = r.Worlds[:nw], r.Interfaces[:ni], r.Types[:nt], r.Packages[:np]
		}
	}()
	byName := map[string]*unresolvedPackage{}
	var all []*unresolvedPackage
	for _, g := range append([]*packageGroup{main}, deps...) {
		for _, p := range append(append([]*unresolvedPackage(nil), g.nested...), g.main) {
			key := p.name.String()
			if prev, dup := byName[key]; dup {
				return 0, r.sources.errorAt(p.nameSpan, "package `%s` is defined in two different locations:\n  * %s\n  * %s",
					key, r.Pos(p.nameSpan), r.Pos(prev.nameSpan))
			}
			byName[key] = p
			all = append(all, p)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return comparePackageNames(all[i].name, all[j].name) < 0 })

	done := map[string]bool{}
	visiting := map[string]bool{}
	var order []*unresolvedPackage
	var visit func(p *unresolvedPackage)
	visit = func(p *unresolvedPackage) {
		if done[p.name.String()] {
			return
		}
		for _, d := range p.foreignDeps {
			key := d.name.String()
			if visiting[key] {
				panic(&syntaxError{d.span, fmt.Sprintf("package `%s` creates a dependency cycle", key)})
			}
			if dep, ok := byName[key]; ok {
				visiting[key] = true
				visit(dep)
				delete(visiting, key)
			}
		}
		done[p.name.String()] = true
		order = append(order, p)
	}
	for _, p := range all {
		visit(p)
	}
	mainID := PackageID(-1)
	for _, p := range order {
		pid := r.add(p)
		if p == main.main {
			mainID = pid
		}
	}
	return mainID, nil
}

// comparePackageNames orders package names by namespace, name, then version
// (no version first).
func comparePackageNames(a, b PackageName) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	switch {
	case a.Version == nil && b.Version == nil:
		return 0
	case a.Version == nil:
		return -1
	case b.Version == nil:
		return 1
	}
	if c := a.Version.Compare(b.Version); c != 0 {
		return c
	}
	return strings.Compare(a.Version.Build, b.Version.Build)
}

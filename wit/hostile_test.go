package wit

// Hostile inputs: each must load, or fail with a located *Error, without a
// panic, a stack overflow or a blow-up in time or memory. None of the tests
// enforces a deadline; they are written to take well under a second each, so
// that a quadratic path shows up as a slow test.

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostilePush pushes text as file name into a new Resolve.
func hostilePush(t *testing.T, name, text string) (*Resolve, PackageID, error) {
	t.Helper()
	r := NewResolve(fuzzFeatures...)
	pkg, err := r.PushSource(name, text)
	return r, pkg, err
}

// wantErrAt checks that err is a *Error at file:line:col (col 0: any
// column) whose message contains msg.
func wantErrAt(t *testing.T, err error, file string, line, col int, msg string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one at %s:%d:%d containing %q", file, line, col, msg)
	}
	var werr *Error
	if !errors.As(err, &werr) {
		t.Fatalf("error is %T, not *wit.Error with a position: %.500v", err, err)
	}
	if werr.Pos.File != file || werr.Pos.Line != line || (col != 0 && werr.Pos.Col != col) || werr.Pos.Col < 1 {
		t.Errorf("error at %s, want %s:%d:%d: %.500v", werr.Pos, file, line, col, err)
	}
	if werr.Msg == "" || !strings.Contains(werr.Msg, msg) {
		t.Errorf("error message %.500q does not contain %q", werr.Msg, msg)
	}
	if !strings.Contains(err.Error(), werr.Pos.String()) {
		t.Errorf("error text does not name %s: %.500v", werr.Pos, err)
	}
	return werr
}

// mustLoad checks that text loads, encodes as JSON and prints, and returns
// the Resolve and the printed text.
func mustLoad(t *testing.T, text string) (*Resolve, PackageID, string) {
	t.Helper()
	r, pkg, err := hostilePush(t, "hostile.wit", text)
	if err != nil {
		t.Fatalf("load: %.2000v", err)
	}
	if _, err := r.MarshalJSON(); err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	printed := r.PrintAll(pkg)
	if brokenMarker(printed) {
		t.Fatalf("Print wrote a broken-model comment")
	}
	return r, pkg, printed
}

// reloadPrinted checks that printed text loads again into a Resolve with as
// many packages, interfaces and worlds as r.
func reloadPrinted(t *testing.T, r *Resolve, printed string) {
	t.Helper()
	r2, _, err := hostilePush(t, "printed.wit", printed)
	if err != nil {
		t.Fatalf("printed text does not load again: %.2000v", err)
	}
	if len(r2.Packages) != len(r.Packages) || len(r2.Interfaces) != len(r.Interfaces) || len(r2.Worlds) != len(r.Worlds) {
		t.Fatalf("printed text loads to %d packages, %d interfaces, %d worlds; want %d, %d, %d",
			len(r2.Packages), len(r2.Interfaces), len(r2.Worlds), len(r.Packages), len(r.Interfaces), len(r.Worlds))
	}
}

const hostileHeader = "package a:b;\n"

func TestHostileDeepTypes(t *testing.T) {
	const depth = 100_000
	prefix := hostileHeader + "interface i {\n  type t = "
	col := len("  type t = ") + 1
	for _, tc := range []struct {
		name, open, close, leaf string
		at                      int // offset of the failing token from the start of the type
	}{
		{"list", "list<", ">", "u8", 5 * maxTypeDepth},
		{"option", "option<", ">", "u8", 7 * maxTypeDepth},
		{"tuple", "tuple<", ">", "u8", 6 * maxTypeDepth},
		{"result", "result<", ">", "u8", 7 * maxTypeDepth},
		{"result-err", "result<_, ", ">", "u8", 10 * maxTypeDepth},
		{"map", "map<string, ", ">", "u8", 12*(maxTypeDepth-1) + len("map<")}, // at the key
		{"future", "future<", ">", "u8", 7 * maxTypeDepth},
		{"fixed-list", "list<", ", 1>", "u8", 5 * maxTypeDepth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Repeat(tc.open, depth) + tc.leaf + strings.Repeat(tc.close, depth)
			_, _, err := hostilePush(t, "deep.wit", prefix+body+";\n}\n")
			wantErrAt(t, err, "deep.wit", 3, col+tc.at, "type nesting too deep")

			// Never closed: the same error, not a search for the end.
			_, _, err = hostilePush(t, "deep.wit", prefix+strings.Repeat(tc.open, depth))
			wantErrAt(t, err, "deep.wit", 3, col+tc.at, "type nesting too deep")
		})
	}
	t.Run("at-limit", func(t *testing.T) {
		body := strings.Repeat("list<", maxTypeDepth-1) + "u8" + strings.Repeat(">", maxTypeDepth-1)
		mustLoad(t, prefix+body+";\n}\n")
	})
	t.Run("in-params-and-results", func(t *testing.T) {
		nest := strings.Repeat("option<", depth)
		_, _, err := hostilePush(t, "deep.wit", hostileHeader+"interface i {\n  f: func(x: "+nest)
		wantErrAt(t, err, "deep.wit", 3, len("  f: func(x: ")+1+7*maxTypeDepth, "type nesting too deep")
		_, _, err = hostilePush(t, "deep.wit", hostileHeader+"world w {\n  import f: func() -> "+nest)
		wantErrAt(t, err, "deep.wit", 3, len("  import f: func() -> ")+1+7*maxTypeDepth, "type nesting too deep")
	})
}

// TestHostileDeepTypeGraph nests types 50,000 deep through names rather
// than syntax: each type is a list of the one before, declared in reverse so
// that the resolver has to sort them. Every walk over the type graph
// (resolution, borrow and stability checks, JSON, Print, the ABI) must cope.
func TestHostileDeepTypeGraph(t *testing.T) {
	const n = 50_000
	var b strings.Builder
	b.WriteString(hostileHeader + "interface i {\n")
	for i := n - 1; i > 0; i-- {
		fmt.Fprintf(&b, "  type t%d = list<t%d>;\n", i, i-1)
	}
	b.WriteString("  type t0 = u8;\n")
	fmt.Fprintf(&b, "  f: func(x: t%d) -> t%d;\n}\n", n-1, n-1)
	r, _, printed := mustLoad(t, b.String())
	iface := r.Interfaces[0]
	if iface.Types.Len() != n {
		t.Fatalf("%d types, want %d", iface.Types.Len(), n)
	}
	f, _ := iface.Functions.Get("f")
	if got := r.TypeString(f.Params[0].Type); got != fmt.Sprintf("t%d", n-1) {
		t.Errorf("param type %s", got)
	}
	reloadPrinted(t, r, printed)

	// The same as one alias chain.
	b.Reset()
	b.WriteString(hostileHeader + "interface i {\n  type t0 = u8;\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  type t%d = t%d;\n", i, i-1)
	}
	b.WriteString("}\n")
	mustLoad(t, b.String())
}

func TestHostileDeepPackages(t *testing.T) {
	const depth = 10_000
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "package p%d:q {\n", i)
	}
	open := b.String()
	// Parsing stops at maxPackageDepth, whether or not the blocks close.
	_, _, err := hostilePush(t, "pkgs.wit", open)
	wantErrAt(t, err, "pkgs.wit", maxPackageDepth+1, 1, "")
	_, _, err = hostilePush(t, "pkgs.wit", open+strings.Repeat("}\n", depth))
	wantErrAt(t, err, "pkgs.wit", maxPackageDepth+1, 1, "")
	_, _, err = hostilePush(t, "pkgs.wit", hostileHeader+open+strings.Repeat("}\n", depth))
	wantErrAt(t, err, "pkgs.wit", maxPackageDepth+2, 1, "")
	// Two levels are already an error: nested packages do not nest.
	_, _, err = hostilePush(t, "pkgs.wit", hostileHeader+"package c:d {\n  package e:f {\n  }\n}\n")
	wantErrAt(t, err, "pkgs.wit", 3, 11, "nested packages must be placed at the top-level")
}

// TestHostileManyNestedPackages declares 10,000 sibling nested packages,
// each using the one before.
func TestHostileManyNestedPackages(t *testing.T) {
	const n = 10_000
	var b strings.Builder
	b.WriteString(hostileHeader + "world w { import p0:q/i; }\n")
	for i := n - 1; i > 0; i-- {
		fmt.Fprintf(&b, "package p%d:q {\n  interface i { use p%d:q/i.{t}; }\n}\n", i, i-1)
	}
	b.WriteString("package p0:q {\n  interface i { type t = u8; }\n}\n")
	r, _, _ := mustLoad(t, b.String())
	if len(r.Packages) != n+1 {
		t.Fatalf("%d packages, want %d", len(r.Packages), n+1)
	}
}

// TestHostileUseChain resolves 50,000 interfaces, each using a type of the
// one before, declared last-first, and a world importing the last, which
// elaborates into importing every one of them.
func TestHostileUseChain(t *testing.T) {
	const n = 50_000
	var b strings.Builder
	b.WriteString(hostileHeader)
	fmt.Fprintf(&b, "world w { import i%d; }\n", n-1)
	for i := n - 1; i > 0; i-- {
		fmt.Fprintf(&b, "interface i%d { use i%d.{t}; }\n", i, i-1)
	}
	b.WriteString("interface i0 { type t = u32; }\n")
	r, pkg, printed := mustLoad(t, b.String())
	if len(r.Interfaces) != n {
		t.Fatalf("%d interfaces, want %d", len(r.Interfaces), n)
	}
	w := r.Worlds[0]
	if w.Imports.Len() != n {
		t.Errorf("world imports %d interfaces, want all %d", w.Imports.Len(), n)
	}
	last, _ := r.Packages[pkg].Interfaces.Get(fmt.Sprintf("i%d", n-1))
	tid, _ := r.Interfaces[last].Types.Get("t")
	if dep, ok := r.TypeInterfaceDep(tid); !ok || r.Interfaces[dep].Name != fmt.Sprintf("i%d", n-2) {
		t.Errorf("t of the last interface does not come from the one before")
	}
	if !strings.Contains(printed, fmt.Sprintf("interface i%d {\n  use i%d.{t};\n}", n-1, n-2)) {
		t.Errorf("the last interface does not print its use")
	}
	reloadPrinted(t, r, printed)
}

// TestHostileIncludeChain resolves 10,000 worlds, each including the one
// before, declared last-first.
func TestHostileIncludeChain(t *testing.T) {
	const n = 10_000
	var b strings.Builder
	b.WriteString(hostileHeader)
	for i := n - 1; i > 0; i-- {
		fmt.Fprintf(&b, "world w%d { include w%d; }\n", i, i-1)
	}
	b.WriteString("interface base { type t = u8; }\n")
	b.WriteString("world w0 { import base; import f: func(); export g: func(); }\n")
	r, pkg, printed := mustLoad(t, b.String())
	id, _ := r.Packages[pkg].Worlds.Get(fmt.Sprintf("w%d", n-1))
	w := r.Worlds[id]
	if w.Imports.Len() != 2 || w.Exports.Len() != 1 {
		t.Errorf("last world has %d imports and %d exports, want 2 and 1", w.Imports.Len(), w.Exports.Len())
	}
	reloadPrinted(t, r, printed)

	// A cycle through the whole chain is reported, not followed forever.
	cyclic := strings.Replace(b.String(), "world w0 { import base;", "world w0 { include w9999; import base;", 1)
	_, _, err := hostilePush(t, "cycle.wit", cyclic)
	if err == nil {
		t.Fatal("include cycle accepted")
	}
	var werr *Error
	if !errors.As(err, &werr) || werr.Pos.Line < 1 || werr.Pos.Col < 1 {
		t.Fatalf("include cycle: error without a position: %.500v", err)
	}
}

func TestHostileLongIdentifier(t *testing.T) {
	const size = 1 << 20
	long := strings.Repeat("a", size)
	t.Run("valid", func(t *testing.T) {
		text := hostileHeader + "interface " + long + " {\n  " + long + ": func(" + long + ": u8);\n}\n" +
			"world w { import " + long + "; export %" + long + "-b: func(); }\n"
		r, _, printed := mustLoad(t, text)
		if _, ok := r.Packages[0].Interfaces.Get(long); !ok {
			t.Fatal("interface with the long name is missing")
		}
		reloadPrinted(t, r, printed)
	})
	t.Run("package-name", func(t *testing.T) {
		mustLoad(t, "package "+long+":"+long+"@1.0.0-"+long+";\n")
	})
	t.Run("invalid", func(t *testing.T) {
		// The error is at the start of the identifier, its message names
		// the bad character, and the snippet is left out of a line that
		// long rather than copied.
		_, _, err := hostilePush(t, "long.wit", hostileHeader+"interface "+long+"-Ab {}\n")
		werr := wantErrAt(t, err, "long.wit", 2, 11, "invalid character in identifier")
		if len(err.Error()) > 10_000 {
			t.Errorf("error text is %d bytes long", len(err.Error()))
		}
		_ = werr
		_, _, err = hostilePush(t, "long.wit", hostileHeader+"interface "+long+"- {}\n")
		wantErrAt(t, err, "long.wit", 2, 11, "identifiers must have characters between '-'s")
	})
	t.Run("unknown", func(t *testing.T) {
		// A message that quotes the name is as long as the name; it must
		// still be located.
		_, _, err := hostilePush(t, "long.wit", hostileHeader+"interface i { f: func() -> "+long+"; }\n")
		wantErrAt(t, err, "long.wit", 2, 28, "does not exist")
	})
	t.Run("string", func(t *testing.T) {
		mustLoad(t, hostileHeader+"interface i {\n  @external-id(\""+long+"\")\n  f: func();\n}\n")
		_, _, err := hostilePush(t, "long.wit", hostileHeader+"interface i {\n  @external-id(\""+long)
		wantErrAt(t, err, "long.wit", 3, 0, "unterminated string literal")
	})
}

// TestHostileManyFunctions loads 200,000 functions into one interface and
// imports 20,000 more into a world.
func TestHostileManyFunctions(t *testing.T) {
	const n = 200_000
	var b strings.Builder
	b.WriteString(hostileHeader + "interface i {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  fn%d: func(a: u32) -> string;\n", i)
	}
	b.WriteString("}\nworld w {\n  import i;\n")
	for i := 0; i < n/10; i++ {
		fmt.Fprintf(&b, "  import g%d: func();\n", i)
	}
	b.WriteString("}\n")
	r, _, _ := mustLoad(t, b.String())
	if got := r.Interfaces[0].Functions.Len(); got != n {
		t.Fatalf("%d functions, want %d", got, n)
	}
	if got := r.Worlds[0].Imports.Len(); got != n/10+1 {
		t.Fatalf("%d world imports, want %d", got, n/10+1)
	}

	// A duplicate at the very end is found (and quickly).
	_, _, err := hostilePush(t, "dup.wit", b.String()[:strings.Index(b.String(), "}\n")]+"  fn0: func();\n}\n")
	wantErrAt(t, err, "dup.wit", n+3, 3, "fn0")
}

func TestHostileComments(t *testing.T) {
	const depth = 100_000
	open, close := strings.Repeat("/*", depth), strings.Repeat("*/", depth)
	t.Run("unterminated", func(t *testing.T) {
		_, _, err := hostilePush(t, "c.wit", hostileHeader+"interface i {}\n  /* never closed\n\n")
		wantErrAt(t, err, "c.wit", 3, 3, "unterminated block comment")
		_, _, err = hostilePush(t, "c.wit", hostileHeader+"/** doc, never closed")
		wantErrAt(t, err, "c.wit", 2, 1, "unterminated block comment")
		_, _, err = hostilePush(t, "c.wit", hostileHeader+"/*")
		wantErrAt(t, err, "c.wit", 2, 1, "unterminated block comment")
	})
	t.Run("nested-deep", func(t *testing.T) {
		mustLoad(t, hostileHeader+open+close+"\ninterface i {}\n")
		_, _, err := hostilePush(t, "c.wit", hostileHeader+"\n"+open+close[2:]+"\ninterface i {}\n")
		wantErrAt(t, err, "c.wit", 3, 1, "unterminated block comment")
	})
	t.Run("nested-deep-doc", func(t *testing.T) {
		r, _, printed := mustLoad(t, hostileHeader+"/** "+open+close+" */\ninterface i {}\n")
		if !r.Interfaces[0].Docs.Present {
			t.Error("the doc comment is lost")
		}
		reloadPrinted(t, r, printed)
	})
	t.Run("many", func(t *testing.T) {
		// 100,000 doc comments on one item.
		mustLoad(t, hostileHeader+strings.Repeat("/// doc line\n", depth)+"interface i {}\n")
		mustLoad(t, hostileHeader+"interface i {\n"+strings.Repeat("/** a */ // b\n", depth)+"  f: func();\n}\n")
	})
}

func TestHostileControlBytes(t *testing.T) {
	var bad []rune
	for c := rune(0); c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			bad = append(bad, c)
		}
	}
	bad = append(bad, 0x7f)
	for c := rune(0x80); c < 0xa0; c++ {
		bad = append(bad, c)
	}
	for _, c := range bad {
		for _, where := range []struct {
			name, before, after string
			line, col           int
		}{
			{"code", hostileHeader + "interface i {", "}\n", 2, 14},
			{"comment", hostileHeader + "// a", "\n", 2, 5},
			{"block-comment", hostileHeader + "/* é", " */\n", 2, 5},
			{"doc", hostileHeader + "/// x", "\ninterface i {}\n", 2, 6},
			{"string", hostileHeader + "interface i { @external-id(\"", "\") f: func(); }\n", 2, 29},
			{"first", "", hostileHeader, 1, 1},
			{"last", hostileHeader, "", 2, 1},
		} {
			name := fmt.Sprintf("%U/%s", c, where.name)
			_, _, err := hostilePush(t, name, where.before+string(c)+where.after)
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			var werr *Error
			if !errors.As(err, &werr) || werr.Pos != (Pos{name, where.line, where.col}) {
				t.Errorf("%s: error %.300v, want it at %s:%d:%d", name, err, name, where.line, where.col)
			}
		}
	}
}

func TestHostileBidi(t *testing.T) {
	for _, c := range []rune{'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'} {
		name := fmt.Sprintf("%U", c)
		_, _, err := hostilePush(t, name, hostileHeader+"interface i {\n  // é"+string(c)+" evil\n  f: func();\n}\n")
		wantErrAt(t, err, name, 3, 7, "bidirectional override")
		_, _, err = hostilePush(t, name, hostileHeader+"interface i {\n  @external-id(\"x"+string(c)+"\")\n  f: func();\n}\n")
		wantErrAt(t, err, name, 3, 18, "bidirectional override")
	}
}

// TestHostileInvalidUTF8 reads files that are not UTF-8 through PushPath:
// alone, in a package directory, and in deps. The error must say where the
// bad byte is, as it does for the same text given to PushSource.
func TestHostileInvalidUTF8(t *testing.T) {
	text := hostileHeader + "\n// caf\xe9\ninterface i {}\n"
	_, _, err := hostilePush(t, "mem.wit", text)
	wantErrAt(t, err, "mem.wit", 3, 7, "not valid UTF-8")

	for _, bad := range []string{"\xe9", "\xff", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf"} {
		t.Run(fmt.Sprintf("%x", bad), func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.wit")
			if err := os.WriteFile(file, []byte(hostileHeader+"\n// caf"+bad+"\ninterface i {}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := NewResolve().PushPath(file)
			wantErrAt(t, err, file, 3, 7, "not valid UTF-8")

			pkgDir := filepath.Join(dir, "pkg")
			writeFiles(t, pkgDir, map[string]string{
				"a.wit":          hostileHeader + "interface i { use c:d/j.{}; }\n",
				"b.wit":          "interface k {}\n// " + bad + "\n",
				"deps/c-d/x.wit": "package c:d;\ninterface j {}\n",
			})
			_, err = NewResolve().PushPath(pkgDir)
			wantErrAt(t, err, filepath.Join(pkgDir, "b.wit"), 2, 4, "not valid UTF-8")

			writeFiles(t, pkgDir, map[string]string{
				"b.wit":          "interface k {}\n",
				"deps/c-d/x.wit": "package c:d;\ninterface j {}\n\t" + bad,
			})
			_, err = NewResolve().PushPath(pkgDir)
			wantErrAt(t, err, filepath.Join(pkgDir, "deps", "c-d", "x.wit"), 3, 2, "not valid UTF-8")
		})
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hostileTokens are the words randomTokens draws from.
var hostileTokens = []string{
	"package", "a:b", "world", "interface", "use", "include", "with", "import", "export", "type", "func",
	"resource", "record", "flags", "variant", "enum", "constructor", "static", "async", "get", "set",
	"list", "option", "result", "tuple", "map", "future", "stream", "own", "borrow", "string", "u32",
	"%type", "x", "y-z", "_", "as", "from", "{", "}", "(", ")", "<", ">", ",", ";", ":", ".", "/", "@",
	"=", "->", "*", "+", "-", "1", "0.1.0", "\"s\"", "@since(version = 1.0.0)", "@unstable(feature = f)",
	"// c\n", "/* c */", "/** d */", "/// d\n", " ", "\n", "\t", "\r\n",
}

// randomTokens returns about size bytes of tokens from hostileTokens.
func randomTokens(rng *rand.Rand, size int) string {
	var b strings.Builder
	b.Grow(size + 64)
	for b.Len() < size {
		b.WriteString(hostileTokens[rng.Intn(len(hostileTokens))])
		if rng.Intn(3) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestHostileRandomTokens loads 5 MB files of random tokens, with and
// without a package header, through PushSource and PushPath; the error must
// be located inside the file.
func TestHostileRandomTokens(t *testing.T) {
	const size = 5 << 20
	dir := t.TempDir()
	for seed := int64(1); seed <= 4; seed++ {
		text := randomTokens(rand.New(rand.NewSource(seed)), size)
		if seed%2 == 0 {
			text = hostileHeader + "interface i {\n" + text
		}
		name := fmt.Sprintf("random-%d.wit", seed)
		_, _, err := hostilePush(t, name, text)
		if err == nil {
			continue // possible, if unlikely
		}
		checkWITError(t, err, map[string]string{name: text})

		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = NewResolve().PushPath(file)
		checkWITError(t, err, map[string]string{file: text})
	}
}

// TestHostileRandomDocs loads 5 MB of random tokens as the doc comment of
// an interface: `///` lines, then one block comment.
func TestHostileRandomDocs(t *testing.T) {
	const size = 5 << 20
	text := randomTokens(rand.New(rand.NewSource(7)), size)
	text = strings.NewReplacer("\r", "", "*", "").Replace(text) // no comment ends inside
	lines := strings.Split(text, "\n")
	for _, docs := range []string{
		"/// " + strings.Join(lines, "\n/// ") + "\n",
		"/**" + text + "*/\n",
	} {
		r, _, printed := mustLoad(t, hostileHeader+docs+"interface i {}\n")
		if d := r.Interfaces[0].Docs; !d.Present || len(d.Contents) < size/2 {
			t.Fatalf("docs lost: %d bytes", len(d.Contents))
		}
		reloadPrinted(t, r, printed)
	}
}

// TestHostileRandomDeclarations loads a 5 MB file of random but valid
// declarations: types nested up to the limit, records, variants, resources
// and functions over them.
func TestHostileRandomDeclarations(t *testing.T) {
	const size = 5 << 20
	rng := rand.New(rand.NewSource(42))
	var b strings.Builder
	b.WriteString(hostileHeader)
	var typ func(names []string, depth int) string
	typ = func(names []string, depth int) string {
		prims := []string{"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "bool", "char", "string"}
		if depth <= 0 || rng.Intn(3) == 0 {
			if len(names) > 0 && rng.Intn(2) == 0 {
				return names[rng.Intn(len(names))]
			}
			return prims[rng.Intn(len(prims))]
		}
		switch rng.Intn(7) {
		case 0:
			return "list<" + typ(names, depth-1) + ">"
		case 1:
			return "option<" + typ(names, depth-1) + ">"
		case 2:
			return "result<" + typ(names, depth-1) + ", " + typ(names, depth-1) + ">"
		case 3:
			return "tuple<" + typ(names, depth-1) + ", " + typ(names, depth-1) + ">"
		case 4:
			return "list<" + typ(names, depth-1) + ", " + fmt.Sprint(1+rng.Intn(8)) + ">"
		case 5:
			return "result<_, " + typ(names, depth-1) + ">"
		default:
			return "future<" + typ(names, depth-1) + ">"
		}
	}
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "interface i%d {\n", i)
		var names []string
		for j := 0; j < 50; j++ {
			name := fmt.Sprintf("t%d", j)
			switch rng.Intn(5) {
			case 0:
				fmt.Fprintf(&b, "  type %s = %s;\n", name, typ(names, 4))
			case 1:
				fmt.Fprintf(&b, "  record %s { a: %s, b: %s }\n", name, typ(names, 3), typ(names, 3))
			case 2:
				fmt.Fprintf(&b, "  variant %s { a(%s), b }\n", name, typ(names, 3))
			case 3:
				fmt.Fprintf(&b, "  resource %s {\n    constructor(x: %s);\n    m: func() -> %s;\n    p: get() -> %s;\n  }\n",
					name, typ(names, 2), typ(names, 2), typ(names, 1))
			default:
				fmt.Fprintf(&b, "  flags %s { x, y }\n  fn%d: func(a: %s) -> %s;\n", name, j, typ(names, 3), typ(names, 3))
			}
			names = append(names, name)
		}
		if i > 0 {
			fmt.Fprintf(&b, "  use i%d.{t0 as prev};\n  g: func(p: prev);\n", i-1)
		}
		b.WriteString("}\n")
	}
	text := b.String()
	r, pkg, err := hostilePush(t, "decls.wit", text)
	if err != nil {
		t.Fatalf("load: %.2000v", err)
	}
	if _, err := r.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	printed := r.PrintAll(pkg)
	if brokenMarker(printed) {
		t.Fatal("Print wrote a broken-model comment")
	}
	reloadPrinted(t, r, printed)
	if !utf8.ValidString(printed) {
		t.Fatal("printed text is not UTF-8")
	}
}

// TestHostileManyForeignPackages uses 5,000 nested packages from one
// interface. (The time this takes grows with the square of the number of
// packages; see TestHostileScaling.)
func TestHostileManyForeignPackages(t *testing.T) {
	const n = 5_000
	var b strings.Builder
	b.WriteString(hostileHeader + "interface i {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  use p%d:q/j.{t as t%d};\n", i, i)
	}
	b.WriteString("}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "package p%d:q { interface j { type t = u8; } }\n", i)
	}
	r, _, _ := mustLoad(t, b.String())
	if len(r.Packages) != n+1 {
		t.Fatalf("%d packages, want %d", len(r.Packages), n+1)
	}
}

// TestHostilePushAfterError: a push that fails must leave the Resolve as it
// was, so that the corrected package can be pushed into it.
func TestHostilePushAfterError(t *testing.T) {
	for _, bad := range []string{
		// fails in the parser
		"package a:b@1.0.0;\ninterface i { f: func(; }\n",
		// fails while resolving the package on its own
		"package a:b@1.0.0;\ninterface i { f: func() -> nope; }\n",
		// fails while merging into the Resolve
		"package a:b@1.0.0;\ninterface i { type t = u32; f: func() -> t; }\n@since(version = 2.0.0)\ninterface j {}\n",
		"package a:b@1.0.0;\ninterface i { type t = u32; }\nworld w { import x: func(); export y: interface { use i.{t}; } include v; }\nworld v { import x: func(); }\n",
	} {
		r := NewResolve()
		if _, err := r.PushSource("base.wit", "package base:x;\ninterface i { type t = u8; }\n"); err != nil {
			t.Fatal(err)
		}
		before, _ := r.MarshalJSON()
		if _, err := r.PushSource("bad.wit", bad); err == nil {
			t.Fatalf("accepted:\n%s", bad)
		}
		after, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON after a failed push: %v", err)
		}
		if string(after) != string(before) {
			t.Errorf("a failed push changed the Resolve (-before +after):\n%s\n--- pushed ---\n%s", lineDiff(string(before), string(after)), bad)
		}
		if _, err := r.PushSource("good.wit", "package a:b@1.0.0;\ninterface i {}\n"); err != nil {
			t.Errorf("push after a failed push of the same package: %v", err)
		}
	}
}

// TestHostileScaling loads inputs of size n and 4n and fails when the time
// grows much faster than the input: a linear path takes about 4 times as
// long, a quadratic one 16 times; the test fails above 12. Each case is sized so that a quadratic
// path shows (the larger input takes about a second) while a linear one
// stays in the milliseconds. Skipped with -short.
// scalingCases are inputs whose cost once grew with the square of their
// size; BenchmarkScaling measures them at n and 4n (compare with benchstat:
// linear work takes about 4× as long), TestHostileScalingInputs checks that
// they load.
var scalingCases = []struct {
	name string
	n    int
	gen  func(n int) string
}{
	// Quadratic at the time of writing; see each function named.
	{"params", 1000, func(n int) string { // astResolver.function: duplicate check
		return "interface i { f: func(" + scalingRep(n, "p#: u8, ") + "); }\n"
	}},
	{"setters-before-getters", 1000, func(n int) string { // placeSettersAfterGetters
		return "interface i {\n  resource r {\n" + scalingRep(n, "    p#: set(v: u32);\n") + scalingRep(n, "    p#: get() -> u32;\n") + "  }\n}\n"
	}},
	{"include-with-renames", 2000, func(n int) string { // remap.include, includeItems
		return "world base {\n" + scalingRep(n, "  import g#: func();\n") + "}\nworld top { include base with {" + scalingRep(n, " g# as h#,") + " } }\n"
	}},
	{"foreign-packages", 5000, func(n int) string { // populateForeignDeps, foreignItem
		// None of them exists: the error comes after the package is
		// resolved on its own, which is where the time goes.
		return "interface i {\n" + scalingRep(n, "  use p#:q/j.{t as t#};\n") + "}\n"
	}},
	// Linear at the time of writing.
	{"functions", 20000, func(n int) string {
		return "interface i {\n" + scalingRep(n, "  fn#: func(a: u32) -> list<string>;\n") + "}\n"
	}},
	{"record-fields", 50000, func(n int) string { return "interface i { record r {" + scalingRep(n, " x#: u8,") + "} }\n" }},
	{"use-names", 10000, func(n int) string {
		return "interface j {" + scalingRep(n, " type t# = u8;") + "}\ninterface i { use j.{" + scalingRep(n, "t#, ") + "}; }\n"
	}},
	{"world-export-deps", 5000, func(n int) string {
		return "interface base { type t = u8; }\n" + scalingRep(n, "interface e# { use base.{t}; }\n") + "world w { import base;" + scalingRep(n, " export e#;") + "}\n"
	}},
}

func scalingRep(n int, item string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.ReplaceAll(item, "#", fmt.Sprint(i)))
	}
	return b.String()
}

func TestHostileScalingInputs(t *testing.T) {
	for _, tc := range scalingCases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := hostilePush(t, "scale.wit", hostileHeader+tc.gen(tc.n)); err != nil && tc.name != "foreign-packages" {
				t.Fatalf("%.500v", err)
			}
		})
	}
}

func BenchmarkScaling(b *testing.B) {
	for _, tc := range scalingCases {
		for _, n := range []int{tc.n, 4 * tc.n} {
			text := hostileHeader + tc.gen(n)
			b.Run(fmt.Sprintf("%s/n=%d", tc.name, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					r := NewResolve()
					if _, err := r.PushSource("scale.wit", text); err != nil && tc.name != "foreign-packages" {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

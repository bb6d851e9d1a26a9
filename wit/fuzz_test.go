package wit

// Native Go fuzz targets for the lexer, the parser/resolver (PushSource) and
// directory loading (PushPath). Their invariants:
//
//   - nothing panics, and lexing always terminates;
//   - every error from WIT text is a *Error that names a file of the input
//     with Line and Col ≥ 1 and a non-empty message;
//   - whatever loads also encodes as JSON and prints, and the printed text
//     (PrintAll: the main package, every other package nested) parses again,
//     on its own, to the same JSON and prints the same text.
//
// Seeds are the snippets below plus every file of the conformance corpus in
// testdata/wit (repository root) when it is there. Inputs the fuzzer found
// interesting are kept under testdata/fuzz/FuzzXxx. Run one target with
//
//	go test ./wit -run '^$' -fuzz '^FuzzParse$' -fuzztime 3m -parallel 1

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzFeatures are the features every fuzz target loads with.
var fuzzFeatures = []string{"active"}

// fuzzSeeds are hand-written snippets covering the grammar; each is a whole
// file (FuzzParse) or the main text of a directory (FuzzResolveDir).
var fuzzSeeds = []string{
	"package a:b;\n",
	"package a:b@1.0.0;\n",
	"package a:b@1.2.3-rc.1+build.5;\n",
	"package %interface:%world@0.0.0;\n",
	"/// docs\npackage a:b;\n",
	`package alez:api;

world api {
  record message {
    content: string,
    name: string,
  }

  import cool-print: func();

  export init-plugin: func();

  export greet: func(msg: message);
}
`,
	`package a:b;

interface types {
  type t = u32;
  record r { a: u8, b: list<string>, c: option<t>, }
  flags f { x, y, z }
  enum e { one, two }
  variant v { none, some(t), many(list<tuple<u8, s16, f32>>) }
  type m = map<string, u64>;
  type fl = list<u8, 4>;
  type fu = future<result<_, string>>;
  type st = stream<char>;
  type st2 = stream;
  type fu2 = future;
  type res = result;
  type res2 = result<u8>;
  type res3 = result<_, u8>;
  type ec = error-context;
  f: func(a: bool, b: s8, c: s32, d: s64, e: u16, f: u64, g: f64) -> t;
  g: async func() -> string;
}
`,
	`package a:b;

interface resources {
  resource file {
    constructor(path: string);
    read: func(n: u32) -> list<u8>;
    open: static func(p: string) -> result<file, string>;
    size: get() -> u64;
    set-size: set(v: u64);
    p: get() -> u32;
    close: async func();
  }
  resource empty;
  resource dup {
    constructor() -> result<dup, string>;
  }
  use-borrow: func(f: borrow<file>) -> own<file>;
}
`,
	`package a:b;

interface i0 { type t = u32; resource r; }
interface i1 { use i0.{t, r as rr}; f: func(x: t) -> rr; }
interface i2 { use i1.{t as t2}; type u = list<t2>; }

world w {
  use i0.{t};
  import i0;
  import i1;
  export i2;
  import named: interface { g: func(x: t); }
  export e: func() -> t;
  import x: func();
  type local = option<t>;
}
`,
	`package a:b;

world base { import f: func(); export g: func(); import i: interface { h: func(); } }
world mid { include base with { f as f2, g as g2 } }
world top { include mid; include base; export k: func(); }
`,
	`package a:b@1.0.0;

@since(version = 1.0.0)
interface gated {
  @since(version = 1.0.0)
  f: func();
  @unstable(feature = active)
  g: func();
  @unstable(feature = inactive)
  h: func();
  @deprecated(version = 1.0.0)
  @since(version = 0.1.0)
  d: func();
  @since(version = 1.0.0)
  resource r {
    @since(version = 1.0.0)
    constructor();
    @unstable(feature = inactive)
    m: func();
  }
}

@unstable(feature = active)
world w {
  @since(version = 1.0.0)
  import gated;
  @unstable(feature = inactive)
  import x: func();
  @since(version = 1.0.0)
  include other;
}

world other { import y: func(); }
`,
	`package root:main;

package dep:one {
  interface types { type t = u32; }
  world w { import types; }
}

package dep:two@1.0.0 {
  interface api { use dep:one/types.{t}; f: func() -> t; }
}

interface local {
  use dep:one/types.{t};
  use dep:two/api@1.0.0.{};
}

world main {
  import dep:two/api@1.0.0;
  include dep:one/w;
  export dep:one/types;
}
`,
	`package a:%b;

interface %interface {
  type %type = u32;
  record %record { %record: u8, %list: u8 }
  enum %enum { %variant, %enum }
  %func: func(%as: u32) -> %type;
}

world %world { import %interface; export %export: func(); }
`,
	`package a:b;

/// interface docs
/** block docs */
interface i {
  /// record docs
  record r {
    /// field docs
    a: u8,
  }
  // plain comment
  /* nested /* block */ comment */
  f: func();
}
`,
	`package a:b;

use i as j;
use dep:x/y@1.0.0;
use dep:x/z as zz;

interface i {}
`,
	`package a:b;

world w {
  import wasi:cli/environment@0.2.0;
  import wasi:io/streams@0.2.0;
  export wasi:cli/run@0.2.0;
}

package wasi:cli@0.2.0 {
  interface environment { get-environment: func() -> list<tuple<string, string>>; }
  interface run { run: func() -> result; }
}

package wasi:io@0.2.0 {
  interface error { resource error; }
  interface streams { use error.{error}; resource input-stream { read: func(len: u64) -> result<list<u8>, error>; } }
}
`,
	`package a:b;

interface i {
  @external-id("x")
  f: func();
  @external-id("\u{1F600}\t\x41")
  type t = u8;
}
`,
	"package a:b;\r\ninterface i {\r\n  /// crlf\r\n  f: func();\r\n}\r\n",
	"\uFEFFpackage a:b;\ninterface i {}\n",
	"package a:b;\ninterface i { f: func(ABC-def: u8); }\n",
	"package a:b;\ninterface i { type t = list<list<list<list<u8>>>>; }\n",
	// a few errors, for their paths
	"package a:b;\ninterface i { type t = t; }\n",
	"package a:b;\ninterface i { f: func() -> borrow<r>; resource r; }\n",
	"package a:b;\nworld w { include w; }\n",
	"package a:b;\ninterface i { use j.{t}; }\ninterface j { use i.{u}; }\n",
	"package a:b;\n/* unterminated",
	"package a:b;\ninterface i { \"str\" }\n",
	"package a:b;\ninterface i { f: func(a: u8, a: u8); }\n",
	"package a:b {\n  package c:d { }\n}\n",
	"interface i {}\n",
	"",
}

// corpusRootFromPkg is the conformance corpus seen from the package
// directory, where `go test` runs.
const corpusRootFromPkg = "../" + corpusRoot

// corpusFiles returns the text of every .wit file (or, for a directory case,
// every .wit file directly in it) of testdata/wit/{valid,invalid}, or nil
// when the corpus is missing.
func corpusFiles(f *testing.F) []string {
	f.Helper()
	var out []string
	for _, kind := range []string{"valid", "invalid"} {
		paths, _ := filepath.Glob(filepath.Join(corpusRootFromPkg, kind, "*.wit"))
		more, _ := filepath.Glob(filepath.Join(corpusRootFromPkg, kind, "*", "*.wit"))
		for _, p := range append(paths, more...) {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, string(b))
		}
	}
	return out
}

// dirSeed is a corpus directory case in FuzzResolveDir's input form.
type dirSeed struct {
	text       string
	cut1, cut2 uint16
	deps       string
}

// corpusDirs turns the directory cases of the corpus with at most three
// top-level files into FuzzResolveDir seeds.
func corpusDirs(f *testing.F) []dirSeed {
	f.Helper()
	var out []dirSeed
	for _, kind := range []string{"valid", "invalid"} {
		dirs, _ := filepath.Glob(filepath.Join(corpusRootFromPkg, kind, "*"))
		for _, d := range dirs {
			if info, err := os.Stat(d); err != nil || !info.IsDir() {
				continue
			}
			files, _ := filepath.Glob(filepath.Join(d, "*.wit"))
			if len(files) == 0 || len(files) > 3 {
				continue
			}
			var texts []string
			for _, p := range files {
				if info, err := os.Stat(p); err == nil && info.IsDir() {
					continue
				}
				b, err := os.ReadFile(p)
				if err != nil {
					f.Fatal(err)
				}
				texts = append(texts, string(b))
			}
			s := dirSeed{text: strings.Join(texts, "")}
			switch len(texts) {
			case 1:
				s.cut1 = uint16(len(texts[0]))
			case 2:
				s.cut1 = uint16(len(texts[0]))
			case 3:
				s.cut1 = uint16(len(texts[0]))
				s.cut2 = uint16(len(texts[0]) + len(texts[1]))
			}
			var deps []string
			entries, _ := os.ReadDir(filepath.Join(d, "deps"))
			for _, e := range entries {
				p := filepath.Join(d, "deps", e.Name())
				if e.IsDir() {
					inner, _ := filepath.Glob(filepath.Join(p, "*.wit"))
					var parts []string
					for _, q := range inner {
						b, err := os.ReadFile(q)
						if err != nil {
							continue // a directory named *.wit
						}
						parts = append(parts, string(b))
					}
					if len(parts) > 0 {
						deps = append(deps, strings.Join(parts, "\x01"))
					}
				} else if strings.HasSuffix(e.Name(), ".wit") {
					b, err := os.ReadFile(p)
					if err != nil {
						f.Fatal(err)
					}
					deps = append(deps, string(b))
				}
			}
			s.deps = strings.Join(deps, "\x00")
			out = append(out, s)
		}
	}
	return out
}

// FuzzLex tokenizes arbitrary bytes: it never panics, always terminates,
// and the raw tokens tile the input exactly.
func FuzzLex(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint32(0))
	}
	for _, s := range corpusFiles(f) {
		f.Add([]byte(s), uint32(7))
	}
	for _, s := range []string{
		"/* /* */", "/* /* */ */", "//", "/", "/*/", "/**/", "\"\\u{110000}\"", "\"\\u{d800}\"",
		"\"\\u{}\"", "\"\\u{1234567}\"", "\"\\xff\"", "\"\\ff\"", "\"\\", "\"", "%", "%%", "%1", "-", "->",
		"0123", "\r", "\r\n", "\n\r", "é", "ǅ", "\u0301", "\u2160", "\uFEFF", "\uFEFF\uFEFF",
		"a\u202eb", "a\x00b", "\xff", "\xc3", "\xed\xa0\x80", "\u0149", "\u00a0", "\u200b", "\x7f",
	} {
		f.Add([]byte(s), uint32(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, base uint32) {
		base %= 1 << 30
		src := string(data)
		l, lerr := newLexer(src, base)
		if lerr != nil {
			if lerr.at < base || lerr.at > base+uint32(len(src)) {
				t.Fatalf("input error at %d, outside [%d, %d]: %s", lerr.at, base, base+uint32(len(src)), lerr.msg)
			}
			if lerr.msg == "" {
				t.Fatal("input error without a message")
			}
			return
		}
		if !utf8.ValidString(src) {
			t.Fatal("newLexer accepted invalid UTF-8")
		}
		end := base + uint32(len(src))
		prev := base + uint32(l.pos) // after a byte order mark
		for i := 0; ; i++ {
			if i > len(src)+1 {
				t.Fatalf("lexer does not terminate: %d tokens for %d bytes", i, len(src))
			}
			tok, span, err := l.nextRaw()
			if err != nil {
				if err.at < base || err.at > end {
					t.Fatalf("error at %d, outside [%d, %d]: %s", err.at, base, end, err.msg)
				}
				if err.msg == "" {
					t.Fatal("lex error without a message")
				}
				break
			}
			if span.Start != prev || span.End < span.Start || span.End > end {
				t.Fatalf("token %v has span %v after %d (input ends at %d)", tok, span, prev, end)
			}
			if tok == tEOF {
				if span.Start != end || span.End != end {
					t.Fatalf("eof at %v, input ends at %d", span, end)
				}
				break
			}
			if span.End == span.Start {
				t.Fatalf("empty %v token at %d", tok, span.Start)
			}
			text := l.text(span)
			switch {
			case tok == tID:
				if IsKeyword(text) {
					t.Fatalf("keyword %q lexed as an identifier", text)
				}
				_ = validateID(text)
			case tok == tExplicitID:
				if text[0] != '%' {
					t.Fatalf("explicit identifier %q without %%", text)
				}
				_ = validateID(text[1:])
			case tok == tString:
				// attributes() reads a string literal again this way.
				sub := &lexer{src: l.src, pos: int(span.Start-base) + 1, base: base}
				if _, err := sub.stringLiteral(); err != nil {
					t.Fatalf("string literal %q lexed but does not read: %s", text, err.msg)
				}
				if sub.pos != int(span.End-base) {
					t.Fatalf("string literal %q read to %d, token ends at %d", text, sub.pos, span.End-base)
				}
			case tok >= tUse && tok < tID:
				if keywords[text] != tok {
					t.Fatalf("%q lexed as %v", text, tok)
				}
			}
			_ = tok.String()
			prev = span.End
		}

		// next and peek agree and skip only whitespace and comments.
		l2, _ := newLexer(src, base)
		for i := 0; i <= len(src)+1; i++ {
			pt, ps, perr := l2.peek()
			nt, ns, nerr := l2.next()
			if (perr == nil) != (nerr == nil) || pt != nt || ps != ns {
				t.Fatalf("peek (%v %v %v) and next (%v %v %v) disagree", pt, ps, perr, nt, ns, nerr)
			}
			if nerr != nil || nt == tEOF {
				return
			}
		}
		t.Fatalf("next does not terminate on %d bytes", len(src))
	})
}

// FuzzParse pushes arbitrary text as one file.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range corpusFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := NewResolve(fuzzFeatures...)
		pkg, err := r.PushSource("fuzz.wit", text)
		if err != nil {
			checkWITError(t, err, map[string]string{"fuzz.wit": text})
			return
		}
		checkRoundTrip(t, r, pkg)
	})
}

// FuzzResolveDir splits text into two or three files of one package
// directory (a.wit, b.wit, c.wit) at the fuzzer's cuts, adds the deps as
// deps/dN.wit files (deps is split at NUL; a part holding \x01 becomes a
// directory deps/dN/ of files split there) and loads it with PushPath.
func FuzzResolveDir(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint16(len(s)/2), uint16(0), "")
		f.Add(s, uint16(len(s)/3), uint16(2*len(s)/3), "package dep:x;\ninterface i { type t = u8; }\n")
	}
	f.Add("package a:b;\ninterface i { use dep:x/i.{t}; }\n", uint16(13), uint16(0),
		"package dep:x;\ninterface i { type t = u8; }\n")
	f.Add("package a:b;\nworld w { include dep:x/w; import dep:y/j@1.0.0; }\n", uint16(13), uint16(13),
		"package dep:x;\nworld w { import f: func(); }\n\x00package dep:y@1.0.0;\x01interface j { use dep:x/k.{}; }\x01package dep:y@1.0.0;\n"+
			"\x00package dep:x;\ninterface k {}\n")
	f.Add("package a:b;\ninterface i {}\n", uint16(0), uint16(0), "package a:b;\n")
	f.Add("package a:b;\n", uint16(5), uint16(9), "package c:d;\ninterface i { use a:b/j.{}; }\n")
	for _, s := range corpusDirs(f) {
		f.Add(s.text, s.cut1, s.cut2, s.deps)
	}
	f.Fuzz(func(t *testing.T, text string, cut1, cut2 uint16, deps string) {
		c1, c2 := runeCut(text, cut1), runeCut(text, cut2)
		if c1 > c2 {
			c1, c2 = c2, c1
		}
		dir := t.TempDir()
		files := map[string]string{}
		write := func(rel, content string) {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			files[p] = content
		}
		if cut2 == 0 { // two files
			c1 = runeCut(text, cut1)
			write("a.wit", text[:c1])
			write("b.wit", text[c1:])
		} else {
			write("a.wit", text[:c1])
			write("b.wit", text[c1:c2])
			write("c.wit", text[c2:])
		}
		if deps != "" {
			for i, part := range strings.Split(deps, "\x00") {
				if i >= 8 {
					break
				}
				name := "d" + string(rune('0'+i))
				if !strings.Contains(part, "\x01") {
					write(filepath.Join("deps", name+".wit"), part)
					continue
				}
				for j, sub := range strings.Split(part, "\x01") {
					if j >= 4 {
						break
					}
					write(filepath.Join("deps", name, "f"+string(rune('0'+j))+".wit"), sub)
				}
			}
		}
		r := NewResolve(fuzzFeatures...)
		pkg, err := r.PushPath(dir)
		if err != nil {
			var werr *Error
			if !errors.As(err, &werr) {
				// The only error without a position: a file that is
				// not UTF-8, found before lexing.
				if !strings.Contains(err.Error(), "not valid UTF-8") {
					t.Fatalf("error is %T, not *wit.Error: %v", err, err)
				}
				for _, c := range files {
					if !utf8.ValidString(c) {
						return
					}
				}
				t.Fatalf("UTF-8 error but every file is valid UTF-8: %v", err)
			}
			checkWITError(t, err, files)
			return
		}
		checkRoundTrip(t, r, pkg)
	})
}

// runeCut maps a fuzzer's cut to a byte offset in s on a rune boundary.
func runeCut(s string, cut uint16) int {
	n := int(cut) % (len(s) + 1)
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// checkWITError checks that err is a *Error naming one of files (path →
// content) at a line and column inside it.
func checkWITError(t *testing.T, err error, files map[string]string) {
	t.Helper()
	var werr *Error
	if !errors.As(err, &werr) {
		t.Fatalf("error is %T, not *wit.Error: %v", err, err)
	}
	if werr.Msg == "" || err.Error() == "" {
		t.Fatalf("error without a message: %#v", werr)
	}
	text, ok := files[werr.Pos.File]
	if !ok {
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		t.Fatalf("error names file %q, not one of %q: %v", werr.Pos.File, names, err)
	}
	if werr.Pos.Line < 1 || werr.Pos.Col < 1 {
		t.Fatalf("error at line %d col %d: %v", werr.Pos.Line, werr.Pos.Col, err)
	}
	lines := strings.Split(text, "\n")
	if werr.Pos.Line > len(lines) {
		t.Fatalf("error at line %d of a %d-line file: %v", werr.Pos.Line, len(lines), err)
	}
	if max := utf8.RuneCountInString(lines[werr.Pos.Line-1]) + 1; werr.Pos.Col > max {
		t.Fatalf("error at col %d of a line with %d characters: %v", werr.Pos.Col, max-1, err)
	}
	if !strings.Contains(err.Error(), werr.Pos.String()) {
		t.Fatalf("error text does not name %s: %v", werr.Pos, err)
	}
}

// checkRoundTrip checks that a loaded Resolve encodes as JSON and prints,
// that the printed text parses again, on its own, to a Resolve with the same
// packages, interfaces, worlds, named types, functions and world items (see
// modelShape), and that printing converges: the text printed from the
// reparsed Resolve, parsed and printed once more, is unchanged, and so is its
// JSON.
//
// Neither the first reparse's JSON nor its printed text is compared byte for
// byte with the original's: `wasm-tools component wit` itself does not
// round-trip that far (block-comment docs lose their indentation when they
// come back as `///` lines, `clone_of` of an included inline interface is
// not expressible in WIT, anonymous types interned for items an inactive
// feature gate removed are not printed, and IDs — hence the order nested
// packages print in — follow the printed text rather than the source). The
// goldens in testdata/wit (TestGoldenValid) compare that first round.
func checkRoundTrip(t *testing.T, r *Resolve, pkg PackageID) {
	t.Helper()
	if int(pkg) < 0 || int(pkg) >= len(r.Packages) {
		t.Fatalf("main package ID %d out of range (%d packages)", pkg, len(r.Packages))
	}
	if _, err := r.MarshalJSON(); err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	name := r.Packages[pkg].Name
	printed := r.PrintAll(pkg)
	if brokenMarker(printed) {
		t.Fatalf("Print wrote a broken-model comment:\n%s", printed)
	}
	r2, pkg2, _ := reparse(t, printed, name)
	if a, b := modelShape(r), modelShape(r2); a != b {
		t.Fatalf("round trip through the printer changes the model (-loaded +reparsed):\n%s\n--- printed ---\n%s", lineDiff(a, b), printed)
	}
	printed2 := r2.PrintAll(pkg2)
	r3, pkg3, js3 := reparse(t, printed2, name)
	if printed3 := r3.PrintAll(pkg3); normalizeDocIndent(printed3) != normalizeDocIndent(printed2) {
		t.Fatalf("printing does not converge (-second +third):\n%s\n--- first ---\n%s", lineDiff(printed2, printed3), printed)
	}
	_, _, js4 := reparse(t, printed2, name)
	if !bytes.Equal(js3, js4) {
		t.Fatalf("the same text parses to different JSON twice:\n%s\n--- text ---\n%s", lineDiff(string(js3), string(js4)), printed2)
	}
}

// modelShape describes what a Resolve declares without its IDs, one sorted
// line per package, interface, world, named type, function and world item,
// so that two Resolves built in different orders compare equal when they
// declare the same things.
func modelShape(r *Resolve) string {
	var lines []string
	add := func(parts ...string) { lines = append(lines, strings.Join(parts, " ")) }
	fn := func(prefix string, f *Function) {
		sig := f.Kind.String() + "("
		for i, p := range f.Params {
			if i > 0 {
				sig += ", "
			}
			sig += p.Name + ": " + r.TypeString(p.Type)
		}
		sig += ")"
		if f.Result != nil {
			sig += " -> " + r.TypeString(f.Result)
		}
		add(prefix, "func", f.Name, sig, stabilityDebug(f.Stability))
	}
	iface := func(prefix string, id InterfaceID) {
		x := r.Interfaces[id]
		for name, tid := range x.Types.All() {
			td := r.Types[tid]
			add(prefix, "type", name, typeKindName(td.Kind), stabilityDebug(td.Stability))
		}
		for _, f := range x.Functions.All() {
			fn(prefix, f)
		}
	}
	for _, p := range r.Packages {
		pn := p.Name.String()
		add("package", pn)
		for name, id := range p.Interfaces.All() {
			add(pn, "interface", name, stabilityDebug(r.Interfaces[id].Stability))
			iface(pn+"/"+name, id)
		}
		for name, id := range p.Worlds.All() {
			w := r.Worlds[id]
			add(pn, "world", name, stabilityDebug(w.Stability))
			for dir, items := range map[string]*OrderedMap[WorldKey, WorldItem]{"import": &w.Imports, "export": &w.Exports} {
				for key, item := range items.All() {
					prefix := pn + "/" + name + " " + dir + " " + r.WorldKeyName(key)
					switch it := item.(type) {
					case *WorldInterface:
						add(prefix, "interface", stabilityDebug(it.Stability))
						if key.Name != "" { // inline: its contents
							iface(prefix, it.ID)
						}
					case *WorldType:
						add(prefix, "type", typeKindName(r.Types[it.ID].Kind))
					case *Function:
						fn(prefix, it)
					}
				}
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// typeKindName names a TypeDefKind without the IDs it refers to.
func typeKindName(k TypeDefKind) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", k), "*wit.")
}

// normalizeDocIndent drops the whitespace after `///` on every doc line.
// A doc line whose indentation starts with a tab never converges, in
// wasm-tools as here: the common indentation is counted in whitespace bytes
// but removed as spaces, so `/// \tx` reads back as " \tx", prints as
// `///  \tx`, and gains a space on every round.
func normalizeDocIndent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(strings.TrimLeft(l, " "), "///"); ok {
			lines[i] = l[:len(l)-len(strings.TrimLeft(l, " "))] + "///" + strings.TrimLeft(rest, " \t")
		}
	}
	return strings.Join(lines, "\n")
}

// reparse loads printed text as one file and returns its Resolve, main
// package and JSON.
func reparse(t *testing.T, printed string, want PackageName) (*Resolve, PackageID, []byte) {
	t.Helper()
	r := NewResolve(fuzzFeatures...)
	pkg, err := r.PushSource("printed.wit", printed)
	if err != nil {
		t.Fatalf("printed text does not parse again:\n%v\n--- printed ---\n%s", err, printed)
	}
	if got := r.Packages[pkg].Name.String(); got != want.String() {
		t.Fatalf("round trip: main package %s, want %s", got, want)
	}
	js, err := r.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON after round trip: %v", err)
	}
	return r, pkg, js
}

// brokenMarker reports whether printed holds one of the comments Print
// writes in place of what a valid model never holds (doc comments aside).
func brokenMarker(printed string) bool {
	for _, line := range strings.Split(printed, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "///") {
			continue
		}
		for _, m := range []string{"/* unknown ", "/* unexpected ", "/* path to ", "/* interface of ",
			"/* missing ", "/* unnamed ", "/* unresolved "} {
			if strings.Contains(line, m) {
				return true
			}
		}
	}
	return false
}

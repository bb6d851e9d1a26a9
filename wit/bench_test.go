package wit

// Benchmarks of parsing + resolving WIT (see BENCHMARKS.md).
//
//	BenchmarkLoadWASI       LoadPath on testdata/wasi-0.2: the whole WASI 0.2
//	                        interface set, fetched by scripts/fetch-wasi-wit.sh
//	                        (it is not committed; the benchmark skips without it)
//	BenchmarkReadWASIFiles  the floor: only reading those same files from disk
//	BenchmarkParseSynthetic PushSource of a WASI-sized package generated here,
//	                        so that `go test -bench` always measures something
//
//	go test ./wit -run '^$' -bench 'Load|Parse|Read' -count 6 -benchmem

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// wasiDir is the WASI 0.2 package directory, relative to this package.
const wasiDir = "../testdata/wasi-0.2"

// wasiFiles returns the .wit files LoadPath reads for wasiDir (the package's
// own files, then deps/), or skips b when they have not been fetched.
func wasiFiles(b *testing.B) []string {
	b.Helper()
	files, err := filepath.Glob(filepath.Join(wasiDir, "*.wit"))
	if err != nil {
		b.Fatal(err)
	}
	deps, err := filepath.Glob(filepath.Join(wasiDir, "deps", "*.wit"))
	if err != nil {
		b.Fatal(err)
	}
	if len(files) == 0 || len(deps) == 0 {
		b.Skipf("%s is missing: run scripts/fetch-wasi-wit.sh to fetch the WASI 0.2 WIT files (they are not committed)", wasiDir)
	}
	return append(files, deps...)
}

func totalSize(b *testing.B, files []string) int64 {
	b.Helper()
	var n int64
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		n += info.Size()
	}
	return n
}

func BenchmarkLoadWASI(b *testing.B) {
	files := wasiFiles(b)
	b.SetBytes(totalSize(b, files))
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := LoadPath(wasiDir)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Packages) != 8 {
			b.Fatalf("got %d packages, want 8 (plugwit:wasi-bench and 7 WASI ones)", len(r.Packages))
		}
	}
}

// BenchmarkReadWASIFiles does the file-system part of BenchmarkLoadWASI only:
// list the package directory and deps/, then read every .wit file.
func BenchmarkReadWASIFiles(b *testing.B) {
	files := wasiFiles(b)
	b.SetBytes(totalSize(b, files))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, dir := range []string{wasiDir, filepath.Join(wasiDir, "deps")} {
			entries, err := os.ReadDir(dir)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range entries {
				if e.IsDir() || !strings.HasSuffix(e.Name(), ".wit") {
					continue
				}
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					b.Fatal(err)
				}
				n += len(data)
			}
		}
		if n == 0 {
			b.Fatal("read nothing")
		}
	}
}

func BenchmarkParseSynthetic(b *testing.B) {
	text := syntheticWIT()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewResolve().PushSource("synthetic.wit", text); err != nil {
			b.Fatal(err)
		}
	}
}

// Shape of the synthetic package: WASI 0.2 has 31 interfaces and 177
// functions; this one is somewhat larger, so as not to flatter the parser.
const (
	synthInterfaces = 40
	synthFuncs      = 10 // per interface: 6 on the resource, 4 freestanding
	synthExports    = 5  // the last interfaces are exported, the rest imported
)

// TestSyntheticWIT checks that the benchmark input is valid WIT of the
// intended size, so that a change to the generator cannot silently turn
// BenchmarkParseSynthetic into a benchmark of the error path.
func TestSyntheticWIT(t *testing.T) {
	r := NewResolve()
	id, err := r.PushSource("synthetic.wit", syntheticWIT())
	if err != nil {
		t.Fatal(err)
	}
	pkg := r.Packages[id]
	if got := pkg.Interfaces.Len(); got != synthInterfaces {
		t.Errorf("got %d interfaces, want %d", got, synthInterfaces)
	}
	funcs, resources := 0, 0
	for iid := range pkg.Interfaces.Values() {
		funcs += r.Interfaces[iid].Functions.Len()
	}
	for _, td := range r.Types {
		if _, ok := td.Kind.(*Resource); ok {
			resources++
		}
	}
	if funcs != synthInterfaces*synthFuncs {
		t.Errorf("got %d functions, want %d", funcs, synthInterfaces*synthFuncs)
	}
	if resources != synthInterfaces {
		t.Errorf("got %d resources, want %d", resources, synthInterfaces)
	}
	if _, wid := pkg.Worlds.At(0); r.Worlds[wid].Imports.Len() < synthInterfaces-synthExports || r.Worlds[wid].Exports.Len() != synthExports+1 {
		t.Errorf("world all: %d imports, %d exports", r.Worlds[wid].Imports.Len(), r.Worlds[wid].Exports.Len())
	}
}

var syntheticOnce = sync.OnceValue(genSyntheticWIT)

func syntheticWIT() string { return syntheticOnce() }

// genSyntheticWIT writes a WASI-like package: interfaces that use types of
// the one before them, each with an enum, flags, records, a variant, aliases,
// a resource with a constructor, methods and a static function, freestanding
// functions over results, options, lists and tuples, doc comments and
// @since gates throughout, and one world importing and exporting them all.
func genSyntheticWIT() string {
	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	w("/// A synthetic package the size of WASI 0.2, for BenchmarkParseSynthetic.\n")
	w("package bench:synthetic@0.2.0;\n\n")
	for i := range synthInterfaces {
		w("/// Interface number %d.\n///\n/// It has the shape of a typical WASI interface: a handful of types,\n", i)
		w("/// one resource and functions returning `result`s.\n")
		w("@since(version = 0.2.0)\ninterface iface-%02d {\n", i)
		if i > 0 {
			w("  @since(version = 0.2.0)\n")
			w("  use iface-%02d.{handle as prev-handle, error-code as prev-error, info as prev-info};\n\n", i-1)
		}
		w(`  /// The kinds of thing this interface deals with.
  @since(version = 0.2.0)
  enum kind {
    unknown,
    file,
    directory,
    socket,
    pipe,
    %[1]s-special,
  }

  /// Access flags.
  @since(version = 0.2.0)
  flags mode {
    read,
    write,
    execute,
    append,
    sync-%[1]s,
  }

  /// A timestamp.
  @since(version = 0.2.0)
  record instant {
    seconds: u64,
    nanoseconds: u32,
  }

  /// Bytes.
  @since(version = 0.2.0)
  type bytes = list<u8>;

  /// Everything known about an item.
  @since(version = 0.2.0)
  record info {
    /// The kind.
    kind: kind,
    mode: mode,
    size: u64,
    name: string,
    created: option<instant>,
    modified: option<instant>,
    tags: list<tuple<string, string>>,
    digest: bytes,
  }

  /// What went wrong.
  @since(version = 0.2.0)
  variant error-code {
    access,
    would-block,
    not-found(string),
    invalid(u32),
    io(tuple<u64, string>),
    timeout(instant),
    other(option<string>),
  }

  /// A handle to an open item.
  @since(version = 0.2.0)
  resource handle {
    /// Opens an item.
    constructor(name: string, mode: mode);
    /// Reads up to len bytes at offset.
    @since(version = 0.2.0)
    read: func(offset: u64, len: u64) -> result<tuple<bytes, bool>, error-code>;
    /// Writes bytes at offset.
    @since(version = 0.2.0)
    write: func(offset: u64, data: bytes) -> result<u64, error-code>;
    /// Describes the item.
    @since(version = 0.2.0)
    stat: func() -> result<info, error-code>;
    /// Whether two handles refer to the same item.
    @since(version = 0.2.0)
    is-same: func(other: borrow<handle>) -> bool;
    /// Opens the item at a path, relative to a base.
    @since(version = 0.2.0)
    open-at: static func(base: borrow<handle>, path: string, mode: mode) -> result<handle, error-code>;
  }

`, fmt.Sprintf("k%02d", i))
		w("  /// Lists the items under a handle.\n  @since(version = 0.2.0)\n")
		w("  list-items: func(h: borrow<handle>, kinds: list<kind>) -> result<list<info>, error-code>;\n")
		w("  /// Converts an error into an optional error code.\n  @since(version = 0.2.0)\n")
		w("  error-code-of: func(code: u32) -> option<error-code>;\n")
		if i > 0 {
			w("  /// Wraps a handle of the previous interface.\n  @since(version = 0.2.0)\n")
			w("  adopt: func(prev: own<prev-handle>, info: prev-info) -> result<handle, prev-error>;\n")
		} else {
			w("  /// Opens the root.\n  @since(version = 0.2.0)\n")
			w("  adopt: func() -> result<handle, error-code>;\n")
		}
		w("  /// Flattens many fields, as ABI-heavy calls do.\n  @since(version = 0.2.0)\n")
		w("  many: func(a: u8, b: s16, c: u32, d: s64, e: f32, f: f64, g: char, h: bool, i: string, j: option<u64>) -> tuple<u32, string, list<instant>>;\n")
		w("}\n\n")
	}
	w("/// Everything.\n@since(version = 0.2.0)\nworld all {\n")
	for i := range synthInterfaces - synthExports {
		w("  import iface-%02d;\n", i)
	}
	for i := synthInterfaces - synthExports; i < synthInterfaces; i++ {
		w("  export iface-%02d;\n", i)
	}
	w("  /// A world-level function.\n  import now: func() -> u64;\n")
	w("  export run: func(args: list<string>) -> result;\n")
	w("}\n")
	return s.String()
}

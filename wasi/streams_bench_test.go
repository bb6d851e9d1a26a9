package wasi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// testdata/streams.wat moves bytes through WASI streams: write-stdout
// writes n bytes (byte i is i mod 251) to stdout, chunk bytes per
// blocking-write-and-flush; read-file reads a file of its first preopen
// with blocking-read. The benchmarks compare each with plain Go moving the
// same bytes the same way (see BENCHMARKS.md, "WASI streams").

const (
	mib        = 1 << 20
	writeChunk = 4096  // the most blocking-write-and-flush may take
	readChunk  = 65536 // what a guest typically asks of blocking-read
)

// pattern returns the n bytes write-stdout writes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// streamsEnv is an instance of streams.wasm whose stdout is out and whose
// only preopen is dir.
type streamsEnv struct {
	out         *bytes.Buffer
	dir         string
	write, read *component.Func
}

func newStreamsEnv(tb testing.TB) *streamsEnv {
	tb.Helper()
	e := &streamsEnv{out: new(bytes.Buffer), dir: tb.TempDir()}
	inst, done := instantiate(tb, "streams.wasm", wasi.NewConfig().WithStdout(e.out).WithPreopen(e.dir, "/data", true))
	tb.Cleanup(done)
	e.write, e.read = inst.Func("write-stdout"), inst.Func("read-file")
	return e
}

func (e *streamsEnv) writeStdout(ctx context.Context, n int) (uint64, error) {
	v, err := e.write.Call(ctx, component.U32(uint32(n)), component.U32(writeChunk))
	if err != nil {
		return 0, err
	}
	return uint64(v.(component.U64)), nil
}

func (e *streamsEnv) readFile(ctx context.Context, name string, checksum bool) (uint64, error) {
	v, err := e.read.Call(ctx, component.String(name), component.U32(readChunk), component.Bool(checksum))
	if err != nil {
		return 0, err
	}
	return uint64(v.(component.U64)), nil
}

func TestStreamsFixture(t *testing.T) {
	ctx := context.Background()
	e := newStreamsEnv(t)
	for _, n := range []int{0, 1, writeChunk, writeChunk + 1, mib + 7} {
		e.out.Reset()
		got, err := e.writeStdout(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if got != uint64(n) || !bytes.Equal(e.out.Bytes(), pattern(n)) {
			t.Fatalf("write-stdout(%d) = %d, wrote %d bytes (want the pattern)", n, got, e.out.Len())
		}
	}

	data := pattern(mib + 3)
	if err := os.WriteFile(filepath.Join(e.dir, "data.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var sum uint64
	for _, b := range data {
		sum += uint64(b)
	}
	// Many calls: every call drops what it opened, so none runs out of handles.
	for range 3 {
		got, err := e.readFile(ctx, "data.bin", true)
		if err != nil {
			t.Fatal(err)
		}
		if want := uint64(len(data))<<32 + sum; got != want {
			t.Fatalf("read-file = %#x, want %#x", got, want)
		}
	}
	if got, err := e.readFile(ctx, "missing.bin", false); err != nil || got != ^uint64(0) {
		t.Fatalf("read-file of a missing file = %#x, %v; want the failure value", got, err)
	}
}

// BenchmarkStreams: BenchmarkStreams/<workload>/<impl>, impl plain-go or
// plugwit, 1 MiB per iteration.
func BenchmarkStreams(b *testing.B) {
	ctx := context.Background()
	data := pattern(mib)

	b.Run("stdout-1MiB", func(b *testing.B) {
		// The sink is a bytes.Buffer emptied before every iteration: the
		// bytes are copied once into memory on both sides.
		b.Run("plain-go", func(b *testing.B) {
			var out bytes.Buffer
			b.SetBytes(mib)
			for b.Loop() {
				out.Reset()
				for p := data; len(p) > 0; {
					k := min(len(p), writeChunk)
					out.Write(p[:k])
					p = p[k:]
				}
			}
		})
		b.Run("plugwit", func(b *testing.B) {
			e := newStreamsEnv(b)
			b.SetBytes(mib)
			for b.Loop() {
				e.out.Reset()
				if n, err := e.writeStdout(ctx, mib); err != nil || n != mib {
					b.Fatal(n, err)
				}
			}
		})
	})

	b.Run("file-read-1MiB", func(b *testing.B) {
		// The file is in the page cache after the first read: both sides
		// measure open, reads into memory, close.
		b.Run("plain-go", func(b *testing.B) {
			dir := b.TempDir()
			writeFile(b, filepath.Join(dir, "data.bin"), data)
			root, err := os.OpenRoot(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer root.Close()
			buf := make([]byte, readChunk)
			b.SetBytes(mib)
			for b.Loop() {
				if n, err := readAll(root, "data.bin", buf); err != nil || n != mib {
					b.Fatal(n, err)
				}
			}
		})
		b.Run("plugwit", func(b *testing.B) {
			e := newStreamsEnv(b)
			writeFile(b, filepath.Join(e.dir, "data.bin"), data)
			b.SetBytes(mib)
			for b.Loop() {
				if n, err := e.readFile(ctx, "data.bin", false); err != nil || n != mib<<32 {
					b.Fatal(n, err)
				}
			}
		})
	})
}

func writeFile(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// readAll reads name of root to its end, buf at a time, as the guest does.
func readAll(root *os.Root, name string, buf []byte) (int, error) {
	f, err := root.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	total := 0
	for {
		n, err := f.Read(buf)
		total += n
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("read: %w", err)
		}
	}
}

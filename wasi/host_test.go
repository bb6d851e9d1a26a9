package wasi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
)

// These tests call the host functions directly, with the Values the
// component runtime would lift out of a guest's call.

type testHost struct {
	t *testing.T
	*host
	funcs map[string]component.HostFunc // "wasi:io/streams#[method]output-stream.write"
}

func newTestHost(t *testing.T, cfg Config) *testHost {
	t.Helper()
	d := &Definitions{}
	for k := kindPollable; k < kindCount; k++ {
		d.types[k] = component.NewResourceType(k.String(), d.dropper(k))
	}
	h, err := d.newHost(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d.defaults = h
	th := &testHost{t: t, host: h, funcs: map[string]component.HostFunc{}}
	for _, in := range h.interfaces() {
		for name, fn := range in.funcs {
			th.funcs[in.name+"#"+name] = fn
		}
	}
	return th
}

// callErr calls the function iface#name.
func (th *testHost) callErr(ctx context.Context, fn string, args ...component.Value) (component.Value, error) {
	th.t.Helper()
	f, ok := th.funcs[fn]
	if !ok {
		th.t.Fatalf("no host function %s", fn)
	}
	return f(ctx, args)
}

// call calls iface#name and fails the test on an error (a trap).
func (th *testHost) call(fn string, args ...component.Value) component.Value {
	th.t.Helper()
	v, err := th.callErr(context.Background(), fn, args...)
	if err != nil {
		th.t.Fatalf("%s: %v", fn, err)
	}
	return v
}

// mustTrap calls iface#name and fails the test unless it returns an error
// whose text contains want.
func (th *testHost) mustTrap(want, fn string, args ...component.Value) {
	th.t.Helper()
	_, err := th.callErr(context.Background(), fn, args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		th.t.Fatalf("%s: error %v, want one containing %q", fn, err, want)
	}
}

func (th *testHost) stdout() component.Resource {
	return th.call("wasi:cli/stdout#get-stdout").(component.Resource)
}

func (th *testHost) stdin() component.Resource {
	return th.call("wasi:cli/stdin#get-stdin").(component.Resource)
}

func u8s(s string) component.Value { return bytesValue([]byte(s)) }

func okBytes(t *testing.T, v component.Value) string {
	t.Helper()
	r, ok := v.(component.Result)
	if !ok || r.IsErr {
		t.Fatalf("got %#v, want ok(list<u8>)", v)
	}
	b, err := bytesArg([]component.Value{r.Value}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func okU64(t *testing.T, v component.Value) uint64 {
	t.Helper()
	r, ok := v.(component.Result)
	if !ok || r.IsErr {
		t.Fatalf("got %#v, want ok(u64)", v)
	}
	return uint64(r.Value.(component.U64))
}

// streamErrCase returns the case of an err(stream-error) result.
func streamErrCase(t *testing.T, v component.Value) (string, component.Value) {
	t.Helper()
	r, ok := v.(component.Result)
	if !ok || !r.IsErr {
		t.Fatalf("got %#v, want err(stream-error)", v)
	}
	vr := r.Value.(component.Variant)
	return vr.Case, vr.Value
}

func TestConfigIsImmutable(t *testing.T) {
	base := NewConfig().WithEnv("A", "1").WithArgs("prog")
	a := base.WithEnv("B", "2").WithArgs("other", "x")
	b := base.WithEnv("A", "3")

	env := func(c Config) string {
		th := newTestHost(t, c)
		return fmt.Sprint(th.call("wasi:cli/environment#get-environment"))
	}
	if got, want := env(base), "[[A 1]]"; got != want {
		t.Errorf("base env = %s, want %s", got, want)
	}
	if got, want := env(a), "[[A 1] [B 2]]"; got != want {
		t.Errorf("a env = %s, want %s", got, want)
	}
	if got, want := env(b), "[[A 3]]"; got != want {
		t.Errorf("b env = %s, want %s", got, want)
	}
	args := func(c Config) string {
		return fmt.Sprint(newTestHost(t, c).call("wasi:cli/environment#get-arguments"))
	}
	if got, want := args(base), "[prog]"; got != want {
		t.Errorf("base args = %s, want %s", got, want)
	}
	if got, want := args(a), "[other x]"; got != want {
		t.Errorf("a args = %s, want %s", got, want)
	}
	in := []string{"p", "q"}
	c := NewConfig().WithArgs(in...)
	in[0] = "changed"
	if got := args(c); got != "[p q]" {
		t.Errorf("WithArgs kept the caller's slice: %s", got)
	}
}

func TestEnvironmentDeniedByDefault(t *testing.T) {
	t.Setenv("PLUGWIT_WASI_TEST", "secret")
	th := newTestHost(t, NewConfig())
	if env := th.call("wasi:cli/environment#get-environment").(component.List); len(env) != 0 {
		t.Errorf("default environment = %v, want none", env)
	}
	if args := th.call("wasi:cli/environment#get-arguments").(component.List); len(args) != 0 {
		t.Errorf("default arguments = %v, want none", args)
	}
	if cwd := th.call("wasi:cli/environment#initial-cwd"); cwd != component.None {
		t.Errorf("initial-cwd = %v, want none", cwd)
	}

	th = newTestHost(t, NewConfig().WithEnvInherit().WithEnv("PLUGWIT_WASI_TEST", "override"))
	found := 0
	for _, kv := range th.call("wasi:cli/environment#get-environment").(component.List) {
		tu := kv.(component.Tuple)
		if tu[0] == component.String("PLUGWIT_WASI_TEST") {
			found++
			if tu[1] != component.String("override") {
				t.Errorf("PLUGWIT_WASI_TEST = %v, want the explicit value", tu[1])
			}
		}
	}
	if found != 1 {
		t.Errorf("PLUGWIT_WASI_TEST found %d times in the inherited environment, want 1", found)
	}

	for _, bad := range []Config{NewConfig().WithEnv("", "x"), NewConfig().WithEnv("A=B", "x"), NewConfig().WithEnv("A", "x\x00y")} {
		if _, err := newHost(bad, testTypes()); err == nil {
			t.Errorf("newHost accepted %+v", bad.env)
		}
	}
}

func TestStdioDefaults(t *testing.T) {
	th := newTestHost(t, NewConfig())
	in := th.stdin()
	for _, fn := range []string{"read", "blocking-read", "skip", "blocking-skip"} {
		if c, _ := streamErrCase(t, th.call("wasi:io/streams#[method]input-stream."+fn, in, component.U64(10))); c != "closed" {
			t.Errorf("default stdin %s: %s, want closed", fn, c)
		}
	}
	for _, get := range []string{"wasi:cli/stdout#get-stdout", "wasi:cli/stderr#get-stderr"} {
		out := th.call(get)
		if n := okU64(t, th.call("wasi:io/streams#[method]output-stream.check-write", out)); n != maxChunk {
			t.Errorf("check-write = %d, want %d", n, maxChunk)
		}
		th.call("wasi:io/streams#[method]output-stream.write", out, u8s("discarded"))
		th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", out, u8s("discarded"))
	}
	for _, fn := range []string{"wasi:cli/terminal-stdin#get-terminal-stdin", "wasi:cli/terminal-stdout#get-terminal-stdout", "wasi:cli/terminal-stderr#get-terminal-stderr"} {
		if v := th.call(fn); v != component.None {
			t.Errorf("%s = %v, want none", fn, v)
		}
	}
}

// chunkWriter records the size of every Write.
type chunkWriter struct {
	n, biggest, calls int
	flushes           int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.biggest = max(w.biggest, len(p))
	w.calls++
	return len(p), nil
}

func (w *chunkWriter) Flush() error { w.flushes++; return nil }

func TestOutputStreamBudget(t *testing.T) {
	w := &chunkWriter{}
	th := newTestHost(t, NewConfig().WithStdout(w))
	out := th.stdout()
	const cw = "wasi:io/streams#[method]output-stream.check-write"
	const write = "wasi:io/streams#[method]output-stream.write"

	// A write needs a permit from check-write, and may not exceed it.
	th.mustTrap("exceeds the 0 permitted", write, out, u8s("x"))
	permit := okU64(t, th.call(cw, out))
	if permit != maxChunk {
		t.Fatalf("permit %d, want %d", permit, maxChunk)
	}
	th.mustTrap("exceeds the 65536 permitted", write, out, bytesValue(make([]byte, permit+1)))
	th.call(write, out, bytesValue(make([]byte, permit-10)))
	th.mustTrap("exceeds the 10 permitted", write, out, bytesValue(make([]byte, 11)))
	th.call(write, out, bytesValue(make([]byte, 10)))
	th.mustTrap("exceeds the 0 permitted", "wasi:io/streams#[method]output-stream.write-zeroes", out, component.U64(1))
	okU64(t, th.call(cw, out))
	th.call("wasi:io/streams#[method]output-stream.write-zeroes", out, component.U64(100))

	// A big write moves many permits' worth without the host holding more
	// than one chunk: what the guest writes reaches the writer during the
	// call, at most 64 KiB at a time.
	total := uint64(maxChunk + 100)
	for range 64 {
		n := okU64(t, th.call(cw, out))
		th.call(write, out, bytesValue(make([]byte, n)))
		total += n
	}
	bigBytes := make([]byte, 3*maxChunk+5) // more than the 4096 the spec allows: accepted
	big := bytesValue(bigBytes)
	th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", out, big)
	total += uint64(len(bigBytes))
	th.call("wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush", out, component.U64(2*maxChunk))
	total += 2 * maxChunk
	if uint64(w.n) != total {
		t.Errorf("writer got %d bytes, want %d", w.n, total)
	}
	if w.biggest > maxChunk {
		t.Errorf("a write of %d bytes reached the writer, more than the chunk of %d", w.biggest, maxChunk)
	}
	th.call("wasi:io/streams#[method]output-stream.flush", out)
	th.call("wasi:io/streams#[method]output-stream.blocking-flush", out)
	if w.flushes != 4 { // two blocking-write…-and-flush, flush, blocking-flush
		t.Errorf("writer flushed %d times, want 4", w.flushes)
	}
	// Output streams are always ready (writes are synchronous).
	p := th.call("wasi:io/streams#[method]output-stream.subscribe", out)
	if th.call("wasi:io/poll#[method]pollable.ready", p) != component.Bool(true) {
		t.Error("output-stream pollable not ready")
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk on fire")
	}
	w.after--
	return len(p), nil
}

type failingReader struct{ data string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, errors.New("cable unplugged")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestStreamErrors(t *testing.T) {
	th := newTestHost(t, NewConfig().WithStdout(&failingWriter{after: 1}).WithStdin(&failingReader{data: "ab"}))
	const (
		bwf   = "wasi:io/streams#[method]output-stream.blocking-write-and-flush"
		cw    = "wasi:io/streams#[method]output-stream.check-write"
		debug = "wasi:io/error#[method]error.to-debug-string"
	)
	out := th.stdout()
	if r := th.call(bwf, out, u8s("fine")); r != component.Ok(nil) {
		t.Fatalf("first write: %v", r)
	}
	// The first failure is last-operation-failed with an error resource;
	// then the stream is closed.
	c, e := streamErrCase(t, th.call(bwf, out, u8s("boom")))
	if c != "last-operation-failed" {
		t.Fatalf("failed write: %s, want last-operation-failed", c)
	}
	if msg := th.call(debug, e); msg != component.String("disk on fire") {
		t.Errorf("to-debug-string = %v", msg)
	}
	if err := e.(component.Resource).Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	th.mustTrap("unknown error handle", debug, e)
	for _, op := range []func() component.Value{
		func() component.Value { return th.call(bwf, out, u8s("again")) },
		func() component.Value { return th.call(cw, out) },
		func() component.Value {
			return th.call("wasi:io/streams#[method]output-stream.write", out, component.List{})
		},
		func() component.Value { return th.call("wasi:io/streams#[method]output-stream.flush", out) },
	} {
		if c, _ := streamErrCase(t, op()); c != "closed" {
			t.Errorf("after the failure: %s, want closed", c)
		}
	}
	p := th.call("wasi:io/streams#[method]output-stream.subscribe", out)
	if th.call("wasi:io/poll#[method]pollable.ready", p) != component.Bool(true) {
		t.Error("a closed stream's pollable must be ready")
	}
	// Another handle to the same stdout learns of the failure once too.
	if c, _ := streamErrCase(t, th.call(cw, th.stdout())); c != "last-operation-failed" {
		t.Errorf("second handle: %s, want last-operation-failed", c)
	}

	in := th.stdin()
	const br = "wasi:io/streams#[method]input-stream.blocking-read"
	if got := okBytes(t, th.call(br, in, component.U64(10))); got != "ab" {
		t.Errorf("blocking-read = %q, want ab", got)
	}
	c, e = streamErrCase(t, th.call(br, in, component.U64(10)))
	if c != "last-operation-failed" || th.call(debug, e) != component.String("cable unplugged") {
		t.Errorf("failed read: %s %v", c, e)
	}
	if c, _ := streamErrCase(t, th.call("wasi:io/streams#[method]input-stream.read", in, component.U64(10))); c != "closed" {
		t.Errorf("after the failure: %s, want closed", c)
	}
}

func TestInputStream(t *testing.T) {
	th := newTestHost(t, NewConfig().WithStdin(strings.NewReader("hello, world")))
	in := th.stdin()
	const s = "wasi:io/streams#[method]input-stream."
	if got := okBytes(t, th.call(s+"read", in, component.U64(0))); got != "" {
		t.Errorf("read(0) = %q", got)
	}
	if got := okBytes(t, th.call(s+"read", in, component.U64(5))); got != "hello" {
		t.Errorf("read(5) = %q", got)
	}
	if n := okU64(t, th.call(s+"skip", in, component.U64(2))); n != 2 {
		t.Errorf("skip(2) = %d", n)
	}
	// A second handle reads the same stdin, where the first left it.
	if got := okBytes(t, th.call(s+"blocking-read", th.stdin(), component.U64(math.MaxUint64))); got != "world" {
		t.Errorf("blocking-read = %q", got)
	}
	if c, _ := streamErrCase(t, th.call(s+"read", in, component.U64(0))); c != "closed" {
		t.Errorf("read(0) at the end: %s, want closed", c)
	}
	if c, _ := streamErrCase(t, th.call(s+"blocking-skip", in, component.U64(1))); c != "closed" {
		t.Errorf("blocking-skip at the end: %s, want closed", c)
	}
}

func TestInputStreamFromPipe(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	th := newTestHost(t, NewConfig().WithStdin(pr))
	in := th.stdin()
	const s = "wasi:io/streams#[method]input-stream."
	// Nothing is written yet: read returns at once, with nothing.
	done := make(chan component.Value)
	go func() { done <- th.call(s+"read", in, component.U64(10)) }()
	select {
	case v := <-done:
		if got := okBytes(t, v); got != "" {
			t.Errorf("read = %q, want nothing", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read blocked")
	}
	p := th.call(s+"subscribe", in)
	if th.call("wasi:io/poll#[method]pollable.ready", p) != component.Bool(false) {
		t.Error("pollable ready before any data")
	}
	go func() { pw.Write([]byte("data")) }()
	th.call("wasi:io/poll#[method]pollable.block", p)
	if th.call("wasi:io/poll#[method]pollable.ready", p) != component.Bool(true) {
		t.Error("pollable not ready after block")
	}
	if got := okBytes(t, th.call(s+"read", in, component.U64(10))); got != "data" {
		t.Errorf("read = %q, want data", got)
	}
	// blocking-read waits for the writer; closing the pipe ends the stream.
	go func() {
		time.Sleep(10 * time.Millisecond)
		pw.Write([]byte("more"))
		pw.Close()
	}()
	if got := okBytes(t, th.call(s+"blocking-read", in, component.U64(10))); got != "more" {
		t.Errorf("blocking-read = %q, want more", got)
	}
	if c, _ := streamErrCase(t, th.call(s+"blocking-read", in, component.U64(10))); c != "closed" {
		t.Errorf("blocking-read after close: %s, want closed", c)
	}
}

func TestSplice(t *testing.T) {
	var out bytes.Buffer
	th := newTestHost(t, NewConfig().WithStdin(strings.NewReader("spliced bytes")).WithStdout(&out))
	const o = "wasi:io/streams#[method]output-stream."
	if n := okU64(t, th.call(o+"splice", th.stdout(), th.stdin(), component.U64(7))); n != 7 {
		t.Errorf("splice = %d, want 7", n)
	}
	if n := okU64(t, th.call(o+"blocking-splice", th.stdout(), th.stdin(), component.U64(100))); n != 6 {
		t.Errorf("blocking-splice = %d, want 6", n)
	}
	if c, _ := streamErrCase(t, th.call(o+"splice", th.stdout(), th.stdin(), component.U64(100))); c != "closed" {
		t.Errorf("splice at the end of the input: %s, want closed", c)
	}
	if out.String() != "spliced bytes" {
		t.Errorf("stdout = %q", out.String())
	}
}

// fakeClock is an injected monotonic clock that advances by itself.
type fakeClock struct{ ns atomic.Uint64 }

func (c *fakeClock) now() uint64 { return c.ns.Load() }

func TestPollSeveral(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	th := newTestHost(t, NewConfig().WithStdin(pr))
	const (
		poll = "wasi:io/poll#poll"
		dur  = "wasi:clocks/monotonic-clock#subscribe-duration"
	)
	never := th.call(dur, component.U64(math.MaxUint64))
	input := th.call("wasi:io/streams#[method]input-stream.subscribe", th.stdin())
	soon := th.call(dur, component.U64(uint64(20*time.Millisecond)))

	start := time.Now()
	if got := fmt.Sprint(th.call(poll, component.List{never, input, soon})); got != "[2]" {
		t.Errorf("poll = %s, want [2] (the 20 ms timer)", got)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("poll returned after %v, before the timer", d)
	}
	// The timer stays ready; the input becomes ready too.
	go func() { pw.Write([]byte("x")) }()
	if got := fmt.Sprint(th.call(poll, component.List{never, input})); got != "[1]" {
		t.Errorf("poll = %s, want [1] (the input)", got)
	}
	if got := fmt.Sprint(th.call(poll, component.List{input, never, soon, input})); got != "[0 2 3]" {
		t.Errorf("poll = %s, want [0 2 3]", got)
	}
	th.mustTrap("empty", poll, component.List{})
	th.mustTrap("expected a pollable handle", poll, component.List{th.stdout()})
}

func TestPollCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	th := newTestHost(t, NewConfig().WithStdin(pr))
	never := th.call("wasi:clocks/monotonic-clock#subscribe-duration", component.U64(math.MaxUint64))
	in := th.stdin()
	input := th.call("wasi:io/streams#[method]input-stream.subscribe", in)
	for _, tc := range []struct {
		fn   string
		args []component.Value
	}{
		{"wasi:io/poll#poll", []component.Value{component.List{never, input}}},
		{"wasi:io/poll#[method]pollable.block", []component.Value{never}},
		{"wasi:io/streams#[method]input-stream.blocking-read", []component.Value{in, component.U64(1)}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		done := make(chan error, 1)
		go func() {
			_, err := th.callErr(ctx, tc.fn, tc.args...)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: error %v, want context.Canceled", tc.fn, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still blocked 5 s after its context was cancelled", tc.fn)
		}
	}
}

func TestExit(t *testing.T) {
	th := newTestHost(t, NewConfig())
	for _, tc := range []struct {
		fn   string
		arg  component.Value
		code uint32
	}{
		{"exit", component.Ok(nil), 0},
		{"exit", component.Err(nil), 1},
		{"exit-with-code", component.U8(42), 42},
	} {
		_, err := th.callErr(context.Background(), "wasi:cli/exit#"+tc.fn, tc.arg)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != tc.code {
			t.Errorf("%s(%v): error %v, want exit status %d", tc.fn, tc.arg, err, tc.code)
		}
	}
	th.mustTrap("expected a result", "wasi:cli/exit#exit", component.U8(3))
}

func TestClocks(t *testing.T) {
	wall := time.Date(2024, 2, 29, 12, 0, 0, 123, time.UTC)
	clock := &fakeClock{}
	clock.ns.Store(1000)
	th := newTestHost(t, NewConfig().WithClock(func() time.Time { return wall }).WithMonotonic(clock.now))
	if got, want := fmt.Sprint(th.call("wasi:clocks/wall-clock#now")), fmt.Sprint(datetime(uint64(wall.Unix()), 123)); got != want {
		t.Errorf("wall-clock now = %s, want %s", got, want)
	}
	if got := th.call("wasi:clocks/monotonic-clock#now"); got != component.U64(1000) {
		t.Errorf("monotonic now = %v, want 1000", got)
	}
	p := th.call("wasi:clocks/monotonic-clock#subscribe-duration", component.U64(500))
	q := th.call("wasi:clocks/monotonic-clock#subscribe-instant", component.U64(1200))
	past := th.call("wasi:clocks/monotonic-clock#subscribe-instant", component.U64(10))
	ready := func(p component.Value) bool {
		return th.call("wasi:io/poll#[method]pollable.ready", p) == component.Bool(true)
	}
	if ready(p) || ready(q) || !ready(past) {
		t.Errorf("at 1000: ready %v %v %v, want false false true", ready(p), ready(q), ready(past))
	}
	clock.ns.Store(1200)
	if ready(p) || !ready(q) {
		t.Errorf("at 1200: ready %v %v, want false true", ready(p), ready(q))
	}
	// Blocking on an injected clock waits for it to advance.
	go func() {
		time.Sleep(20 * time.Millisecond)
		clock.ns.Store(1500)
	}()
	th.call("wasi:io/poll#[method]pollable.block", p)
	if clock.now() < 1500 {
		t.Error("block returned before the clock reached the instant")
	}

	th = newTestHost(t, NewConfig().WithClock(func() time.Time { return time.Unix(-5, 0) }))
	if got, want := fmt.Sprint(th.call("wasi:clocks/wall-clock#now")), fmt.Sprint(datetime(0, 0)); got != want {
		t.Errorf("wall-clock before 1970 = %s, want %s", got, want)
	}
	// The real monotonic clock: non-decreasing, and a duration really
	// elapses.
	a := th.call("wasi:clocks/monotonic-clock#now").(component.U64)
	th.call("wasi:io/poll#[method]pollable.block", th.call("wasi:clocks/monotonic-clock#subscribe-duration", component.U64(uint64(5*time.Millisecond))))
	if b := th.call("wasi:clocks/monotonic-clock#now").(component.U64); b-a < component.U64(5*time.Millisecond) {
		t.Errorf("monotonic clock advanced %d ns across a 5 ms wait", b-a)
	}
}

func TestRandomInjection(t *testing.T) {
	seq := make([]byte, 64)
	for i := range seq {
		seq[i] = byte(i)
	}
	th := newTestHost(t, NewConfig().WithRandom(bytes.NewReader(seq)))
	if got := fmt.Sprint(th.call("wasi:random/random#get-random-bytes", component.U64(3))); got != "[0 1 2]" {
		t.Errorf("get-random-bytes(3) = %s", got)
	}
	if got := th.call("wasi:random/random#get-random-u64"); got != component.U64(0x0a09080706050403) {
		t.Errorf("get-random-u64 = %#x", got)
	}
	if got := fmt.Sprint(th.call("wasi:random/insecure#get-insecure-random-bytes", component.U64(2))); got != "[11 12]" {
		t.Errorf("get-insecure-random-bytes(2) = %s", got)
	}
	if got := th.call("wasi:random/insecure#get-insecure-random-u64"); got != component.U64(0x14131211100f0e0d) {
		t.Errorf("get-insecure-random-u64 = %#x", got)
	}
	seed := fmt.Sprint(th.call("wasi:random/insecure-seed#insecure-seed"))
	if want := fmt.Sprint(component.Tuple{component.U64(0x1c1b1a1918171615), component.U64(0x24232221201f1e1d)}); seed != want { // bytes 21…36
		t.Errorf("insecure-seed = %s, want %s", seed, want)
	}
	if again := fmt.Sprint(th.call("wasi:random/insecure-seed#insecure-seed")); again != seed {
		t.Errorf("insecure-seed changed: %s, then %s", seed, again)
	}
	th.mustTrap("reading random bytes", "wasi:random/random#get-random-bytes", component.U64(100))
	th.mustTrap("more than the limit", "wasi:random/random#get-random-bytes", component.U64(1<<40))

	// The defaults work.
	th = newTestHost(t, NewConfig())
	if l := th.call("wasi:random/random#get-random-bytes", component.U64(32)).(component.Bytes); len(l) != 32 {
		t.Errorf("get-random-bytes(32) returned %d bytes", len(l))
	}
	th.call("wasi:random/insecure#get-insecure-random-bytes", component.U64(13))
}

func TestBadHandlesTrap(t *testing.T) {
	th := newTestHost(t, NewConfig())
	const cw = "wasi:io/streams#[method]output-stream.check-write"
	out := th.stdout()
	okU64(t, th.call(cw, out))

	p := th.call("wasi:clocks/monotonic-clock#subscribe-duration", component.U64(0)).(component.Resource)
	outType := out.Type
	for _, tc := range []struct {
		arg  component.Value
		want string
	}{
		{component.Resource{Type: outType, Rep: 0}, "unknown output-stream handle (rep 0)"},
		{component.Resource{Type: outType, Rep: 99999}, "unknown output-stream handle (rep 99999)"},
		{component.Resource{Type: outType, Rep: p.Rep}, "is a pollable, expected a output-stream"},
		{p, "expected a output-stream handle of this WASI host"},
		{component.Resource{Type: component.NewResourceType("output-stream", nil), Rep: out.Rep}, "foreign output-stream"},
		{component.U32(out.Rep), "expected a output-stream handle, got component.U32"},
	} {
		th.mustTrap(tc.want, cw, tc.arg)
	}
	th.mustTrap("missing argument 0", cw)
	th.mustTrap("expected a u64", "wasi:io/streams#[method]input-stream.read", th.stdin(), component.U32(1))
	th.mustTrap("expected a list<u8>", "wasi:io/streams#[method]output-stream.write", out, component.String("x"))

	// Dropping: the handle's rep is gone for good, and the next handle gets
	// a new rep.
	if err := out.Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	th.mustTrap("unknown output-stream handle", cw, out)
	if err := out.Drop(context.Background()); err == nil {
		t.Error("a second drop of the same rep did not fail")
	}
	if next := th.stdout(); next.Rep <= out.Rep {
		t.Errorf("rep %d after rep %d: reps must not be reused", next.Rep, out.Rep)
	}
}

func TestTableReps(t *testing.T) {
	tb := newTable()
	a, _ := tb.add(kindPollable, 1)
	b, _ := tb.add(kindPollable, 2)
	tb.remove(kindPollable, a)
	c, _ := tb.add(kindPollable, 3)
	if a != 1 || b != 2 || c != 3 {
		t.Errorf("reps %d %d %d, want 1 2 3", a, b, c)
	}
	// After 2³² reps, freed ones are reused, live ones skipped.
	tb.next = math.MaxUint32 - 1
	d, _ := tb.add(kindPollable, 4) // MaxUint32
	e, _ := tb.add(kindPollable, 5) // 0 is never a rep; 1 is free; 2 and 3 are live
	f, _ := tb.add(kindPollable, 6)
	if d != math.MaxUint32 || e != 1 || f != 4 {
		t.Errorf("reps after wrapping: %d %d %d, want %d 1 4", d, e, f, uint32(math.MaxUint32))
	}
	if tb.len() != 5 {
		t.Errorf("%d live entries, want 5", tb.len())
	}
}

func TestTableLimit(t *testing.T) {
	tb := newTable()
	for i := 0; i < maxLive; i++ {
		if _, err := tb.add(kindPollable, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tb.add(kindPollable, nil); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("add beyond the limit: %v", err)
	}
}

func TestNoFilesystemNoNetwork(t *testing.T) {
	th := newTestHost(t, NewConfig())
	if dirs := th.call("wasi:filesystem/preopens#get-directories").(component.List); len(dirs) != 0 {
		t.Errorf("get-directories = %v, want none", dirs)
	}
	th.mustTrap("unknown descriptor handle", "wasi:filesystem/types#[method]descriptor.stat",
		component.Resource{Type: th.types[kindDescriptor], Rep: 1})

	net := th.call("wasi:sockets/instance-network#instance-network")
	denied := component.Err(component.Enum("access-denied"))
	if got := th.call("wasi:sockets/tcp-create-socket#create-tcp-socket", component.Enum("ipv4")); got != denied {
		t.Errorf("create-tcp-socket = %v", got)
	}
	if got := th.call("wasi:sockets/udp-create-socket#create-udp-socket", component.Enum("ipv6")); got != denied {
		t.Errorf("create-udp-socket = %v", got)
	}
	if got := th.call("wasi:sockets/ip-name-lookup#resolve-addresses", net, component.String("example.com")); got != denied {
		t.Errorf("resolve-addresses = %v", got)
	}
	th.mustTrap("unknown tcp-socket handle", "wasi:sockets/tcp#[method]tcp-socket.start-connect",
		component.Resource{Type: th.types[kindTCPSocket], Rep: 5})

	// An io error that is not a filesystem's or a network's has no code.
	e, _ := th.newResource(kindError, &ioErrorObj{err: errors.New("x")})
	if got := th.call("wasi:filesystem/types#filesystem-error-code", e); got != component.None {
		t.Errorf("filesystem-error-code = %v", got)
	}
	if got := th.call("wasi:sockets/network#network-error-code", e); got != component.None {
		t.Errorf("network-error-code = %v", got)
	}
}

// testTypes are resource types for hosts whose destructors are never
// called.
func testTypes() [kindCount]*component.ResourceType {
	var ts [kindCount]*component.ResourceType
	for k := kindPollable; k < kindCount; k++ {
		ts[k] = component.NewResourceType(k.String(), nil)
	}
	return ts
}

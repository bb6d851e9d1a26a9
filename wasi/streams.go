package wasi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/plugwit/plugwit/component"
)

// This file is wasi:io/error and wasi:io/streams. A stream handle is a
// small per-handle object (inputStream, outputStream) over a source or a
// sink that handles may share: every `get-stdout` returns a new handle to
// the one stdout sink. Sources and sinks are the extension point for the
// streams of later interfaces (files, sockets, HTTP bodies).

// source is what an input-stream reads.
type source interface {
	waitable // ready: a read would return at least one byte or an error
	// take returns up to n bytes available now (copied), or with discard
	// only their count; with block it first waits until at least one byte
	// or the end is available. At the end it returns io.EOF; after another
	// error it returns that error again on every call. The bytes it returns
	// may be the source's buffer: they are valid until the next take.
	take(ctx context.Context, n int, block, discard bool) ([]byte, int, error)
}

// sink is what an output-stream writes.
type sink interface {
	waitable // ready: checkWrite would return a permit > 0 or an error
	// checkWrite returns how many bytes a write may take now.
	checkWrite() (int, error)
	// write writes b (at most a permit) without buffering beyond the sink.
	// It must not retain b, which may be the guest's memory.
	write(ctx context.Context, b []byte) error
	// flush flushes what was written; with block it waits until done.
	flush(ctx context.Context, block bool) error
}

// maxChunk bounds what one read returns and one write permit allows: a
// guest moving gigabytes does it 64 KiB at a time, and the host holds no
// more than that.
const maxChunk = 64 << 10

// ---- sources ----

// emptySource is a stream at its end.
type emptySource struct{}

func (emptySource) ready() bool                       { return true }
func (emptySource) watch(chan struct{}) (stop func()) { return nil }
func (emptySource) take(context.Context, int, bool, bool) ([]byte, int, error) {
	return nil, 0, io.EOF
}

// readerSource reads an io.Reader. A reader that may block is read ahead
// by one goroutine at a time, into one chunk, so that take and ready never
// block on it; in-memory readers are read in the caller's goroutine.
type readerSource struct {
	r    io.Reader
	sync bool // r never blocks

	mu      sync.Mutex
	chunk   []byte // the read-ahead buffer
	buf     []byte // unread bytes of chunk
	err     error  // r's error, reported once buf is empty
	reading bool   // a goroutine is in r.Read (it owns chunk)
	sig     signal
}

func newReaderSource(r io.Reader) source {
	if r == nil {
		return emptySource{}
	}
	s := &readerSource{r: r}
	switch r.(type) {
	case *bytes.Reader, *strings.Reader, *bytes.Buffer:
		s.sync = true
	}
	return s
}

func (s *readerSource) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) > 0 || s.err != nil {
		return true
	}
	s.fillLocked()
	return len(s.buf) > 0 || s.err != nil
}

func (s *readerSource) watch(ch chan struct{}) (stop func()) { return s.sig.watch(ch) }

// fillLocked starts a read into the empty buffer (for a sync reader, does
// it).
func (s *readerSource) fillLocked() {
	if s.reading || len(s.buf) > 0 || s.err != nil {
		return
	}
	if s.chunk == nil {
		s.chunk = make([]byte, maxChunk)
	}
	if s.sync {
		n, err := s.r.Read(s.chunk)
		s.buf, s.err = s.chunk[:n], err
		return
	}
	s.reading = true
	go func() {
		n, err := s.r.Read(s.chunk)
		s.mu.Lock()
		s.buf, s.err, s.reading = s.chunk[:n], err, false
		s.mu.Unlock()
		s.sig.notify()
	}()
}

func (s *readerSource) take(ctx context.Context, n int, block, discard bool) ([]byte, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var wake chan struct{}
	for {
		if len(s.buf) > 0 {
			k := min(n, len(s.buf))
			var out []byte
			if !discard {
				out = append([]byte(nil), s.buf[:k]...)
			}
			s.buf = s.buf[k:]
			return out, k, nil
		}
		if s.err != nil {
			return nil, 0, s.err
		}
		s.fillLocked()
		if len(s.buf) > 0 || s.err != nil {
			continue
		}
		if !block || n == 0 {
			return nil, 0, nil
		}
		if s.sync {
			// An in-memory reader that returned nothing without an error:
			// it has nothing now, and nothing will wake us.
			return nil, 0, nil
		}
		if wake == nil {
			wake = make(chan struct{}, 1)
			defer s.sig.watch(wake)()
		}
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
		}
		s.mu.Lock()
		if err := ctx.Err(); err != nil && len(s.buf) == 0 && s.err == nil {
			return nil, 0, err
		}
	}
}

// ---- sinks ----

// writerSink writes an io.Writer synchronously: a write reaches the writer
// before the guest's call returns, so the sink holds nothing, and its
// output stays in order with what the host writes itself.
type writerSink struct {
	mu  sync.Mutex
	w   io.Writer
	err error // the writer's first error; the sink is closed after it
}

func newWriterSink(w io.Writer) sink {
	if w == nil {
		w = io.Discard
	}
	return &writerSink{w: w}
}

func (s *writerSink) ready() bool                       { return true }
func (s *writerSink) watch(chan struct{}) (stop func()) { return nil }

func (s *writerSink) checkWrite() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	return maxChunk, nil
}

func (s *writerSink) write(ctx context.Context, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	for len(b) > 0 {
		if err := ctx.Err(); err != nil {
			return err // not the writer's fault: the sink stays open
		}
		n, err := s.w.Write(b[:min(len(b), maxChunk)])
		if err == nil && n == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			s.err = err
			return err
		}
		b = b[n:]
	}
	return nil
}

func (s *writerSink) flush(ctx context.Context, block bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if f, ok := s.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			s.err = err
			return err
		}
	}
	return nil
}

// ---- handles ----

// streamState is what one handle remembers of its stream's errors: the
// first error it meets is reported as `last-operation-failed`, and from
// then on the stream is `closed` (wasi:io/streams, stream-error).
type streamState struct{ failed bool }

// errClosed marks a stream closed by the host.
var errClosed = errors.New("stream closed")

// inputStream is the object behind an input-stream handle.
type inputStream struct {
	src    source
	onDrop func() // the guest dropped the handle (the parent of a child stream learns it)
	streamState
}

func (s *inputStream) release() {
	if s.onDrop != nil {
		s.onDrop()
	}
}

// outputStream is the object behind an output-stream handle. permit is
// what the last check-write granted and writes have not used.
type outputStream struct {
	dst    sink
	permit uint64
	onDrop func() // the guest dropped the handle (the parent of a child stream learns it)
	streamState
}

func (s *outputStream) release() {
	if s.onDrop != nil {
		s.onDrop()
	}
}

// ioErrorObj is the object behind a wasi:io/error handle.
type ioErrorObj struct{ err error }

// streamError turns a source's or sink's error into the stream-error
// result of the guest's call (an error that is not the stream's, such as a
// cancelled ctx, traps instead).
func (h *host) streamError(st *streamState, err error) (component.Value, error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	if st.failed || err == io.EOF || err == errClosed {
		return component.Err(component.Variant{Case: "closed"}), nil
	}
	st.failed = true
	e, rerr := h.newResource(kindError, &ioErrorObj{err: err})
	if rerr != nil {
		return nil, rerr
	}
	return component.Err(component.Variant{Case: "last-operation-failed", Value: e}), nil
}

func (h *host) ioError() *iface {
	in := h.newIface("wasi:io/error", kindError)
	in.funcs["[method]error.to-debug-string"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		e, err := resourceArg[*ioErrorObj](h, args, 0, kindError)
		if err != nil {
			return nil, err
		}
		return component.String(e.err.Error()), nil
	}
	return in
}

func (h *host) ioStreams() *iface {
	in := h.newIface("wasi:io/streams", kindError, kindPollable, kindInputStream, kindOutputStream)
	f := in.funcs

	// input-stream
	read := func(block, discard bool) component.HostFunc {
		return func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*inputStream](h, args, 0, kindInputStream)
			if err != nil {
				return nil, err
			}
			n, err := u64Arg(args, 1)
			if err != nil {
				return nil, err
			}
			if s.failed {
				return h.streamError(&s.streamState, errClosed)
			}
			b, k, err := s.src.take(ctx, clampLen(n, maxChunk), block, discard)
			if err != nil {
				return h.streamError(&s.streamState, err)
			}
			if discard {
				return component.Ok(component.U64(k)), nil
			}
			return component.Ok(bytesValue(b)), nil
		}
	}
	f["[method]input-stream.read"] = read(false, false)
	f["[method]input-stream.blocking-read"] = read(true, false)
	f["[method]input-stream.skip"] = read(false, true)
	f["[method]input-stream.blocking-skip"] = read(true, true)
	f["[method]input-stream.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*inputStream](h, args, 0, kindInputStream)
		if err != nil {
			return nil, err
		}
		if s.failed {
			return h.pollableValue(always{})
		}
		return h.pollableValue(s.src)
	}

	// output-stream
	f["[method]output-stream.check-write"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
		if err != nil {
			return nil, err
		}
		if s.failed {
			s.permit = 0
			return h.streamError(&s.streamState, errClosed)
		}
		n, err := s.dst.checkWrite()
		if err != nil {
			s.permit = 0
			return h.streamError(&s.streamState, err)
		}
		s.permit = uint64(n)
		return component.Ok(component.U64(n)), nil
	}
	// write and write-zeroes: within the permit of check-write, else trap.
	write := func(zeroes bool) component.HostFunc {
		return func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
			if err != nil {
				return nil, err
			}
			var b []byte
			if zeroes {
				n, err := u64Arg(args, 1)
				if err != nil {
					return nil, err
				}
				if n > s.permit {
					return nil, fmt.Errorf("write-zeroes of %d bytes exceeds the %d permitted by check-write", n, s.permit)
				}
				b = make([]byte, n)
			} else if b, err = bytesArg(args, 1); err != nil {
				return nil, err
			}
			if uint64(len(b)) > s.permit {
				return nil, fmt.Errorf("write of %d bytes exceeds the %d permitted by check-write", len(b), s.permit)
			}
			s.permit -= uint64(len(b))
			if s.failed {
				return h.streamError(&s.streamState, errClosed)
			}
			if err := s.dst.write(ctx, b); err != nil {
				return h.streamError(&s.streamState, err)
			}
			return component.Ok(nil), nil
		}
	}
	f["[method]output-stream.write"] = write(false)
	f["[method]output-stream.write-zeroes"] = write(true)
	// blocking-write-and-flush and blocking-write-zeroes-and-flush: the
	// spec allows 4096 bytes; more is written too, in chunks.
	blockingWrite := func(zeroes bool) component.HostFunc {
		return func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
			if err != nil {
				return nil, err
			}
			var b []byte
			var zeros uint64
			if zeroes {
				if zeros, err = u64Arg(args, 1); err != nil {
					return nil, err
				}
			} else if b, err = bytesArg(args, 1); err != nil {
				return nil, err
			}
			if s.failed {
				return h.streamError(&s.streamState, errClosed)
			}
			for zeros > 0 {
				n := clampLen(zeros, maxChunk)
				if err := s.dst.write(ctx, make([]byte, n)); err != nil {
					return h.streamError(&s.streamState, err)
				}
				zeros -= uint64(n)
			}
			if err := s.dst.write(ctx, b); err != nil {
				return h.streamError(&s.streamState, err)
			}
			if err := s.dst.flush(ctx, true); err != nil {
				return h.streamError(&s.streamState, err)
			}
			return component.Ok(nil), nil
		}
	}
	f["[method]output-stream.blocking-write-and-flush"] = blockingWrite(false)
	f["[method]output-stream.blocking-write-zeroes-and-flush"] = blockingWrite(true)
	flush := func(block bool) component.HostFunc {
		return func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
			if err != nil {
				return nil, err
			}
			if s.failed {
				return h.streamError(&s.streamState, errClosed)
			}
			if err := s.dst.flush(ctx, block); err != nil {
				return h.streamError(&s.streamState, err)
			}
			return component.Ok(nil), nil
		}
	}
	f["[method]output-stream.flush"] = flush(false)
	f["[method]output-stream.blocking-flush"] = flush(true)
	f["[method]output-stream.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
		if err != nil {
			return nil, err
		}
		if s.failed {
			return h.pollableValue(always{})
		}
		return h.pollableValue(s.dst)
	}
	// splice: check-write, read at most the permit, write it.
	splice := func(block bool) component.HostFunc {
		return func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*outputStream](h, args, 0, kindOutputStream)
			if err != nil {
				return nil, err
			}
			src, err := resourceArg[*inputStream](h, args, 1, kindInputStream)
			if err != nil {
				return nil, err
			}
			n, err := u64Arg(args, 2)
			if err != nil {
				return nil, err
			}
			if s.failed {
				return h.streamError(&s.streamState, errClosed)
			}
			if block {
				if _, err := h.poll(ctx, []waitable{s.dst}); err != nil {
					return nil, err
				}
			}
			permit, err := s.dst.checkWrite()
			if err != nil {
				return h.streamError(&s.streamState, err)
			}
			if src.failed {
				return h.streamError(&src.streamState, errClosed)
			}
			b, _, err := src.src.take(ctx, min(clampLen(n, maxChunk), permit), block, false)
			if err != nil {
				return h.streamError(&src.streamState, err)
			}
			if err := s.dst.write(ctx, b); err != nil {
				return h.streamError(&s.streamState, err)
			}
			return component.Ok(component.U64(len(b))), nil
		}
	}
	f["[method]output-stream.splice"] = splice(false)
	f["[method]output-stream.blocking-splice"] = splice(true)
	return in
}

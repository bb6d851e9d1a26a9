package wasi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/plugwit/plugwit/component"
)

// HTTP bodies over wasi:io/streams. An outgoing body (of a request the
// guest sends or of a response it gives) is a bodyPipe: the guest writes
// its output-stream, Go reads the other end (the transport sending the
// request, the server copying the response to the client). An incoming
// body is a bodyReader under a readerSource: the guest reads its
// input-stream, and its trailers come once the body is read to the end.

// bodyPipeCap bounds the bytes an outgoing body holds that Go has not read
// yet: check-write grants what is left of it (at most 64 KiB at a time),
// and a blocking write waits for room.
const bodyPipeCap = 256 << 10

var (
	errBodyDropped  = errors.New("the outgoing-body was dropped without outgoing-body.finish")
	errBodyReadDone = errors.New("the body is no longer read: the request or response ended")
)

// bodyPipe is an outgoing body: a bounded buffer between the guest (a
// sink) and a Go reader.
type bodyPipe struct {
	mu       sync.Mutex
	buf      []byte
	attached bool        // a reader takes the bytes (before, flush does not wait)
	finished bool        // the guest finished the body: EOF once buf is read
	trailers http.Header // given to finish
	rerr     error       // the body failed: the reader gets rerr
	werr     error       // the reader is gone: writes fail with werr
	limit    int64       // the Content-Length the guest declared, or -1
	written  int64
	sizeCode string // "HTTP-request-body-size" or "HTTP-response-body-size"
	changed  chan struct{}
	sig      signal
}

func newBodyPipe(limit int64, sizeCode string) *bodyPipe {
	return &bodyPipe{limit: limit, sizeCode: sizeCode, changed: make(chan struct{})}
}

// broadcastLocked wakes the reader, blocked writers and pollables.
func (p *bodyPipe) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
	p.sig.notify()
}

func (p *bodyPipe) ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.werr != nil || len(p.buf) < bodyPipeCap
}

func (p *bodyPipe) watch(ch chan struct{}) (stop func()) { return p.sig.watch(ch) }

func (p *bodyPipe) checkWrite() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.werr != nil {
		return 0, p.werr
	}
	return min(bodyPipeCap-len(p.buf), maxChunk), nil
}

func (p *bodyPipe) write(ctx context.Context, b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.werr != nil {
		return p.werr
	}
	if p.limit >= 0 && p.written+int64(len(b)) > p.limit {
		p.werr = sizeError(p.sizeCode, component.U64(p.written+int64(len(b))))
		return p.werr
	}
	for len(b) > 0 {
		room := bodyPipeCap - len(p.buf)
		if room == 0 {
			if !p.attached {
				return errors.New("the body holds 256 KiB that nobody reads yet: send the request (or set the response) before writing more")
			}
			ch := p.changed
			p.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
			}
			p.mu.Lock()
			if err := ctx.Err(); err != nil {
				return err
			}
			if p.werr != nil {
				return p.werr
			}
			continue
		}
		k := min(room, len(b))
		p.buf = append(p.buf, b[:k]...)
		p.written += int64(k)
		b = b[k:]
		p.broadcastLocked()
	}
	return nil
}

// flush waits (with block) until the reader has taken every byte; before
// a reader is attached, what was written is as flushed as it can be.
func (p *bodyPipe) flush(ctx context.Context, block bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for block && p.attached && len(p.buf) > 0 && p.werr == nil {
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		p.mu.Lock()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return p.werr
}

// attach marks that a reader takes the bytes from now on.
func (p *bodyPipe) attach() {
	p.mu.Lock()
	p.attached = true
	p.mu.Unlock()
}

// complete returns the whole body if the guest has finished it and the
// reader has taken nothing (so it can be sent with a known length).
func (p *bodyPipe) complete() ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished || p.rerr != nil || p.attached || len(p.trailers) > 0 {
		return nil, false
	}
	return p.buf, true
}

// finish ends the body (outgoing-body.finish); it fails, and fails the
// body, if the guest declared a Content-Length it did not write.
func (p *bodyPipe) finish(trailers http.Header) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limit >= 0 && p.written != p.limit {
		err := sizeError(p.sizeCode, component.U64(p.written))
		if p.rerr == nil {
			p.rerr = err
		}
		p.broadcastLocked()
		return err
	}
	if p.rerr != nil {
		return p.rerr
	}
	p.finished, p.trailers = true, trailers
	p.broadcastLocked()
	return nil
}

// abort fails a body that is not finished.
func (p *bodyPipe) abort(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished && p.rerr == nil {
		p.rerr = err
		p.broadcastLocked()
	}
}

// Read is the reader's end: it returns io.EOF after a finished body, the
// failure of a failed one.
func (p *bodyPipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.rerr != nil {
			return 0, p.rerr
		}
		if len(p.buf) > 0 {
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			if len(p.buf) == 0 {
				p.buf = nil
			}
			p.broadcastLocked()
			return n, nil
		}
		if p.finished {
			return 0, io.EOF
		}
		if p.werr != nil {
			return 0, p.werr
		}
		ch := p.changed
		p.mu.Unlock()
		<-ch
		p.mu.Lock()
	}
}

// closeRead ends the reader's side: later writes fail with err.
func (p *bodyPipe) closeRead(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.werr == nil {
		p.werr = err
	}
	p.broadcastLocked()
}

// Close is closeRead for the transport, which closes a request's body
// when it is done with it.
func (p *bodyPipe) Close() error {
	p.closeRead(errBodyReadDone)
	return nil
}

// trailersAfterEOF returns the trailers given to finish.
func (p *bodyPipe) trailersAfterEOF() http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.trailers
}

// requestBody is the body of a request the transport sends: the pipe,
// which copies the trailers into the request at the end.
type requestBody struct {
	p   *bodyPipe
	req *http.Request
}

func (b *requestBody) Read(buf []byte) (int, error) {
	n, err := b.p.Read(buf)
	if err == io.EOF && b.req.Trailer != nil {
		for k, vs := range b.p.trailersAfterEOF() {
			b.req.Trailer[k] = vs
		}
	}
	return n, err
}

func (b *requestBody) Close() error { return b.p.Close() }

// bodyStream is the stream of a body: given at most once, alive until the
// guest drops it (a body is not finished or dropped before its stream).
type bodyStream struct {
	streamTaken bool
	streamAlive bool
}

// openStream is incoming-body.stream and outgoing-body.write: the body's
// stream of kind k, made by mk with the hook its drop must call, once; an
// empty err after that.
func (s *bodyStream) openStream(h *host, k kind, mk func(onDrop func()) any) (component.Value, error) {
	if s.streamTaken {
		return component.Err(nil), nil
	}
	v, err := h.newResource(k, mk(func() { s.streamAlive = false }))
	if err != nil {
		return nil, err
	}
	s.streamTaken, s.streamAlive = true, true
	return component.Ok(v), nil
}

// outgoingBody is the object behind an outgoing-body handle.
type outgoingBody struct {
	p *bodyPipe
	bodyStream
}

func (b *outgoingBody) dropErr() error {
	if b.streamAlive {
		return errors.New("outgoing-body dropped while its output-stream is alive (drop the stream first)")
	}
	return nil
}

// release fails a body the guest dropped without finishing it.
func (b *outgoingBody) release() { b.p.abort(errBodyDropped) }

// ---- incoming bodies ----

// bodyReader reads the body of an incoming request or response, noting
// its end: its trailers, or the error-code of its failure.
type bodyReader struct {
	body     io.ReadCloser
	trailer  func() http.Header // the trailers, once body returned io.EOF
	mapErr   func(error) *httpError
	between  time.Duration // timeout of each Read (0: none)
	onSlow   func()        // called when a Read exceeds between
	mu       sync.Mutex
	done     bool
	err      *httpError
	trailers http.Header
	sig      signal
	close    sync.Once
}

func (r *bodyReader) Read(b []byte) (int, error) {
	var t *time.Timer
	if r.between > 0 && r.onSlow != nil {
		t = time.AfterFunc(r.between, r.onSlow)
	}
	n, err := r.body.Read(b)
	if t != nil {
		t.Stop()
	}
	if err == nil {
		return n, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.done {
		r.done = true
		if err == io.EOF {
			if r.trailer != nil {
				r.trailers = r.trailer()
			}
		} else {
			r.err = r.mapErr(err)
		}
		r.sig.notify()
	}
	if err == io.EOF {
		return n, io.EOF
	}
	return n, r.err
}

// Close closes the body (once).
func (r *bodyReader) Close() error {
	r.close.Do(func() { r.body.Close() })
	return nil
}

// incomingBody is the object behind an incoming-body handle, and, after
// finish, of its future-trailers.
type incomingBody struct {
	r   *bodyReader
	src source // over r, read ahead by a goroutine
	bodyStream

	drainOnce sync.Once
	drainStop context.CancelFunc
	taken     bool // future-trailers.get returned the result
}

func newIncomingBody(r *bodyReader) *incomingBody {
	return &incomingBody{r: r, src: newReaderSource(r)}
}

func (b *incomingBody) dropErr() error {
	if b.streamAlive {
		return errors.New("incoming-body dropped while its input-stream is alive (drop the stream first)")
	}
	return nil
}

func (b *incomingBody) release() {
	if b.drainStop != nil {
		b.drainStop()
	}
	b.r.Close()
}

// drain reads the rest of the body and throws it away, so that its
// trailers come: the guest finished the body without reading it all.
func (b *incomingBody) drain() {
	b.drainOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		b.drainStop = cancel
		go func() {
			for ctx.Err() == nil {
				if _, _, err := b.src.take(ctx, maxChunk, true, true); err != nil {
					return
				}
			}
		}()
	})
}

// futureTrailers is the object behind a future-trailers handle.
type futureTrailers struct{ *incomingBody }

func (f futureTrailers) ready() bool {
	f.r.mu.Lock()
	done := f.r.done
	f.r.mu.Unlock()
	if !done {
		f.drain()
	}
	return done
}

func (f futureTrailers) watch(ch chan struct{}) (stop func()) { return f.r.sig.watch(ch) }

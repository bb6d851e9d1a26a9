package wasi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// The methods of wasi:io/streams that move bytes (read, blocking-read,
// check-write, write, blocking-write-and-flush, blocking-flush) are
// defined as typed host functions: they read their arguments off the
// guest's stack and write bytes straight from its memory to the sink, with
// no Value and no copy (see BENCHMARKS.md, "WASI streams"). They behave as
// their dynamic versions in streams.go, which the host's own tests call.

// streamsWIT declares the typed methods, so that linking checks them
// against what the component imports.
const streamsWIT = `package wasi:io@` + Version + `;
interface error { resource error; }
interface streams {
  use error.{error};
  variant stream-error { last-operation-failed(error), closed }
  resource input-stream {
    read: func(len: u64) -> result<list<u8>, stream-error>;
    blocking-read: func(len: u64) -> result<list<u8>, stream-error>;
  }
  resource output-stream {
    check-write: func() -> result<u64, stream-error>;
    write: func(contents: list<u8>) -> result<_, stream-error>;
    blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;
    blocking-flush: func() -> result<_, stream-error>;
  }
}
`

var streamsDecl = sync.OnceValues(func() (*wit.Resolve, error) {
	r := wit.NewResolve()
	if _, err := r.PushSource("wasi-io-streams.wit", streamsWIT); err != nil {
		return nil, fmt.Errorf("wasi: the declaration of wasi:io/streams: %w", err)
	}
	return r, nil
})

// defineTypedStreams replaces the byte-moving methods of li (the
// wasi:io/streams instance) with typed host functions.
func (d *Definitions) defineTypedStreams(li *component.LinkerInstance) error {
	r, err := streamsDecl()
	if err != nil {
		return err
	}
	pkg := r.Packages[0]
	iid, _ := pkg.Interfaces.Get("streams")
	fns := r.Interfaces[iid].Functions
	def := func(name string, fn func(h *host, ctx context.Context, c *component.HostCall) error) {
		decl, ok := fns.Get(name)
		if !ok {
			panic("wasi: streamsWIT lacks " + name)
		}
		li.TypedFunc(name, r, decl, func(ctx context.Context, c *component.HostCall) error {
			return fn(d.pick(ctx), ctx, c)
		})
	}
	read := func(block bool) func(h *host, ctx context.Context, c *component.HostCall) error {
		return func(h *host, ctx context.Context, c *component.HostCall) error {
			s, err := typedArg[*inputStream](h, c, kindInputStream)
			if err != nil {
				return err
			}
			n := c.U64()
			if s.failed {
				return h.returnStreamError(c, &s.streamState, errClosed, 4)
			}
			b, _, err := s.src.take(ctx, clampLen(n, maxChunk), block, false)
			if err != nil {
				return h.returnStreamError(c, &s.streamState, err, 4)
			}
			c.ReturnU8(0)
			c.ReturnBytes(b)
			return nil
		}
	}
	def("[method]input-stream.read", read(false))
	def("[method]input-stream.blocking-read", read(true))
	def("[method]output-stream.check-write", func(h *host, ctx context.Context, c *component.HostCall) error {
		s, err := typedArg[*outputStream](h, c, kindOutputStream)
		if err != nil {
			return err
		}
		if s.failed {
			s.permit = 0
			return h.returnStreamError(c, &s.streamState, errClosed, 8)
		}
		n, err := s.dst.checkWrite()
		if err != nil {
			s.permit = 0
			return h.returnStreamError(c, &s.streamState, err, 8)
		}
		s.permit = uint64(n)
		c.ReturnU8(0)
		c.ReturnU64(uint64(n))
		return nil
	})
	def("[method]output-stream.write", func(h *host, ctx context.Context, c *component.HostCall) error {
		s, err := typedArg[*outputStream](h, c, kindOutputStream)
		if err != nil {
			return err
		}
		b := c.BytesView()
		if err := c.Err(); err != nil {
			return err
		}
		if uint64(len(b)) > s.permit {
			return fmt.Errorf("write of %d bytes exceeds the %d permitted by check-write", len(b), s.permit)
		}
		s.permit -= uint64(len(b))
		if s.failed {
			return h.returnStreamError(c, &s.streamState, errClosed, 4)
		}
		if err := s.dst.write(ctx, b); err != nil {
			return h.returnStreamError(c, &s.streamState, err, 4)
		}
		c.ReturnU8(0)
		return nil
	})
	flush := func(write bool) func(h *host, ctx context.Context, c *component.HostCall) error {
		return func(h *host, ctx context.Context, c *component.HostCall) error {
			s, err := typedArg[*outputStream](h, c, kindOutputStream)
			if err != nil {
				return err
			}
			var b []byte
			if write {
				b = c.BytesView()
				if err := c.Err(); err != nil {
					return err
				}
			}
			if s.failed {
				return h.returnStreamError(c, &s.streamState, errClosed, 4)
			}
			if err := s.dst.write(ctx, b); err != nil {
				return h.returnStreamError(c, &s.streamState, err, 4)
			}
			if err := s.dst.flush(ctx, true); err != nil {
				return h.returnStreamError(c, &s.streamState, err, 4)
			}
			c.ReturnU8(0)
			return nil
		}
	}
	def("[method]output-stream.blocking-write-and-flush", flush(true))
	def("[method]output-stream.blocking-flush", flush(false))
	return nil
}

// typedArg returns the object behind the next argument of c, a borrowed
// handle of kind k.
func typedArg[T any](h *host, c *component.HostCall, k kind) (T, error) {
	var zero T
	rep := c.Borrow(h.types[k])
	if err := c.Err(); err != nil {
		return zero, err
	}
	return tableObj[T](h, k, rep)
}

// returnStreamError writes the error case of a result<T, stream-error>
// whose payload is aligned to payloadAlign, as streamError makes it.
func (h *host) returnStreamError(c *component.HostCall, st *streamState, err error, payloadAlign uint32) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	c.ReturnU8(1)
	c.ReturnAlign(payloadAlign)
	if st.failed || isEnd(err) {
		c.ReturnU8(1) // closed
		return nil
	}
	st.failed = true
	rep, terr := h.t.add(kindError, &ioErrorObj{err: err})
	if terr != nil {
		return terr
	}
	c.ReturnU8(0) // last-operation-failed
	c.ReturnOwn(h.types[kindError], rep)
	return nil
}

// isEnd reports whether err ends a stream without failing it.
func isEnd(err error) bool { return err == io.EOF || err == errClosed }

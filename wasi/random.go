package wasi

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"

	"github.com/plugwit/plugwit/component"
)

// maxRandomBytes bounds one get-random-bytes call: the guest chooses the
// length, and the host must not allocate whatever it asks.
const maxRandomBytes = 16 << 20

// mathRandReader reads math/rand/v2's generator: the default source of
// wasi:random/insecure.
type mathRandReader struct{}

func (mathRandReader) Read(p []byte) (int, error) {
	for i := 0; i < len(p); i += 8 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], mrand.Uint64())
		copy(p[i:], b[:])
	}
	return len(p), nil
}

func randomBytes(r io.Reader, args []component.Value) (component.Value, error) {
	n, err := u64Arg(args, 0)
	if err != nil {
		return nil, err
	}
	if n > maxRandomBytes {
		return nil, fmt.Errorf("%d random bytes requested, more than the limit of %d", n, maxRandomBytes)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return bytesValue(b), nil
}

func randomU64(r io.Reader) (uint64, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, fmt.Errorf("reading random bytes: %w", err)
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

func (h *host) randomRandom() *iface {
	in := h.newIface("wasi:random/random")
	in.funcs["get-random-bytes"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return randomBytes(h.random, args)
	}
	in.funcs["get-random-u64"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		v, err := randomU64(h.random)
		return component.U64(v), err
	}
	return in
}

func (h *host) randomInsecure() *iface {
	in := h.newIface("wasi:random/insecure")
	in.funcs["get-insecure-random-bytes"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return randomBytes(h.insecure, args)
	}
	in.funcs["get-insecure-random-u64"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		v, err := randomU64(h.insecure)
		return component.U64(v), err
	}
	return in
}

// insecure-seed returns the same value on every call: the spec means it to
// be read once, to seed hash tables.
func (h *host) randomInsecureSeed() *iface {
	in := h.newIface("wasi:random/insecure-seed")
	in.funcs["insecure-seed"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		h.seedOnce.Do(func() {
			for i := range h.seed {
				if h.seed[i], h.seedErr = randomU64(h.insecure); h.seedErr != nil {
					return
				}
			}
		})
		if h.seedErr != nil {
			return nil, h.seedErr
		}
		return component.Tuple{component.U64(h.seed[0]), component.U64(h.seed[1])}, nil
	}
	return in
}

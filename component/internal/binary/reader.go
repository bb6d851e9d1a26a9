package binary

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// maxDepth bounds the nesting of components, component types, instance types
// and core module types, so that hostile input cannot exhaust the stack.
// wasmparser uses the same limit for type nesting.
const maxDepth = 100

// maxPrealloc caps the capacity reserved up front for a vector; larger vectors
// grow as their entries are actually decoded.
const maxPrealloc = 1024

// reader reads the binary format from buf[pos:end]. Offsets are indices into
// buf, which is the whole input, so they are absolute.
type reader struct {
	buf   []byte
	pos   int
	end   int
	depth int
}

func newReader(b []byte) *reader { return &reader{buf: b, end: len(b)} }

// remaining is the number of bytes left in the current region.
func (r *reader) remaining() int { return r.end - r.pos }

// errorf returns an *Error at offset off.
func (r *reader) errorf(off int, format string, args ...any) error {
	return &Error{Offset: uint64(off), Msg: fmt.Sprintf(format, args...)}
}

// eof returns the error for data ending before what could be read.
func (r *reader) eof(what string) error {
	return &Error{Offset: uint64(r.pos), Msg: "unexpected end of data reading " + what, Err: io.ErrUnexpectedEOF}
}

// tooLong returns the error for a length or count that exceeds the bytes left.
func (r *reader) tooLong(off int, what string, n uint64) error {
	return &Error{
		Offset: uint64(off),
		Msg:    fmt.Sprintf("%s %d exceeds the %d bytes left", what, n, r.remaining()),
		Err:    io.ErrUnexpectedEOF,
	}
}

// invalid returns the error for an unknown opcode or discriminator b read at
// offset off while decoding what.
func (r *reader) invalid(off int, what string, b byte) error {
	return r.errorf(off, "invalid %s 0x%02x", what, b)
}

// u8 reads one byte.
func (r *reader) u8(what string) (byte, error) {
	if r.pos >= r.end {
		return 0, r.eof(what)
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

// peek returns the next byte without consuming it.
func (r *reader) peek(what string) (byte, error) {
	if r.pos >= r.end {
		return 0, r.eof(what)
	}
	return r.buf[r.pos], nil
}

// u32 reads an unsigned LEB128 integer of at most 32 bits (at most 5 bytes).
func (r *reader) u32(what string) (uint32, error) {
	start := r.pos
	var v uint32
	for shift := uint(0); ; shift += 7 {
		b, err := r.u8(what)
		if err != nil {
			return 0, err
		}
		if shift == 28 {
			if b&0x80 != 0 {
				return 0, r.errorf(start, "invalid u32 LEB128 for %s: longer than 5 bytes", what)
			}
			if b&0x70 != 0 {
				return 0, r.errorf(start, "invalid u32 LEB128 for %s: value overflows 32 bits", what)
			}
		}
		v |= uint32(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
}

// u64 reads an unsigned LEB128 integer of at most 64 bits (at most 10 bytes).
func (r *reader) u64(what string) (uint64, error) {
	start := r.pos
	var v uint64
	for shift := uint(0); ; shift += 7 {
		b, err := r.u8(what)
		if err != nil {
			return 0, err
		}
		if shift == 63 {
			if b&0x80 != 0 {
				return 0, r.errorf(start, "invalid u64 LEB128 for %s: longer than 10 bytes", what)
			}
			if b&0x7e != 0 {
				return 0, r.errorf(start, "invalid u64 LEB128 for %s: value overflows 64 bits", what)
			}
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
}

// s33 reads a signed LEB128 integer of at most 33 bits (at most 5 bytes), the
// encoding of type indices that share their first byte with type opcodes.
func (r *reader) s33(what string) (int64, error) {
	start := r.pos
	var v int64
	shift := uint(0)
	for {
		b, err := r.u8(what)
		if err != nil {
			return 0, err
		}
		if shift == 28 && b&0x80 != 0 {
			return 0, r.errorf(start, "invalid s33 LEB128 for %s: longer than 5 bytes", what)
		}
		v |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			if b&0x40 != 0 {
				v |= -1 << shift
			}
			break
		}
	}
	if v < -(1<<32) || v >= 1<<32 {
		return 0, r.errorf(start, "invalid s33 LEB128 for %s: value overflows 33 bits", what)
	}
	return v, nil
}

// bytes reads n raw bytes, returning a sub-slice of the input.
func (r *reader) bytes(n int, what string) ([]byte, error) {
	if n > r.remaining() {
		return nil, r.tooLong(r.pos, what+" length", uint64(n))
	}
	b := r.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return b, nil
}

// name reads a length-prefixed UTF-8 string (core:name).
func (r *reader) name(what string) (string, error) {
	start := r.pos
	n, err := r.u32(what + " length")
	if err != nil {
		return "", err
	}
	if uint64(n) > uint64(r.remaining()) {
		return "", r.tooLong(start, what+" length", uint64(n))
	}
	b := r.buf[r.pos : r.pos+int(n)]
	if !utf8.Valid(b) {
		return "", r.errorf(r.pos, "invalid UTF-8 in %s", what)
	}
	r.pos += int(n)
	return string(b), nil
}

// count reads a vector length and checks that at least that many bytes remain,
// every entry taking at least one byte.
func (r *reader) count(what string) (int, error) {
	start := r.pos
	n, err := r.u32(what + " count")
	if err != nil {
		return 0, err
	}
	if uint64(n) > uint64(r.remaining()) {
		return 0, r.tooLong(start, what+" count", uint64(n))
	}
	return int(n), nil
}

// bool01 reads a byte that must be 0x00 (false) or 0x01 (true).
func (r *reader) bool01(what string) (bool, error) {
	off := r.pos
	b, err := r.u8(what)
	if err != nil {
		return false, err
	}
	switch b {
	case 0x00:
		return false, nil
	case 0x01:
		return true, nil
	}
	return false, r.invalid(off, what, b)
}

// expect reads one byte that must equal want.
func (r *reader) expect(want byte, what string) error {
	off := r.pos
	b, err := r.u8(what)
	if err != nil {
		return err
	}
	if b != want {
		return r.errorf(off, "invalid %s 0x%02x, want 0x%02x", what, b, want)
	}
	return nil
}

// vec reads a vector: a count, then that many entries decoded by read. Entry
// errors are wrapped with the entry's index. An empty vector is nil.
func vec[T any](r *reader, what string, read func(r *reader) (T, error)) ([]T, error) {
	n, err := r.count(what)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]T, 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		v, err := read(r)
		if err != nil {
			return nil, withEntry(what, i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// u32s reads a vector of u32.
func (r *reader) u32s(what string) ([]uint32, error) {
	return vec(r, what, func(r *reader) (uint32, error) { return r.u32(what) })
}

// optional reads the <T>? encoding: 0x00 for absent, 0x01 then T.
func optional[T any](r *reader, what string, read func(r *reader) (T, error)) (*T, error) {
	present, err := r.bool01(what + " presence flag")
	if err != nil || !present {
		return nil, err
	}
	v, err := read(r)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// sub runs f on the region [r.pos, r.pos+size) and checks that f consumed it
// exactly; afterwards the reader continues after the region.
func (r *reader) sub(size uint32, what string, f func() error) error {
	if uint64(size) > uint64(r.remaining()) {
		return r.tooLong(r.pos, what+" size", uint64(size))
	}
	end := r.end
	r.end = r.pos + int(size)
	err := f()
	if err == nil && r.pos != r.end {
		err = r.errorf(r.pos, "%d unexpected bytes at the end of the %s", r.end-r.pos, what)
	}
	r.pos, r.end = r.end, end
	return err
}

// enter increases the nesting depth for a nested component or type, failing
// beyond maxDepth. Callers defer r.leave().
func (r *reader) enter(what string) error {
	if r.depth >= maxDepth {
		return r.errorf(r.pos, "%s nested more than %d deep", what, maxDepth)
	}
	r.depth++
	return nil
}

func (r *reader) leave() { r.depth-- }

package binary

import (
	"errors"
	"fmt"
)

// ErrCoreModule is wrapped by the error [Decode] returns when the input is a
// core WebAssembly module rather than a component. Callers that accept both
// can test for it with errors.Is and use [DecodeCoreModule] instead.
var ErrCoreModule = errors.New("binary is a core module, not a component")

// Error reports malformed input: what is wrong and the absolute offset of the
// bytes at fault. Decode wraps it with the section (and entry) it occurred in,
// giving messages like
//
//	decode component: section 7 (type) at offset 0x1a3: type 2: invalid defined type opcode 0x55 at offset 0x1ab
//
// Err, when set, is the underlying cause: io.ErrUnexpectedEOF for input that
// ends too early (including lengths and counts larger than the bytes left), or
// [ErrCoreModule].
type Error struct {
	// Offset is the absolute offset, in the slice given to Decode, of the
	// first byte the problem concerns.
	Offset uint64
	// Msg describes the problem, without the offset.
	Msg string
	// Err is the underlying cause, or nil.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("%s at offset %#x", e.Msg, e.Offset) }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// withSection wraps err with the section it occurred in.
func withSection(id SectionID, offset int, err error) error {
	return fmt.Errorf("section %d (%s) at offset %#x: %w", uint8(id), id, offset, err)
}

// withEntry wraps err with the index of the vector entry it occurred in.
func withEntry(what string, i int, err error) error {
	return fmt.Errorf("%s %d: %w", what, i, err)
}

package component

// This file defines Value, the dynamic representation of every component
// model value. Lifting a value out of a component produces these types and
// lowering accepts them; the typed fast path (see RATIONALE.md) bypasses them.

// Value is a component-model value. It is one of Bool, S8, U8, S16, U16,
// S32, U32, S64, U64, F32, F64, Char, String, List (Bytes for list<u8>),
// Record, Tuple, Variant, Enum, Option, Result, Flags, or a resource handle
// (Resource).
type Value interface{ isValue() }

// The scalar values.
type (
	Bool   bool
	S8     int8
	U8     uint8
	S16    int16
	U16    uint16
	S32    int32
	U32    uint32
	S64    int64
	U64    uint64
	F32    float32
	F64    float64
	Char   rune // a Unicode scalar value: not a surrogate, at most U+10FFFF
	String string
)

// List is a `list<T>` (or a fixed-length `list<T, N>`) value.
type List []Value

// Record is a `record` value: its fields in the order the type declares
// them.
type Record []Field

// Field is one field of a Record.
type Field struct {
	Name  string
	Value Value
}

// Tuple is a `tuple<…>` value.
type Tuple []Value

// Variant is a `variant` value: the case's name and its payload, nil for a
// case without one.
type Variant struct {
	Case  string
	Value Value
}

// Enum is an `enum` value: the case's name.
type Enum string

// Option is an `option<T>` value; Value is nil for `none`.
type Option struct{ Value Value }

// Some returns the option value `some(v)`.
func Some(v Value) Option { return Option{Value: v} }

// None is the option value `none`.
var None = Option{}

// Result is a `result<T, E>` value. Value is the payload of the `ok` or
// `err` side, nil when that side has no type.
type Result struct {
	IsErr bool
	Value Value
}

// Ok returns the result value `ok(v)`; v is nil for `result<_, E>`.
func Ok(v Value) Result { return Result{Value: v} }

// Err returns the result value `err(v)`; v is nil for `result<T>`.
func Err(v Value) Result { return Result{IsErr: true, Value: v} }

// Flags is a `flags` value: the names of the flags that are set, in the
// order the type declares them.
type Flags []string

func (Bool) isValue()    {}
func (S8) isValue()      {}
func (U8) isValue()      {}
func (S16) isValue()     {}
func (U16) isValue()     {}
func (S32) isValue()     {}
func (U32) isValue()     {}
func (S64) isValue()     {}
func (U64) isValue()     {}
func (F32) isValue()     {}
func (F64) isValue()     {}
func (Char) isValue()    {}
func (String) isValue()  {}
func (List) isValue()    {}
func (Record) isValue()  {}
func (Tuple) isValue()   {}
func (Variant) isValue() {}
func (Enum) isValue()    {}
func (Option) isValue()  {}
func (Result) isValue()  {}
func (Flags) isValue()   {}

// Bytes is a `list<u8>` value as a byte slice. Lifting a list<u8> produces
// Bytes; lowering accepts Bytes or a List of U8 wherever a list<u8> is
// expected. Either way the bytes are copied in one piece.
type Bytes []byte

func (Bytes) isValue() {}

package wave

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// FormatError is a value that does not fit the type it is formatted as.
type FormatError struct {
	Path string // where in the value: `.field`, `[3]`, `.some`, `.case`; "" at the top
	Msg  string
}

// Error formats the error as `wave: format .content: expected string, got u32`.
func (e *FormatError) Error() string {
	if e.Path == "" {
		return "wave: format: " + e.Msg
	}
	return "wave: format " + e.Path + ": " + e.Msg
}

// formatter writes values as the wasm-wave writer does.
type formatter struct {
	r *wit.Resolve
	b strings.Builder
}

func formatErrorf(format string, args ...any) error {
	return &FormatError{Msg: fmt.Sprintf(format, args...)}
}

// inside prefixes the path of a FormatError from a nested value.
func inside(err error, seg string) error {
	if fe, ok := err.(*FormatError); ok {
		fe.Path = seg + fe.Path
	}
	return err
}

// mismatch reports a value of the wrong kind for t.
func (f *formatter) mismatch(t wit.Type, v component.Value) error {
	return formatErrorf("expected %s, got %s", describe(f.r, t), valueKind(v))
}

func (f *formatter) value(t wit.Type, v component.Value, depth int) error {
	if depth > maxDepth {
		return formatErrorf("value nested more than %d levels deep", maxDepth)
	}
	_, k, err := underlying(f.r, t)
	if err != nil {
		return formatErrorf("%v", err)
	}
	if unsupported(k) {
		return formatErrorf("not supported in WAVE: %s", describe(f.r, t))
	}
	switch k := k.(type) {
	case wit.Primitive:
		return f.primitive(t, k, v)
	case *wit.Record:
		rv, ok := v.(component.Record)
		if !ok {
			return f.mismatch(t, v)
		}
		if len(rv) != len(k.Fields) {
			return formatErrorf("%s has %d fields, the value has %d", describe(f.r, t), len(k.Fields), len(rv))
		}
		f.b.WriteByte('{')
		n := 0
		for i, fld := range k.Fields {
			if rv[i].Name != fld.Name {
				return formatErrorf("field %d of %s is %q, the value has %q", i, describe(f.r, t), fld.Name, rv[i].Name)
			}
			if o, ok := rv[i].Value.(component.Option); ok && o.Value == nil && isOption(f.r, fld.Type) {
				continue // `none` fields are left out
			}
			if n > 0 {
				f.b.WriteString(", ")
			}
			n++
			f.b.WriteString(fld.Name)
			f.b.WriteString(": ")
			if err := f.value(fld.Type, rv[i].Value, depth+1); err != nil {
				return inside(err, "."+fld.Name)
			}
		}
		if n == 0 {
			f.b.WriteByte(':')
		}
		f.b.WriteByte('}')
	case *wit.Tuple:
		tv, ok := v.(component.Tuple)
		if !ok {
			return f.mismatch(t, v)
		}
		if len(tv) != len(k.Types) {
			return formatErrorf("%s has %d elements, the value has %d", describe(f.r, t), len(k.Types), len(tv))
		}
		return f.seq('(', ')', k.Types, nil, tv, depth)
	case *wit.List:
		if b, ok := v.(component.Bytes); ok {
			v = bytesList(b)
		}
		lv, ok := v.(component.List)
		if !ok {
			return f.mismatch(t, v)
		}
		return f.seq('[', ']', nil, k.Elem, lv, depth)
	case *wit.FixedList:
		lv, ok := v.(component.List)
		if !ok {
			return f.mismatch(t, v)
		}
		if int64(len(lv)) != int64(k.Len) {
			return formatErrorf("%s has %d elements, the value has %d", describe(f.r, t), k.Len, len(lv))
		}
		return f.seq('[', ']', nil, k.Elem, lv, depth)
	case *wit.Variant:
		vv, ok := v.(component.Variant)
		if !ok {
			return f.mismatch(t, v)
		}
		for _, c := range k.Cases {
			if c.Name == vv.Case {
				f.b.WriteString(labelText(c.Name))
				return f.maybePayload(c.Type, vv.Value, "case "+c.Name+" of "+describe(f.r, t), "."+c.Name, depth)
			}
		}
		return formatErrorf("%s has no case %q", describe(f.r, t), vv.Case)
	case *wit.Enum:
		ev, ok := v.(component.Enum)
		if !ok {
			return f.mismatch(t, v)
		}
		for _, c := range k.Cases {
			if c.Name == string(ev) {
				f.b.WriteString(labelText(c.Name))
				return nil
			}
		}
		return formatErrorf("%s has no case %q", describe(f.r, t), string(ev))
	case *wit.Option:
		ov, ok := v.(component.Option)
		if !ok {
			return f.mismatch(t, v)
		}
		if ov.Value == nil {
			f.b.WriteString("none")
			return nil
		}
		f.b.WriteString("some")
		return f.maybePayload(k.Type, ov.Value, "some", ".some", depth)
	case *wit.Result:
		rv, ok := v.(component.Result)
		if !ok {
			return f.mismatch(t, v)
		}
		if rv.IsErr {
			f.b.WriteString("err")
			return f.maybePayload(k.Err, rv.Value, "err of "+describe(f.r, t), ".err", depth)
		}
		f.b.WriteString("ok")
		return f.maybePayload(k.OK, rv.Value, "ok of "+describe(f.r, t), ".ok", depth)
	case *wit.Flags:
		fv, ok := v.(component.Flags)
		if !ok {
			return f.mismatch(t, v)
		}
		set := make([]bool, len(k.Flags))
	next:
		for _, name := range fv {
			for i, fl := range k.Flags {
				if fl.Name == name {
					if set[i] {
						return formatErrorf("flag %q set twice", name)
					}
					set[i] = true
					continue next
				}
			}
			return formatErrorf("%s has no flag %q", describe(f.r, t), name)
		}
		f.b.WriteByte('{')
		n := 0
		for i, fl := range k.Flags {
			if set[i] {
				if n > 0 {
					f.b.WriteString(", ")
				}
				n++
				f.b.WriteString(fl.Name)
			}
		}
		f.b.WriteByte('}')
	default:
		return formatErrorf("not supported in WAVE: %s", describe(f.r, t))
	}
	return nil
}

// seq writes the elements of a tuple (types) or list (elem).
func (f *formatter) seq(open, close byte, types []wit.Type, elem wit.Type, vs []component.Value, depth int) error {
	f.b.WriteByte(open)
	for i, v := range vs {
		if i > 0 {
			f.b.WriteString(", ")
		}
		t := elem
		if types != nil {
			t = types[i]
		}
		if err := f.value(t, v, depth+1); err != nil {
			return inside(err, "["+strconv.Itoa(i)+"]")
		}
	}
	f.b.WriteByte(close)
	return nil
}

// maybePayload writes `(payload)` when the case has a payload type.
func (f *formatter) maybePayload(t wit.Type, v component.Value, what, seg string, depth int) error {
	if t == nil {
		if v != nil {
			return formatErrorf("%s has no payload, the value has a %s", what, valueKind(v))
		}
		return nil
	}
	if v == nil {
		return formatErrorf("%s needs a payload of type %s", what, describe(f.r, t))
	}
	f.b.WriteByte('(')
	if err := f.value(t, v, depth+1); err != nil {
		return inside(err, seg)
	}
	f.b.WriteByte(')')
	return nil
}

// writeInt writes v in decimal if it is a T, and reports whether it was.
func writeInt[T interface {
	component.Value
	~int8 | ~int16 | ~int32 | ~int64
}](b *strings.Builder, v component.Value) bool {
	x, ok := v.(T)
	if ok {
		b.WriteString(strconv.FormatInt(int64(x), 10))
	}
	return ok
}

// writeUint is writeInt for the unsigned integers.
func writeUint[T interface {
	component.Value
	~uint8 | ~uint16 | ~uint32 | ~uint64
}](b *strings.Builder, v component.Value) bool {
	x, ok := v.(T)
	if ok {
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	}
	return ok
}

func (f *formatter) primitive(t wit.Type, k wit.Primitive, v component.Value) error {
	b := &f.b
	ok := true
	switch k {
	case wit.Bool:
		var x component.Bool
		if x, ok = v.(component.Bool); ok {
			b.WriteString(strconv.FormatBool(bool(x)))
		}
	case wit.S8:
		ok = writeInt[component.S8](b, v)
	case wit.S16:
		ok = writeInt[component.S16](b, v)
	case wit.S32:
		ok = writeInt[component.S32](b, v)
	case wit.S64:
		ok = writeInt[component.S64](b, v)
	case wit.U8:
		ok = writeUint[component.U8](b, v)
	case wit.U16:
		ok = writeUint[component.U16](b, v)
	case wit.U32:
		ok = writeUint[component.U32](b, v)
	case wit.U64:
		ok = writeUint[component.U64](b, v)
	case wit.F32:
		var x component.F32
		if x, ok = v.(component.F32); ok {
			b.WriteString(formatFloat(float64(x), 32))
		}
	case wit.F64:
		var x component.F64
		if x, ok = v.(component.F64); ok {
			b.WriteString(formatFloat(float64(x), 64))
		}
	case wit.Char:
		var x component.Char
		if x, ok = v.(component.Char); ok {
			r := rune(x)
			if r < 0 || r > utf8.MaxRune || 0xD800 <= r && r <= 0xDFFF {
				return formatErrorf("char U+%X is not a Unicode scalar value", uint32(r))
			}
			b.WriteByte('\'')
			writeChar(b, r)
			b.WriteByte('\'')
		}
	case wit.String:
		var x component.String
		if x, ok = v.(component.String); ok {
			if !utf8.ValidString(string(x)) {
				return formatErrorf("string is not valid UTF-8")
			}
			b.WriteByte('"')
			for _, r := range string(x) {
				writeChar(b, r)
			}
			b.WriteByte('"')
		}
	default:
		return formatErrorf("not supported in WAVE: %s", k)
	}
	if !ok {
		return f.mismatch(t, v)
	}
	return nil
}

// formatFloat writes a float as wasm-wave does (Rust's Display): the
// shortest decimal that reads back as the same value, never in exponent
// form; nan, inf and -inf for the special values.
func formatFloat(x float64, bits int) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'f', -1, bits)
}

// writeChar writes one char of a char or string literal: the six short
// escapes for quotes, backslash, tab, CR and LF; \u{…} for control chars,
// other unprintable chars and combining marks (as Rust's escape_debug, which
// wasm-wave uses); anything else as itself.
func writeChar(b *strings.Builder, r rune) {
	switch r {
	case '\\':
		b.WriteString(`\\`)
	case '"':
		b.WriteString(`\"`)
	case '\'':
		b.WriteString(`\'`)
	case '\t':
		b.WriteString(`\t`)
	case '\r':
		b.WriteString(`\r`)
	case '\n':
		b.WriteString(`\n`)
	default:
		if !strconv.IsPrint(r) || unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend) {
			b.WriteString(`\u{`)
			b.WriteString(strconv.FormatUint(uint64(r), 16))
			b.WriteByte('}')
			return
		}
		b.WriteRune(r)
	}
}

// valueKind names the kind of a value for messages.
func valueKind(v component.Value) string {
	switch v := v.(type) {
	case nil:
		return "no value"
	case component.Bool:
		return "bool"
	case component.S8:
		return "s8"
	case component.U8:
		return "u8"
	case component.S16:
		return "s16"
	case component.U16:
		return "u16"
	case component.S32:
		return "s32"
	case component.U32:
		return "u32"
	case component.S64:
		return "s64"
	case component.U64:
		return "u64"
	case component.F32:
		return "f32"
	case component.F64:
		return "f64"
	case component.Char:
		return "char"
	case component.String:
		return "string"
	case component.List, component.Bytes:
		return "list"
	case component.Record:
		return "record"
	case component.Tuple:
		return "tuple"
	case component.Variant:
		return "variant"
	case component.Enum:
		return "enum"
	case component.Option:
		return "option"
	case component.Result:
		return "result"
	case component.Flags:
		return "flags"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// bytesList spells Bytes (the lifted form of list<u8>) as a List of U8.
func bytesList(b component.Bytes) component.List {
	l := make(component.List, len(b))
	for i, c := range b {
		l[i] = component.U8(c)
	}
	return l
}

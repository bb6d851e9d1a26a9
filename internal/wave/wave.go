// Package wave reads and writes WAVE, the WebAssembly Value Encoding: the
// human-oriented text form of component-model values defined by the
// wasm-wave crate of wasm-tools (crates/wasm-wave/README.md). It is what
// `plugwit run --invoke 'greet({content: "hi", name: "x"})'` parses its
// arguments with and prints results in.
//
// WAVE is not self-describing: `none` may be an option or an enum case
// `%none`, `{}` empty flags or, written `{:}`, a record of optional fields.
// Every function here therefore works against a WIT type.
//
//	bool       true, false
//	integers   123, -9                   (decimal; range-checked per type)
//	floats     3.14, 6.022e+23, nan, inf, -inf
//	char       'x', '\'', '\u{1F30A}'
//	string     "a\tb", or a multiline """ string
//	tuple      ("abc", 123)
//	list       [1, 2, 3]                 (list<T, N> must have N elements)
//	record     {a: 1, b: "two"}          (option fields may be left out; all left out: {:})
//	variant    days(30), forever
//	enum       south
//	option     some(1), none, or 1       (flat, unless the payload is an option or result)
//	result     ok(1), err("x"), ok, err, or 1 (flat ok, same rule)
//	flags      {read, write}, {}
//
// Labels that are WAVE keywords (true false some none ok err inf nan) are
// written with a `%` prefix where they name a variant or enum case; any label
// may carry one. Whitespace and `//` comments may appear between tokens;
// trailing commas are allowed. Resources, futures, streams, maps and
// error-context have no WAVE form and are reported as not supported.
//
// Format writes what the wasm-wave writer writes (explicit `some(…)` and
// `ok(…)`, record fields of value `none` left out, floats in plain decimal),
// so its output reads the same as wasmtime's.
package wave

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// maxDepth bounds how deeply values may nest (brackets, braces and payload
// parentheses), in text and in values to format, as wasm-wave does.
const maxDepth = 100

// Error is a WAVE syntax or type error in some text.
type Error struct {
	Offset int    // byte offset in the text where the problem starts
	Line   int    // line of Offset, from 1
	Col    int    // column of Offset in characters, from 1
	Msg    string // what was expected and what was found
}

// Error formats the error as `wave: at 12: expected u32, found "abc"`; for
// text of several lines the line and column follow the offset.
func (e *Error) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("wave: at %d (line %d, column %d): %s", e.Offset, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("wave: at %d: %s", e.Offset, e.Msg)
}

// errorf returns an *Error at byte offset off of src.
func errorf(src string, off int, format string, args ...any) *Error {
	off = min(max(off, 0), len(src))
	line := 1 + strings.Count(src[:off], "\n")
	lineStart := strings.LastIndexByte(src[:off], '\n') + 1
	return &Error{
		Offset: off,
		Line:   line,
		Col:    1 + utf8.RuneCountInString(src[lineStart:off]),
		Msg:    fmt.Sprintf(format, args...),
	}
}

// ParseValue parses text as a WAVE value of type t. Whitespace and comments
// may surround the value. r resolves t when it is a wit.TypeID.
func ParseValue(r *wit.Resolve, t wit.Type, text string) (component.Value, error) {
	p, err := newParser(r, text)
	if err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	v, err := p.value(t)
	if err != nil {
		return nil, err
	}
	if err := p.end("value"); err != nil {
		return nil, err
	}
	return v, nil
}

// ParseCall parses a function call `name(arg, …)`: the function's name, which
// lookup turns into a function (a leading `%` is dropped first), then its
// arguments in parentheses, each parsed against the type of its parameter.
// Trailing arguments of option type may be left out and mean `none`.
//
// The name may be anything made of letters, digits and `-:/.@%[]+_`, so
// that `greet`, `wasi:cli/run.run`, `ns:pkg/iface.f@1.0.0` or
// `[static]r.make` reach lookup unchanged; what they mean is up to lookup.
func ParseCall(r *wit.Resolve, lookup func(name string) (*wit.Function, bool), text string) (*wit.Function, []component.Value, error) {
	p, err := newParser(r, text)
	if err != nil {
		return nil, nil, err
	}
	if err := p.lx.skipSpace(); err != nil {
		return nil, nil, err
	}
	start := p.lx.pos
	end := start
	for end < len(text) && isNameChar(text[end]) {
		end++
	}
	if end == start {
		what := "end of input"
		if start < len(text) {
			r, _ := utf8.DecodeRuneInString(text[start:])
			what = strconv.QuoteRune(r)
		}
		return nil, nil, errorf(text, start, "expected a function name, found %s", what)
	}
	name := strings.TrimPrefix(text[start:end], "%")
	f, ok := lookup(name)
	if !ok || f == nil {
		return nil, nil, errorf(text, start, "unknown function %q", name)
	}
	p.lx.pos = end
	if err := p.advance(); err != nil {
		return nil, nil, err
	}
	if p.tok.kind != tLParen {
		return nil, nil, p.unexpected("'(' after the function name")
	}
	var args []component.Value
	closeAt, err := p.sequence(tRParen, "')'", func(tok token) error {
		if len(args) >= len(f.Params) {
			return errorf(text, tok.start, "too many arguments: %s takes %d", name, len(f.Params))
		}
		v, err := p.value(f.Params[len(args)].Type)
		if err != nil {
			return err
		}
		args = append(args, v)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, param := range f.Params[len(args):] {
		if !isOption(r, param.Type) {
			return nil, nil, errorf(text, closeAt, "missing argument %s (%s) of %s", param.Name, describe(r, param.Type), name)
		}
		args = append(args, component.None)
	}
	if err := p.end("function call"); err != nil {
		return nil, nil, err
	}
	return f, args, nil
}

func isNameChar(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("-:/.@%[]+_", c) >= 0
}

// Format writes v, a value of type t, as WAVE text.
func Format(r *wit.Resolve, t wit.Type, v component.Value) (string, error) {
	f := formatter{r: r}
	if err := f.value(t, v, 0); err != nil {
		return "", err
	}
	return f.b.String(), nil
}

// FormatResult writes the result v of a call to f as WAVE text; it returns
// "" for a function without a result (v must then be nil), which the WAVE
// appendix on function calls allows to be omitted.
func FormatResult(r *wit.Resolve, f *wit.Function, v component.Value) (string, error) {
	if f.Result == nil {
		if v != nil {
			return "", &FormatError{Msg: fmt.Sprintf("%s returns nothing, got a %s", f.Name, valueKind(v))}
		}
		return "", nil
	}
	return Format(r, f.Result, v)
}

// FormatCall writes a call of f with args as WAVE text, `name(arg, …)`,
// which ParseCall reads back given a lookup that knows f by its name.
func FormatCall(r *wit.Resolve, f *wit.Function, args []component.Value) (string, error) {
	if len(args) != len(f.Params) {
		return "", &FormatError{Msg: fmt.Sprintf("%s takes %d arguments, got %d", f.Name, len(f.Params), len(args))}
	}
	fm := formatter{r: r}
	fm.b.WriteString(f.Name)
	fm.b.WriteByte('(')
	for i, p := range f.Params {
		if i > 0 {
			fm.b.WriteString(", ")
		}
		if err := fm.value(p.Type, args[i], 0); err != nil {
			var fe *FormatError
			if errors.As(err, &fe) {
				fe.Path = p.Name + fe.Path
			}
			return "", err
		}
	}
	fm.b.WriteByte(')')
	return fm.b.String(), nil
}

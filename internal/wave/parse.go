package wave

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// parser parses WAVE text against WIT types, one token of lookahead at a
// time. Parsing is driven by the type, so syntax and type errors are
// reported in text order, at the first token that does not fit.
type parser struct {
	r     *wit.Resolve
	src   string
	lx    lexer
	tok   token // the next token, not yet consumed
	depth int
}

func newParser(r *wit.Resolve, text string) (*parser, error) {
	if !utf8.ValidString(text) {
		off := 0
		for off < len(text) {
			r, n := utf8.DecodeRuneInString(text[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, errorf(text, off, "invalid UTF-8")
	}
	return &parser{r: r, src: text, lx: lexer{src: text}}, nil
}

// advance consumes the current token and lexes the next.
func (p *parser) advance() error {
	tok, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = tok
	return nil
}

// unexpected reports that the current token is not what was expected.
func (p *parser) unexpected(what string) error {
	return errorf(p.src, p.tok.start, "expected %s, found %s", what, found(p.tok))
}

// end checks that nothing but whitespace and comments follows.
func (p *parser) end(what string) error {
	if p.tok.kind != tEOF {
		return errorf(p.src, p.tok.start, "unexpected %s after the %s", found(p.tok), what)
	}
	return nil
}

// found describes a token for "expected …, found …" messages.
func found(tok token) string {
	switch tok.kind {
	case tEOF:
		return "end of input"
	case tString:
		if strings.HasPrefix(tok.text, `"""`) {
			return "multiline string"
		}
		return "string " + shorten(tok.text)
	case tChar:
		return "char " + tok.text
	case tLabel:
		if tok.keyword {
			return "keyword " + strconv.Quote(tok.text)
		}
	}
	return strconv.Quote(shorten(tok.text))
}

// shorten cuts s to a length fit for a message.
func shorten(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func quoteShort(s string) string { return strconv.Quote(shorten(s)) }

// kindOf resolves t, reporting failures and types without a WAVE form at
// offset off.
func (p *parser) kindOf(t wit.Type, off int) (any, error) {
	_, k, err := underlying(p.r, t)
	if err != nil {
		return nil, errorf(p.src, off, "%v", err)
	}
	if unsupported(k) {
		return nil, errorf(p.src, off, "not supported in WAVE: %s", describe(p.r, t))
	}
	return k, nil
}

// nest enters one level of nesting at the current token.
func (p *parser) nest() error {
	if p.depth >= maxDepth {
		return errorf(p.src, p.tok.start, "values nested more than %d levels deep", maxDepth)
	}
	p.depth++
	return nil
}

// value parses one value of type t starting at the current token.
func (p *parser) value(t wit.Type) (component.Value, error) {
	k, err := p.kindOf(t, p.tok.start)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case wit.Primitive:
		return p.primitive(k)
	case *wit.Record:
		return p.record(t, k)
	case *wit.Flags:
		return p.flags(t, k)
	case *wit.Tuple:
		return p.tuple(t, k)
	case *wit.List:
		return p.list(t, k.Elem, -1)
	case *wit.FixedList:
		return p.list(t, k.Elem, int64(k.Len))
	case *wit.Variant:
		return p.variant(t, k)
	case *wit.Enum:
		return p.enum(t, k)
	case *wit.Option:
		return p.option(t, k)
	case *wit.Result:
		return p.result(t, k)
	}
	return nil, errorf(p.src, p.tok.start, "not supported in WAVE: %s", describe(p.r, t))
}

func (p *parser) primitive(k wit.Primitive) (component.Value, error) {
	tok := p.tok
	var v component.Value
	switch k {
	case wit.Bool:
		switch {
		case tok.isKeyword("true"):
			v = component.Bool(true)
		case tok.isKeyword("false"):
			v = component.Bool(false)
		default:
			return nil, p.unexpected("bool (true or false)")
		}
	case wit.S8, wit.S16, wit.S32, wit.S64, wit.U8, wit.U16, wit.U32, wit.U64:
		var err error
		if v, err = p.integer(k); err != nil {
			return nil, err
		}
	case wit.F32, wit.F64:
		var err error
		if v, err = p.float(k); err != nil {
			return nil, err
		}
	case wit.Char:
		if tok.kind != tChar {
			return nil, p.unexpected("char")
		}
		v = component.Char(tok.r)
	case wit.String:
		if tok.kind != tString {
			return nil, p.unexpected("string")
		}
		v = component.String(tok.str)
	default:
		return nil, errorf(p.src, tok.start, "not supported in WAVE: %s", k)
	}
	return v, p.advance()
}

func (p *parser) integer(k wit.Primitive) (component.Value, error) {
	tok := p.tok
	if tok.kind != tNumber {
		return nil, p.unexpected(k.String())
	}
	text := tok.text
	if strings.ContainsAny(text, ".eEi") {
		return nil, errorf(p.src, tok.start, "expected %s, found %s (not an integer)", k, quoteShort(text))
	}
	bits := intBits(k)
	rangeErr := func() error {
		lo, hi := "0", strconv.FormatUint(1<<bits-1, 10)
		if k >= wit.S8 {
			lo, hi = strconv.FormatInt(-1<<(bits-1), 10), strconv.FormatInt(1<<(bits-1)-1, 10)
		}
		return errorf(p.src, tok.start, "%s out of range for %s (%s to %s)", shorten(text), k, lo, hi)
	}
	if k >= wit.S8 {
		n, err := strconv.ParseInt(text, 10, bits)
		if err != nil {
			return nil, rangeErr()
		}
		switch k {
		case wit.S8:
			return component.S8(n), nil
		case wit.S16:
			return component.S16(n), nil
		case wit.S32:
			return component.S32(n), nil
		}
		return component.S64(n), nil
	}
	if text[0] == '-' {
		if text == "-0" {
			return nil, errorf(p.src, tok.start, "expected %s, found \"-0\" (unsigned integers have no sign)", k)
		}
		return nil, rangeErr()
	}
	n, err := strconv.ParseUint(text, 10, bits)
	if err != nil {
		return nil, rangeErr()
	}
	switch k {
	case wit.U8:
		return component.U8(n), nil
	case wit.U16:
		return component.U16(n), nil
	case wit.U32:
		return component.U32(n), nil
	}
	return component.U64(n), nil
}

// The NaN a parsed `nan` becomes: the canonical quiet NaN.
var (
	canonicalNaN32 = math.Float32frombits(0x7fc00000)
	canonicalNaN64 = math.Float64frombits(0x7ff8000000000000)
)

// float parses a float. As in wasm-wave, a finite literal too large for the
// type becomes an infinity and one too small becomes zero.
func (p *parser) float(k wit.Primitive) (component.Value, error) {
	tok := p.tok
	var f float64
	switch {
	case tok.isKeyword("nan"):
		if k == wit.F32 {
			return component.F32(canonicalNaN32), nil
		}
		return component.F64(canonicalNaN64), nil
	case tok.isKeyword("inf"):
		f = math.Inf(1)
	case tok.kind == tNumber && tok.text == "-inf":
		f = math.Inf(-1)
	case tok.kind == tNumber:
		bits := 64
		if k == wit.F32 {
			bits = 32
		}
		var err error
		f, err = strconv.ParseFloat(tok.text, bits)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, p.unexpected(k.String())
		}
	default:
		return nil, p.unexpected(k.String() + " (a number, nan, inf or -inf)")
	}
	if k == wit.F32 {
		return component.F32(float32(f)), nil
	}
	return component.F64(f), nil
}

// sequence parses `open elem, elem, … close` with an optional trailing
// comma, calling elem at the start of each element. It returns the offset
// of the closing token.
func (p *parser) sequence(closeKind tokKind, closeText string, elem func(tok token) error) (int, error) {
	if err := p.nest(); err != nil {
		return 0, err
	}
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return 0, err
	}
	for p.tok.kind != closeKind {
		if err := elem(p.tok); err != nil {
			return 0, err
		}
		switch p.tok.kind {
		case tComma:
			if err := p.advance(); err != nil {
				return 0, err
			}
		case closeKind:
		default:
			return 0, p.unexpected("',' or " + closeText)
		}
	}
	closeAt := p.tok.start
	return closeAt, p.advance()
}

func (p *parser) list(t wit.Type, elem wit.Type, fixed int64) (component.Value, error) {
	if p.tok.kind != tLBracket {
		return nil, p.unexpected(describe(p.r, t) + " (a list in [ ])")
	}
	var vs component.List
	closeAt, err := p.sequence(tRBracket, "']'", func(tok token) error {
		if fixed >= 0 && int64(len(vs)) >= fixed {
			return errorf(p.src, tok.start, "too many elements for %s: it has exactly %d", describe(p.r, t), fixed)
		}
		v, err := p.value(elem)
		if err != nil {
			return err
		}
		vs = append(vs, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if fixed >= 0 && int64(len(vs)) != fixed {
		return nil, errorf(p.src, closeAt, "too few elements for %s: expected %d, found %d", describe(p.r, t), fixed, len(vs))
	}
	if vs == nil {
		vs = component.List{}
	}
	return vs, nil
}

func (p *parser) tuple(t wit.Type, k *wit.Tuple) (component.Value, error) {
	if p.tok.kind != tLParen {
		return nil, p.unexpected(describe(p.r, t) + " (a tuple in ( ))")
	}
	vs := make(component.Tuple, 0, len(k.Types))
	closeAt, err := p.sequence(tRParen, "')'", func(tok token) error {
		if len(vs) >= len(k.Types) {
			return errorf(p.src, tok.start, "too many elements for %s: it has %d", describe(p.r, t), len(k.Types))
		}
		v, err := p.value(k.Types[len(vs)])
		if err != nil {
			return err
		}
		vs = append(vs, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(vs) != len(k.Types) {
		return nil, errorf(p.src, closeAt, "too few elements for %s: expected %d, found %d", describe(p.r, t), len(k.Types), len(vs))
	}
	return vs, nil
}

func (p *parser) record(t wit.Type, k *wit.Record) (component.Value, error) {
	open := p.tok
	if open.kind != tLBrace {
		return nil, p.unexpected(describe(p.r, t) + " (a record in { })")
	}
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return nil, err
	}
	vals := make([]component.Value, len(k.Fields))
	switch p.tok.kind {
	case tColon: // `{:}`, every field left out
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tRBrace {
			return nil, p.unexpected("'}' of the empty record {:}")
		}
	case tRBrace:
		return nil, errorf(p.src, open.start, "expected %s, found {} (empty flags); a record with all fields left out is written {:}", describe(p.r, t))
	default:
		for p.tok.kind != tRBrace {
			tok := p.tok
			if tok.kind != tLabel {
				return nil, p.unexpected("a field name of " + describe(p.r, t))
			}
			i := fieldIndex(k, tok.label)
			if i < 0 {
				return nil, errorf(p.src, tok.start, "unknown field %q of %s (fields: %s)", tok.label, describe(p.r, t), caseList(fieldNames(k)))
			}
			if vals[i] != nil {
				return nil, errorf(p.src, tok.start, "duplicate field %q", tok.label)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind != tColon {
				return nil, p.unexpected("':' after field " + tok.label)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			v, err := p.value(k.Fields[i].Type)
			if err != nil {
				return nil, err
			}
			vals[i] = v
			switch p.tok.kind {
			case tComma:
				if err := p.advance(); err != nil {
					return nil, err
				}
			case tRBrace:
			default:
				return nil, p.unexpected("',' or '}'")
			}
		}
	}
	rec := make(component.Record, len(k.Fields))
	for i, f := range k.Fields {
		if vals[i] == nil {
			if !isOption(p.r, f.Type) {
				return nil, errorf(p.src, open.start, "missing field %q of %s", f.Name, describe(p.r, t))
			}
			vals[i] = component.None
		}
		rec[i] = component.Field{Name: f.Name, Value: vals[i]}
	}
	return rec, p.advance()
}

func fieldIndex(k *wit.Record, name string) int {
	for i, f := range k.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func fieldNames(k *wit.Record) []string {
	names := make([]string, len(k.Fields))
	for i, f := range k.Fields {
		names[i] = f.Name
	}
	return names
}

func (p *parser) flags(t wit.Type, k *wit.Flags) (component.Value, error) {
	if p.tok.kind != tLBrace {
		return nil, p.unexpected(describe(p.r, t) + " (flags in { })")
	}
	set := make([]bool, len(k.Flags))
	_, err := p.sequence(tRBrace, "'}'", func(tok token) error {
		if tok.kind != tLabel {
			return p.unexpected("a flag of " + describe(p.r, t))
		}
		i := -1
		for j, f := range k.Flags {
			if f.Name == tok.label {
				i = j
				break
			}
		}
		if i < 0 {
			names := make([]string, len(k.Flags))
			for j, f := range k.Flags {
				names[j] = f.Name
			}
			return errorf(p.src, tok.start, "unknown flag %q of %s (flags: %s)", tok.label, describe(p.r, t), caseList(names))
		}
		if set[i] {
			return errorf(p.src, tok.start, "duplicate flag %q", tok.label)
		}
		set[i] = true
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind == tColon {
			return errorf(p.src, p.tok.start, "expected %s, found a record field (flags are written {a, b})", describe(p.r, t))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fl := component.Flags{}
	for i, f := range k.Flags {
		if set[i] {
			fl = append(fl, f.Name)
		}
	}
	return fl, nil
}

// caseLabel checks that the current token can name a variant or enum case:
// a label, and not an unprefixed keyword.
func (p *parser) caseLabel(t wit.Type, names []string) (token, error) {
	tok := p.tok
	if tok.kind != tLabel {
		return tok, p.unexpected(describe(p.r, t))
	}
	if tok.keyword {
		for _, n := range names {
			if n == tok.label {
				return tok, errorf(p.src, tok.start, "expected %s, found keyword %q (write the case as %%%s)", describe(p.r, t), tok.label, tok.label)
			}
		}
		return tok, p.unexpected(describe(p.r, t))
	}
	return tok, nil
}

func (p *parser) variant(t wit.Type, k *wit.Variant) (component.Value, error) {
	names := make([]string, len(k.Cases))
	for i, c := range k.Cases {
		names[i] = c.Name
	}
	tok, err := p.caseLabel(t, names)
	if err != nil {
		return nil, err
	}
	var c *wit.Case
	for i := range k.Cases {
		if k.Cases[i].Name == tok.label {
			c = &k.Cases[i]
			break
		}
	}
	if c == nil {
		return nil, errorf(p.src, tok.start, "unknown case %q of %s (cases: %s)", tok.label, describe(p.r, t), caseList(names))
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	v := component.Variant{Case: c.Name}
	if v.Value, err = p.maybePayload(c.Type, tok, "case "+c.Name+" of "+describe(p.r, t)); err != nil {
		return nil, err
	}
	return v, nil
}

// maybePayload parses the `(payload)` after a case label tok if the case
// has a payload type, and rejects one if it has not.
func (p *parser) maybePayload(t wit.Type, label token, what string) (component.Value, error) {
	if t == nil {
		if p.tok.kind == tLParen {
			return nil, errorf(p.src, p.tok.start, "%s has no payload", what)
		}
		return nil, nil
	}
	if p.tok.kind != tLParen {
		return nil, errorf(p.src, label.start, "%s needs a payload: %s(…)", what, label.text)
	}
	return p.payload(t)
}

// payload parses `( value )` at the current token.
func (p *parser) payload(t wit.Type) (component.Value, error) {
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return nil, err
	}
	v, err := p.value(t)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, p.unexpected("')' after the payload")
	}
	return v, p.advance()
}

func (p *parser) enum(t wit.Type, k *wit.Enum) (component.Value, error) {
	names := make([]string, len(k.Cases))
	for i, c := range k.Cases {
		names[i] = c.Name
	}
	tok, err := p.caseLabel(t, names)
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(names) && names[i] != tok.label {
		i++
	}
	if i == len(names) {
		return nil, errorf(p.src, tok.start, "unknown case %q of %s (cases: %s)", tok.label, describe(p.r, t), caseList(names))
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tLParen {
		return nil, errorf(p.src, p.tok.start, "case %s of %s has no payload", tok.label, describe(p.r, t))
	}
	return component.Enum(names[i]), nil
}

func (p *parser) option(t wit.Type, k *wit.Option) (component.Value, error) {
	tok := p.tok
	switch {
	case tok.isKeyword("some"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tLParen {
			return nil, p.unexpected("'(' after some")
		}
		v, err := p.payload(k.Type)
		if err != nil {
			return nil, err
		}
		return component.Some(v), nil
	case tok.isKeyword("none"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLParen {
			return nil, errorf(p.src, p.tok.start, "none has no payload")
		}
		return component.None, nil
	case flattenable(p.r, k.Type):
		v, err := p.value(k.Type)
		if err != nil {
			return nil, err
		}
		return component.Some(v), nil
	}
	return nil, p.unexpected(describe(p.r, t) + ": some(…) or none")
}

func (p *parser) result(t wit.Type, k *wit.Result) (component.Value, error) {
	tok := p.tok
	if tok.isKeyword("ok") || tok.isKeyword("err") {
		isErr := tok.label == "err"
		pt := k.OK
		if isErr {
			pt = k.Err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		v, err := p.maybePayload(pt, tok, tok.label+" of "+describe(p.r, t))
		if err != nil {
			return nil, err
		}
		return component.Result{IsErr: isErr, Value: v}, nil
	}
	if flattenable(p.r, k.OK) {
		v, err := p.value(k.OK)
		if err != nil {
			return nil, err
		}
		return component.Ok(v), nil
	}
	return nil, p.unexpected(describe(p.r, t) + ": ok or err")
}

// intBits returns the width of an integer type.
func intBits(k wit.Primitive) int {
	switch k {
	case wit.S8, wit.U8:
		return 8
	case wit.S16, wit.U16:
		return 16
	case wit.S32, wit.U32:
		return 32
	}
	return 64
}

package wit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is the kind of a lexical token of WIT.
type token uint8

const (
	tEOF token = iota
	tWhitespace
	tComment

	tEquals
	tComma
	tColon
	tPeriod
	tSemicolon
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLess
	tGreater
	tArrow
	tStar
	tAt
	tSlash
	tPlus
	tMinus
	tString

	// keywords
	tUse
	tType
	tFunc
	tU8
	tU16
	tU32
	tU64
	tS8
	tS16
	tS32
	tS64
	tF32
	tF64
	tChar
	tRecord
	tResource
	tOwn
	tBorrow
	tFlags
	tVariant
	tEnum
	tBool
	tStringKw
	tOption
	tResult
	tFuture
	tStream
	tErrorContext
	tList
	tMap
	tUnderscore
	tAs
	tFrom
	tStatic
	tInterface
	tTuple
	tImport
	tExport
	tWorld
	tPackage
	tConstructor
	tAsync
	tInclude
	tWith

	tID         // plain identifier
	tExplicitID // %identifier
	tInteger
)

// keywords maps every WIT keyword to its token. An identifier spelled like a
// keyword must be written with a `%` prefix.
var keywords = map[string]token{
	"use": tUse, "type": tType, "func": tFunc,
	"u8": tU8, "u16": tU16, "u32": tU32, "u64": tU64,
	"s8": tS8, "s16": tS16, "s32": tS32, "s64": tS64,
	"f32": tF32, "f64": tF64, "char": tChar,
	"record": tRecord, "resource": tResource, "own": tOwn, "borrow": tBorrow,
	"flags": tFlags, "variant": tVariant, "enum": tEnum, "bool": tBool,
	"string": tStringKw, "option": tOption, "result": tResult,
	"future": tFuture, "stream": tStream, "error-context": tErrorContext,
	"list": tList, "map": tMap, "_": tUnderscore, "as": tAs, "from": tFrom,
	"static": tStatic, "interface": tInterface, "tuple": tTuple,
	"import": tImport, "export": tExport, "world": tWorld, "package": tPackage,
	"constructor": tConstructor, "async": tAsync, "include": tInclude, "with": tWith,
}

// IsKeyword reports whether name is a WIT keyword, which must be written as
// `%name` when used as an identifier.
func IsKeyword(name string) bool {
	_, ok := keywords[name]
	return ok
}

var tokenNames = map[token]string{
	tEOF: "eof", tWhitespace: "whitespace", tComment: "a comment",
	tEquals: "'='", tComma: "','", tColon: "':'", tPeriod: "'.'", tSemicolon: "';'",
	tLParen: "'('", tRParen: "')'", tLBrace: "'{'", tRBrace: "'}'",
	tLess: "'<'", tGreater: "'>'", tArrow: "`->`", tStar: "`*`", tAt: "`@`",
	tSlash: "`/`", tPlus: "`+`", tMinus: "`-`", tString: "a string literal",
	tID: "an identifier", tExplicitID: "an '%' identifier", tInteger: "an integer",
}

func (t token) String() string {
	if s, ok := tokenNames[t]; ok {
		return s
	}
	for k, v := range keywords {
		if v == t {
			return "keyword `" + k + "`"
		}
	}
	return fmt.Sprintf("token(%d)", uint8(t))
}

// lexError is a lexical error at an absolute offset.
type lexError struct {
	at  uint32
	msg string
}

// lexer splits one source file into tokens. Offsets are absolute (the file's
// base offset in the Resolve's source map is added).
type lexer struct {
	src  string
	pos  int    // next byte to read
	base uint32 // absolute offset of src[0]

	// The parser peeks and backtracks; the last significant token read is
	// remembered by where it was read from.
	cacheFrom, cacheTo int
	cacheTok           token
	cacheSpan          Span
	cached             bool
}

func newLexer(src string, base uint32) (*lexer, *lexError) {
	if err := checkInput(src, base); err != nil {
		return nil, err
	}
	l := &lexer{src: src, base: base}
	if strings.HasPrefix(src, "\uFEFF") {
		l.pos = 3
	}
	return l, nil
}

// checkInput rejects code points that make source text misleading: control
// characters, bidirectional overrides and code points Unicode deprecates.
func checkInput(src string, base uint32) *lexError {
	ascii := 0 // the length of the ASCII prefix without control characters
	for ascii < len(src) {
		c := src[ascii]
		if c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f {
			break
		}
		ascii++
	}
	for i, r := range src[ascii:] {
		i += ascii
		switch r {
		case '\n', '\r', '\t':
		case '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069':
			return &lexError{base + uint32(i), fmt.Sprintf("input contains bidirectional override code point %U", r)}
		case '\u0149', '\u0673', '\u0f77', '\u0f79', '\u17a3', '\u17a4', '\u17b4', '\u17b5':
			return &lexError{base + uint32(i), fmt.Sprintf("code point %U is discouraged by Unicode", r)}
		case utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(src[i:]); size == 1 {
				return &lexError{base + uint32(i), "input is not valid UTF-8"}
			}
		default:
			if unicode.IsControl(r) {
				return &lexError{base + uint32(i), fmt.Sprintf("control code %U is not allowed", r)}
			}
		}
	}
	return nil
}

func (l *lexer) peekRune() (rune, int) {
	if l.pos >= len(l.src) {
		return -1, 0
	}
	if c := l.src[l.pos]; c < utf8.RuneSelf && c != '\r' {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(l.src[l.pos:])
	if r == '\r' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '\n' {
		return '\n', 2
	}
	return r, n
}

func (l *lexer) eat(c rune) bool {
	if r, n := l.peekRune(); r == c {
		l.pos += n
		return true
	}
	return false
}

// nextRaw returns the next token including whitespace and comments, with its
// absolute span. At end of input it returns tEOF with an empty span.
func (l *lexer) nextRaw() (token, Span, *lexError) {
	start := l.pos
	abs := func() Span { return Span{l.base + uint32(start), l.base + uint32(l.pos)} }
	r, n := l.peekRune()
	if r < 0 {
		return tEOF, abs(), nil
	}
	l.pos += n
	var t token
	switch {
	case r == ' ' || r == '\t' || r == '\n':
		for {
			r, n := l.peekRune()
			if r != ' ' && r != '\t' && r != '\n' {
				break
			}
			l.pos += n
		}
		t = tWhitespace
	case r == '/':
		switch {
		case l.eat('/'):
			if i := strings.IndexByte(l.src[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.src)
			}
			t = tComment
		case l.eat('*'):
			depth := 1
			for depth > 0 {
				r, n := l.peekRune()
				if r < 0 {
					return 0, Span{}, &lexError{l.base + uint32(start), "unterminated block comment"}
				}
				l.pos += n
				switch {
				case r == '/' && l.eat('*'):
					depth++
				case r == '*' && l.eat('/'):
					depth--
				}
			}
			t = tComment
		default:
			t = tSlash
		}
	case r == '=':
		t = tEquals
	case r == ',':
		t = tComma
	case r == ':':
		t = tColon
	case r == '.':
		t = tPeriod
	case r == ';':
		t = tSemicolon
	case r == '(':
		t = tLParen
	case r == ')':
		t = tRParen
	case r == '{':
		t = tLBrace
	case r == '}':
		t = tRBrace
	case r == '<':
		t = tLess
	case r == '>':
		t = tGreater
	case r == '*':
		t = tStar
	case r == '@':
		t = tAt
	case r == '+':
		t = tPlus
	case r == '-':
		if l.eat('>') {
			t = tArrow
		} else {
			t = tMinus
		}
	case r == '%':
		if r, n := l.peekRune(); r >= 0 && isKeylikeStart(r) {
			l.pos += n
			l.eatKeylike()
		}
		t = tExplicitID
	case r == '"':
		if _, err := l.stringLiteral(); err != nil {
			return 0, Span{}, err
		}
		t = tString
	case isKeylikeStart(r):
		l.eatKeylike()
		if kw, ok := keywords[l.src[start:l.pos]]; ok {
			t = kw
		} else {
			t = tID
		}
	case r >= '0' && r <= '9':
		for l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
			l.pos++
		}
		t = tInteger
	default:
		return 0, Span{}, &lexError{l.base + uint32(start), fmt.Sprintf("unexpected character %q", r)}
	}
	return t, abs(), nil
}

func (l *lexer) eatKeylike() {
	for {
		r, n := l.peekRune()
		if r < 0 || !isKeylikeContinue(r) {
			return
		}
		l.pos += n
	}
}

// next returns the next token that is not whitespace or a comment.
func (l *lexer) next() (token, Span, *lexError) {
	if l.cached && l.pos == l.cacheFrom {
		l.pos = l.cacheTo
		return l.cacheTok, l.cacheSpan, nil
	}
	from := l.pos
	for {
		t, s, err := l.nextRaw()
		if err != nil {
			return t, s, err
		}
		if t != tWhitespace && t != tComment {
			l.cached, l.cacheFrom, l.cacheTo, l.cacheTok, l.cacheSpan = true, from, l.pos, t, s
			return t, s, nil
		}
	}
}

// peek returns the next significant token without consuming it.
func (l *lexer) peek() (token, Span, *lexError) {
	save := l.pos
	t, s, err := l.next()
	l.pos = save
	return t, s, err
}

// text returns the source text of an absolute span.
func (l *lexer) text(s Span) string {
	return l.src[s.Start-l.base : s.End-l.base]
}

// stringLiteral reads the rest of a string literal after the opening quote.
func (l *lexer) stringLiteral() (string, *lexError) {
	var b strings.Builder
	for {
		at := l.base + uint32(l.pos)
		r, n := l.peekRune()
		if r < 0 {
			return "", &lexError{at, "unterminated string literal"}
		}
		l.pos += n
		switch {
		case r == '"':
			if !utf8.ValidString(b.String()) {
				return "", &lexError{at, "string literal is not valid UTF-8"}
			}
			return b.String(), nil
		case r == '\\':
			at := l.base + uint32(l.pos)
			e, n := l.peekRune()
			if e < 0 {
				return "", &lexError{at, "unterminated string literal"}
			}
			l.pos += n
			switch e {
			case '"', '\'', '\\':
				b.WriteRune(e)
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if !l.eat('{') {
					return "", &lexError{at, "expected `{` after `\\u`"}
				}
				var v uint32
				digits := 0
				for {
					c, _ := l.peekRune()
					if c == '}' {
						l.pos++
						break
					}
					d := hexVal(c)
					if d < 0 {
						return "", &lexError{l.base + uint32(l.pos), "invalid hex digit in unicode escape"}
					}
					l.pos++
					digits++
					v = v*16 + uint32(d)
					if digits > 6 {
						return "", &lexError{at, "unicode escape too large"}
					}
				}
				if digits == 0 || v > unicode.MaxRune || (v >= 0xd800 && v < 0xe000) {
					return "", &lexError{at, fmt.Sprintf("invalid unicode value %#x", v)}
				}
				b.WriteRune(rune(v))
			default:
				hi, lo := hexVal(e), -1
				if c, _ := l.peekRune(); hi >= 0 {
					lo = hexVal(c)
				}
				if lo < 0 {
					return "", &lexError{at, fmt.Sprintf("invalid string escape %q", e)}
				}
				l.pos++
				b.WriteByte(byte(hi*16 + lo))
			}
		case r < 0x20 || r == 0x7f:
			return "", &lexError{at, fmt.Sprintf("invalid string character %q", r)}
		default:
			b.WriteRune(r)
		}
	}
}

func hexVal(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isKeylikeStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isKeylikeContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return isKeylikeStart(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Other_ID_Continue)
}

// validateID checks the kebab-case rule for identifiers: words separated by
// single '-', each all lowercase or all uppercase letters and digits, the
// first word starting with a letter. It returns a description of the problem.
func validateID(id string) string {
	if id == "" {
		return "identifiers must have characters between '-'s"
	}
	for i, part := range strings.Split(id, "-") {
		if part == "" {
			return "identifiers must have characters between '-'s"
		}
		if i == 0 && !isASCIILetter(part[0]) {
			r, _ := utf8.DecodeRuneInString(part)
			return fmt.Sprintf("invalid character in identifier %q", r)
		}
		upper, lower := false, false
		for _, r := range part {
			switch {
			case r >= '0' && r <= '9':
			case r >= 'A' && r <= 'Z':
				if lower {
					return fmt.Sprintf("invalid character in identifier %q", r)
				}
				upper = true
			case r >= 'a' && r <= 'z':
				if upper {
					return fmt.Sprintf("invalid character in identifier %q", r)
				}
				lower = true
			default:
				return fmt.Sprintf("invalid character in identifier %q", r)
			}
		}
	}
	return ""
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

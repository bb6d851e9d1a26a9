package wave

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a WAVE token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLBrace
	tRBrace
	tLParen
	tRParen
	tLBracket
	tRBracket
	tColon
	tComma
	tNumber // integer or float literal, or `-inf` (`inf`/`nan` are labels)
	tLabel  // label or keyword, with an optional `%` prefix
	tChar   // 'x', decoded into token.r
	tString // "…" or """…""", decoded into token.str
)

// token is one lexed token. start and end are byte offsets into the source.
type token struct {
	kind       tokKind
	start, end int
	text       string // the source text of the token
	label      string // tLabel: the label without its `%`
	keyword    bool   // tLabel: an unprefixed WAVE keyword
	str        string // tString: the decoded string
	r          rune   // tChar: the decoded char
}

// isKeyword reports whether tok is the unprefixed keyword kw.
func (tok token) isKeyword(kw string) bool {
	return tok.kind == tLabel && tok.keyword && tok.label == kw
}

// keywords are the labels WAVE reserves; a case with one of these names must
// be written with a `%` prefix.
var keywords = map[string]bool{
	"true": true, "false": true, "some": true, "none": true,
	"ok": true, "err": true, "inf": true, "nan": true,
}

// lexer turns WAVE text into tokens. Whitespace (space, tab, CR, LF) and
// `//` line comments between tokens are skipped.
type lexer struct {
	src string
	pos int
}

// next returns the next token, or an error positioned at the offending byte.
func (lx *lexer) next() (token, error) {
	if err := lx.skipSpace(); err != nil {
		return token{}, err
	}
	start := lx.pos
	if start >= len(lx.src) {
		return token{kind: tEOF, start: start, end: start}, nil
	}
	c := lx.src[start]
	punct := tEOF
	switch c {
	case '{':
		punct = tLBrace
	case '}':
		punct = tRBrace
	case '(':
		punct = tLParen
	case ')':
		punct = tRParen
	case '[':
		punct = tLBracket
	case ']':
		punct = tRBracket
	case ':':
		punct = tColon
	case ',':
		punct = tComma
	}
	if punct != tEOF {
		lx.pos++
		return lx.tok(punct, start), nil
	}
	switch {
	case c == '-':
		if start+1 < len(lx.src) && isDigit(lx.src[start+1]) {
			return lx.number(start)
		}
		if strings.HasPrefix(lx.src[start:], "-inf") {
			lx.pos += 4
			return lx.afterWord(lx.tok(tNumber, start), "number")
		}
		return token{}, errorf(lx.src, start, "unexpected character '-' (numbers are written -1, -0.5, -inf)")
	case isDigit(c):
		return lx.number(start)
	case c == '%' || isLetter(c):
		return lx.label(start)
	case c == '\'':
		return lx.char(start)
	case c == '"':
		if strings.HasPrefix(lx.src[start:], `"""`) {
			return lx.multiline(start)
		}
		return lx.string(start)
	}
	r, _ := utf8.DecodeRuneInString(lx.src[start:])
	return token{}, errorf(lx.src, start, "unexpected character %q", r)
}

func (lx *lexer) tok(kind tokKind, start int) token {
	return token{kind: kind, start: start, end: lx.pos, text: lx.src[start:lx.pos]}
}

func (lx *lexer) skipSpace() error {
	for lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case ' ', '\t', '\n', '\r':
			lx.pos++
		case '/':
			if !strings.HasPrefix(lx.src[lx.pos:], "//") {
				return errorf(lx.src, lx.pos, "unexpected character '/' (comments start with //)")
			}
			if i := strings.IndexByte(lx.src[lx.pos:], '\n'); i >= 0 {
				lx.pos += i
			} else {
				lx.pos = len(lx.src)
			}
		default:
			return nil
		}
	}
	return nil
}

// number lexes `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
func (lx *lexer) number(start int) (token, error) {
	s, i := lx.src, start
	if s[i] == '-' {
		i++
	}
	if s[i] == '0' {
		i++
	} else {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i += 2
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	lx.pos = i
	return lx.afterWord(lx.tok(tNumber, start), "number")
}

// afterWord rejects a number or label that runs straight into more word
// characters (`01`, `1.`, `1e`, `aB`, `a_b`): no WAVE value is ever
// followed directly by one, so the whole run is reported as malformed.
func (lx *lexer) afterWord(tok token, what string) (token, error) {
	j := lx.pos
	for j < len(lx.src) && (isLetter(lx.src[j]) || isDigit(lx.src[j]) || lx.src[j] == '.' || lx.src[j] == '_') {
		j++
	}
	if j == lx.pos {
		return tok, nil
	}
	text := lx.src[tok.start:j]
	if what == "number" {
		return token{}, errorf(lx.src, tok.start, "malformed number %s (numbers are decimal, without leading zeros, like 0, -12, 1.5, 6.02e23)", quoteShort(text))
	}
	return token{}, errorf(lx.src, tok.start, "malformed label %s (labels are words of letters and digits joined by '-', each word all lowercase or all uppercase)", quoteShort(text))
}

// label lexes `%?` followed by a first word `[a-z][a-z0-9]*|[A-Z][A-Z0-9]*`
// and further words `[a-z0-9]+|[A-Z0-9]+`, each introduced by `-`.
func (lx *lexer) label(start int) (token, error) {
	s, i := lx.src, start
	prefixed := s[i] == '%'
	if prefixed {
		i++
		if i >= len(s) || !isLetter(s[i]) {
			return token{}, errorf(lx.src, start, "expected a label after '%%'")
		}
	}
	i = wordEnd(s, i)
	for i+1 < len(s) && s[i] == '-' && (isDigit(s[i+1]) || isLetter(s[i+1])) {
		i = wordEnd(s, i+1)
	}
	lx.pos = i
	tok := lx.tok(tLabel, start)
	tok.label = tok.text
	if prefixed {
		tok.label = tok.text[1:]
	} else {
		tok.keyword = keywords[tok.text]
	}
	return lx.afterWord(tok, "label")
}

// wordEnd returns the end of the longest run of lowercase letters and
// digits or of uppercase letters and digits starting at i.
func wordEnd(s string, i int) int {
	lower, upper := i, i
	for lower < len(s) && (isDigit(s[lower]) || 'a' <= s[lower] && s[lower] <= 'z') {
		lower++
	}
	for upper < len(s) && (isDigit(s[upper]) || 'A' <= s[upper] && s[upper] <= 'Z') {
		upper++
	}
	return max(lower, upper)
}

// char lexes a char literal: `'x'` or `'\escape'`.
func (lx *lexer) char(start int) (token, error) {
	s, i := lx.src, start+1
	var r rune
	switch {
	case i >= len(s):
		return token{}, errorf(s, start, "unterminated char literal")
	case s[i] == '\'':
		return token{}, errorf(s, start, "empty char literal (a quote is written '\\'')")
	case s[i] == '\n':
		return token{}, errorf(s, i, "line break in char literal (write '\\n')")
	case s[i] == '\\':
		var n int
		var err error
		r, n, err = unescape(s, i)
		if err != nil {
			return token{}, err
		}
		i += n
	default:
		var n int
		r, n = utf8.DecodeRuneInString(s[i:])
		i += n
	}
	if i >= len(s) || s[i] != '\'' {
		if i < len(s) && s[i] != '\n' && strings.IndexByte(s[i:], '\'') > 0 {
			return token{}, errorf(s, start, "char literal must hold exactly one character (strings are written in double quotes)")
		}
		return token{}, errorf(s, start, "unterminated char literal")
	}
	lx.pos = i + 1
	tok := lx.tok(tChar, start)
	tok.r = r
	return tok, nil
}

// string lexes a single-line string literal.
func (lx *lexer) string(start int) (token, error) {
	s, i := lx.src, start+1
	var b strings.Builder
	lit := i // start of the current run of literal characters
	for {
		if i >= len(s) {
			return token{}, errorf(s, start, "unterminated string")
		}
		switch s[i] {
		case '"':
			b.WriteString(s[lit:i])
			lx.pos = i + 1
			tok := lx.tok(tString, start)
			tok.str = b.String()
			return tok, nil
		case '\n':
			return token{}, errorf(s, i, `line break in string (write \n, or use a multiline """ string)`)
		case '\\':
			b.WriteString(s[lit:i])
			r, n, err := unescape(s, i)
			if err != nil {
				return token{}, err
			}
			b.WriteRune(r)
			i += n
			lit = i
		default:
			i++
		}
	}
}

// multiline lexes a multiline string: `"""`, a line break, lines indented at
// least as much as the closing delimiter, a line break, spaces, `"""`. The
// spaces before the closing `"""` are removed from every line; the first and
// last line breaks are not part of the value; a CR before a line break is
// dropped.
func (lx *lexer) multiline(start int) (token, error) {
	s := lx.src
	bodyStart := start + 3
	end := strings.Index(s[bodyStart:], `"""`)
	if end < 0 {
		return token{}, errorf(s, start, `unterminated multiline string (no closing """)`)
	}
	end += bodyStart
	body, pos := s[bodyStart:end], bodyStart
	if strings.HasPrefix(body, "\r") {
		body, pos = body[1:], pos+1
	}
	lines := strings.Split(body, "\n")
	indent := lines[len(lines)-1]
	if strings.Trim(indent, " ") != "" {
		return token{}, errorf(s, end, `closing """ of a multiline string must be on its own line, preceded only by spaces`)
	}
	if len(lines) < 2 || lines[0] != "" {
		return token{}, errorf(s, bodyStart, `opening """ of a multiline string must be followed immediately by a line break`)
	}
	var b strings.Builder
	pos += len(lines[0]) + 1
	for n, line := range lines[1 : len(lines)-1] {
		lineStart := pos
		pos += len(line) + 1
		if !strings.HasPrefix(line, indent) {
			return token{}, errorf(s, lineStart, `line of a multiline string is indented less than the closing """ (%d spaces)`, len(indent))
		}
		line = strings.TrimSuffix(line[len(indent):], "\r")
		if n > 0 {
			b.WriteByte('\n')
		}
		off := lineStart + len(indent)
		lit := 0
		for i := 0; i < len(line); {
			if line[i] != '\\' {
				i++
				continue
			}
			b.WriteString(line[lit:i])
			r, w, err := unescape(s, off+i)
			if err != nil {
				return token{}, err
			}
			b.WriteRune(r)
			i += w
			lit = i
		}
		b.WriteString(line[lit:])
	}
	lx.pos = end + 3
	tok := lx.tok(tString, start)
	tok.str = b.String()
	return tok, nil
}

// unescape decodes the escape sequence at s[i] (a backslash) and returns the
// char and the length of the sequence.
func unescape(s string, i int) (rune, int, error) {
	if i+1 >= len(s) {
		return 0, 0, errorf(s, i, "unterminated escape sequence")
	}
	switch s[i+1] {
	case '\'':
		return '\'', 2, nil
	case '"':
		return '"', 2, nil
	case '\\':
		return '\\', 2, nil
	case 't':
		return '\t', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'u':
		j := i + 2
		if j >= len(s) || s[j] != '{' {
			return 0, 0, errorf(s, i, `invalid unicode escape (write 1 to 6 hex digits in \u{…})`)
		}
		j++
		digits := j
		for j < len(s) && j-digits < 7 && isHex(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '}' || j == digits || j-digits > 6 {
			return 0, 0, errorf(s, i, `invalid unicode escape (write 1 to 6 hex digits in \u{…})`)
		}
		v, _ := strconv.ParseUint(s[digits:j], 16, 32)
		if v > utf8.MaxRune || 0xD800 <= v && v <= 0xDFFF {
			return 0, 0, errorf(s, i, `invalid unicode escape %s: not a Unicode scalar value`, s[i:j+1])
		}
		return rune(v), j + 1 - i, nil
	}
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return 0, 0, errorf(s, i, `invalid escape \%c (valid: \' \" \\ \t \n \r \u{…})`, r)
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isHex(c byte) bool    { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

package wit

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// sourceMap holds every file pushed into a Resolve. Each file occupies its
// own range of a single global offset space (plus one byte, so that a span at
// end of file still maps to that file); Spans are offsets in that space.
type sourceMap struct {
	files []*sourceFile
	next  uint32
}

type sourceFile struct {
	path     string
	text     string
	offset   uint32
	newlines []int // offsets of '\n' in text, computed on demand
}

// add registers a file and returns its base offset. Files larger than the
// offset space are rejected by the caller before they get here.
func (m *sourceMap) add(path, text string) *sourceFile {
	f := &sourceFile{path: path, text: text, offset: m.next}
	m.files = append(m.files, f)
	m.next += uint32(len(text)) + 1
	return f
}

func (m *sourceMap) fileAt(off uint32) *sourceFile {
	i := sort.Search(len(m.files), func(i int) bool { return m.files[i].offset > off })
	if i == 0 {
		return nil
	}
	return m.files[i-1]
}

// Pos is a location in a WIT source file; Line and Col count from 1, Col in
// characters.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as `file:line:col`.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Pos returns the file, line and column where span starts, or the zero Pos if
// the span is not from a source of this Resolve.
func (r *Resolve) Pos(span Span) Pos {
	f := r.sources.fileAt(span.Start)
	if f == nil {
		return Pos{}
	}
	line, col, _ := f.lineCol(int(span.Start - f.offset))
	return Pos{File: f.path, Line: line, Col: col}
}

// lineCol returns the 1-based line and column of a byte offset and the text
// of that line.
func (f *sourceFile) lineCol(off int) (line, col int, text string) {
	if f.newlines == nil {
		f.newlines = []int{}
		for i := 0; i < len(f.text); i++ {
			if f.text[i] == '\n' {
				f.newlines = append(f.newlines, i)
			}
		}
	}
	if off > len(f.text) {
		off = len(f.text)
	}
	i := sort.SearchInts(f.newlines, off) // lines before off
	start := 0
	if i > 0 {
		start = f.newlines[i-1] + 1
	}
	end := len(f.text)
	if i < len(f.newlines) {
		end = f.newlines[i]
	}
	text = strings.TrimSuffix(f.text[start:end], "\r")
	return i + 1, utf8.RuneCountInString(f.text[start:off]) + 1, text
}

// Error is a WIT parse or resolve error at a source location. Its message
// names `file:line:col` and shows the line with a caret under the offending
// text.
type Error struct {
	Pos     Pos
	Msg     string
	Snippet string // the offending line, caret line included; "" if unknown
}

// Error formats the error as the message, the `--> file:line:col` line
// and the snippet with its caret.
func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	if e.Snippet == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s\n     --> %s\n%s", e.Msg, e.Pos, e.Snippet)
}

// errorAt builds an Error for span in m.
func (m *sourceMap) errorAt(span Span, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	f := m.fileAt(span.Start)
	if f == nil {
		return &Error{Msg: msg}
	}
	rel := int(span.Start - f.offset)
	line, col, text := f.lineCol(rel)
	e := &Error{Pos: Pos{File: f.path, Line: line, Col: col}, Msg: msg}
	if len(text) > 500 {
		return e
	}
	width := 1
	if span.End > span.Start && int(span.End-f.offset) <= len(f.text) {
		width = utf8.RuneCountInString(f.text[rel:int(span.End-f.offset)])
		if width < 1 {
			width = 1
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "      |\n %4d | %s\n      | %s^%s", line, strings.ToValidUTF8(text, "\uFFFD"),
		strings.Repeat(" ", col-1), strings.Repeat("-", width-1))
	e.Snippet = b.String()
	return e
}

package wit

import (
	"fmt"
	"strconv"
)

// Parsing limits that keep hostile input from exhausting the stack.
const (
	maxTypeDepth    = 100 // list<list<…>> nesting
	maxPackageDepth = 100 // package a:b { package … } nesting
)

// syntaxError is how the parser reports an error: it panics with one and
// parseFile recovers it (the bail-out idiom of go/parser and text/template).
type syntaxError struct {
	span Span
	msg  string
}

type parser struct {
	lex *lexer
}

// parseFile parses one WIT file whose text starts at absolute offset base.
func parseFile(text string, base uint32) (file *astFile, err *syntaxError) {
	l, lerr := newLexer(text, base)
	if lerr != nil {
		return nil, &syntaxError{Span{lerr.at, lerr.at + 1}, lerr.msg}
	}
	p := &parser{lex: l}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*syntaxError)
			if !ok {
				panic(r)
			}
			file, err = nil, se
		}
	}()
	return p.packageFile(), nil
}

func (p *parser) fail(span Span, format string, args ...any) {
	panic(&syntaxError{span, fmt.Sprintf(format, args...)})
}

func (p *parser) check(err *lexError) {
	if err != nil {
		p.fail(Span{err.at, err.at + 1}, "%s", err.msg)
	}
}

func (p *parser) next() (token, Span) {
	t, s, err := p.lex.next()
	p.check(err)
	return t, s
}

func (p *parser) peek() (token, Span) {
	t, s, err := p.lex.peek()
	p.check(err)
	return t, s
}

// eat consumes the next token if it is t.
func (p *parser) eat(t token) bool {
	save := p.lex.pos
	if got, _ := p.next(); got == t {
		return true
	}
	p.lex.pos = save
	return false
}

func (p *parser) expect(t token) Span {
	got, s := p.next()
	if got != t {
		p.fail(s, "expected %s, found %s", t, got)
	}
	return s
}

func (p *parser) expected(what string) {
	got, s := p.next()
	p.fail(s, "expected %s, found %s", what, got)
}

// docs collects the comments before the next token.
func (p *parser) docs() astDocs {
	var d astDocs
	for {
		save := p.lex.pos
		t, s, err := p.lex.nextRaw()
		p.check(err)
		switch t {
		case tWhitespace:
			continue
		case tComment:
			c := p.lex.text(s)
			end := s.End
			for len(c) > 0 && isSpaceByte(c[len(c)-1]) {
				c = c[:len(c)-1]
				end--
			}
			if len(d.comments) == 0 {
				d.span.Start = s.Start
			}
			d.span.End = end
			d.comments = append(d.comments, p.lex.text(s))
			continue
		}
		p.lex.pos = save
		return d
	}
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) id() astID {
	t, s := p.next()
	switch t {
	case tID:
		name := p.lex.text(s)
		if msg := validateID(name); msg != "" {
			p.fail(s, "%s", msg)
		}
		return astID{name, s}
	case tExplicitID:
		name := p.lex.text(s)[1:]
		if msg := validateID(name); msg != "" {
			p.fail(s, "%s", msg)
		}
		return astID{name, s}
	}
	p.fail(s, "expected an identifier or string, found %s", t)
	return astID{}
}

func (p *parser) packageFile() *astFile {
	f := &astFile{}
	save := p.lex.pos
	docs := p.docs()
	if p.eat(tPackage) {
		name := p.packageName(docs)
		if p.eat(tSemicolon) {
			f.pkg = name
		} else {
			p.lex.pos = save
		}
	} else {
		p.lex.pos = save
	}
	f.items = p.declList(false, 0)
	return f
}

// declList parses declarations up to end of file, or up to `}` when
// braced.
func (p *parser) declList(braced bool, depth int) []astItem {
	var items []astItem
	docs := p.docs()
	for {
		if braced {
			if p.eat(tRBrace) {
				return items
			}
		} else if t, _ := p.peek(); t == tEOF {
			return items
		}
		items = append(items, p.item(docs, depth))
		docs = p.docs()
	}
}

func (p *parser) item(docs astDocs, depth int) astItem {
	attrs := p.attributes()
	t, s := p.peek()
	switch t {
	case tInterface:
		p.next()
		p.rejectExternalID(attrs, "interface declarations")
		return &astInterface{docs: docs, attrs: attrs, name: p.id(), items: p.interfaceItems()}
	case tWorld:
		p.next()
		p.rejectExternalID(attrs, "world declarations")
		return &astWorld{docs: docs, attrs: attrs, name: p.id(), items: p.worldItems()}
	case tUse:
		u := &astTopUse{span: p.expect(tUse), attrs: attrs, path: p.usePath()}
		if p.eat(tAs) {
			id := p.id()
			u.as = &id
		}
		p.expect(tSemicolon)
		return u
	case tPackage:
		p.next()
		if len(attrs) > 0 {
			p.fail(s, "cannot place attributes on nested packages")
		}
		if depth >= maxPackageDepth {
			p.fail(s, "package nesting too deep")
		}
		name := p.packageName(docs)
		p.expect(tLBrace)
		return &astFile{pkg: name, items: p.declList(true, depth+1)}
	}
	p.expected("`world`, `interface` or `use`")
	return nil
}

func (p *parser) packageName(docs astDocs) *astPackageName {
	n := &astPackageName{docs: docs, ns: p.id()}
	p.expect(tColon)
	n.name = p.id()
	n.span = Span{n.ns.span.Start, n.name.span.End}
	if p.eat(tAt) {
		var vs Span
		n.version, vs = p.version()
		n.span.End = vs.End
	}
	return n
}

// version parses a semver version; pre-release and build parts are made of
// identifiers, integers, '-' and '.'.
func (p *parser) version() (*Version, Span) {
	start := p.expect(tInteger)
	p.expect(tPeriod)
	p.expect(tInteger)
	p.expect(tPeriod)
	span := Span{start.Start, p.expect(tInteger).End}
	for _, prefix := range []token{tMinus, tPlus} {
		if !p.eat(prefix) {
			continue
		}
		// A bare `-` or `+` is consumed but not part of the version, as in
		// wit-parser: `1.0.0-` is 1.0.0.
		for {
			save := p.lex.pos
			t, s := p.next()
			if t == tPeriod {
				t, s = p.next()
				if t != tID && t != tInteger && t != tMinus {
					p.lex.pos = save
					break
				}
			} else if t != tID && t != tInteger && t != tMinus {
				p.lex.pos = save
				break
			}
			span.End = s.End
		}
	}
	text := p.lex.text(span)
	v, err := ParseVersion(text)
	if err != nil {
		p.fail(span, "%v", err)
	}
	return v, span
}

// lastEnd is the absolute offset just after the last consumed token.
func (p *parser) lastEnd() uint32 { return p.lex.base + uint32(p.lex.pos) }

func (p *parser) usePath() astUsePath {
	id := p.id()
	if !p.eat(tColon) {
		return astUsePath{name: id}
	}
	pkg := &astPackageName{ns: id, name: p.id()}
	pkg.span = Span{id.span.Start, pkg.name.span.End}
	p.expect(tSlash)
	path := astUsePath{pkg: pkg, name: p.id()}
	if p.eat(tAt) {
		pkg.version, _ = p.version()
	}
	return path
}

func (p *parser) attributes() []astAttr {
	var attrs []astAttr
	for p.eat(tAt) {
		id := p.id()
		a := astAttr{span: id.span}
		switch id.name {
		case "since", "deprecated":
			a.kind = attrSince
			if id.name == "deprecated" {
				a.kind = attrDeprecated
			}
			p.expect(tLParen)
			p.expectWord("version")
			p.expect(tEquals)
			a.version, _ = p.version()
			p.expect(tRParen)
		case "unstable":
			a.kind = attrUnstable
			p.expect(tLParen)
			p.expectWord("feature")
			p.expect(tEquals)
			a.feature = p.id().name
			p.expect(tRParen)
		case "external-id":
			a.kind = attrExternalID
			p.expect(tLParen)
			s := p.expect(tString)
			sub := &lexer{src: p.lex.src, pos: int(s.Start-p.lex.base) + 1, base: p.lex.base}
			str, err := sub.stringLiteral()
			p.check(err)
			a.str = str
			p.expect(tRParen)
		default:
			p.fail(id.span, "unknown attribute `%s`", id.name)
		}
		attrs = append(attrs, a)
	}
	return attrs
}

func (p *parser) rejectExternalID(attrs []astAttr, what string) {
	for _, a := range attrs {
		if a.kind == attrExternalID {
			p.fail(a.span, "@external-id is not allowed on %s", what)
		}
	}
}

func (p *parser) expectWord(word string) {
	id := p.id()
	if id.name != word {
		p.fail(id.span, "expected `%s`, found `%s`", word, id.name)
	}
}

func (p *parser) interfaceItems() []astItem {
	p.expect(tLBrace)
	var items []astItem
	for {
		docs := p.docs()
		if p.eat(tRBrace) {
			return items
		}
		attrs := p.attributes()
		t, _ := p.peek()
		switch t {
		case tType, tFlags, tEnum, tVariant, tResource, tRecord:
			items = append(items, p.typeDef(docs, attrs))
		case tID, tExplicitID:
			items = append(items, p.namedFunc(docs, attrs))
		case tUse:
			items = append(items, p.use(attrs))
		default:
			p.expected("`type`, `resource` or `func`")
		}
	}
}

func (p *parser) worldItems() []astItem {
	p.expect(tLBrace)
	var items []astItem
	for {
		docs := p.docs()
		if p.eat(tRBrace) {
			return items
		}
		attrs := p.attributes()
		t, _ := p.peek()
		switch t {
		case tImport, tExport:
			p.next()
			items = append(items, p.extern(t == tExport, docs, attrs))
		case tUse:
			items = append(items, p.use(attrs))
		case tType, tFlags, tEnum, tVariant, tResource, tRecord:
			items = append(items, p.typeDef(docs, attrs))
		case tInclude:
			items = append(items, p.include(attrs))
		default:
			p.expected("`import`, `export`, `include`, `use`, or type definition")
		}
	}
}

func (p *parser) extern(export bool, docs astDocs, attrs []astAttr) *astExtern {
	e := &astExtern{export: export, docs: docs, attrs: attrs}
	save := p.lex.pos
	id := p.id()
	if p.eat(tColon) {
		if t, _ := p.peek(); t == tFunc || t == tAsync || p.peekAccessor() {
			e.kind, e.name, e.fn = externFunc, id, p.function()
			p.expect(tSemicolon)
			return e
		}
		if p.eat(tInterface) {
			e.kind, e.name, e.items = externInterface, id, p.interfaceItems()
			return e
		}
		// `label: path` unless this colon belongs to `ns:pkg/iface`.
		afterColon := p.lex.pos
		qualified := false
		if t, _ := p.peek(); t == tID || t == tExplicitID {
			p.next()
			qualified = p.eat(tSlash)
		}
		p.lex.pos = afterColon
		if !qualified {
			e.kind, e.name, e.path = externNamedPath, id, p.usePath()
			p.expect(tSemicolon)
			return e
		}
	}
	p.lex.pos = save
	e.kind, e.path = externPath, p.usePath()
	p.expect(tSemicolon)
	return e
}

func (p *parser) peekAccessor() bool {
	save := p.lex.pos
	kind, _ := p.accessor()
	p.lex.pos = save
	return kind != notAccessor
}

func (p *parser) use(attrs []astAttr) *astUse {
	p.expect(tUse)
	u := &astUse{attrs: attrs, from: p.usePath()}
	p.expect(tPeriod)
	p.expect(tLBrace)
	for !p.eat(tRBrace) {
		n := astUseName{name: p.id()}
		if p.eat(tAs) {
			as := p.id()
			n.as = &as
		}
		u.names = append(u.names, n)
		if !p.eat(tComma) {
			p.expect(tRBrace)
			break
		}
	}
	p.expect(tSemicolon)
	return u
}

func (p *parser) include(attrs []astAttr) *astInclude {
	p.expect(tInclude)
	p.rejectExternalID(attrs, "include statements")
	inc := &astInclude{attrs: attrs, from: p.usePath()}
	if !p.eat(tWith) {
		p.expect(tSemicolon)
		return inc
	}
	p.list(tLBrace, tRBrace, func(astDocs) {
		n := astIncludeName{name: p.id()}
		p.expect(tAs)
		n.as = p.id()
		inc.names = append(inc.names, n)
	})
	return inc
}

// list parses `open item, item, … close` with an optional trailing comma;
// each item gets the comments before it.
func (p *parser) list(open, close token, item func(astDocs)) {
	p.expect(open)
	p.listTail(close, item)
}

func (p *parser) listTail(close token, item func(astDocs)) {
	for {
		docs := p.docs()
		if p.eat(close) {
			return
		}
		item(docs)
		if !p.eat(tComma) {
			p.expect(close)
			return
		}
	}
}

func (p *parser) typeDef(docs astDocs, attrs []astAttr) *astTypeDef {
	t, _ := p.next()
	d := &astTypeDef{docs: docs, attrs: attrs, name: p.id()}
	body := &astType{span: d.name.span}
	d.ty = body
	switch t {
	case tType:
		p.expect(tEquals)
		d.ty = p.typ(0)
		p.expect(tSemicolon)
	case tFlags, tEnum:
		body.kind = atFlags
		if t == tEnum {
			body.kind = atEnum
		}
		p.list(tLBrace, tRBrace, func(docs astDocs) {
			body.fields = append(body.fields, astField{docs: docs, name: p.id()})
		})
	case tRecord:
		body.kind = atRecord
		p.list(tLBrace, tRBrace, func(docs astDocs) {
			f := astField{docs: docs, name: p.id()}
			p.expect(tColon)
			f.ty = p.typ(0)
			body.fields = append(body.fields, f)
		})
	case tVariant:
		body.kind = atVariant
		p.list(tLBrace, tRBrace, func(docs astDocs) {
			f := astField{docs: docs, name: p.id()}
			if p.eat(tLParen) {
				f.ty = p.typ(0)
				p.expect(tRParen)
			}
			body.fields = append(body.fields, f)
		})
	case tResource:
		body.kind = atResource
		if p.eat(tLBrace) {
			for !p.eat(tRBrace) {
				docs := p.docs()
				attrs := p.attributes()
				body.funcs = append(body.funcs, p.resourceFunc(docs, attrs))
			}
		} else {
			p.expect(tSemicolon)
		}
	}
	return d
}

func (p *parser) resourceFunc(docs astDocs, attrs []astAttr) *astResourceFunc {
	t, s := p.peek()
	switch t {
	case tConstructor:
		p.next()
		f := &astResourceFunc{kind: rfConstructor, fn: astNamedFunc{docs: docs, attrs: attrs,
			name: astID{"constructor", s}, fn: astFunc{span: s}}}
		p.expect(tLParen)
		f.fn.fn.params = p.params()
		if p.eat(tArrow) {
			f.fn.fn.result = p.typ(0)
		}
		p.expect(tSemicolon)
		return f
	case tID, tExplicitID:
		f := &astResourceFunc{kind: rfMethod, fn: astNamedFunc{docs: docs, attrs: attrs, name: p.id()}}
		p.expect(tColon)
		if p.eat(tStatic) {
			f.kind = rfStatic
		}
		f.fn.fn = p.function()
		p.expect(tSemicolon)
		return f
	}
	p.expected("`constructor` or identifier")
	return nil
}

func (p *parser) namedFunc(docs astDocs, attrs []astAttr) *astNamedFunc {
	f := &astNamedFunc{docs: docs, attrs: attrs, name: p.id()}
	p.expect(tColon)
	f.fn = p.function()
	p.expect(tSemicolon)
	return f
}

// function parses `async? func(params) (-> type)?`, or an accessor
// `get(params) -> type` / `set(params)`.
func (p *parser) function() astFunc {
	f := astFunc{async: p.eat(tAsync)}
	if !f.async {
		f.accessor, f.span = p.accessor()
	}
	if f.accessor == notAccessor {
		f.span = p.expect(tFunc)
	}
	p.expect(tLParen)
	f.params = p.params()
	if p.eat(tArrow) {
		f.result = p.typ(0)
	}
	return f
}

// params parses `name: type, …)` after the opening parenthesis.
func (p *parser) params() []astParam {
	var params []astParam
	p.listTail(tRParen, func(astDocs) {
		name := p.id()
		p.expect(tColon)
		params = append(params, astParam{name, p.typ(0)})
	})
	return params
}

// accessor consumes `get` or `set` when followed by `(`.
func (p *parser) accessor() (accessorKind, Span) {
	save := p.lex.pos
	t, s := p.next()
	if t == tID {
		kind := map[string]accessorKind{"get": getAccessor, "set": setAccessor}[p.lex.text(s)]
		if kind != notAccessor {
			if next, _ := p.peek(); next == tLParen {
				return kind, s
			}
		}
	}
	p.lex.pos = save
	return notAccessor, Span{}
}

var primitiveTokens = map[token]Primitive{
	tBool: Bool, tU8: U8, tU16: U16, tU32: U32, tU64: U64,
	tS8: S8, tS16: S16, tS32: S32, tS64: S64, tF32: F32, tF64: F64,
	tChar: Char, tStringKw: String, tErrorContext: ErrorContext,
}

// typ parses a type expression.
func (p *parser) typ(depth int) *astType {
	t, s := p.next()
	if depth >= maxTypeDepth {
		p.fail(s, "type nesting too deep")
	}
	ty := &astType{span: s}
	if prim, ok := primitiveTokens[t]; ok {
		ty.kind, ty.prim = atPrim, prim
		return ty
	}
	switch t {
	case tTuple:
		ty.kind = atTuple
		p.list(tLess, tGreater, func(astDocs) { ty.types = append(ty.types, p.typ(depth+1)) })
	case tList:
		p.expect(tLess)
		ty.kind, ty.elem = atList, p.typ(depth+1)
		if p.eat(tComma) {
			nt, ns := p.next()
			if nt != tInteger {
				p.fail(ns, "expected fixed-length, found %s", nt)
			}
			n, err := strconv.ParseUint(p.lex.text(ns), 10, 32)
			if err != nil {
				p.fail(ns, "invalid list size: %s is out of range", p.lex.text(ns))
			}
			ty.kind, ty.size = atFixedList, uint32(n)
		}
		p.expect(tGreater)
	case tMap:
		p.expect(tLess)
		ty.kind, ty.elem = atMap, p.typ(depth+1)
		p.expect(tComma)
		ty.elem2 = p.typ(depth + 1)
		p.expect(tGreater)
	case tOption:
		p.expect(tLess)
		ty.kind, ty.elem = atOption, p.typ(depth+1)
		p.expect(tGreater)
	case tResult:
		ty.kind = atResult
		if p.eat(tLess) {
			if p.eat(tUnderscore) {
				p.expect(tComma)
				ty.elem2 = p.typ(depth + 1)
			} else {
				ty.elem = p.typ(depth + 1)
				if p.eat(tComma) {
					ty.elem2 = p.typ(depth + 1)
				}
			}
			p.expect(tGreater)
		}
	case tFuture, tStream:
		ty.kind = atFuture
		if t == tStream {
			ty.kind = atStream
		}
		if p.eat(tLess) {
			ty.elem = p.typ(depth + 1)
			p.expect(tGreater)
		}
	case tOwn, tBorrow:
		ty.kind = atOwn
		if t == tBorrow {
			ty.kind = atBorrow
		}
		p.expect(tLess)
		ty.name = p.id()
		ty.span = ty.name.span
		p.expect(tGreater)
	case tID, tExplicitID:
		p.lex.pos = int(s.Start - p.lex.base)
		ty.kind, ty.name = atName, p.id()
	default:
		p.fail(s, "expected a type, found %s", t)
	}
	return ty
}

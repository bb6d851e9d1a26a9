package wit

import (
	"strconv"
	"strings"
)

// This file prints a Resolve back to WIT text. The output matches, byte for
// byte, what `wasm-tools component wit` prints (wit-component's WitPrinter):
// two-space indentation, a blank line between the items of an interface, none
// between the imports of a world, `use` statements recovered from aliases of
// types owned by other interfaces, and so on. Layout quirks of that printer
// (no blank line between two worlds, resource functions without blank lines,
// world imports ordered interfaces → types → functions) are kept on purpose so
// that golden files produced by either tool agree.

// witKeywords is the set of words the WIT lexer reads as keywords; an
// identifier spelled like one must be written `%name`. It follows the lexer of
// wit-parser (WIT.md's list plus `_` and `error-context`).
var witKeywords = map[string]bool{
	"as": true, "async": true, "bool": true, "borrow": true, "char": true,
	"constructor": true, "enum": true, "error-context": true, "export": true,
	"f32": true, "f64": true, "flags": true, "from": true, "func": true,
	"future": true, "import": true, "include": true, "interface": true,
	"list": true, "map": true, "option": true, "own": true, "package": true,
	"record": true, "resource": true, "result": true, "s16": true, "s32": true,
	"s64": true, "s8": true, "static": true, "stream": true, "string": true,
	"tuple": true, "type": true, "u16": true, "u32": true, "u64": true,
	"u8": true, "use": true, "variant": true, "with": true, "world": true,
	"_": true,
}

// printEscapes reports whether the printer writes name as `%name`: every
// keyword, and also the retired `float32`/`float64`, which wasm-tools still
// escapes although the lexer no longer reserves them. Escaping a non-keyword
// is harmless (`%x` always reads as `x`), so the parser need not know them.
func printEscapes(name string) bool {
	return witKeywords[name] || name == "float32" || name == "float64"
}

// escapeName returns name, with a `%` prefix if it needs one.
func escapeName(name string) string {
	if printEscapes(name) {
		return "%" + name
	}
	return name
}

// Print returns the WIT text of package pkg, followed by each of the nested
// packages in `package ns:name { … }` form, exactly as wasm-tools'
// WitPrinter::print lays it out. A nested package can be referred to by pkg
// (or by another nested package) and the text still parses as one file.
//
// The Resolve is expected to be valid, as the resolver builds it. Where a
// type or package ID is out of range, or the model says what WIT cannot (an
// unnamed record, a path to an anonymous interface, …), Print writes a
// `/* … */` comment in place of the broken part instead of failing.
func (r *Resolve) Print(pkg PackageID, nested ...PackageID) string {
	p := newPrinter(r)
	p.printPackage(pkg, true)
	for i, id := range nested {
		if i > 0 {
			p.out.newline()
			p.out.newline()
		}
		p.printPackage(id, false)
	}
	return p.out.String()
}

// PrintAll returns the WIT text that `wasm-tools component wit` prints for
// a package loaded together with its dependencies: package main first, then
// every other package of r, in the order they were added, as nested packages.
func (r *Resolve) PrintAll(main PackageID) string {
	var nested []PackageID
	for i := range r.Packages {
		if PackageID(i) != main {
			nested = append(nested, PackageID(i))
		}
	}
	return r.Print(main, nested...)
}

// TypeString returns the WIT spelling of a type as it appears in a function
// signature or a field: a primitive (`u32`), the name of a named type
// (`message`, a resource `r` for `own<r>`), or the anonymous type spelled out
// (`list<u8>`, `result<_, string>`, `borrow<r>`, `option<tuple<u8, s8>>`).
// Keywords used as names come out escaped (`%type`).
func (r *Resolve) TypeString(t Type) string {
	p := newPrinter(r)
	p.typeName(t)
	return p.out.String()
}

// printer walks a Resolve and writes WIT through a witWriter.
type printer struct {
	r        *Resolve
	out      witWriter
	anyItems bool // an item was printed in the current block: separate the next with a blank line
}

func newPrinter(r *Resolve) *printer { return &printer{r: r} }

// newItem starts an item of a block, after a blank line unless it is the
// block's first.
func (p *printer) newItem() {
	if p.anyItems {
		p.out.newline()
	}
	p.anyItems = true
}

func (p *printer) name(s string) { p.out.str(escapeName(s)) }

// broken writes a comment in place of an item the model cannot express.
func (p *printer) broken(what string) { p.out.str("/* " + what + " */") }

func (p *printer) printPackage(id PackageID, isMain bool) {
	if int(id) < 0 || int(id) >= len(p.r.Packages) {
		p.broken("unknown package " + strconv.Itoa(int(id)))
		p.out.newline()
		return
	}
	pkg := p.r.Packages[id]
	p.docs(pkg.Docs)
	p.out.str("package ")
	p.name(pkg.Name.Namespace)
	p.out.str(":")
	p.name(pkg.Name.Name)
	if pkg.Name.Version != nil {
		p.out.str("@" + pkg.Name.Version.String())
	}
	if isMain {
		p.out.semicolon()
		p.out.newline()
	} else {
		p.out.indentStart()
	}
	for name, iid := range pkg.Interfaces.All() {
		iface := p.r.Interfaces[iid]
		p.docs(iface.Docs)
		p.stability(iface.Stability)
		p.out.str("interface ")
		p.name(name)
		p.out.indentStart()
		p.printInterface(iid)
		p.out.indentEnd()
		if isMain {
			p.out.newline()
		}
	}
	for name, wid := range pkg.Worlds.All() {
		w := p.r.Worlds[wid]
		p.docs(w.Docs)
		p.stability(w.Stability)
		p.out.str("world ")
		p.name(name)
		p.out.indentStart()
		p.printWorld(wid)
		p.out.indentEnd()
	}
	if !isMain {
		p.out.indentEnd()
	}
}

// resourceFuncs groups the constructors, methods, static functions and
// property accessors of a set of functions by resource, keeping their order.
type resourceFuncs map[TypeID][]*Function

func (p *printer) printInterface(id InterfaceID) {
	prev := p.anyItems
	p.anyItems = false
	iface := p.r.Interfaces[id]

	funcs := resourceFuncs{}
	var freestanding []*Function
	for f := range iface.Functions.Values() {
		if f.Kind.HasResource() {
			funcs[f.Resource] = append(funcs[f.Resource], f)
		} else {
			freestanding = append(freestanding, f)
		}
	}

	var types []namedType
	for name, tid := range iface.Types.All() {
		types = append(types, namedType{name, tid})
	}
	p.printTypes(id, iface.Package, types, funcs)

	for _, f := range freestanding {
		p.newItem()
		p.docs(f.Docs)
		p.stability(f.Stability)
		p.externalID(f.ExternalID)
		p.name(f.ItemName())
		p.out.str(": ")
		p.function(f)
		p.out.semicolon()
	}
	p.anyItems = prev
}

type namedType struct {
	name string
	id   TypeID
}

// useGroup is one `use` statement: types of the same interface, next to each
// other in declaration order, with the same feature gate.
type useGroup struct {
	from       InterfaceID
	stability  Stability
	externalID string
	names      [][2]string // local name, name in `from`
}

// printTypes prints the types of an interface or world (owner), in package
// myPkg. A type that is an alias of a named type owned by another interface is
// what a `use` left behind, and is printed as one; consecutive such aliases of
// the same interface with the same gate and external id share a statement.
// All `use`s come before the other types.
func (p *printer) printTypes(owner TypeOwner, myPkg PackageID, types []namedType, funcs resourceFuncs) {
	var declare []TypeID
	var uses []*useGroup
	for _, nt := range types {
		if !p.validType(nt.id) {
			declare = append(declare, nt.id)
			continue
		}
		td := p.r.Types[nt.id]
		if from, otherName, ok := p.useOf(owner, td); ok {
			if n := len(uses); n > 0 && uses[n-1].from == from && sameStability(uses[n-1].stability, td.Stability) && uses[n-1].externalID == td.ExternalID {
				uses[n-1].names = append(uses[n-1].names, [2]string{nt.name, otherName})
				continue
			}
			uses = append(uses, &useGroup{from: from, stability: td.Stability, externalID: td.ExternalID, names: [][2]string{{nt.name, otherName}}})
			continue
		}
		declare = append(declare, nt.id)
	}

	for _, u := range uses {
		p.anyItems = true
		p.stability(u.stability)
		p.externalID(u.externalID)
		p.out.str("use ")
		p.pathToInterface(u.from, myPkg)
		p.out.str(".{")
		for i, n := range u.names {
			if i > 0 {
				p.out.str(", ")
			}
			if n[0] == n[1] {
				p.name(n[0])
			} else {
				p.name(n[1])
				p.out.str(" as ")
				p.name(n[0])
			}
		}
		p.out.str("}")
		p.out.semicolon()
	}

	for _, id := range declare {
		p.newItem()
		if !p.validType(id) {
			p.broken("unknown type " + strconv.Itoa(int(id)))
			p.out.newline()
			continue
		}
		td := p.r.Types[id]
		p.docs(td.Docs)
		p.stability(td.Stability)
		p.externalID(td.ExternalID)
		if _, ok := td.Kind.(*Resource); ok {
			p.resource(id, funcs[id])
		} else {
			p.declareType(td)
		}
	}
}

// useOf reports whether td, a type of owner, stands for `use from.{other}`.
func (p *printer) useOf(owner TypeOwner, td *TypeDef) (from InterfaceID, other string, ok bool) {
	a, isAlias := td.Kind.(*Alias)
	if !isAlias {
		return 0, "", false
	}
	tid, isID := a.Type.(TypeID)
	if !isID || !p.validType(tid) {
		return 0, "", false
	}
	target := p.r.Types[tid]
	// Only types of interfaces can be used; an alias of a world's type (which
	// a valid Resolve never has) is declared as `type a = b` instead.
	iid, isIface := target.Owner.(InterfaceID)
	if !isIface || target.Name == "" || owner == TypeOwner(iid) {
		return 0, "", false
	}
	return iid, target.Name, true
}

func (p *printer) validType(id TypeID) bool { return int(id) >= 0 && int(id) < len(p.r.Types) }

// sameStability reports whether two feature gates are the same.
func sameStability(s, o Stability) bool {
	return s.Kind == o.Kind && s.Feature == o.Feature && s.Since.Equal(o.Since) && s.Deprecated.Equal(o.Deprecated)
}

func (p *printer) resource(id TypeID, funcs []*Function) {
	td := p.r.Types[id]
	p.out.str("resource ")
	p.name(td.Name)
	if len(funcs) == 0 {
		p.out.semicolon()
		return
	}
	p.out.indentStart()
	for _, f := range funcs {
		p.docs(f.Docs)
		p.stability(f.Stability)
		p.externalID(f.ExternalID)
		switch f.Kind {
		case Method, AsyncMethod, MethodGetter, MethodSetter:
			p.name(f.ItemName())
			p.out.str(": ")
		case Static, AsyncStatic, StaticGetter, StaticSetter:
			p.name(f.ItemName())
			p.out.str(": static ")
		}
		p.function(f)
		p.out.semicolon()
	}
	p.out.indentEnd()
}

// function prints the type of a function: `async func(a: T) -> R`,
// `constructor(a: T)`, or for a property accessor `get() -> T` or
// `set(v: T)`. The `self` parameter of a method (accessors of a resource's
// instances included) is left out, and so is the result of a constructor
// returning its own resource.
func (p *printer) function(f *Function) {
	if f.Kind.IsAsync() {
		p.out.str("async ")
	}
	switch {
	case f.Kind == Constructor:
		p.out.str("constructor(")
	case f.Kind.IsGetter():
		p.out.str("get(")
	case f.Kind.IsSetter():
		p.out.str("set(")
	default:
		p.out.str("func(")
	}
	params := f.Params
	if f.Kind.IsMethod() && len(params) > 0 {
		params = params[1:]
	}
	for i, prm := range params {
		if i > 0 {
			p.out.str(", ")
		}
		p.name(prm.Name)
		p.out.str(": ")
		p.typeName(prm.Type)
	}
	p.out.str(")")
	if f.Result == nil || p.isConstructorShorthand(f) {
		return
	}
	p.out.str(" -> ")
	p.typeName(f.Result)
}

// isConstructorShorthand reports whether f is a constructor whose result is
// `own<R>` of its own resource, which WIT writes without `-> R`.
func (p *printer) isConstructorShorthand(f *Function) bool {
	if f.Kind != Constructor {
		return false
	}
	id, ok := f.Result.(TypeID)
	if !ok || !p.validType(id) {
		return false
	}
	own, ok := p.r.Types[id].Kind.(*Own)
	return ok && own.Resource == f.Resource
}

// printWorld prints the body of a world. Imports come out as wasm-tools
// orders them (and as the binary encoding of a world does): interfaces first,
// then types with their resource functions, then functions; exports keep
// their order.
func (p *printer) printWorld(id WorldID) {
	prev := p.anyItems
	p.anyItems = false
	w := p.r.Worlds[id]

	var types []namedType
	funcs := resourceFuncs{}
	var imported []WorldKey
	for key, item := range w.Imports.All() {
		switch it := item.(type) {
		case *WorldType:
			types = append(types, namedType{key.Name, it.ID})
		case *Function:
			if it.Kind.HasResource() {
				funcs[it.Resource] = append(funcs[it.Resource], it)
			} else {
				imported = append(imported, key)
			}
		default:
			p.worldItem(key, item, w.Package, "import")
			// No blank line between imports, but one before whatever follows.
			p.anyItems = true
		}
	}
	p.printTypes(id, w.Package, types, funcs)
	for _, key := range imported {
		item, _ := w.Imports.Get(key)
		p.worldItem(key, item, w.Package, "import")
		p.anyItems = true
	}
	if w.Exports.Len() > 0 {
		p.newItem()
	}
	for key, item := range w.Exports.All() {
		p.worldItem(key, item, w.Package, "export")
	}
	p.anyItems = prev
}

func (p *printer) worldItem(key WorldKey, item WorldItem, pkg PackageID, keyword string) {
	switch it := item.(type) {
	case *WorldInterface:
		// The docs of the import statement, else for a named import those of
		// the interface (the inline one, or the one it implements).
		switch {
		case it.Docs.Present || it.Docs.Contents != "":
			p.docs(it.Docs)
		case !key.IsInterface() && p.validInterface(it.ID):
			p.docs(p.r.Interfaces[it.ID].Docs)
		}
		p.stability(it.Stability)
		p.externalID(it.ExternalID)
		p.out.str(keyword + " ")
		if key.IsInterface() {
			p.pathToInterface(key.Interface, pkg)
			p.out.semicolon()
			return
		}
		p.name(key.Name)
		p.out.str(": ")
		if p.validInterface(it.ID) && p.r.Interfaces[it.ID].Name == "" {
			p.out.str("interface")
			p.out.indentStart()
			p.printInterface(it.ID)
			p.out.indentEnd()
			return
		}
		p.pathToInterface(it.ID, pkg)
		p.out.semicolon()
	case *Function:
		p.docs(it.Docs)
		p.stability(it.Stability)
		p.externalID(it.ExternalID)
		p.out.str(keyword + " ")
		// `import p: get() -> T` for the function named `[get]p`.
		p.name(it.ItemName())
		p.out.str(": ")
		p.function(it)
		p.out.semicolon()
	default:
		p.broken("unexpected world " + keyword)
		p.out.newline()
	}
}

func (p *printer) validInterface(id InterfaceID) bool {
	return int(id) >= 0 && int(id) < len(p.r.Interfaces)
}

// pathToInterface prints how code in package cur names an interface: `name`
// within the same package, `ns:pkg/name@version` otherwise.
func (p *printer) pathToInterface(id InterfaceID, cur PackageID) {
	if !p.validInterface(id) || p.r.Interfaces[id].Name == "" {
		p.broken("path to anonymous interface")
		return
	}
	iface := p.r.Interfaces[id]
	if iface.Package == cur {
		p.name(iface.Name)
		return
	}
	if int(iface.Package) < 0 || int(iface.Package) >= len(p.r.Packages) {
		p.broken("interface of unknown package")
		return
	}
	n := p.r.Packages[iface.Package].Name
	p.name(n.Namespace)
	p.out.str(":")
	p.name(n.Name)
	p.out.str("/")
	p.name(iface.Name)
	if n.Version != nil {
		p.out.str("@" + n.Version.String())
	}
}

// typeName prints a type as it is referred to: by name if it has one,
// spelled out if it is anonymous.
func (p *printer) typeName(t Type) {
	switch t := t.(type) {
	case Primitive:
		p.out.str(t.String())
		return
	case TypeID:
		if !p.validType(t) {
			p.broken("unknown type " + strconv.Itoa(int(t)))
			return
		}
		td := p.r.Types[t]
		if td.Name != "" {
			p.name(td.Name)
			return
		}
		p.anonType(td.Kind)
	case nil:
		p.broken("missing type")
	default:
		p.broken("unknown type")
	}
}

// anonType spells out the kind of an anonymous type.
func (p *printer) anonType(k TypeDefKind) {
	switch k := k.(type) {
	case *Own:
		p.resourceName(k.Resource)
	case *Borrow:
		p.out.str("borrow<")
		p.resourceName(k.Resource)
		p.out.str(">")
	case *Tuple:
		p.out.str("tuple<")
		for i, t := range k.Types {
			if i > 0 {
				p.out.str(", ")
			}
			p.typeName(t)
		}
		p.out.str(">")
	case *Option:
		p.out.str("option<")
		p.typeName(k.Type)
		p.out.str(">")
	case *Result:
		p.result(k)
	case *List:
		p.out.str("list<")
		p.typeName(k.Elem)
		p.out.str(">")
	case *Map:
		p.out.str("map<")
		p.typeName(k.Key)
		p.out.str(", ")
		p.typeName(k.Value)
		p.out.str(">")
	case *FixedList:
		p.out.str("list<")
		p.typeName(k.Elem)
		p.out.str(", " + strconv.FormatUint(uint64(k.Len), 10) + ">")
	case *Alias:
		p.typeName(k.Type)
	case *Future:
		p.optionalElem("future", k.Elem)
	case *Stream:
		p.optionalElem("stream", k.Elem)
	case *Resource:
		p.broken("unnamed resource")
	case *Record:
		p.broken("unnamed record")
	case *Flags:
		p.broken("unnamed flags")
	case *Enum:
		p.broken("unnamed enum")
	case *Variant:
		p.broken("unnamed variant")
	default:
		p.broken("unresolved type")
	}
}

// resourceName prints the resource of a handle.
func (p *printer) resourceName(id TypeID) {
	if !p.validType(id) || p.r.Types[id].Name == "" {
		p.broken("unnamed resource")
		return
	}
	p.name(p.r.Types[id].Name)
}

func (p *printer) result(r *Result) {
	p.out.str("result")
	switch {
	case r.OK != nil && r.Err != nil:
		p.out.str("<")
		p.typeName(r.OK)
		p.out.str(", ")
		p.typeName(r.Err)
		p.out.str(">")
	case r.Err != nil:
		p.out.str("<_, ")
		p.typeName(r.Err)
		p.out.str(">")
	case r.OK != nil:
		p.out.str("<")
		p.typeName(r.OK)
		p.out.str(">")
	}
}

func (p *printer) optionalElem(kw string, elem Type) {
	p.out.str(kw)
	if elem != nil {
		p.out.str("<")
		p.typeName(elem)
		p.out.str(">")
	}
}

// declareType prints the definition of a named type other than a resource.
func (p *printer) declareType(td *TypeDef) {
	switch k := td.Kind.(type) {
	case *Record:
		p.out.str("record ")
		p.name(td.Name)
		p.out.indentStart()
		for _, f := range k.Fields {
			p.docs(f.Docs)
			p.name(f.Name)
			p.out.str(": ")
			p.typeName(f.Type)
			p.out.str(",")
			p.out.newline()
		}
		p.out.indentEnd()
	case *Flags:
		p.out.str("flags ")
		p.name(td.Name)
		p.out.indentStart()
		for _, f := range k.Flags {
			p.docs(f.Docs)
			p.name(f.Name)
			p.out.str(",")
			p.out.newline()
		}
		p.out.indentEnd()
	case *Variant:
		p.out.str("variant ")
		p.name(td.Name)
		p.out.indentStart()
		for _, c := range k.Cases {
			p.docs(c.Docs)
			p.name(c.Name)
			if c.Type != nil {
				p.out.str("(")
				p.typeName(c.Type)
				p.out.str(")")
			}
			p.out.str(",")
			p.out.newline()
		}
		p.out.indentEnd()
	case *Enum:
		p.out.str("enum ")
		p.name(td.Name)
		p.out.indentStart()
		for _, c := range k.Cases {
			p.docs(c.Docs)
			p.name(c.Name)
			p.out.str(",")
			p.out.newline()
		}
		p.out.indentEnd()
	case *Own:
		// `type a = own<r>` keeps its `own`: it is a handle type of its own,
		// unlike `type a = r`, which is an alias.
		p.typeAlias(td.Name, func() {
			p.out.str("own<")
			p.resourceName(k.Resource)
			p.out.str(">")
		})
	case *Alias:
		p.typeAlias(td.Name, func() { p.typeName(k.Type) })
	default: // tuples, options, results, lists, maps, futures, streams, borrows
		p.typeAlias(td.Name, func() { p.anonType(td.Kind) })
	}
}

func (p *printer) typeAlias(name string, rhs func()) {
	p.out.str("type ")
	p.name(name)
	p.out.str(" = ")
	rhs()
	p.out.semicolon()
}

// docs prints a doc comment, one `///` line per line of its text.
func (p *printer) docs(d Docs) {
	if d.Contents == "" {
		return
	}
	for _, line := range docLines(d.Contents) {
		if line == "" {
			p.out.line("///")
		} else {
			p.out.line("/// " + line)
		}
	}
}

// docLines splits text into lines as Rust's str::lines does: at "\n" or
// "\r\n", with no empty last line after a final line ending.
func docLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, strings.TrimSuffix(s[:i], "\r"))
		s = s[i+1:]
	}
	return lines
}

// stability prints the feature gate of an item, one attribute per line.
func (p *printer) stability(s Stability) {
	switch s.Kind {
	case StabilityStable:
		if s.Since != nil {
			p.out.line("@since(version = " + s.Since.String() + ")")
		} else {
			p.out.line("@since(version = /* missing */)")
		}
	case StabilityUnstable:
		p.out.line("@unstable(feature = " + s.Feature + ")")
	default:
		return
	}
	if s.Deprecated != nil {
		p.out.line("@deprecated(version = " + s.Deprecated.String() + ")")
	}
}

// externalID prints `@external-id("…")` on a line of its own, unless id is
// empty. Characters other than ASCII letters, digits and `-_./: ` are escaped
// as wasm-tools escapes them: `\\`, `\"`, `\n`, `\r`, `\t`, else `\u{hex}`.
func (p *printer) externalID(id string) {
	if id == "" {
		return
	}
	var b strings.Builder
	b.WriteString("@external-id(\"")
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '/', c == ':', c == ' ':
			b.WriteRune(c)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '"':
			b.WriteString(`\"`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u{` + strconv.FormatUint(uint64(c), 16) + `}`)
		}
	}
	b.WriteString("\")")
	p.out.line(b.String())
}

// witWriter accumulates WIT text with two-space indentation, like
// wit-component's OutputToString: indentation is written lazily before the
// first text of a line.
type witWriter struct {
	b           strings.Builder
	indent      int
	needsIndent bool
}

func (w *witWriter) String() string { return w.b.String() }

func (w *witWriter) indentIfNeeded() {
	if w.needsIndent {
		for range w.indent {
			w.b.WriteString("  ")
		}
		w.needsIndent = false
	}
}

// str writes text within the current line.
func (w *witWriter) str(s string) {
	w.indentIfNeeded()
	w.b.WriteString(s)
}

// line writes text as a whole line.
func (w *witWriter) line(s string) {
	w.str(s)
	w.newline()
}

func (w *witWriter) newline() {
	w.b.WriteByte('\n')
	w.needsIndent = true
}

func (w *witWriter) semicolon() {
	w.str(";")
	w.newline()
}

// indentStart opens a block: ` {` and a newline.
func (w *witWriter) indentStart() {
	w.str(" {")
	w.indent++
	w.newline()
}

// indentEnd closes a block: `}` on a line of its own.
func (w *witWriter) indentEnd() {
	if w.indent > 0 {
		w.indent--
	}
	w.str("}")
	w.newline()
}

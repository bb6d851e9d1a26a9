package wit

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// This file encodes a Resolve as the JSON that `wasm-tools component wit
// --json` prints: wit-parser's serde serialization, pretty-printed by
// serde_json with a two-space indent and no trailing newline. The encoding is
// a direct walk of the model through a small writer rather than
// encoding/json; see RATIONALE.md, "Why a hand-written JSON writer?".

// MarshalJSON returns the JSON of the whole Resolve, byte for byte as
// `wasm-tools component wit --json` prints it: every world, interface, type
// and package in ID order, types as primitive names or type indices, fields
// left out where wit-parser skips them (empty docs, no stability, no result).
//
// The output is pretty-printed. encoding/json.Marshal compacts whatever a
// MarshalJSON method returns, so call this method directly to keep the
// wasm-tools layout.
//
// It fails only on a model no resolver produces: a nil type, kind or item, a
// negative ID, or a type kind that only exists during resolution.
func (r *Resolve) MarshalJSON() ([]byte, error) {
	e := &jsonEncoder{w: jsonWriter{buf: make([]byte, 0, 4096)}}
	e.resolve(r)
	if e.err != nil {
		return nil, e.err
	}
	return e.w.buf, nil
}

// jsonEncoder walks the model. The first error sticks; later writes are
// harmless and their output discarded.
type jsonEncoder struct {
	w   jsonWriter
	err error
}

func (e *jsonEncoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("wit: encode json: "+format, args...)
	}
}

func (e *jsonEncoder) resolve(r *Resolve) {
	w := &e.w
	w.open('{')
	jsonArena(e, "worlds", "world", r.Worlds, func(_ int, x *World) { e.world(x) })
	jsonArena(e, "interfaces", "interface", r.Interfaces, func(_ int, x *Interface) { e.iface(x) })
	jsonArena(e, "types", "type", r.Types, func(i int, x *TypeDef) { e.typeDef(TypeID(i), x) })
	jsonArena(e, "packages", "package", r.Packages, func(_ int, x *Package) { e.pkg(x) })
	w.close('}')
}

// jsonArena writes one arena of the Resolve as the array under key.
func jsonArena[T any](e *jsonEncoder, key, what string, items []*T, enc func(int, *T)) {
	w := &e.w
	w.key(key)
	w.open('[')
	for i, x := range items {
		w.elem()
		if x == nil {
			e.fail("%s %d is nil", what, i)
			return
		}
		enc(i, x)
	}
	w.close(']')
}

func (e *jsonEncoder) pkg(p *Package) {
	w := &e.w
	w.open('{')
	w.key("name")
	w.string(p.Name.String())
	e.docs(p.Docs)
	w.key("interfaces")
	idMap(e, &p.Interfaces)
	w.key("worlds")
	idMap(e, &p.Worlds)
	w.close('}')
}

// idMap writes a name → arena-index map as a JSON object.
func idMap[ID ~int](e *jsonEncoder, m *OrderedMap[string, ID]) {
	e.w.open('{')
	for name, id := range m.All() {
		e.w.key(name)
		e.id(int(id))
	}
	e.w.close('}')
}

func (e *jsonEncoder) world(x *World) {
	w := &e.w
	w.open('{')
	w.key("name")
	w.string(x.Name)
	w.key("imports")
	e.worldItems(x.Name, &x.Imports)
	w.key("exports")
	e.worldItems(x.Name, &x.Exports)
	w.key("package")
	e.id(int(x.Package))
	e.docs(x.Docs)
	e.stability(x.Stability)
	w.close('}')
}

func (e *jsonEncoder) worldItems(world string, m *OrderedMap[WorldKey, WorldItem]) {
	w := &e.w
	w.open('{')
	for k, item := range m.All() {
		if k.IsInterface() {
			if k.Interface < 0 {
				e.fail("world %s: negative interface key %d", world, k.Interface)
				return
			}
			w.key("interface-" + strconv.Itoa(int(k.Interface)))
		} else {
			w.key(k.Name)
		}
		w.open('{')
		switch item := item.(type) {
		case *WorldInterface:
			w.key("interface")
			w.open('{')
			w.key("id")
			e.id(int(item.ID))
			e.stability(item.Stability)
			e.externalID(item.ExternalID)
			e.docs(item.Docs)
			w.close('}')
		case *Function:
			w.key("function")
			e.function(item)
		case *WorldType:
			w.key("type")
			e.id(int(item.ID))
		default:
			e.fail("world %s: item %q is %T", world, k.Name, item)
			return
		}
		w.close('}')
	}
	w.close('}')
}

func (e *jsonEncoder) iface(x *Interface) {
	w := &e.w
	w.open('{')
	w.key("name")
	if x.Name == "" {
		w.null()
	} else {
		w.string(x.Name)
	}
	w.key("types")
	idMap(e, &x.Types)
	w.key("functions")
	w.open('{')
	for name, f := range x.Functions.All() {
		w.key(name)
		if f == nil {
			e.fail("interface %s: function %q is nil", x.Name, name)
			return
		}
		e.function(f)
	}
	w.close('}')
	e.docs(x.Docs)
	e.stability(x.Stability)
	w.key("package")
	e.id(int(x.Package))
	if x.CloneOf != nil {
		w.key("clone_of")
		e.id(int(*x.CloneOf))
	}
	w.close('}')
}

func (e *jsonEncoder) typeDef(id TypeID, t *TypeDef) {
	w := &e.w
	w.open('{')
	w.key("name")
	if t.Name == "" {
		w.null()
	} else {
		w.string(t.Name)
	}
	w.key("kind")
	e.kind(id, t.Kind)
	w.key("owner")
	switch o := t.Owner.(type) {
	case nil:
		w.null()
	case InterfaceID:
		w.open('{')
		w.key("interface")
		e.id(int(o))
		w.close('}')
	case WorldID:
		w.open('{')
		w.key("world")
		e.id(int(o))
		w.close('}')
	default:
		e.fail("type %d: owner is %T", id, o)
	}
	e.docs(t.Docs)
	e.stability(t.Stability)
	e.externalID(t.ExternalID)
	w.close('}')
}

// kind writes a TypeDefKind the way serde writes an externally tagged enum:
// a unit variant as its name, any other variant as {"name": payload}, where a
// tuple variant's payload is an array.
func (e *jsonEncoder) kind(id TypeID, k TypeDefKind) {
	w := &e.w
	if _, ok := k.(*Resource); ok {
		w.string("resource")
		return
	}
	w.open('{')
	switch k := k.(type) {
	case *Record:
		w.key("record")
		w.open('{')
		w.key("fields")
		w.open('[')
		for _, f := range k.Fields {
			w.elem()
			w.open('{')
			w.key("name")
			w.string(f.Name)
			w.key("type")
			e.typ(f.Type)
			e.docs(f.Docs)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	case *Own:
		e.handle("own", k.Resource)
	case *Borrow:
		e.handle("borrow", k.Resource)
	case *Flags:
		w.key("flags")
		w.open('{')
		w.key("flags")
		w.open('[')
		for _, f := range k.Flags {
			w.elem()
			w.open('{')
			w.key("name")
			w.string(f.Name)
			e.docs(f.Docs)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	case *Tuple:
		w.key("tuple")
		w.open('{')
		w.key("types")
		w.open('[')
		for _, t := range k.Types {
			w.elem()
			e.typ(t)
		}
		w.close(']')
		w.close('}')
	case *Variant:
		w.key("variant")
		w.open('{')
		w.key("cases")
		w.open('[')
		for _, c := range k.Cases {
			w.elem()
			w.open('{')
			w.key("name")
			w.string(c.Name)
			w.key("type")
			e.optType(c.Type)
			e.docs(c.Docs)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	case *Enum:
		w.key("enum")
		w.open('{')
		w.key("cases")
		w.open('[')
		for _, c := range k.Cases {
			w.elem()
			w.open('{')
			w.key("name")
			w.string(c.Name)
			e.docs(c.Docs)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	case *Option:
		w.key("option")
		e.typ(k.Type)
	case *Result:
		w.key("result")
		w.open('{')
		w.key("ok")
		e.optType(k.OK)
		w.key("err")
		e.optType(k.Err)
		w.close('}')
	case *List:
		w.key("list")
		e.typ(k.Elem)
	case *Map:
		w.key("map")
		w.open('[')
		w.elem()
		e.typ(k.Key)
		w.elem()
		e.typ(k.Value)
		w.close(']')
	case *FixedList:
		w.key("fixed-length-list")
		w.open('[')
		w.elem()
		e.typ(k.Elem)
		w.elem()
		w.uint(uint64(k.Len))
		w.close(']')
	case *Future:
		w.key("future")
		e.optType(k.Elem)
	case *Stream:
		w.key("stream")
		e.optType(k.Elem)
	case *Alias:
		w.key("type")
		e.typ(k.Type)
	case nil:
		e.fail("type %d: nil kind", id)
	case *unknown:
		e.fail("type %d: unresolved type", id)
	default:
		e.fail("type %d: kind is %T", id, k)
	}
	w.close('}')
}

func (e *jsonEncoder) handle(name string, res TypeID) {
	w := &e.w
	w.key("handle")
	w.open('{')
	w.key(name)
	e.id(int(res))
	w.close('}')
}

func (e *jsonEncoder) function(f *Function) {
	w := &e.w
	w.open('{')
	w.key("name")
	w.string(f.Name)
	w.key("kind")
	// A kind without a resource is a unit variant ("freestanding",
	// "getter"); one with a resource is {"method": N}, {"static-setter": N}…
	if int(f.Kind) >= len(functionKindNames) || functionKindNames[f.Kind] == "" {
		e.fail("function %s: invalid kind %d", f.Name, f.Kind)
		return
	}
	if f.Kind.HasResource() {
		w.open('{')
		w.key(functionKindNames[f.Kind])
		e.id(int(f.Resource))
		w.close('}')
	} else {
		w.string(functionKindNames[f.Kind])
	}
	w.key("params")
	w.open('[')
	for _, p := range f.Params {
		w.elem()
		w.open('{')
		if p.Name != "" {
			w.key("name")
			w.string(p.Name)
		}
		w.key("type")
		e.typ(p.Type)
		w.close('}')
	}
	w.close(']')
	if f.Result != nil {
		w.key("result")
		e.typ(f.Result)
	}
	e.docs(f.Docs)
	e.stability(f.Stability)
	e.externalID(f.ExternalID)
	w.close('}')
}

// typ writes a Type: a primitive's name or a type index.
func (e *jsonEncoder) typ(t Type) {
	switch t := t.(type) {
	case Primitive:
		if int(t) >= len(primitiveNames) {
			e.fail("invalid primitive %d", t)
			return
		}
		e.w.string(primitiveNames[t])
	case TypeID:
		e.id(int(t))
	case nil:
		e.fail("missing type")
	default:
		e.fail("type is %T", t)
	}
}

// optType writes an optional Type, null when absent.
func (e *jsonEncoder) optType(t Type) {
	if t == nil {
		e.w.null()
		return
	}
	e.typ(t)
}

func (e *jsonEncoder) id(n int) {
	if n < 0 {
		e.fail("negative id %d", n)
		return
	}
	e.w.uint(uint64(n))
}

// externalID writes `"external_id": …` when the item has an
// `@external-id`. serde names it in snake_case: the kebab-case renaming of
// WorldItem applies to its variants, not to their fields.
func (e *jsonEncoder) externalID(id string) {
	if id == "" {
		return
	}
	e.w.key("external_id")
	e.w.string(id)
}

// docs writes `"docs": {"contents": …}` unless there is no doc comment.
func (e *jsonEncoder) docs(d Docs) {
	if !d.Present && d.Contents == "" {
		return
	}
	w := &e.w
	w.key("docs")
	w.open('{')
	w.key("contents")
	w.string(d.Contents)
	w.close('}')
}

// stability writes `"stability": …` unless the item has no gate.
func (e *jsonEncoder) stability(s Stability) {
	w := &e.w
	switch s.Kind {
	case StabilityUnknown:
		return
	case StabilityStable:
		if s.Since == nil {
			e.fail("stable item without a version")
			return
		}
		w.key("stability")
		w.open('{')
		w.key("stable")
		w.open('{')
		w.key("since")
		w.string(s.Since.String())
	case StabilityUnstable:
		w.key("stability")
		w.open('{')
		w.key("unstable")
		w.open('{')
		w.key("feature")
		w.string(s.Feature)
	default:
		e.fail("invalid stability kind %d", s.Kind)
		return
	}
	if s.Deprecated != nil {
		w.key("deprecated")
		w.string(s.Deprecated.String())
	}
	w.close('}')
	w.close('}')
}

// jsonWriter appends JSON in serde_json's pretty layout: each member or
// element on its own line, indented two spaces per level, `"key": value`,
// and empty objects and arrays as `{}` and `[]`.
//
// One flag is enough to know whether the current container already has an
// element: a nested container is always opened right after key or elem marked
// its parent non-empty, so when it closes the parent is non-empty again.
type jsonWriter struct {
	buf   []byte
	depth int
	empty bool // the innermost open container has no element yet
}

func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.depth++
	w.empty = true
}

func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.buf = append(w.buf, c)
	w.empty = false
}

// elem starts the next element of an array.
func (w *jsonWriter) elem() {
	if !w.empty {
		w.buf = append(w.buf, ',')
	}
	w.newline()
	w.empty = false
}

// key starts the next member of an object.
func (w *jsonWriter) key(k string) {
	w.elem()
	w.string(k)
	w.buf = append(w.buf, ':', ' ')
}

func (w *jsonWriter) newline() {
	w.buf = append(w.buf, '\n')
	for i := 0; i < w.depth; i++ {
		w.buf = append(w.buf, ' ', ' ')
	}
}

func (w *jsonWriter) null() { w.buf = append(w.buf, "null"...) }

func (w *jsonWriter) uint(n uint64) { w.buf = strconv.AppendUint(w.buf, n, 10) }

// string writes s quoted the way serde_json does: only `"`, `\` and control
// characters below U+0020 are escaped (\b \t \n \f \r by name, the rest as
// \u00xx with lowercase hex); everything else, <, >, &, U+2028 and U+2029
// included, is written as is. Bytes that are not UTF-8, which a Rust string
// cannot hold, become U+FFFD.
func (w *jsonWriter) string(s string) {
	const hex = "0123456789abcdef"
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				w.buf = append(w.buf, s[start:i]...)
				w.buf = append(w.buf, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		w.buf = append(w.buf, s[start:i]...)
		switch c {
		case '"':
			w.buf = append(w.buf, '\\', '"')
		case '\\':
			w.buf = append(w.buf, '\\', '\\')
		case '\b':
			w.buf = append(w.buf, '\\', 'b')
		case '\t':
			w.buf = append(w.buf, '\\', 't')
		case '\n':
			w.buf = append(w.buf, '\\', 'n')
		case '\f':
			w.buf = append(w.buf, '\\', 'f')
		case '\r':
			w.buf = append(w.buf, '\\', 'r')
		default:
			w.buf = append(w.buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
}

package wit

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// This file turns the syntax trees of one package's files into an
// unresolvedPackage: the package's own interfaces, worlds and types with
// names resolved within the package, and placeholders for what it uses from
// other packages. resolve.go then merges it into a Resolve.
//
// The order in which IDs are allocated here is part of the JSON output, so
// it follows wit-parser's: placeholders for foreign items first, then the
// package's interfaces and worlds in dependency order, types in dependency
// order within each, anonymous types interned per package.

// unresolvedPackage is one parsed package before it is merged into a
// Resolve. IDs are local to it.
type unresolvedPackage struct {
	name     PackageName
	nameSpan Span
	docs     Docs

	worlds     []*World
	includes   [][]worldInclude // per world
	interfaces []*Interface
	types      []*TypeDef

	foreignDeps      []*foreignPackage
	unknownTypeSpans []Span // per placeholder type; they come first in types
	requiredResource []spannedType
}

type spannedType struct {
	id   TypeID
	span Span
}

// foreignPackage lists what a package uses from another package.
type foreignPackage struct {
	name  PackageName
	span  Span // where it was first named
	items OrderedMap[string, *foreignItem]
}

type foreignItem struct {
	world       bool // a world (from `include`), else an interface
	id          int  // local InterfaceID or WorldID of the placeholder
	stabilities []Stability
}

type worldInclude struct {
	stability Stability
	world     WorldID
	names     []astIncludeName
	span      Span
}

// itemRef is an interface or a world of the package being resolved.
type itemRef struct {
	world bool
	id    int
}

// lookupEntry is what a name means inside an interface or world: a type, or
// another kind of item (a function) that cannot be used as a type.
type lookupEntry struct {
	id   TypeID
	item string // "function" for non-types, "" for types
	span Span
}

type astResolver struct {
	pkgName  *PackageName
	pkgSpan  Span
	pkgDocs  Docs
	files    []*astFile
	firstPos Span // where to point errors that have no better place

	types      []*TypeDef
	interfaces []*Interface
	worlds     []*World
	includes   [][]worldInclude
	anonTypes  map[string]TypeID

	curFile      int
	fileItems    []map[string]itemRef
	packageItems map[string]itemRef

	interfaceTypes    []*OrderedMap[string, lookupEntry] // per interface
	foreignDeps       []*foreignPackage
	foreignByName     map[string]*foreignPackage // PackageName.String() -> dep
	foreignInterfaces map[InterfaceID]bool

	typeLookup       *OrderedMap[string, lookupEntry]
	unknownTypeSpans []Span
	requiredResource []spannedType
}

func (r *astResolver) fail(span Span, format string, args ...any) {
	panic(&syntaxError{span, fmt.Sprintf(format, args...)})
}

func (r *astResolver) notFound(span Span, kind, name string) {
	r.fail(span, "%s `%s` does not exist", kind, name)
}

// push adds one file of the package.
func (r *astResolver) push(f *astFile) {
	if f.pkg != nil {
		name := f.pkg.packageName()
		if r.pkgName != nil && !samePackageName(*r.pkgName, name) {
			r.fail(f.pkg.span, "package identifier `%s` does not match previous package name of `%s`", name, *r.pkgName)
		}
		if r.pkgName == nil {
			r.pkgName, r.pkgSpan = &name, f.pkg.span
		}
		if d := r.docs(f.pkg.docs); d.Present {
			if r.pkgDocs.Present {
				r.fail(f.pkg.docs.span, "found doc comments on multiple 'package' items")
			}
			r.pkgDocs = d
		}
	}
	for _, it := range f.items {
		if nested, ok := it.(*astFile); ok {
			r.fail(nested.pkg.span, "nested packages must be placed at the top-level")
		}
	}
	r.files = append(r.files, f)
}

func samePackageName(a, b PackageName) bool {
	return a.Namespace == b.Namespace && a.Name == b.Name && a.Version.Equal(b.Version)
}

// pathVisit is one `use`, `include` or import/export path of a file, in the
// order wit-parser visits them.
type pathVisit struct {
	owner *astID // the interface (or, for include, world) containing it
	attrs []astAttr
	path  *astUsePath
	names []astUseName
	uses  bool // names is meaningful (a `use` with a name list)
	world bool // the path names a world (include)
}

func filePaths(f *astFile) []pathVisit {
	var out []pathVisit
	for _, it := range f.items {
		switch it := it.(type) {
		case *astWorld:
			var imports, exports []*astExtern
			for _, wi := range it.items {
				switch wi := wi.(type) {
				case *astUse:
					out = append(out, pathVisit{attrs: wi.attrs, path: &wi.from, names: wi.names, uses: true})
				case *astInclude:
					out = append(out, pathVisit{owner: &it.name, attrs: wi.attrs, path: &wi.from, world: true})
				case *astExtern:
					if wi.export {
						exports = append(exports, wi)
					} else {
						imports = append(imports, wi)
					}
				}
			}
			for _, e := range append(imports, exports...) {
				switch e.kind {
				case externInterface:
					for _, ii := range e.items {
						if u, ok := ii.(*astUse); ok {
							out = append(out, pathVisit{attrs: u.attrs, path: &u.from, names: u.names, uses: true})
						}
					}
				case externPath, externNamedPath:
					out = append(out, pathVisit{attrs: e.attrs, path: &e.path})
				}
			}
		case *astInterface:
			for _, ii := range it.items {
				if u, ok := ii.(*astUse); ok {
					out = append(out, pathVisit{owner: &it.name, attrs: u.attrs, path: &u.from, names: u.names, uses: true})
				}
			}
		case *astTopUse:
			out = append(out, pathVisit{attrs: it.attrs, path: &it.path})
		}
	}
	return out
}

// resolve builds the unresolved package from every file pushed.
func (r *astResolver) resolve() *unresolvedPackage {
	if r.pkgName == nil {
		r.fail(r.firstPos, "no `package` header was found in any WIT file for this package")
	}
	r.anonTypes = map[string]TypeID{}
	r.foreignInterfaces = map[InterfaceID]bool{}
	r.foreignByName = map[string]*foreignPackage{}
	r.populateForeignDeps()
	ifaceOrder, worldOrder := r.populateItems()
	r.populateForeignTypes()

	ifaceAST := map[InterfaceID]*astInterface{}
	ifaceFile := map[InterfaceID]int{}
	worldAST := map[WorldID]*astWorld{}
	worldFile := map[WorldID]int{}
	for i, f := range r.files {
		for _, it := range f.items {
			switch it := it.(type) {
			case *astInterface:
				id := InterfaceID(r.fileItems[i][it.name.name].id)
				ifaceAST[id], ifaceFile[id] = it, i
			case *astWorld:
				id := WorldID(r.fileItems[i][it.name.name].id)
				worldAST[id], worldFile[id] = it, i
			}
		}
	}
	for _, id := range ifaceOrder {
		r.curFile = ifaceFile[id]
		it := ifaceAST[id]
		r.resolveInterface(id, it.items, it.docs, it.attrs)
	}
	for _, id := range worldOrder {
		r.curFile = worldFile[id]
		r.resolveWorld(id, worldAST[id])
	}
	return &unresolvedPackage{
		name:             *r.pkgName,
		nameSpan:         r.pkgSpan,
		docs:             r.pkgDocs,
		worlds:           r.worlds,
		includes:         r.includes,
		interfaces:       r.interfaces,
		types:            r.types,
		foreignDeps:      r.foreignDeps,
		unknownTypeSpans: r.unknownTypeSpans,
		requiredResource: r.requiredResource,
	}
}

func (r *astResolver) populateForeignDeps() {
	for _, f := range r.files {
		for _, v := range filePaths(f) {
			if v.path.pkg == nil {
				continue
			}
			stab := r.stability(v.attrs)
			name := v.path.pkg.packageName()
			dep := r.foreignByName[name.String()]
			if dep == nil {
				dep = &foreignPackage{name: name, span: v.path.pkg.span}
				r.foreignDeps = append(r.foreignDeps, dep)
				r.foreignByName[name.String()] = dep
			}
			item, ok := dep.items.Get(v.path.name.name)
			if !ok {
				if v.world {
					item = &foreignItem{world: true, id: int(r.allocWorld(v.path.name.span))}
				} else {
					id := r.allocInterface(v.path.name.span)
					item = &foreignItem{id: int(id)}
					r.foreignInterfaces[id] = true
				}
				dep.items.Set(v.path.name.name, item)
			}
			item.stabilities = append(item.stabilities, stab)
		}
	}
}

func (r *astResolver) allocInterface(span Span) InterfaceID {
	r.interfaces = append(r.interfaces, &Interface{Span: span})
	r.interfaceTypes = append(r.interfaceTypes, &OrderedMap[string, lookupEntry]{})
	return InterfaceID(len(r.interfaces) - 1)
}

func (r *astResolver) allocWorld(span Span) WorldID {
	r.worlds = append(r.worlds, &World{Span: span})
	r.includes = append(r.includes, nil)
	return WorldID(len(r.worlds) - 1)
}

func (r *astResolver) allocType(t *TypeDef) TypeID {
	r.types = append(r.types, t)
	return TypeID(len(r.types) - 1)
}

// populateItems allocates the package's interfaces and worlds in dependency
// order and records what each file's top-level names refer to.
func (r *astResolver) populateItems() (ifaces []InterfaceID, worlds []WorldID) {
	packageSpans := map[string]Span{}
	isWorld := map[string]bool{}
	deps := &OrderedMap[string, []astID]{}
	for _, f := range r.files {
		for _, it := range f.items {
			var name astID
			switch it := it.(type) {
			case *astInterface:
				name = it.name
			case *astWorld:
				name = it.name
				isWorld[name.name] = true
			default:
				continue
			}
			if _, dup := packageSpans[name.name]; dup {
				r.fail(name.span, "duplicate item named `%s`", name.name)
			}
			packageSpans[name.name] = name.span
			deps.Set(name.name, nil)
		}
	}

	type source struct {
		foreign bool
		id      astID
	}
	for _, f := range r.files {
		ns := map[string]source{}
		for _, it := range f.items {
			var name astID
			var src source
			switch it := it.(type) {
			case *astTopUse:
				name = it.path.name
				if it.as != nil {
					name = *it.as
				}
				if it.path.pkg != nil {
					src.foreign = true
				} else {
					src.id = it.path.name
				}
			case *astInterface:
				name, src.id = it.name, it.name
			case *astWorld:
				name, src.id = it.name, it.name
			}
			if _, dup := ns[name.name]; dup {
				r.fail(name.span, "duplicate name `%s` in this file", name.name)
			}
			ns[name.name] = src
		}
		for _, v := range filePaths(f) {
			if v.owner == nil || v.path.pkg != nil {
				continue
			}
			used := v.path.name
			if s, ok := ns[used.name]; ok {
				if s.foreign {
					continue
				}
				used = s.id
			} else if _, ok := packageSpans[used.name]; !ok {
				r.notFound(used.span, "interface or world", used.name)
			}
			d, _ := deps.Get(v.owner.name)
			deps.Set(v.owner.name, append(d, used))
		}
	}

	ids := map[string]itemRef{}
	for _, name := range r.toposort("interface or world", deps) {
		if isWorld[name] {
			id := r.allocWorld(packageSpans[name])
			r.worlds[id].Name = name
			ids[name] = itemRef{world: true, id: int(id)}
			worlds = append(worlds, id)
		} else {
			id := r.allocInterface(packageSpans[name])
			r.interfaces[id].Name = name
			ids[name] = itemRef{id: int(id)}
			ifaces = append(ifaces, id)
		}
	}
	r.packageItems = map[string]itemRef{}
	for _, f := range r.files {
		items := map[string]itemRef{}
		for _, it := range f.items {
			switch it := it.(type) {
			case *astTopUse:
				if len(it.attrs) > 0 {
					r.fail(it.span, "attributes not allowed on top-level use")
				}
				name := it.path.name.name
				if it.as != nil {
					name = it.as.name
				}
				if it.path.pkg == nil {
					ref, ok := ids[it.path.name.name]
					if !ok {
						r.notFound(it.path.name.span, "interface or world", it.path.name.name)
					}
					items[name] = ref
				} else {
					fi := r.foreignItem(&it.path)
					items[name] = itemRef{world: fi.world, id: fi.id}
				}
			case *astInterface:
				items[it.name.name] = ids[it.name.name]
				r.packageItems[it.name.name] = ids[it.name.name]
			case *astWorld:
				items[it.name.name] = ids[it.name.name]
				r.packageItems[it.name.name] = ids[it.name.name]
			}
		}
		r.fileItems = append(r.fileItems, items)
	}
	return ifaces, worlds
}

func (r *astResolver) foreignItem(p *astUsePath) *foreignItem {
	if d := r.foreignByName[p.pkg.packageName().String()]; d != nil {
		if it, ok := d.items.Get(p.name.name); ok {
			return it
		}
	}
	panic("wit: foreign item not registered") // populateForeignDeps saw every path
}

// toposort orders the nodes of deps so that each comes after what it depends
// on; among the nodes that are ready, the earliest declared goes first.
func (r *astResolver) toposort(kind string, deps *OrderedMap[string, []astID]) []string {
	keys := deps.Keys()
	index := make(map[string]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	remaining := make([]int, len(keys))
	reverse := make([][]int, len(keys))
	for i, k := range keys {
		edges, _ := deps.Get(k)
		remaining[i] = len(edges)
		for _, e := range edges {
			j, ok := index[e.name]
			if !ok {
				r.notFound(e.span, kind, e.name)
			}
			reverse[j] = append(reverse[j], i)
		}
	}
	ready := &minHeap{}
	for i := range keys {
		if remaining[i] == 0 {
			ready.push(i)
		}
	}
	order := make([]string, 0, len(keys))
	for ready.len() > 0 {
		i := ready.pop()
		order = append(order, keys[i])
		for _, j := range reverse[i] {
			remaining[j]--
			if remaining[j] == 0 {
				ready.push(j)
			}
		}
		reverse[i] = nil
	}
	if len(order) == len(keys) {
		return order
	}
	for i, k := range keys {
		if remaining[i] == 0 {
			continue
		}
		edges, _ := deps.Get(k)
		for _, e := range edges {
			if remaining[index[e.name]] != 0 {
				r.fail(e.span, "%s `%s` depends on itself", kind, e.name)
			}
		}
	}
	panic("wit: cycle without an edge") // unreachable: some node must be on a cycle
}

// minHeap is a binary min-heap of ints.
type minHeap struct{ a []int }

func (h *minHeap) len() int { return len(h.a) }

func (h *minHeap) push(v int) {
	h.a = append(h.a, v)
	for i := len(h.a) - 1; i > 0; {
		p := (i - 1) / 2
		if h.a[p] <= h.a[i] {
			break
		}
		h.a[p], h.a[i] = h.a[i], h.a[p]
		i = p
	}
}

func (h *minHeap) pop() int {
	top := h.a[0]
	last := len(h.a) - 1
	h.a[0] = h.a[last]
	h.a = h.a[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(h.a) && h.a[l] < h.a[m] {
			m = l
		}
		if l+1 < len(h.a) && h.a[l+1] < h.a[m] {
			m = l + 1
		}
		if m == i {
			break
		}
		h.a[i], h.a[m] = h.a[m], h.a[i]
		i = m
	}
	return top
}

// populateForeignTypes creates a placeholder type for every name a `use`
// takes from another package's interface.
func (r *astResolver) populateForeignTypes() {
	for i, f := range r.files {
		r.curFile = i
		for _, v := range filePaths(f) {
			if !v.uses {
				continue
			}
			stab := r.stability(v.attrs)
			ext := r.externalID(v.attrs)
			iface := r.pathInterface(v.path)
			if !r.foreignInterfaces[iface] {
				continue
			}
			lookup := r.interfaceTypes[iface]
			for _, n := range v.names {
				if lookup.Has(n.name.name) {
					continue
				}
				id := r.allocType(&TypeDef{Name: n.name.name, Kind: &unknown{}, Owner: iface,
					Stability: stab, ExternalID: ext, Span: n.name.span})
				r.unknownTypeSpans = append(r.unknownTypeSpans, n.name.span)
				lookup.Set(n.name.name, lookupEntry{id: id, span: n.name.span})
				r.interfaces[iface].Types.Set(n.name.name, id)
			}
		}
	}
}

// pathItem resolves a use path to an interface or world.
func (r *astResolver) pathItem(p *astUsePath) itemRef {
	if p.pkg != nil {
		fi := r.foreignItem(p)
		return itemRef{world: fi.world, id: fi.id}
	}
	if ref, ok := r.fileItems[r.curFile][p.name.name]; ok {
		return ref
	}
	if ref, ok := r.packageItems[p.name.name]; ok {
		return ref
	}
	r.notFound(p.name.span, "interface or world", p.name.name)
	return itemRef{}
}

func (r *astResolver) pathInterface(p *astUsePath) InterfaceID {
	ref := r.pathItem(p)
	if ref.world {
		r.fail(p.name.span, "name `%s` is defined as a world, not an interface", p.name.name)
	}
	return InterfaceID(ref.id)
}

func (r *astResolver) pathWorld(p *astUsePath) WorldID {
	ref := r.pathItem(p)
	if !ref.world {
		r.fail(p.name.span, "name `%s` is defined as an interface, not a world", p.name.name)
	}
	return WorldID(ref.id)
}

func (r *astResolver) resolveWorld(id WorldID, w *astWorld) {
	world := r.worlds[id]
	world.Docs = r.docs(w.docs)
	world.Stability = r.stability(w.attrs)
	r.typeLookup = &OrderedMap[string, lookupEntry]{}
	r.resolveTypes(id, w.items)
	for _, it := range w.items {
		if inc, ok := it.(*astInclude); ok {
			r.includes[id] = append(r.includes[id], worldInclude{
				stability: r.stability(inc.attrs),
				world:     r.pathWorld(&inc.from),
				names:     inc.names,
				span:      inc.from.name.span,
			})
		}
	}
	var importNames, exportNames nameScope
	for name, e := range r.typeLookup.All() {
		importNames.define(name, e.span)
		world.Imports.Set(NameKey(name), &WorldType{ID: e.id, Span: e.span})
	}
	imported := map[InterfaceID]bool{}
	exported := map[InterfaceID]bool{}
	for _, it := range w.items {
		switch it := it.(type) {
		case *astTypeDef:
			if it.ty.kind == atResource {
				for _, f := range it.ty.funcs {
					fn := r.resourceFunc(f, it.name)
					importNames.define(fn.Name, f.fn.name.span)
					world.Imports.Set(NameKey(fn.Name), fn)
				}
			}
			continue
		case *astExtern:
			item := r.worldItem(it)
			var key WorldKey
			switch it.kind {
			case externInterface, externNamedPath:
				key = NameKey(it.name.name)
			case externFunc:
				key = NameKey(item.(*Function).Name)
			case externPath:
				key = InterfaceKey(r.pathInterface(&it.path))
			}
			desc, seen, dst, names := "import", imported, &world.Imports, &importNames
			if it.export {
				desc, seen, dst, names = "export", exported, &world.Exports, &exportNames
			}
			if key.IsInterface() {
				if seen[key.Interface] {
					r.fail(it.span(), "interface cannot be %sed more than once", desc)
				}
				seen[key.Interface] = true
			}
			if prev, ok := dst.Get(key); ok {
				r.fail(it.span(), "%s `%s` conflicts with prior %s of same name", desc, key.Name, worldItemKind(prev))
			}
			if !key.IsInterface() {
				names.define(key.Name, it.span())
			}
			dst.Set(key, item)
		}
	}
	r.typeLookup = nil
}

func worldItemKind(it WorldItem) string {
	switch it.(type) {
	case *WorldInterface:
		return "interface"
	case *Function:
		return "func"
	}
	return "type"
}

func (r *astResolver) worldItem(e *astExtern) WorldItem {
	switch e.kind {
	case externInterface:
		prev := r.typeLookup
		id := r.allocInterface(e.name.span)
		r.resolveInterface(id, e.items, e.docs, e.attrs)
		r.typeLookup = prev
		return &WorldInterface{ID: id, Stability: r.interfaces[id].Stability,
			ExternalID: r.externalID(e.attrs), Span: e.name.span}
	case externPath, externNamedPath:
		stab := r.stability(e.attrs)
		ext := r.externalID(e.attrs)
		docs := r.docs(e.docs)
		id := r.pathInterface(&e.path)
		span := e.path.name.span
		if e.kind == externNamedPath {
			span = e.name.span
		}
		return &WorldInterface{ID: id, Stability: stab, ExternalID: ext, Docs: docs, Span: span}
	}
	name, kind := freestandingFunc(e.name.name, &e.fn)
	return r.function(e.docs, e.attrs, name, e.name.span, &e.fn, kind, 0)
}

// freestandingFunc returns the name and kind of a function that does not
// belong to a resource: accessors are named `[get]p` and `[set]p`.
func freestandingFunc(name string, f *astFunc) (string, FunctionKind) {
	switch {
	case f.accessor == getAccessor:
		return "[get]" + name, Getter
	case f.accessor == setAccessor:
		return "[set]" + name, Setter
	case f.async:
		return name, AsyncFreestanding
	}
	return name, Freestanding
}

func (r *astResolver) resolveInterface(id InterfaceID, items []astItem, docs astDocs, attrs []astAttr) {
	iface := r.interfaces[id]
	iface.Docs = r.docs(docs)
	iface.Stability = r.stability(attrs)
	r.typeLookup = &OrderedMap[string, lookupEntry]{}
	r.resolveTypes(id, items)
	var names nameScope
	for name, e := range r.typeLookup.All() {
		names.define(name, e.span)
		iface.Types.Set(name, e.id)
	}
	var funcs []*Function
	for _, it := range items {
		switch it := it.(type) {
		case *astNamedFunc:
			if !r.typeLookup.Has(it.name.name) {
				r.typeLookup.Set(it.name.name, lookupEntry{item: "function", span: it.name.span})
			}
			name, kind := freestandingFunc(it.name.name, &it.fn)
			fn := r.function(it.docs, it.attrs, name, it.name.span, &it.fn, kind, 0)
			names.define(fn.Name, it.name.span)
			funcs = append(funcs, fn)
		case *astTypeDef:
			if it.ty.kind == atResource {
				for _, f := range it.ty.funcs {
					fn := r.resourceFunc(f, it.name)
					names.define(fn.Name, f.fn.name.span)
					funcs = append(funcs, fn)
				}
			}
		}
	}
	names.checkSetters()
	for _, f := range funcs {
		iface.Functions.Set(f.Name, f)
	}
	placeSettersAfterGetters(&iface.Functions, func(f *Function) *Function { return f })
	r.interfaceTypes[id] = r.typeLookup
	r.typeLookup = nil
}

// resolveTypes defines the types of an interface or world: names brought in
// by `use` first, then type definitions in dependency order.
func (r *astResolver) resolveTypes(owner TypeOwner, items []astItem) {
	for _, it := range items {
		if u, ok := it.(*astUse); ok {
			r.use(owner, u)
		}
	}
	deps := &OrderedMap[string, []astID]{}
	defs := map[string]*astTypeDef{}
	for _, it := range items {
		switch it := it.(type) {
		case *astTypeDef:
			if _, dup := defs[it.name.name]; dup {
				r.fail(it.name.span, "name `%s` is defined more than once", it.name.name)
			}
			defs[it.name.name] = it
			var d []astID
			collectDeps(it.ty, &d)
			deps.Set(it.name.name, d)
		case *astUse:
			for _, n := range it.names {
				name := n.name
				if n.as != nil {
					name = *n.as
				}
				deps.Set(name.name, nil)
				defs[name.name] = nil
			}
		}
	}
	for _, name := range r.toposortTypes(deps) {
		def := defs[name]
		delete(defs, name)
		if def == nil {
			continue
		}
		docs := r.docs(def.docs)
		stab := r.stability(def.attrs)
		ext := r.externalID(def.attrs)
		kind := r.typeDefKind(def.ty, stab)
		id := r.allocType(&TypeDef{Name: def.name.name, Kind: kind, Owner: owner, Docs: docs,
			Stability: stab, ExternalID: ext, Span: def.name.span})
		r.define(def.name, lookupEntry{id: id})
	}
}

// toposortTypes sorts type definitions; a missing name gets a hint for the
// old spellings of f32 and f64.
func (r *astResolver) toposortTypes(deps *OrderedMap[string, []astID]) (order []string) {
	defer func() {
		if e := recover(); e != nil {
			if se, ok := e.(*syntaxError); ok {
				for old, new := range map[string]string{"float32": "f32", "float64": "f64"} {
					if se.msg == "type `"+old+"` does not exist" {
						se.msg += fmt.Sprintf("\nthe `%s` type has been renamed to `%s`", old, new)
					}
				}
			}
			panic(e)
		}
	}()
	return r.toposort("type", deps)
}

func collectDeps(t *astType, out *[]astID) {
	if t == nil {
		return
	}
	switch t.kind {
	case atName, atOwn, atBorrow:
		*out = append(*out, t.name)
	case atRecord, atVariant:
		for _, f := range t.fields {
			collectDeps(f.ty, out)
		}
	case atTuple:
		for _, e := range t.types {
			collectDeps(e, out)
		}
	default:
		collectDeps(t.elem, out)
		collectDeps(t.elem2, out)
	}
}

func (r *astResolver) use(owner TypeOwner, u *astUse) {
	from := r.pathInterface(&u.from)
	stab := r.stability(u.attrs)
	ext := r.externalID(u.attrs)
	for _, n := range u.names {
		e, ok := r.interfaceTypes[from].Get(n.name.name)
		switch {
		case !ok:
			r.notFound(n.name.span, "name", n.name.name)
		case e.item != "":
			r.fail(n.name.span, "cannot import %s `%s`", e.item, n.name.name)
		}
		name := n.name
		if n.as != nil {
			name = *n.as
		}
		id := r.allocType(&TypeDef{Name: name.name, Kind: &Alias{Type: e.id}, Owner: owner,
			Stability: stab, ExternalID: ext, Span: n.name.span})
		r.define(name, lookupEntry{id: id})
	}
}

func (r *astResolver) define(name astID, e lookupEntry) {
	if r.typeLookup.Has(name.name) {
		r.fail(name.span, "name `%s` is defined more than once", name.name)
	}
	e.span = name.span
	r.typeLookup.Set(name.name, e)
}

func (r *astResolver) resourceFunc(f *astResourceFunc, resource astID) *Function {
	e, _ := r.typeLookup.Get(resource.name)
	var name string
	var kind FunctionKind
	acc := f.fn.fn.accessor
	switch f.kind {
	case rfMethod:
		name, kind = "[method]"+resource.name+"."+f.fn.name.name, Method
		switch {
		case acc == getAccessor:
			name, kind = "[method][get]"+resource.name+"."+f.fn.name.name, MethodGetter
		case acc == setAccessor:
			name, kind = "[method][set]"+resource.name+"."+f.fn.name.name, MethodSetter
		case f.fn.fn.async:
			kind = AsyncMethod
		}
	case rfStatic:
		name, kind = "[static]"+resource.name+"."+f.fn.name.name, Static
		switch {
		case acc == getAccessor:
			name, kind = "[static][get]"+resource.name+"."+f.fn.name.name, StaticGetter
		case acc == setAccessor:
			name, kind = "[static][set]"+resource.name+"."+f.fn.name.name, StaticSetter
		case f.fn.fn.async:
			kind = AsyncStatic
		}
	default:
		name, kind = "[constructor]"+resource.name, Constructor
	}
	return r.function(f.fn.docs, f.fn.attrs, name, f.fn.name.span, &f.fn.fn, kind, e.id)
}

func (r *astResolver) function(docs astDocs, attrs []astAttr, name string, span Span, f *astFunc, kind FunctionKind, resource TypeID) *Function {
	fn := &Function{Name: name, Kind: kind, Docs: r.docs(docs), Stability: r.stability(attrs),
		ExternalID: r.externalID(attrs), Span: span}
	if kind.HasResource() {
		fn.Resource = resource
	}
	if kind.IsMethod() {
		var k TypeDefKind = &Borrow{Resource: resource}
		self := r.anonType(&TypeDef{Kind: k, Stability: r.findStability(k, Stability{}), Span: f.span})
		fn.Params = append(fn.Params, Param{Name: "self", Type: self, Span: f.span})
	}
	switch {
	case kind.IsGetter() && len(f.params) > 0:
		r.fail(f.params[0].name.span, "getters cannot have parameters")
	case kind.IsSetter() && len(f.params) != 1:
		at := f.span
		if len(f.params) > 1 {
			at = f.params[1].name.span
		}
		r.fail(at, "setters must have exactly one parameter")
	}
	seen := make(map[string]bool, len(fn.Params)+len(f.params))
	for _, p := range fn.Params {
		seen[kebabCanonical(p.Name)] = true
	}
	for _, p := range f.params {
		key := kebabCanonical(p.name.name)
		if seen[key] {
			r.fail(p.name.span, "param `%s` is defined more than once", p.name.name)
		}
		seen[key] = true
		fn.Params = append(fn.Params, Param{Name: p.name.name, Type: r.typ(p.ty, Stability{}), Span: p.name.span})
	}
	switch {
	case kind == Constructor && f.result == nil:
		fn.Result = resource
	case kind == Constructor:
		fn.Result = r.constructorResult(resource, f.result)
	case kind.IsGetter() && f.result == nil:
		r.fail(f.span, "getters must return a value")
	case kind.IsSetter() && f.result != nil:
		res := r.typ(f.result, Stability{})
		if id, ok := res.(TypeID); ok {
			if rk, ok := r.types[id].Kind.(*Result); ok && rk.OK == nil {
				fn.Result = res
				break
			}
		}
		r.fail(f.result.span, "if a setter return type is declared it must be a `result` with no `ok` type")
	case f.result != nil:
		fn.Result = r.typ(f.result, Stability{})
	}
	return fn
}

func (r *astResolver) constructorResult(resource TypeID, ast *astType) Type {
	res := r.typ(ast, Stability{})
	id, ok := res.(TypeID)
	var result *Result
	if ok {
		result, _ = r.types[id].Kind.(*Result)
	}
	if result == nil {
		r.fail(ast.span, "if a constructor return type is declared it must be a `result`")
	}
	if okID, isID := result.OK.(TypeID); !isID || okID != resource {
		span := ast.span
		if ast.elem != nil {
			span = ast.elem.span
		}
		r.fail(span, "the `ok` type must be the resource being constructed")
	}
	return res
}

// typeDefKind resolves the body of a type definition.
func (r *astResolver) typeDefKind(t *astType, stab Stability) TypeDefKind {
	switch t.kind {
	case atPrim:
		return &Alias{Type: t.prim}
	case atName:
		return &Alias{Type: r.typeName(t.name)}
	case atList:
		return &List{Elem: r.typ(t.elem, stab)}
	case atMap:
		k, v := r.typ(t.elem, stab), r.typ(t.elem2, stab)
		if p, ok := k.(Primitive); !ok || p == F32 || p == F64 || p == ErrorContext {
			r.fail(t.span, "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string")
		}
		return &Map{Key: k, Value: v}
	case atFixedList:
		return &FixedList{Elem: r.typ(t.elem, stab), Len: t.size}
	case atOwn:
		return &Own{Resource: r.resourceName(t.name)}
	case atBorrow:
		return &Borrow{Resource: r.resourceName(t.name)}
	case atResource:
		return &Resource{}
	case atRecord:
		if len(t.fields) == 0 {
			r.fail(t.span, "empty record")
		}
		checkUniqueLabels("field", fieldNames(t.fields))
		rec := &Record{}
		for _, f := range t.fields {
			rec.Fields = append(rec.Fields, Field{Name: f.name.name, Docs: r.docs(f.docs),
				Type: r.typ(f.ty, stab), Span: f.name.span})
		}
		return rec
	case atFlags:
		if len(t.fields) == 0 {
			r.fail(t.span, "empty flags")
		}
		if len(t.fields) > 32 {
			r.fail(t.fields[32].name.span, "cannot have more than 32 flags")
		}
		checkUniqueLabels("flag", fieldNames(t.fields))
		fl := &Flags{}
		for _, f := range t.fields {
			fl.Flags = append(fl.Flags, Flag{Name: f.name.name, Docs: r.docs(f.docs), Span: f.name.span})
		}
		return fl
	case atTuple:
		if len(t.types) == 0 {
			r.fail(t.span, "empty tuple")
		}
		tu := &Tuple{Types: []Type{}}
		for _, e := range t.types {
			tu.Types = append(tu.Types, r.typ(e, stab))
		}
		return tu
	case atVariant:
		if len(t.fields) == 0 {
			r.fail(t.span, "empty variant")
		}
		checkUniqueLabels("case", fieldNames(t.fields))
		v := &Variant{}
		for _, f := range t.fields {
			c := Case{Name: f.name.name, Docs: r.docs(f.docs), Span: f.name.span}
			if f.ty != nil {
				c.Type = r.typ(f.ty, stab)
			}
			v.Cases = append(v.Cases, c)
		}
		return v
	case atEnum:
		if len(t.fields) == 0 {
			r.fail(t.span, "empty enum")
		}
		checkUniqueLabels("case", fieldNames(t.fields))
		e := &Enum{}
		for _, f := range t.fields {
			e.Cases = append(e.Cases, EnumCase{Name: f.name.name, Docs: r.docs(f.docs), Span: f.name.span})
		}
		return e
	case atOption:
		return &Option{Type: r.typ(t.elem, stab)}
	case atResult:
		res := &Result{}
		if t.elem != nil {
			res.OK = r.typ(t.elem, stab)
		}
		if t.elem2 != nil {
			res.Err = r.typ(t.elem2, stab)
		}
		return res
	case atFuture:
		f := &Future{}
		if t.elem != nil {
			f.Elem = r.typ(t.elem, stab)
		}
		return f
	case atStream:
		s := &Stream{}
		if t.elem != nil {
			s.Elem = r.typ(t.elem, stab)
		}
		return s
	}
	panic("wit: unknown syntax type kind")
}

func fieldNames(fs []astField) []astID {
	ids := make([]astID, len(fs))
	for i, f := range fs {
		ids[i] = f.name
	}
	return ids
}

func (r *astResolver) typeName(name astID) TypeID {
	e, ok := r.typeLookup.Get(name.name)
	switch {
	case !ok:
		r.notFound(name.span, "name", name.name)
	case e.item != "":
		r.fail(name.span, "cannot use %s `%s` as a type", e.item, name.name)
	}
	return e.id
}

// resourceName resolves the resource named in own<…> or borrow<…>.
func (r *astResolver) resourceName(name astID) TypeID {
	id := r.typeName(name)
	for cur := id; ; {
		switch k := r.types[cur].Kind.(type) {
		case *Resource:
			return id
		case *unknown:
			r.requiredResource = append(r.requiredResource, spannedType{cur, name.span})
			return id
		case *Alias:
			if next, ok := k.Type.(TypeID); ok {
				cur = next
				continue
			}
		}
		r.fail(name.span, "type `%s` used in a handle must be a resource", name.name)
	}
}

// typ resolves a type expression; anonymous types are interned.
func (r *astResolver) typ(t *astType, stab Stability) Type {
	kind := r.typeDefKind(t, stab)
	return r.anonType(&TypeDef{Kind: kind, Stability: r.findStability(kind, stab), Span: t.span})
}

// findStability gives an anonymous type the stability of the first gated
// type it refers to, unless it has one of its own.
func (r *astResolver) findStability(kind TypeDefKind, stab Stability) Stability {
	if stab.Kind != StabilityUnknown {
		return stab
	}
	of := func(t Type) *Stability {
		if id, ok := t.(TypeID); ok && r.types[id].Stability.Kind != StabilityUnknown {
			return &r.types[id].Stability
		}
		return nil
	}
	var found *Stability
	switch k := kind.(type) {
	case *Alias:
		found = of(k.Type)
	case *Own:
		found = of(k.Resource)
	case *Borrow:
		found = of(k.Resource)
	case *Tuple:
		for _, e := range k.Types {
			if found = of(e); found != nil {
				break
			}
		}
	case *List:
		found = of(k.Elem)
	case *FixedList:
		found = of(k.Elem)
	case *Option:
		found = of(k.Type)
	case *Map:
		if found = of(k.Key); found == nil {
			found = of(k.Value)
		}
	case *Future:
		if k.Elem != nil {
			found = of(k.Elem)
		}
	case *Stream:
		if k.Elem != nil {
			found = of(k.Elem)
		}
	case *Result:
		if k.OK != nil {
			found = of(k.OK)
		}
		if found == nil && k.Err != nil {
			found = of(k.Err)
		}
	}
	if found == nil {
		return Stability{}
	}
	return *found
}

// anonType interns an anonymous type: the same shape gives the same ID.
// Aliases and `own` handles are not types of their own: they resolve to what
// they name.
func (r *astResolver) anonType(t *TypeDef) Type {
	var key string
	switch k := t.Kind.(type) {
	case *Alias:
		return k.Type
	case *Own:
		return k.Resource
	case *Borrow:
		key = "borrow" + typeKey(k.Resource)
	case *Variant:
		var b strings.Builder
		b.WriteString("variant")
		for _, c := range k.Cases {
			b.WriteString("\x00" + c.Name + "\x01" + typeKey(c.Type))
		}
		key = b.String()
	case *Record:
		var b strings.Builder
		b.WriteString("record")
		for _, f := range k.Fields {
			b.WriteString("\x00" + f.Name + "\x01" + typeKey(f.Type))
		}
		key = b.String()
	case *Flags:
		var b strings.Builder
		b.WriteString("flags")
		for _, f := range k.Flags {
			b.WriteString("\x00" + f.Name)
		}
		key = b.String()
	case *Enum:
		var b strings.Builder
		b.WriteString("enum")
		for _, c := range k.Cases {
			b.WriteString("\x00" + c.Name)
		}
		key = b.String()
	case *Tuple:
		key = "tuple" + typeKeys(k.Types...)
	case *List:
		key = "list" + typeKey(k.Elem)
	case *Map:
		key = "map" + typeKeys(k.Key, k.Value)
	case *FixedList:
		key = "fixed" + typeKey(k.Elem) + "\x00" + strconv.FormatUint(uint64(k.Len), 10)
	case *Option:
		key = "option" + typeKey(k.Type)
	case *Result:
		key = "result" + typeKeys(k.OK, k.Err)
	case *Future:
		key = "future" + typeKey(k.Elem)
	case *Stream:
		key = "stream" + typeKey(k.Elem)
	default:
		panic("wit: unexpected anonymous type kind")
	}
	if id, ok := r.anonTypes[key]; ok {
		return id
	}
	id := r.allocType(t)
	r.anonTypes[key] = id
	return id
}

func typeKey(t Type) string {
	switch t := t.(type) {
	case nil:
		return "\x02-"
	case Primitive:
		return "\x02p" + strconv.Itoa(int(t))
	case TypeID:
		return "\x02t" + strconv.Itoa(int(t))
	}
	return "\x02?"
}

func typeKeys(ts ...Type) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(typeKey(t))
	}
	return b.String()
}

// docs turns the comments before an item into its documentation: comment
// markers stripped, common indentation removed, trailing newlines dropped.
func (r *astResolver) docs(d astDocs) Docs {
	if len(d.comments) == 0 {
		return Docs{}
	}
	lines := make([]string, 0, len(d.comments))
	for _, c := range d.comments {
		if strings.HasPrefix(c, "/**") {
			c = strings.TrimSuffix(c[3:], "*/")
		} else {
			c = strings.TrimLeft(c, "/")
		}
		lines = append(lines, strings.TrimRightFunc(c, unicode.IsSpace))
	}
	minWS := -1
	for _, l := range lines {
		if l == "" {
			continue
		}
		n := 0
		for n < len(l) && (isSpaceByte(l[n]) || l[n] == '\f') {
			n++
		}
		if minWS < 0 || n < minWS {
			minWS = n
		}
	}
	if minWS > 0 {
		pad := strings.Repeat(" ", minWS)
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, pad)
		}
	}
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteByte('\n')
			continue
		}
		for _, line := range splitLines(l) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return Docs{Contents: strings.TrimRight(b.String(), "\n"), Present: true}
}

// splitLines splits like Rust's str::lines: on '\n', dropping one '\r'
// before it, with no empty last line.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		var line string
		if i < 0 {
			line, s = s, ""
		} else {
			line, s = s[:i], s[i+1:]
		}
		out = append(out, strings.TrimSuffix(line, "\r"))
	}
	return out
}

func (r *astResolver) stability(attrs []astAttr) Stability {
	var since, deprecated *Version
	var feature string
	var sinceSpan, deprecatedSpan Span
	for _, a := range attrs {
		switch a.kind {
		case attrSince:
			if since != nil {
				r.fail(a.span, "cannot specify @since twice")
			}
			since, sinceSpan = a.version, a.span
		case attrDeprecated:
			if deprecated != nil {
				r.fail(a.span, "cannot specify @deprecated twice")
			}
			deprecated, deprecatedSpan = a.version, a.span
		case attrUnstable:
			if feature != "" {
				r.fail(a.span, "cannot specify @unstable twice")
			}
			feature = a.feature
		}
	}
	switch {
	case since != nil && feature != "":
		r.fail(sinceSpan, "cannot specify both @since and @unstable")
	case since != nil:
		return Stability{Kind: StabilityStable, Since: since, Deprecated: deprecated}
	case feature != "":
		return Stability{Kind: StabilityUnstable, Feature: feature, Deprecated: deprecated}
	case deprecated != nil:
		r.fail(deprecatedSpan, "cannot specify @deprecated without @since or @unstable")
	}
	return Stability{}
}

func (r *astResolver) externalID(attrs []astAttr) string {
	id, seen := "", false
	for _, a := range attrs {
		if a.kind == attrExternalID {
			if seen {
				r.fail(a.span, "cannot specify @external-id twice")
			}
			id, seen = a.str, true
		}
	}
	return id
}

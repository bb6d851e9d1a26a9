package wit

import (
	"fmt"
	"sort"
	"strings"
)

// This file merges an unresolvedPackage into a Resolve: it binds what the
// package uses from other packages, drops items whose feature gate is off,
// turns uses of resource names into `own` handles, copies included worlds
// and elaborates every world so that it lists each interface it depends on.

const excluded = -1

// remap maps the IDs of one unresolvedPackage to IDs of the Resolve;
// excluded marks an item left out by its feature gate.
type remap struct {
	types      []TypeID
	interfaces []InterfaceID
	worlds     []WorldID
	ownHandles map[TypeID]TypeID // resource -> anonymous own<resource>
	hasBorrow  map[TypeID]bool
}

func (m *remap) fail(span Span, format string, args ...any) {
	panic(&syntaxError{span, fmt.Sprintf(format, args...)})
}

func (m *remap) excludedRef(desc string, span Span) {
	m.fail(span, "found a reference to a %s which is excluded due to its feature not being activated", desc)
}

func (m *remap) mapType(id TypeID, span Span) TypeID {
	if m.types[id] == excluded {
		m.excludedRef("type", span)
	}
	return m.types[id]
}

func (m *remap) mapInterface(id InterfaceID, span Span) InterfaceID {
	if m.interfaces[id] == excluded {
		m.excludedRef("interface", span)
	}
	return m.interfaces[id]
}

func (m *remap) mapWorld(id WorldID, span Span) WorldID {
	if m.worlds[id] == excluded {
		m.excludedRef("world", span)
	}
	return m.worlds[id]
}

// add merges u into r and returns the new package's ID.
func (r *Resolve) add(u *unresolvedPackage) PackageID {
	m := &remap{ownHandles: map[TypeID]TypeID{}, hasBorrow: map[TypeID]bool{}}
	key := u.name.String()
	if _, dup := r.packageNames[key]; dup {
		m.fail(u.nameSpan, "package `%s` is already defined", key)
	}
	pkg := PackageID(len(r.Packages))
	r.Packages = append(r.Packages, &Package{Name: u.name, Docs: u.docs})
	if r.packageNames == nil {
		r.packageNames = map[string]PackageID{}
	}
	r.packageNames[key] = pkg

	m.foreignDeps(r, pkg, u)
	foreignTypes, foreignIfaces, foreignWorlds := len(m.types), len(m.interfaces), len(m.worlds)

	for _, t := range u.types[foreignTypes:] {
		if !r.includeStability(t.Stability, pkg, t.Span) {
			m.types = append(m.types, excluded)
			continue
		}
		m.updateTypeDef(r, t)
		id := TypeID(len(r.Types))
		r.Types = append(r.Types, t)
		if own, ok := t.Kind.(*Own); ok && t.Name == "" && t.Owner == nil {
			if prev, ok := m.ownHandles[own.Resource]; ok {
				id = prev
			} else {
				m.ownHandles[own.Resource] = id
			}
		}
		m.types = append(m.types, id)
	}

	for _, iface := range u.interfaces[foreignIfaces:] {
		if !r.includeStability(iface.Stability, pkg, iface.Span) {
			m.interfaces = append(m.interfaces, excluded)
			continue
		}
		iface.Package = pkg
		m.updateInterface(r, iface)
		m.interfaces = append(m.interfaces, InterfaceID(len(r.Interfaces)))
		r.Interfaces = append(r.Interfaces, iface)
	}
	for _, id := range m.types[foreignTypes:] {
		if id == excluded {
			continue
		}
		t := r.Types[id]
		if owner, ok := t.Owner.(InterfaceID); ok {
			if m.interfaces[owner] == excluded {
				m.fail(t.Span, "found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is")
			}
			t.Owner = m.interfaces[owner]
		}
	}

	for i, w := range u.worlds[foreignWorlds:] {
		if !r.includeStability(w.Stability, pkg, w.Span) {
			m.worlds = append(m.worlds, excluded)
			continue
		}
		m.updateWorld(r, w, pkg)
		id := WorldID(len(r.Worlds))
		r.Worlds = append(r.Worlds, w)
		m.worlds = append(m.worlds, id)
		_ = i
	}
	for _, id := range m.types[foreignTypes:] {
		if id == excluded {
			continue
		}
		t := r.Types[id]
		if owner, ok := t.Owner.(WorldID); ok {
			if m.worlds[owner] == excluded {
				m.fail(t.Span, "found a reference to a world which is excluded due to its feature not being activated; this type is not gated by a feature but its world is")
			}
			t.Owner = m.worlds[owner]
		}
	}

	for i, id := range m.worlds[foreignWorlds:] {
		if id == excluded {
			continue
		}
		r.Worlds[id].Package = pkg
		m.processIncludes(r, id, u.includes[foreignWorlds+i], pkg)
		r.elaborateWorld(id)
	}

	for _, id := range m.interfaces[foreignIfaces:] {
		if id == excluded {
			continue
		}
		iface := r.Interfaces[id]
		iface.Package = pkg
		if iface.Name != "" {
			r.Packages[pkg].Interfaces.Set(iface.Name, id)
		}
	}
	for _, id := range m.worlds[foreignWorlds:] {
		if id == excluded {
			continue
		}
		w := r.Worlds[id]
		w.Package = pkg
		r.Packages[pkg].Worlds.Set(w.Name, id)
	}
	return pkg
}

// includeStability reports whether an item with this gate is part of the
// model, and rejects gates that make no sense for the package.
func (r *Resolve) includeStability(s Stability, pkg PackageID, span Span) bool {
	switch s.Kind {
	case StabilityStable:
		p := r.Packages[pkg]
		if p.Name.Version == nil {
			panic(&syntaxError{span, fmt.Sprintf("package [%s] contains a feature gate with a version specifier, so it must have a version", p.Name)})
		}
		if s.Since.Compare(p.Name.Version) > 0 {
			panic(&syntaxError{span, fmt.Sprintf("feature gate cannot reference unreleased version %s of package [%s] (current version %s)", s.Since, p.Name, p.Name.Version)})
		}
		return true
	case StabilityUnstable:
		return r.AllFeatures || r.Features[s.Feature]
	}
	return true
}

func (m *remap) foreignDeps(r *Resolve, pkg PackageID, u *unresolvedPackage) {
	type dep struct {
		pkg         *foreignPackage
		name        string
		stabilities []Stability
	}
	ifaceDeps := map[int]dep{}
	worldDeps := map[int]dep{}
	for _, fp := range u.foreignDeps {
		for name, it := range fp.items.All() {
			d := dep{fp, name, it.stabilities}
			if it.world {
				worldDeps[it.id] = d
			} else {
				ifaceDeps[it.id] = d
			}
		}
	}
	lookupPackage := func(fp *foreignPackage) *Package {
		id, ok := r.packageNames[fp.name.String()]
		if !ok {
			known := make([]string, 0, len(r.packageNames))
			for name := range r.packageNames {
				known = append(known, name)
			}
			sort.Strings(known)
			msg := fmt.Sprintf("package '%s' not found", fp.name)
			if len(known) > 0 {
				msg += ". known packages:\n    " + strings.Join(known, "\n    ")
			}
			m.fail(fp.span, "%s", msg)
		}
		return r.Packages[id]
	}
	enabled := func(stabs []Stability, span Span) bool {
		for _, s := range stabs {
			if r.includeStability(s, pkg, span) {
				return true
			}
		}
		return false
	}
	for i, iface := range u.interfaces {
		d, ok := ifaceDeps[i]
		if !ok {
			break
		}
		p := lookupPackage(d.pkg)
		if !enabled(d.stabilities, iface.Span) {
			m.interfaces = append(m.interfaces, excluded)
			continue
		}
		id, ok := p.Interfaces.Get(d.name)
		if !ok {
			m.fail(iface.Span, "interface '%s' not found in package '%s'", d.name, p.Name)
		}
		m.interfaces = append(m.interfaces, id)
	}
	for i, w := range u.worlds {
		d, ok := worldDeps[i]
		if !ok {
			break
		}
		p := lookupPackage(d.pkg)
		if !enabled(d.stabilities, w.Span) {
			m.worlds = append(m.worlds, excluded)
			continue
		}
		id, ok := p.Worlds.Get(d.name)
		if !ok {
			m.fail(w.Span, "world '%s' not found in package '%s'", d.name, p.Name)
		}
		m.worlds = append(m.worlds, id)
	}
	for i, t := range u.types {
		if _, ok := t.Kind.(*unknown); !ok {
			break
		}
		if !r.includeStability(t.Stability, pkg, t.Span) {
			m.types = append(m.types, excluded)
			continue
		}
		iface := m.mapInterface(t.Owner.(InterfaceID), t.Span)
		id, ok := r.Interfaces[iface].Types.Get(t.Name)
		if !ok {
			m.fail(u.unknownTypeSpans[i], "type `%s` not defined in interface", t.Name)
		}
		m.types = append(m.types, id)
	}
	for _, req := range u.requiredResource {
		if m.types[req.id] == excluded {
			continue // configured away; any use of it fails elsewhere
		}
		for id := m.types[req.id]; ; {
			if a, ok := r.Types[id].Kind.(*Alias); ok {
				if next, ok := a.Type.(TypeID); ok {
					id = next
					continue
				}
			}
			if _, ok := r.Types[id].Kind.(*Resource); !ok {
				m.fail(req.span, "type used in a handle must be a resource")
			}
			break
		}
	}
}

func (m *remap) updateTypeDef(r *Resolve, t *TypeDef) {
	span := t.Span
	switch k := t.Kind.(type) {
	case *Own:
		k.Resource = m.mapType(k.Resource, span)
	case *Borrow:
		k.Resource = m.mapType(k.Resource, span)
	case *Record:
		for i := range k.Fields {
			k.Fields[i].Type = m.updateType(r, k.Fields[i].Type, k.Fields[i].Span)
		}
	case *Tuple:
		for i := range k.Types {
			k.Types[i] = m.updateType(r, k.Types[i], span)
		}
	case *Variant:
		for i := range k.Cases {
			k.Cases[i].Type = m.updateType(r, k.Cases[i].Type, span)
		}
	case *Option:
		k.Type = m.updateType(r, k.Type, span)
	case *List:
		k.Elem = m.updateType(r, k.Elem, span)
	case *FixedList:
		k.Elem = m.updateType(r, k.Elem, span)
	case *Future:
		k.Elem = m.updateType(r, k.Elem, span)
	case *Stream:
		k.Elem = m.updateType(r, k.Elem, span)
	case *Map:
		k.Key = m.updateType(r, k.Key, span)
		k.Value = m.updateType(r, k.Value, span)
	case *Result:
		k.OK = m.updateType(r, k.OK, span)
		k.Err = m.updateType(r, k.Err, span)
	case *Alias:
		// `type a = r` keeps naming the resource itself (a is usable both as
		// a resource and as a handle), so no own<…> is made here.
		if id, ok := k.Type.(TypeID); ok {
			k.Type = m.mapType(id, span)
		}
	}
}

// updateType maps a type reference into the Resolve; a reference to a
// resource becomes a reference to the (shared) anonymous own<resource>.
func (m *remap) updateType(r *Resolve, t Type, span Span) Type {
	id, ok := t.(TypeID)
	if !ok {
		return t
	}
	id = m.mapType(id, span)
	if !r.isResource(id) {
		return id
	}
	own, ok := m.ownHandles[id]
	if !ok {
		own = TypeID(len(r.Types))
		r.Types = append(r.Types, &TypeDef{Kind: &Own{Resource: id}})
		m.ownHandles[id] = own
	}
	return own
}

// isResource reports whether id is a resource, possibly through aliases.
func (r *Resolve) isResource(id TypeID) bool {
	for {
		switch k := r.Types[id].Kind.(type) {
		case *Resource:
			return true
		case *Alias:
			next, ok := k.Type.(TypeID)
			if !ok {
				return false
			}
			id = next
		default:
			return false
		}
	}
}

func (m *remap) updateInterface(r *Resolve, iface *Interface) {
	var types OrderedMap[string, TypeID]
	for name, id := range iface.Types.All() {
		if m.types[id] != excluded {
			types.Set(name, id)
		}
	}
	for _, name := range types.Keys() {
		id, _ := types.Get(name)
		types.Set(name, m.mapType(id, iface.Span))
	}
	iface.Types = types
	var funcs OrderedMap[string, *Function]
	for name, f := range iface.Functions.All() {
		if r.includeStability(f.Stability, iface.Package, f.Span) {
			m.updateFunction(r, f, f.Span)
			funcs.Set(name, f)
		}
	}
	iface.Functions = funcs
}

func (m *remap) updateFunction(r *Resolve, f *Function, span Span) {
	if f.Kind.HasResource() {
		f.Resource = m.mapType(f.Resource, span)
	}
	for i := range f.Params {
		f.Params[i].Type = m.updateType(r, f.Params[i].Type, span)
	}
	if f.Result != nil {
		f.Result = m.updateType(r, f.Result, span)
		if m.typeHasBorrow(r, f.Result) {
			m.fail(span, "function `%s` returns a type which contains a `borrow<T>` which is not supported", f.Name)
		}
	}
}

func (m *remap) typeHasBorrow(r *Resolve, t Type) bool {
	id, ok := t.(TypeID)
	if !ok {
		return false
	}
	if v, ok := m.hasBorrow[id]; ok {
		return v
	}
	var v bool
	switch k := r.Types[id].Kind.(type) {
	case *Alias:
		v = m.typeHasBorrow(r, k.Type)
	case *Borrow:
		v = true
	case *Variant:
		for _, c := range k.Cases {
			v = v || m.typeHasBorrow(r, c.Type)
		}
	case *Record:
		for _, f := range k.Fields {
			v = v || m.typeHasBorrow(r, f.Type)
		}
	case *Tuple:
		for _, e := range k.Types {
			v = v || m.typeHasBorrow(r, e)
		}
	case *List:
		v = m.typeHasBorrow(r, k.Elem)
	case *FixedList:
		v = m.typeHasBorrow(r, k.Elem)
	case *Option:
		v = m.typeHasBorrow(r, k.Type)
	case *Future:
		v = m.typeHasBorrow(r, k.Elem)
	case *Stream:
		v = m.typeHasBorrow(r, k.Elem)
	case *Map:
		v = m.typeHasBorrow(r, k.Key) || m.typeHasBorrow(r, k.Value)
	case *Result:
		v = m.typeHasBorrow(r, k.OK) || m.typeHasBorrow(r, k.Err)
	}
	m.hasBorrow[id] = v
	return v
}

func (m *remap) updateWorld(r *Resolve, w *World, pkg PackageID) {
	var imports, exports OrderedMap[WorldKey, WorldItem]
	for pass, src := range []*OrderedMap[WorldKey, WorldItem]{&w.Imports, &w.Exports} {
		dst := &imports
		if pass == 1 {
			dst = &exports
		}
		for key, item := range src.All() {
			var stab Stability
			var span Span
			switch it := item.(type) {
			case *WorldType:
				span = it.Span
				it.ID = m.mapType(it.ID, span)
				stab = r.Types[it.ID].Stability
			case *WorldInterface:
				span, stab = it.Span, it.Stability
			case *Function:
				span, stab = it.Span, it.Stability
			}
			if !r.includeStability(stab, pkg, span) {
				continue
			}
			if key.IsInterface() {
				key = InterfaceKey(m.mapInterface(key.Interface, span))
			}
			switch it := item.(type) {
			case *WorldInterface:
				it.ID = m.mapInterface(it.ID, span)
			case *Function:
				m.updateFunction(r, it, span)
			}
			dst.Set(key, item)
		}
	}
	w.Imports, w.Exports = imports, exports
}

func (m *remap) processIncludes(r *Resolve, id WorldID, includes []worldInclude, pkg PackageID) {
	for _, inc := range includes {
		if !r.includeStability(inc.stability, pkg, inc.span) {
			continue
		}
		m.include(r, id, inc, pkg)
	}
	w := r.Worlds[id]
	lists := []struct {
		kind  string
		items *OrderedMap[WorldKey, WorldItem]
	}{{"import", &w.Imports}, {"export", &w.Exports}}
	for _, list := range lists {
		seen := map[string]string{}
		for _, key := range list.items.Keys() {
			if key.IsInterface() {
				continue
			}
			c := CanonicalName(key.Name)
			if prev, ok := seen[c]; ok {
				m.fail(w.Span, "%s `%s` in world `%s` conflicts with %s `%s` (names must be strongly unique)",
					list.kind, key.Name, w.Name, list.kind, prev)
			}
			seen[c] = key.Name
		}
	}
	// Setters follow their getters; a getter may come from an include, so
	// this is checked only now.
	for _, list := range lists {
		placeSettersAfterGetters(list.items, worldItemFunc)
		for _, item := range list.items.All() {
			f := worldItemFunc(item)
			if f == nil || !f.Kind.IsSetter() {
				continue
			}
			getter := strings.Replace(f.Name, "[set]", "[get]", 1)
			if !list.items.Has(NameKey(getter)) {
				m.fail(f.Span, "%s `%s` in world `%s` has no corresponding getter `%s`", list.kind, f.Name, w.Name, getter)
			}
		}
	}
}

func worldItemFunc(it WorldItem) *Function {
	f, _ := it.(*Function)
	return f
}

// includeRenames indexes the `with { a as b }` names of an include: the first
// rename of a name wins.
type includeRenames struct {
	as   map[string]string
	used map[string]bool
}

func newIncludeRenames(names []astIncludeName) *includeRenames {
	r := &includeRenames{as: map[string]string{}, used: map[string]bool{}}
	for _, n := range names {
		if _, dup := r.as[n.name.name]; !dup {
			r.as[n.name.name] = n.as.name
		}
	}
	return r
}

// rename applies the renames to an item name: the whole label, or the
// resource part of `[method]r.m` style names (after all leading `[…]`
// annotations).
func (r *includeRenames) rename(name string) (string, bool) {
	prefix := 0
	for strings.HasPrefix(name[prefix:], "[") {
		end := strings.IndexByte(name[prefix:], ']')
		if end < 0 {
			return "", false
		}
		prefix += end + 1
	}
	pre, rest := name[:prefix], name[prefix:]
	label, tail := rest, ""
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		label, tail = rest[:i], rest[i:]
	}
	as, ok := r.as[label]
	if !ok {
		return "", false
	}
	r.used[label] = true
	return pre + as + tail, true
}

func (m *remap) include(r *Resolve, id WorldID, inc worldInclude, pkg PackageID) {
	from := m.mapWorld(inc.world, inc.span)
	src := r.Worlds[from]
	external := r.Worlds[id].Package != src.Package
	renames := newIncludeRenames(inc.names)
	for _, items := range []*OrderedMap[WorldKey, WorldItem]{&src.Imports, &src.Exports} {
		for _, key := range items.Keys() {
			if !key.IsInterface() {
				renames.rename(key.Name)
			}
		}
	}
	for _, n := range inc.names {
		if !renames.used[n.name.name] {
			m.fail(inc.span, "no import or export kebab-name `%s`. Note that an ID does not support renaming", n.name.name)
		}
	}
	c := &cloner{r: r, types: map[TypeID]TypeID{}, interfaces: map[InterfaceID]InterfaceID{},
		prevOwner: from, newOwner: id, pkg: pkg}
	srcImports, srcExports := src.Imports, src.Exports // copies of the headers: dst may be the same world
	m.includeItems(r, c, inc, renames, &srcImports, func() *OrderedMap[WorldKey, WorldItem] { return &r.Worlds[id].Imports }, "import", external)
	m.includeItems(r, c, inc, renames, &srcExports, func() *OrderedMap[WorldKey, WorldItem] { return &r.Worlds[id].Exports }, "export", external)
}

func (m *remap) includeItems(r *Resolve, c *cloner, inc worldInclude, renames *includeRenames, items *OrderedMap[WorldKey, WorldItem],
	dst func() *OrderedMap[WorldKey, WorldItem], kind string, external bool) {
	for _, key := range items.Keys() {
		item, _ := items.Get(key)
		if !key.IsInterface() {
			name := key.Name
			if renamed, ok := renames.rename(key.Name); ok {
				name = renamed
			}
			item = c.worldItem(item)
			switch it := item.(type) {
			case *Function:
				it.Name = name
			case *WorldType:
				r.Types[it.ID].Name = name
			}
			d := dst()
			if d.Has(NameKey(name)) {
				m.fail(inc.span, "%s of `%s` shadows previously %sed items", kind, name, kind)
			}
			d.Set(NameKey(name), item)
			continue
		}
		d := dst()
		prev, ok := d.Get(key)
		if !ok {
			prev = copyWorldItem(item)
			d.Set(key, prev)
		}
		from := item.(*WorldInterface)
		into := prev.(*WorldInterface)
		if external && from.Stability.Kind == StabilityStable {
			into.Stability = Stability{}
			continue
		}
		if stabilityEqual(from.Stability, into.Stability) || from.Stability.Kind == StabilityUnknown {
			continue
		}
		if into.Stability.Kind == StabilityUnknown {
			into.Stability = from.Stability
			continue
		}
		m.fail(from.Span, "mismatch in stability from '%s' to '%s'", stabilityDebug(from.Stability), stabilityDebug(into.Stability))
	}
}

func stabilityEqual(a, b Stability) bool {
	return a.Kind == b.Kind && a.Feature == b.Feature && a.Since.Equal(b.Since) && a.Deprecated.Equal(b.Deprecated)
}

func stabilityDebug(s Stability) string {
	dep := "None"
	if s.Deprecated != nil {
		dep = "Some(" + s.Deprecated.String() + ")"
	}
	switch s.Kind {
	case StabilityStable:
		return fmt.Sprintf("Stable { since: %s, deprecated: %s }", s.Since, dep)
	case StabilityUnstable:
		return fmt.Sprintf("Unstable { feature: %q, deprecated: %s }", s.Feature, dep)
	}
	return "Unknown"
}

// copyWorldItem returns a shallow copy, so that items shared between worlds
// can be changed independently.
func copyWorldItem(it WorldItem) WorldItem {
	switch it := it.(type) {
	case *WorldInterface:
		c := *it
		return &c
	case *WorldType:
		c := *it
		return &c
	case *Function:
		return it.clone()
	}
	return it
}

func (f *Function) clone() *Function {
	c := *f
	c.Params = append([]Param(nil), f.Params...)
	return &c
}

// cloner copies the types and anonymous interfaces that a world defines
// into another world that includes it.
type cloner struct {
	r          *Resolve
	types      map[TypeID]TypeID
	interfaces map[InterfaceID]InterfaceID
	prevOwner  TypeOwner
	newOwner   TypeOwner
	pkg        PackageID
}

func (c *cloner) worldItem(item WorldItem) WorldItem {
	item = copyWorldItem(item)
	switch it := item.(type) {
	case *WorldType:
		it.ID = c.typeID(it.ID)
	case *Function:
		c.function(it)
	case *WorldInterface:
		if c.r.Interfaces[it.ID].Name == "" {
			it.ID = c.iface(it.ID)
		}
	}
	return item
}

func (c *cloner) typeID(id TypeID) TypeID {
	if n, ok := c.types[id]; ok {
		return n
	}
	t := *c.r.Types[id]
	t.Kind = cloneKind(t.Kind)
	c.typeDef(&t)
	n := TypeID(len(c.r.Types))
	c.r.Types = append(c.r.Types, &t)
	c.types[id] = n
	return n
}

func (c *cloner) ty(t Type) Type {
	if id, ok := t.(TypeID); ok {
		return c.typeID(id)
	}
	return t
}

func (c *cloner) typeDef(t *TypeDef) {
	if t.Owner != nil {
		t.Owner = c.newOwner
	}
	switch k := t.Kind.(type) {
	case *Alias:
		if id, ok := k.Type.(TypeID); ok {
			if c.r.Types[id].Owner == c.prevOwner {
				k.Type = c.typeID(id)
			} else if n, ok := c.types[id]; ok {
				k.Type = n
			}
		}
	case *Own:
		k.Resource = c.typeID(k.Resource)
	case *Borrow:
		k.Resource = c.typeID(k.Resource)
	case *Option:
		k.Type = c.ty(k.Type)
	case *List:
		k.Elem = c.ty(k.Elem)
	case *FixedList:
		k.Elem = c.ty(k.Elem)
	case *Map:
		k.Key, k.Value = c.ty(k.Key), c.ty(k.Value)
	case *Tuple:
		for i := range k.Types {
			k.Types[i] = c.ty(k.Types[i])
		}
	case *Record:
		for i := range k.Fields {
			k.Fields[i].Type = c.ty(k.Fields[i].Type)
		}
	case *Variant:
		for i := range k.Cases {
			if k.Cases[i].Type != nil {
				k.Cases[i].Type = c.ty(k.Cases[i].Type)
			}
		}
	case *Result:
		if k.OK != nil {
			k.OK = c.ty(k.OK)
		}
		if k.Err != nil {
			k.Err = c.ty(k.Err)
		}
	case *Future:
		if k.Elem != nil {
			k.Elem = c.ty(k.Elem)
		}
	case *Stream:
		if k.Elem != nil {
			k.Elem = c.ty(k.Elem)
		}
	}
}

func (c *cloner) function(f *Function) {
	if f.Kind.HasResource() {
		f.Resource = c.typeID(f.Resource)
	}
	for i := range f.Params {
		f.Params[i].Type = c.ty(f.Params[i].Type)
	}
	if f.Result != nil {
		f.Result = c.ty(f.Result)
	}
}

// iface copies an anonymous interface, its types and functions.
func (c *cloner) iface(old InterfaceID) InterfaceID {
	src := c.r.Interfaces[old]
	next := InterfaceID(len(c.r.Interfaces))
	inner := &cloner{r: c.r, types: c.types, interfaces: c.interfaces, prevOwner: old, newOwner: next, pkg: c.pkg}
	n := &Interface{Name: src.Name, Docs: src.Docs, Stability: src.Stability, Span: src.Span, Package: c.pkg}
	for name, id := range src.Types.All() {
		n.Types.Set(name, inner.typeID(id))
	}
	for name, f := range src.Functions.All() {
		f = f.clone()
		inner.function(f)
		n.Functions.Set(name, f)
	}
	orig := old
	n.CloneOf = &orig
	c.r.Interfaces = append(c.r.Interfaces, n)
	c.interfaces[old] = next
	return next
}

// cloneKind deep-copies the parts of a kind that the cloner rewrites.
func cloneKind(k TypeDefKind) TypeDefKind {
	switch k := k.(type) {
	case *Record:
		return &Record{Fields: append([]Field(nil), k.Fields...)}
	case *Variant:
		return &Variant{Cases: append([]Case(nil), k.Cases...)}
	case *Tuple:
		return &Tuple{Types: append([]Type{}, k.Types...)}
	case *Flags:
		return &Flags{Flags: append([]Flag(nil), k.Flags...)}
	case *Enum:
		return &Enum{Cases: append([]EnumCase(nil), k.Cases...)}
	case *Resource:
		return &Resource{}
	case *Own:
		c := *k
		return &c
	case *Borrow:
		c := *k
		return &c
	case *Option:
		c := *k
		return &c
	case *Result:
		c := *k
		return &c
	case *List:
		c := *k
		return &c
	case *Map:
		c := *k
		return &c
	case *FixedList:
		c := *k
		return &c
	case *Future:
		c := *k
		return &c
	case *Stream:
		c := *k
		return &c
	case *Alias:
		c := *k
		return &c
	}
	return k
}

// TypeInterfaceDep returns the interface that a `use`d type comes from: for
// an alias of a type owned elsewhere, that type's interface.
func (r *Resolve) TypeInterfaceDep(id TypeID) (InterfaceID, bool) {
	t := r.Types[id]
	a, ok := t.Kind.(*Alias)
	if !ok {
		return 0, false
	}
	dep, ok := a.Type.(TypeID)
	if !ok {
		return 0, false
	}
	other := r.Types[dep]
	if sameOwner(t.Owner, other.Owner) {
		return 0, false
	}
	iface, ok := other.Owner.(InterfaceID)
	return iface, ok
}

func sameOwner(a, b TypeOwner) bool {
	return a == b
}

// InterfaceDeps returns the interfaces that an interface uses types from,
// in the order its types name them (possibly with repeats).
func (r *Resolve) InterfaceDeps(id InterfaceID) []InterfaceID {
	var deps []InterfaceID
	for _, t := range r.Interfaces[id].Types.Keys() {
		tid, _ := r.Interfaces[id].Types.Get(t)
		if dep, ok := r.TypeInterfaceDep(tid); ok {
			deps = append(deps, dep)
		}
	}
	return deps
}

// InterfaceName returns the qualified name of a named interface,
// `ns:pkg/name@version`, or "" for an anonymous one.
func (r *Resolve) InterfaceName(id InterfaceID) string {
	iface := r.Interfaces[id]
	if iface.Name == "" {
		return ""
	}
	return r.Packages[iface.Package].Name.InterfaceName(iface.Name)
}

// WorldKeyName returns the name of a world import or export as it appears in
// a component: the plain name or the qualified interface name.
func (r *Resolve) WorldKeyName(k WorldKey) string {
	if k.IsInterface() {
		return r.InterfaceName(k.Interface)
	}
	return k.Name
}

// elaborateWorld lists, before each imported interface, every interface it
// depends on; checks that exports do not need an interface both imported and
// exported; and orders imports as interfaces, types, functions.
func (r *Resolve) elaborateWorld(id WorldID) {
	w := r.Worlds[id]
	sortKey := func(item WorldItem) int {
		switch it := item.(type) {
		case *WorldInterface:
			return 0
		case *WorldType:
			t := r.Types[it.ID]
			if a, ok := t.Kind.(*Alias); ok {
				if dep, ok := a.Type.(TypeID); ok && !sameOwner(r.Types[dep].Owner, t.Owner) {
					return 1
				}
			}
			return 2
		case *Function:
			if !it.Kind.HasResource() {
				return 3
			}
			return 4
		}
		return 5
	}
	type entry struct {
		key  WorldKey
		item WorldItem
	}
	sorted := func(m *OrderedMap[WorldKey, WorldItem]) []entry {
		es := make([]entry, 0, m.Len())
		for k, v := range m.All() {
			es = append(es, entry{k, v})
		}
		sort.SliceStable(es, func(i, j int) bool { return sortKey(es[i].item) < sortKey(es[j].item) })
		return es
	}

	var imports OrderedMap[WorldKey, WorldItem]
	for _, e := range sorted(&w.Imports) {
		switch it := e.item.(type) {
		case *WorldInterface:
			r.elaborateImport(&imports, e.key, it.ID, it.Stability, it.Docs, it.ExternalID)
		case *Function:
			imports.Set(e.key, it)
		case *WorldType:
			if dep, ok := r.TypeInterfaceDep(it.ID); ok {
				r.elaborateImport(&imports, InterfaceKey(dep), dep, r.Types[it.ID].Stability, Docs{}, "")
			}
			imports.Set(e.key, it)
		}
	}

	var exports, exportIfaces OrderedMap[WorldKey, WorldItem]
	for k, v := range w.Exports.All() {
		switch v.(type) {
		case *WorldInterface:
			exportIfaces.Set(k, v)
		case *Function:
			exports.Set(k, v)
		}
	}
	required := map[InterfaceID]bool{}
	for k, v := range exportIfaces.All() {
		if !r.addWorldExport(&imports, &exports, &exportIfaces, required, k, v.(*WorldInterface), true) {
			panic(&syntaxError{w.Span, fmt.Sprintf("interface `%s` transitively depends on an interface in incompatible ways", r.WorldKeyName(k))})
		}
	}

	w.Imports = OrderedMap[WorldKey, WorldItem]{}
	for _, e := range sorted(&imports) {
		w.Imports.Set(e.key, e.item)
	}
	w.Exports = exports
}

func (r *Resolve) elaborateImport(imports *OrderedMap[WorldKey, WorldItem], key WorldKey, id InterfaceID, stab Stability, docs Docs, ext string) {
	if imports.Has(key) {
		return
	}
	for _, dep := range r.InterfaceDeps(id) {
		r.elaborateImport(imports, InterfaceKey(dep), dep, stab, Docs{}, "")
	}
	imports.Set(key, &WorldInterface{ID: id, Stability: stab, Docs: docs, ExternalID: ext})
}

func (r *Resolve) addWorldExport(imports, exports, exportIfaces *OrderedMap[WorldKey, WorldItem],
	required map[InterfaceID]bool, key WorldKey, item *WorldInterface, export bool) bool {
	if exports.Has(key) {
		return export
	}
	if !export && required[item.ID] {
		return true
	}
	for _, dep := range r.InterfaceDeps(item.ID) {
		depItem := &WorldInterface{ID: dep, Stability: item.Stability, ExternalID: item.ExternalID}
		depKey := InterfaceKey(dep)
		if !r.addWorldExport(imports, exports, exportIfaces, required, depKey, depItem, export && exportIfaces.Has(depKey)) {
			return false
		}
	}
	if export {
		if required[item.ID] {
			return false
		}
		exports.Set(key, item)
		return true
	}
	required[item.ID] = true
	if !imports.Has(key) {
		imports.Set(key, item)
	}
	return true
}

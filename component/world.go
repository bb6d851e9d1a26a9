package component

import (
	"fmt"
	"strings"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// World returns the component's world as WIT: package `root:component`,
// world `root`, interfaces named by their import and export names, types by
// the names they are exported under, and a package per interface
// namespace:package it uses — what `wasm-tools component wit FILE` prints
// (wit-parser's decoding).
//
// For a core-module plugin it is what `wasm-tools component wit` prints for
// the module: package `root:root`, world `root`, beside the package of the
// world embedded in it; or the world given with WithWorld.
func (c *Compiled) World() (*wit.Resolve, wit.WorldID, error) {
	if c.core != nil {
		return c.core.witWorld(c)
	}
	d := &worldDecoder{c: c, src: c.types, out: wit.NewResolve(), typeMap: map[wit.TypeID]wit.TypeID{},
		aliasMap: map[uint32]wit.TypeID{}, names: c.root.checked.Names,
		resources: map[any]map[string]wit.TypeID{}, named: map[string]wit.InterfaceID{},
		ifacePkg: map[wit.InterfaceID]int{}}
	world := wit.WorldID(0)
	d.out.Worlds = append(d.out.Worlds, &wit.World{Name: "root"})
	root := &wit.Package{Name: wit.PackageName{Namespace: "root", Name: "component"}}
	root.Worlds.Set("root", world)
	d.root = root
	if err := d.run(world); err != nil {
		return nil, 0, fmt.Errorf("%s: world: %w", c.name, err)
	}
	return d.out, world, nil
}

// worldDecoder follows wit-parser's decoding of a component type into a
// Resolve, so that IDs come out in the same order.
type worldDecoder struct {
	c        *Compiled
	src      *wit.Resolve // the checked component's types
	out      *wit.Resolve
	root     *wit.Package
	typeMap  map[wit.TypeID]wit.TypeID // src -> out
	aliasMap map[uint32]wit.TypeID     // resource alias (types.Extern.Alias) -> out
	names    *types.Names
	// externNames are the binary names of the imports and exports, keyed by
	// "import NAME" / "export NAME", for their implements and external-id
	// attributes.
	externNames map[string]binary.ExternName
	resources   map[any]map[string]wit.TypeID // owner -> resource name -> out
	named       map[string]wit.InterfaceID    // interface names of the root package
	foreign     []*wit.Package                // in order of first use
	ifacePkg    map[wit.InterfaceID]int       // foreign interface -> index in foreign
}

type decodeError struct{ msg string }

func (d *worldDecoder) fail(format string, args ...any) {
	panic(&decodeError{fmt.Sprintf(format, args...)})
}

func (d *worldDecoder) run(world wit.WorldID) (err error) {
	defer func() {
		if r := recover(); r != nil {
			de, ok := r.(*decodeError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", de.msg)
		}
	}()
	checked := d.c.root.checked
	d.externNames = map[string]binary.ExternName{}
	for _, im := range checked.Bin.Imports() {
		d.externNames["import "+im.Name.FullName()] = im.Name
	}
	for _, ex := range checked.Bin.Exports() {
		d.externNames["export "+ex.Name.FullName()] = ex.Name
	}
	for _, def := range checked.Defs {
		switch def := def.(type) {
		case *types.ImportDef:
			d.importItem(world, def.Name, def.Type)
		case *types.ExportDef:
			e, _ := checked.Exports.Get(def.Name)
			d.exportItem(world, def.Name, e)
		}
	}
	d.finish()
	return nil
}

func (d *worldDecoder) importItem(world wit.WorldID, name string, e types.Extern) {
	w := d.out.Worlds[world]
	bn := d.externNames["import "+name]
	ext, _ := bn.ExternalID()
	switch e.Sort {
	case binary.SortInstance:
		k, it := d.worldInstance(name, bn, e.Instance)
		w.Imports.Set(k, it)
	case binary.SortFunc:
		f := d.function(name, e, world)
		f.ExternalID = ext
		w.Imports.Set(wit.NameKey(name), f)
	case binary.SortType:
		id := d.typeExport(name, e, world)
		d.out.Types[id].ExternalID = ext
		w.Imports.Set(wit.NameKey(name), &wit.WorldType{ID: id})
	}
}

func (d *worldDecoder) exportItem(world wit.WorldID, name string, e types.Extern) {
	w := d.out.Worlds[world]
	bn := d.externNames["export "+name]
	switch e.Sort {
	case binary.SortFunc:
		f := d.function(name, e, world)
		f.ExternalID, _ = bn.ExternalID()
		w.Exports.Set(wit.NameKey(name), f)
	case binary.SortInstance:
		k, it := d.worldInstance(name, bn, e.Instance)
		w.Exports.Set(k, it)
	default:
		d.fail("component export `%s` was not a function or instance", name)
	}
}

func isQualified(name string) bool { return strings.Contains(name, ":") && strings.Contains(name, "/") }

func (d *worldDecoder) worldInstance(name string, bn binary.ExternName, it *types.InstanceType) (wit.WorldKey, wit.WorldItem) {
	ext, _ := bn.ExternalID()
	if impl, ok := bn.FullImplements(); ok {
		id := d.registerImport(impl, it)
		return wit.NameKey(name), &wit.WorldInterface{ID: id, ExternalID: ext}
	}
	if isQualified(name) {
		id := d.registerImport(name, it)
		return wit.InterfaceKey(id), &wit.WorldInterface{ID: id, ExternalID: ext}
	}
	if id, ok := d.named[name]; ok {
		d.registerImport(name, it)
		return wit.InterfaceKey(id), &wit.WorldInterface{ID: id, ExternalID: ext}
	}
	id := d.registerInterface(it)
	return wit.NameKey(name), &wit.WorldInterface{ID: id, ExternalID: ext}
}

// registerImport fills in a foreign interface `ns:pkg/iface@v` with what
// this instance type uses of it.
func (d *worldDecoder) registerImport(name string, it *types.InstanceType) wit.InterfaceID {
	id, local := d.named[name]
	if !local {
		id = d.depInterface(name)
	}
	iface := d.out.Interfaces[id]
	for en, e := range it.Exports.All() {
		switch e.Sort {
		case binary.SortType:
			if prev, ok := iface.Types.Get(en); ok {
				if _, mapped := d.typeMap[e.Type.(wit.TypeID)]; !mapped {
					d.typeMap[e.Type.(wit.TypeID)] = prev
				}
				continue
			}
			if local {
				d.fail("instance type export `%s` not defined in interface", en)
			}
			iface.Types.Set(en, d.typeExport(en, e, id))
		case binary.SortFunc:
			if iface.Functions.Has(en) {
				continue
			}
			if local {
				d.fail("instance function export `%s` not defined in interface", en)
			}
			iface.Functions.Set(en, d.function(en, e, id))
		default:
			d.fail("instance type export `%s` is not a type", en)
		}
	}
	return id
}

// depInterface finds or creates the interface of a qualified name in its
// foreign package.
func (d *worldDecoder) depInterface(name string) wit.InterfaceID {
	pkgName, iface := splitInterfaceName(name)
	var pkg *wit.Package
	idx := -1
	for i, p := range d.foreign {
		if p.Name.String() == pkgName.String() {
			pkg, idx = p, i
			break
		}
	}
	if pkg == nil {
		pkg = &wit.Package{Name: pkgName}
		d.foreign = append(d.foreign, pkg)
		idx = len(d.foreign) - 1
	}
	if id, ok := pkg.Interfaces.Get(iface); ok {
		return id
	}
	id := wit.InterfaceID(len(d.out.Interfaces))
	d.out.Interfaces = append(d.out.Interfaces, &wit.Interface{Name: iface, Package: -1})
	pkg.Interfaces.Set(iface, id)
	d.ifacePkg[id] = idx
	return id
}

// splitInterfaceName splits `ns:pkg/iface@1.2.3` (nested paths keep their
// last segment as the interface).
func splitInterfaceName(name string) (wit.PackageName, string) {
	base, ver, _ := strings.Cut(name, "@")
	ns, rest, _ := strings.Cut(base, ":")
	pkg, iface, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(iface, '/'); i >= 0 {
		iface = iface[i+1:]
	}
	pn := wit.PackageName{Namespace: ns, Name: pkg}
	if ver != "" {
		if v, err := wit.ParseVersion(ver); err == nil {
			pn.Version = v
		}
	}
	return pn, iface
}

// registerInterface makes an anonymous interface from an instance type
// imported or exported under a plain name.
func (d *worldDecoder) registerInterface(it *types.InstanceType) wit.InterfaceID {
	id := wit.InterfaceID(len(d.out.Interfaces))
	iface := &wit.Interface{Package: -1}
	d.out.Interfaces = append(d.out.Interfaces, nil) // reserve: types name their owner by this ID
	for en, e := range it.Exports.All() {
		switch e.Sort {
		case binary.SortType:
			iface.Types.Set(en, d.typeExport(en, e, id))
		case binary.SortFunc:
			iface.Functions.Set(en, d.function(en, e, id))
		default:
			d.fail("instance type export `%s` is not a type or function", en)
		}
	}
	// wit-parser allocates the interface after its types and functions.
	d.out.Interfaces[id] = iface
	return id
}

// typeExport defines the type exported as name: a `use` of the type it
// names when that one was seen before (wit-parser's find_alias, following
// the chain of copies and aliases imports and exports make), or a new named
// type.
func (d *worldDecoder) typeExport(name string, e types.Extern, owner wit.TypeOwner) wit.TypeID {
	t := e.Type
	var kind wit.TypeDefKind
	src, isID := t.(wit.TypeID)
	resource := false
	if isID {
		_, resource = d.src.Types[src].Kind.(*wit.Resource)
	}
	switch {
	case !isID:
		kind = &wit.Alias{Type: t}
	case resource:
		if prev, ok := d.findResourceAlias(src, e.Alias()); ok {
			kind = &wit.Alias{Type: prev}
		} else {
			kind = &wit.Resource{}
		}
	default:
		if prev, ok := d.findCopy(src); ok {
			kind = &wit.Alias{Type: prev}
		} else {
			kind = d.defined(src)
		}
	}
	id := wit.TypeID(len(d.out.Types))
	d.out.Types = append(d.out.Types, &wit.TypeDef{Name: name, Kind: kind, Owner: owner, ExternalID: e.ExternalID})
	if _, ok := kind.(*wit.Resource); ok {
		key := ownerKey(owner)
		if d.resources[key] == nil {
			d.resources[key] = map[string]wit.TypeID{}
		}
		d.resources[key][name] = id
	}
	if isID {
		if resource {
			if a := e.Alias(); a != 0 {
				d.aliasMap[a] = id
			}
		}
		if _, ok := d.typeMap[src]; !ok || !resource {
			d.typeMap[src] = id
		}
	}
	return id
}

// findCopy finds the named type a value type copy was made from.
func (d *worldDecoder) findCopy(src wit.TypeID) (wit.TypeID, bool) {
	for cur := wit.Type(src); ; {
		id, ok := cur.(wit.TypeID)
		if !ok {
			return 0, false
		}
		orig, ok := d.names.CopyOf(id)
		if !ok {
			return 0, false
		}
		if oid, ok := orig.(wit.TypeID); ok {
			if prev, ok := d.typeMap[oid]; ok {
				return prev, true
			}
		}
		cur = orig
	}
}

// findResourceAlias finds the named type a resource alias was made from.
func (d *worldDecoder) findResourceAlias(src wit.TypeID, alias uint32) (wit.TypeID, bool) {
	if alias == 0 {
		return 0, false
	}
	for a := d.names.AliasOf(alias); ; a = d.names.AliasOf(a) {
		if a == 0 {
			prev, ok := d.typeMap[src]
			return prev, ok
		}
		if prev, ok := d.aliasMap[a]; ok {
			return prev, true
		}
	}
}

func ownerKey(o wit.TypeOwner) any { return o }

// valType converts a value type reference, creating anonymous types.
func (d *worldDecoder) valType(t wit.Type) wit.Type {
	src, ok := t.(wit.TypeID)
	if !ok {
		return t
	}
	if id, ok := d.typeMap[src]; ok {
		return id
	}
	kind := d.defined(src)
	switch kind.(type) {
	case *wit.Record, *wit.Variant, *wit.Enum, *wit.Flags, *wit.Resource:
		d.fail("unexpected unnamed type of kind '%s'", kindName(kind))
	}
	id := wit.TypeID(len(d.out.Types))
	d.out.Types = append(d.out.Types, &wit.TypeDef{Kind: kind})
	d.typeMap[src] = id
	return id
}

func kindName(k wit.TypeDefKind) string {
	switch k.(type) {
	case *wit.Record:
		return "record"
	case *wit.Variant:
		return "variant"
	case *wit.Enum:
		return "enum"
	case *wit.Flags:
		return "flags"
	case *wit.Resource:
		return "resource"
	}
	return "type"
}

func (d *worldDecoder) optType(t wit.Type) wit.Type {
	if t == nil {
		return nil
	}
	return d.valType(t)
}

// defined converts the structure of a source type.
func (d *worldDecoder) defined(src wit.TypeID) wit.TypeDefKind {
	switch k := d.src.Types[src].Kind.(type) {
	case *wit.Alias:
		return &wit.Alias{Type: d.valType(k.Type)}
	case *wit.List:
		return &wit.List{Elem: d.valType(k.Elem)}
	case *wit.Map:
		kk := d.valType(k.Key)
		return &wit.Map{Key: kk, Value: d.valType(k.Value)}
	case *wit.FixedList:
		return &wit.FixedList{Elem: d.valType(k.Elem), Len: k.Len}
	case *wit.Tuple:
		tu := &wit.Tuple{}
		for _, e := range k.Types {
			tu.Types = append(tu.Types, d.valType(e))
		}
		return tu
	case *wit.Option:
		return &wit.Option{Type: d.valType(k.Type)}
	case *wit.Result:
		ok := d.optType(k.OK)
		return &wit.Result{OK: ok, Err: d.optType(k.Err)}
	case *wit.Record:
		r := &wit.Record{}
		for _, f := range k.Fields {
			r.Fields = append(r.Fields, wit.Field{Name: f.Name, Type: d.valType(f.Type)})
		}
		return r
	case *wit.Variant:
		v := &wit.Variant{}
		for _, c := range k.Cases {
			v.Cases = append(v.Cases, wit.Case{Name: c.Name, Type: d.optType(c.Type)})
		}
		return v
	case *wit.Flags:
		return &wit.Flags{Flags: append([]wit.Flag(nil), k.Flags...)}
	case *wit.Enum:
		return &wit.Enum{Cases: append([]wit.EnumCase(nil), k.Cases...)}
	case *wit.Own:
		return &wit.Own{Resource: d.handle(src, k.Resource)}
	case *wit.Borrow:
		return &wit.Borrow{Resource: d.handle(src, k.Resource)}
	case *wit.Future:
		return &wit.Future{Elem: d.optType(k.Elem)}
	case *wit.Stream:
		return &wit.Stream{Elem: d.optType(k.Elem)}
	case *wit.Resource:
		return &wit.Resource{}
	}
	d.fail("cannot convert type %s", d.src.TypeString(src))
	return nil
}

// handle converts the resource of an own or borrow handle type: the named
// type of the alias the handle was written with (`(own $r)` names the
// resource as $r, the alias a `use` brought into the function's scope), as
// wit-parser keys its type map by wasmparser's aliasable resource id.
func (d *worldDecoder) handle(handle, res wit.TypeID) wit.TypeID {
	if a := d.names.HandleAlias(handle); a != 0 {
		if id, ok := d.aliasMap[a]; ok {
			return id
		}
	}
	return d.resource(res)
}

func (d *worldDecoder) resource(src wit.TypeID) wit.TypeID {
	id, ok := d.typeMap[src]
	if !ok {
		d.fail("resource %s is used before it is named", d.src.TypeString(src))
	}
	return id
}

// function converts a function type; its name says what kind it is.
func (d *worldDecoder) function(name string, e types.Extern, owner wit.TypeOwner) *wit.Function {
	ft := e.Func
	f := &wit.Function{Name: name, ExternalID: e.ExternalID}
	for _, p := range ft.Params {
		f.Params = append(f.Params, wit.Param{Name: p.Name, Type: d.valType(p.Type)})
	}
	if ft.Result != nil {
		f.Result = d.valType(ft.Result)
	}
	rest := name
	var resFunc, accessor string
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		switch a := rest[1:end]; a {
		case "constructor", "method", "static":
			resFunc = a
		case "get", "set":
			accessor = a
		}
		rest = rest[end+1:]
	}
	resourceName := rest
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		resourceName = rest[:i]
	}
	res := func() wit.TypeID {
		id, ok := d.resources[ownerKey(owner)][resourceName]
		if !ok {
			d.fail("function `%s` names unknown resource `%s`", name, resourceName)
		}
		return id
	}
	switch {
	case resFunc == "" && accessor == "" && ft.Async:
		f.Kind = wit.AsyncFreestanding
	case resFunc == "" && accessor == "":
		f.Kind = wit.Freestanding
	case resFunc == "" && accessor == "get":
		f.Kind = wit.Getter
	case resFunc == "" && accessor == "set":
		f.Kind = wit.Setter
	case resFunc == "constructor":
		f.Kind, f.Resource = wit.Constructor, res()
	case resFunc == "method" && accessor == "get":
		f.Kind, f.Resource = wit.MethodGetter, res()
	case resFunc == "method" && accessor == "set":
		f.Kind, f.Resource = wit.MethodSetter, res()
	case resFunc == "method" && ft.Async:
		f.Kind, f.Resource = wit.AsyncMethod, res()
	case resFunc == "method":
		f.Kind, f.Resource = wit.Method, res()
	case resFunc == "static" && accessor == "get":
		f.Kind, f.Resource = wit.StaticGetter, res()
	case resFunc == "static" && accessor == "set":
		f.Kind, f.Resource = wit.StaticSetter, res()
	case resFunc == "static" && ft.Async:
		f.Kind, f.Resource = wit.AsyncStatic, res()
	default:
		f.Kind, f.Resource = wit.Static, res()
	}
	return f
}

// finish adds the foreign packages, dependencies first, then the root.
func (d *worldDecoder) finish() {
	order := []int{}
	state := make([]int, len(d.foreign)) // 0 new, 1 visiting, 2 done
	var visit func(i int)
	visit = func(i int) {
		switch state[i] {
		case 2:
			return
		case 1:
			d.fail("cannot represent this component in WIT: package `%s` creates a dependency cycle", d.foreign[i].Name)
		}
		state[i] = 1
		for _, iface := range d.foreign[i].Interfaces.Keys() {
			id, _ := d.foreign[i].Interfaces.Get(iface)
			for _, dep := range d.out.InterfaceDeps(id) {
				j, ok := d.ifacePkg[dep]
				if !ok {
					d.fail("cannot represent this component in WIT: package `%s` uses a type from an interface it can't depend on", d.foreign[i].Name)
				}
				if j != i {
					visit(j)
				}
			}
		}
		state[i] = 2
		order = append(order, i)
	}
	for i := range d.foreign {
		visit(i)
	}
	for _, i := range order {
		d.insertPackage(d.foreign[i])
	}
	d.insertPackage(d.root)
}

func (d *worldDecoder) insertPackage(p *wit.Package) {
	id := wit.PackageID(len(d.out.Packages))
	d.out.Packages = append(d.out.Packages, p)
	for _, iid := range p.Interfaces.Keys() {
		x, _ := p.Interfaces.Get(iid)
		d.out.Interfaces[x].Package = id
	}
	for _, wn := range p.Worlds.Keys() {
		wid, _ := p.Worlds.Get(wn)
		w := d.out.Worlds[wid]
		w.Package = id
		for _, items := range []*wit.OrderedMap[wit.WorldKey, wit.WorldItem]{&w.Imports, &w.Exports} {
			for k, it := range items.All() {
				if wi, ok := it.(*wit.WorldInterface); ok && !k.IsInterface() {
					if iface := d.out.Interfaces[wi.ID]; iface.Name == "" {
						iface.Package = id
					}
				}
			}
		}
	}
}

package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// scope is a type index space: a component's, or that of a component or
// instance type declaration, with the enclosing scope for outer aliases.
type scope struct {
	c             *Component
	types         *[]Extern
	instances     *[]*InstanceType
	coreFuncTypes *[]*CoreFuncType
	coreModTypes  *[]*ModuleType
	parent        *scope
	// template marks a type declaration: resources made here are abstract
	// templates, given fresh identities where the type is used.
	template bool
	abstract *[]wit.TypeID // resources declared by `(sub resource)` here
}

func (c *Component) scope() *scope {
	s := &scope{c: c, types: &c.TypeSpace, instances: &c.Instances,
		coreFuncTypes: &c.coreFuncTypes, coreModTypes: &c.coreModTypes}
	if c.Parent != nil {
		s.parent = c.Parent.scope()
	}
	return s
}

func (s *scope) typeAt(off uint64, i uint32) Extern {
	return (*s.types)[index(off, "type", i, len(*s.types))]
}

// valType converts a value type reference.
func (s *scope) valType(off uint64, vt binary.ValType) wit.Type {
	if vt.IsPrim() {
		return primitive(off, vt.Prim)
	}
	e := s.typeAt(off, vt.Index)
	if e.Sort != binary.SortType || e.Type == nil || s.c.isResource(e.Type) {
		fail(off, "type index %d is not a value type", vt.Index)
	}
	return e.Type
}

func (s *scope) optValType(off uint64, vt *binary.ValType) wit.Type {
	if vt == nil {
		return nil
	}
	return s.valType(off, *vt)
}

func primitive(off uint64, p binary.PrimValType) wit.Primitive {
	switch p {
	case binary.PrimBool:
		return wit.Bool
	case binary.PrimS8:
		return wit.S8
	case binary.PrimU8:
		return wit.U8
	case binary.PrimS16:
		return wit.S16
	case binary.PrimU16:
		return wit.U16
	case binary.PrimS32:
		return wit.S32
	case binary.PrimU32:
		return wit.U32
	case binary.PrimS64:
		return wit.S64
	case binary.PrimU64:
		return wit.U64
	case binary.PrimF32:
		return wit.F32
	case binary.PrimF64:
		return wit.F64
	case binary.PrimChar:
		return wit.Char
	case binary.PrimString:
		return wit.String
	case binary.PrimErrorContext:
		return wit.ErrorContext
	}
	fail(off, "unknown primitive type 0x%02x", uint8(p))
	return 0
}

// anon adds an anonymous type definition.
func (s *scope) anon(k wit.TypeDefKind) wit.TypeID {
	r := s.c.Types
	r.Types = append(r.Types, &wit.TypeDef{Kind: k})
	return wit.TypeID(len(r.Types) - 1)
}

// resource resolves the resource named by a type index in own/borrow.
func (s *scope) resource(off uint64, i uint32) wit.TypeID {
	e := s.typeAt(off, i)
	if e.Sort != binary.SortType || !s.c.isResource(e.Type) {
		fail(off, "type index %d is not a resource type", i)
	}
	return e.Type.(wit.TypeID)
}

// defType checks a type definition and returns its index-space entry.
func (s *scope) defType(off uint64, t binary.Type) Extern {
	ty := func(k wit.TypeDefKind) Extern { return Extern{Sort: binary.SortType, Type: s.anon(k)} }
	switch t := t.(type) {
	case binary.PrimValType:
		return Extern{Sort: binary.SortType, Type: primitive(off, t)}
	case *binary.RecordType:
		if len(t.Fields) == 0 {
			fail(off, "record type must have at least one field")
		}
		labels := &labelSet{what: "field"}
		rec := &wit.Record{}
		for _, f := range t.Fields {
			labels.add(off, f.Name)
			rec.Fields = append(rec.Fields, wit.Field{Name: f.Name, Type: s.valType(off, f.Type)})
		}
		return ty(rec)
	case *binary.VariantType:
		if len(t.Cases) == 0 {
			fail(off, "variant type must have at least one case")
		}
		labels := &labelSet{what: "case"}
		v := &wit.Variant{}
		for _, cs := range t.Cases {
			labels.add(off, cs.Name)
			v.Cases = append(v.Cases, wit.Case{Name: cs.Name, Type: s.optValType(off, cs.Type)})
		}
		return ty(v)
	case *binary.ListType:
		return ty(&wit.List{Elem: s.valType(off, t.Elem)})
	case *binary.FixedListType:
		if t.Len == 0 {
			fail(off, "fixed-length list must have a length of at least 1")
		}
		return ty(&wit.FixedList{Elem: s.valType(off, t.Elem), Len: t.Len})
	case *binary.TupleType:
		if len(t.Types) == 0 {
			fail(off, "tuple type must have at least one type")
		}
		tu := &wit.Tuple{}
		for _, e := range t.Types {
			tu.Types = append(tu.Types, s.valType(off, e))
		}
		return ty(tu)
	case *binary.FlagsType:
		if len(t.Names) == 0 || len(t.Names) > 32 {
			fail(off, "flags type must have between 1 and 32 flags, found %d", len(t.Names))
		}
		labels := &labelSet{what: "flag"}
		fl := &wit.Flags{}
		for _, n := range t.Names {
			labels.add(off, n)
			fl.Flags = append(fl.Flags, wit.Flag{Name: n})
		}
		return ty(fl)
	case *binary.EnumType:
		if len(t.Names) == 0 {
			fail(off, "enum type must have at least one case")
		}
		labels := &labelSet{what: "case"}
		en := &wit.Enum{}
		for _, n := range t.Names {
			labels.add(off, n)
			en.Cases = append(en.Cases, wit.EnumCase{Name: n})
		}
		return ty(en)
	case *binary.OptionType:
		return ty(&wit.Option{Type: s.valType(off, t.Elem)})
	case *binary.ResultType:
		return ty(&wit.Result{OK: s.optValType(off, t.OK), Err: s.optValType(off, t.Err)})
	case *binary.OwnType:
		return ty(&wit.Own{Resource: s.resource(off, t.Resource)})
	case *binary.BorrowType:
		return ty(&wit.Borrow{Resource: s.resource(off, t.Resource)})
	case *binary.FutureType:
		return ty(&wit.Future{Elem: s.optValType(off, t.Elem)})
	case *binary.StreamType:
		return ty(&wit.Stream{Elem: s.optValType(off, t.Elem)})
	case *binary.MapType:
		return ty(&wit.Map{Key: s.valType(off, t.Key), Value: s.valType(off, t.Value)})
	case *binary.FuncType:
		return Extern{Sort: binary.SortFunc, Func: s.funcType(off, t)}
	case *binary.InstanceType:
		return Extern{Sort: binary.SortInstance, Instance: s.instanceType(off, t)}
	case *binary.ComponentType:
		return Extern{Sort: binary.SortComponent, Component: s.componentType(off, t)}
	case *binary.ResourceType:
		if s.template {
			fail(off, "resource types cannot be defined inside a type declaration")
		}
		if t.Rep != binary.I32 {
			fail(off, "resource representation must be i32")
		}
		id := s.c.newResource("")
		info := &ResourceInfo{Dtor: t.Dtor, Component: s.c}
		if t.Dtor != nil {
			ft := s.c.CoreFuncs[index(off, "core func", *t.Dtor, len(s.c.CoreFuncs))]
			if ft != nil && !sameCoreFunc(ft, &CoreFuncType{Params: []binary.CoreValType{binary.I32}}) {
				fail(off, "resource destructor must have type (func (param i32)), found %s", ft)
			}
		}
		s.c.Resources[id] = info
		return Extern{Sort: binary.SortType, Type: id}
	}
	fail(off, "unexpected type %T", t)
	return Extern{}
}

func (s *scope) funcType(off uint64, t *binary.FuncType) *FuncType {
	ft := &FuncType{Async: t.Async}
	labels := &labelSet{what: "parameter"}
	for _, p := range t.Params {
		labels.add(off, p.Name)
		ft.Params = append(ft.Params, Param{Name: p.Name, Type: s.valType(off, p.Type)})
	}
	ft.Result = s.optValType(off, t.Result)
	if ft.Result != nil && s.c.containsBorrow(ft.Result) {
		fail(off, "function result cannot contain a borrow type")
	}
	return ft
}

// containsBorrow reports whether a value type contains a borrow handle.
func (c *Component) containsBorrow(t wit.Type) bool {
	found := false
	walkType(c.Types, t, func(td *wit.TypeDef) {
		if _, ok := td.Kind.(*wit.Borrow); ok {
			found = true
		}
	})
	return found
}

// walkType calls fn for every type definition reachable from t.
func walkType(r *wit.Resolve, t wit.Type, fn func(*wit.TypeDef)) {
	seen := map[wit.TypeID]bool{}
	var walk func(t wit.Type)
	walk = func(t wit.Type) {
		id, ok := t.(wit.TypeID)
		if !ok || seen[id] {
			return
		}
		seen[id] = true
		td := r.Types[id]
		fn(td)
		forEachChild(td.Kind, walk)
	}
	walk(t)
}

// forEachChild calls fn for the value types a kind refers to (not the
// resource of a handle).
func forEachChild(k wit.TypeDefKind, fn func(wit.Type)) {
	opt := func(t wit.Type) {
		if t != nil {
			fn(t)
		}
	}
	switch k := k.(type) {
	case *wit.Record:
		for _, f := range k.Fields {
			fn(f.Type)
		}
	case *wit.Variant:
		for _, c := range k.Cases {
			opt(c.Type)
		}
	case *wit.Tuple:
		for _, e := range k.Types {
			fn(e)
		}
	case *wit.List:
		fn(k.Elem)
	case *wit.FixedList:
		fn(k.Elem)
	case *wit.Option:
		fn(k.Type)
	case *wit.Result:
		opt(k.OK)
		opt(k.Err)
	case *wit.Future:
		opt(k.Elem)
	case *wit.Stream:
		opt(k.Elem)
	case *wit.Map:
		fn(k.Key)
		fn(k.Value)
	case *wit.Alias:
		fn(k.Type)
	}
}

// declScope returns a fresh scope for a type declaration nested in s.
func (s *scope) declScope(abstract *[]wit.TypeID) *scope {
	var types []Extern
	var instances []*InstanceType
	var cf []*CoreFuncType
	var cm []*ModuleType
	return &scope{c: s.c, types: &types, instances: &instances, coreFuncTypes: &cf,
		coreModTypes: &cm, parent: s, template: true, abstract: abstract}
}

func (s *scope) instanceType(off uint64, t *binary.InstanceType) *InstanceType {
	it := &InstanceType{}
	ds := s.declScope(&it.Abstract)
	names := &nameSet{}
	for _, d := range t.Decls {
		if ex, ok := d.(*binary.ExportDecl); ok {
			name := ex.Name.FullName()
			names.add(off, name, "export")
			it.Exports.Set(name, ds.declExtern(off, ex.Type, name, &it.Abstract))
			continue
		}
		ds.decl(off, d)
	}
	return it
}

func (s *scope) componentType(off uint64, t *binary.ComponentType) *ComponentType {
	ct := &ComponentType{}
	ds := s.declScope(nil)
	imports, exports := &nameSet{}, &nameSet{}
	for _, d := range t.Decls {
		switch d := d.(type) {
		case *binary.ImportDecl:
			name := d.Import.Name.FullName()
			imports.add(off, name, "import")
			e := ds.declExtern(off, d.Import.Type, name, &ct.Imported)
			if e.Sort == binary.SortInstance {
				ct.Imported = append(ct.Imported, e.Instance.Abstract...)
				e.Instance.Abstract = nil
			}
			ct.Imports.Set(name, e)
		case *binary.ExportDecl:
			name := d.Name.FullName()
			exports.add(off, name, "export")
			e := ds.declExtern(off, d.Type, name, &ct.Defined)
			if e.Sort == binary.SortInstance {
				ct.Defined = append(ct.Defined, e.Instance.Abstract...)
				e.Instance.Abstract = nil
			}
			ct.Exports.Set(name, e)
		default:
			ds.decl(off, d)
		}
	}
	return ct
}

// decl handles the declarators shared by component and instance types.
func (s *scope) decl(off uint64, d binary.Decl) {
	switch d := d.(type) {
	case *binary.TypeDecl:
		*s.types = append(*s.types, s.defType(off, d.Type))
	case *binary.CoreTypeDecl:
		switch ct := d.Type.(type) {
		case *binary.CoreModuleType:
			*s.coreFuncTypes = append(*s.coreFuncTypes, nil)
			*s.coreModTypes = append(*s.coreModTypes, s.c.moduleTypeIn(off, ct, s))
		case *binary.CoreRecGroup:
			for _, st := range ct.Types {
				ft, _ := st.Type.(*binary.CoreFuncType)
				*s.coreFuncTypes = append(*s.coreFuncTypes, ft)
				*s.coreModTypes = append(*s.coreModTypes, nil)
			}
		}
	case *binary.AliasDecl:
		a := d.Alias
		switch t := a.Target.(type) {
		case binary.AliasOuter:
			outer := s
			for i := uint32(0); i < t.Count; i++ {
				if outer.parent == nil {
					fail(off, "outer alias count %d is deeper than the enclosing scopes", t.Count)
				}
				outer = outer.parent
			}
			switch a.Sort {
			case binary.SortType:
				e := outer.typeAt(off, t.Index)
				if t.Count > 0 && e.Sort == binary.SortType && s.c.isResource(e.Type) && !outer.template {
					if _, defined := s.c.Resources[e.Type.(wit.TypeID)]; defined {
						fail(off, "outer alias of a defined resource type into a type declaration is not allowed")
					}
				}
				*s.types = append(*s.types, e)
			case binary.SortCoreType:
				i := index(off, "core type", t.Index, len(*outer.coreFuncTypes))
				*s.coreFuncTypes = append(*s.coreFuncTypes, (*outer.coreFuncTypes)[i])
				*s.coreModTypes = append(*s.coreModTypes, (*outer.coreModTypes)[i])
			default:
				fail(off, "outer alias of a %s is not allowed in a type declaration", a.Sort)
			}
		case binary.AliasExport:
			it := (*s.instances)[index(off, "instance", t.Instance, len(*s.instances))]
			e, ok := it.Exports.Get(t.Name)
			if !ok {
				fail(off, "instance %d has no export %q", t.Instance, t.Name)
			}
			if e.Sort != a.Sort || a.Sort != binary.SortType {
				fail(off, "only type exports can be aliased in a type declaration")
			}
			*s.types = append(*s.types, e)
		default:
			fail(off, "this alias is not allowed in a type declaration")
		}
	default:
		fail(off, "unexpected declarator %T", d)
	}
}

// declExtern resolves the type of an import or export declarator and adds
// the item to the declaration's index spaces. `(sub resource)` makes a new
// abstract resource, recorded in abstract.
func (s *scope) declExtern(off uint64, et binary.ExternType, name string, abstract *[]wit.TypeID) Extern {
	if isSubResource(et) {
		r := s.c.Types
		r.Types = append(r.Types, &wit.TypeDef{Name: name, Kind: &wit.Resource{}})
		id := wit.TypeID(len(r.Types) - 1)
		*abstract = append(*abstract, id)
		e := Extern{Sort: binary.SortType, Type: id}
		*s.types = append(*s.types, e)
		return e
	}
	e := s.c.externType(off, et, s)
	switch e.Sort {
	case binary.SortType:
		*s.types = append(*s.types, e)
	case binary.SortInstance:
		// A fresh copy: the abstract resources of this use are its own.
		e = s.templateCopy(e)
		*s.instances = append(*s.instances, e.Instance)
	}
	return e
}

// templateCopy copies an instance type with new abstract resources.
func (s *scope) templateCopy(e Extern) Extern {
	if len(e.Instance.Abstract) == 0 {
		return e
	}
	m := map[wit.TypeID]wit.TypeID{}
	var fresh []wit.TypeID
	r := s.c.Types
	for _, a := range e.Instance.Abstract {
		r.Types = append(r.Types, &wit.TypeDef{Name: r.Types[a].Name, Kind: &wit.Resource{}})
		id := wit.TypeID(len(r.Types) - 1)
		m[a] = id
		fresh = append(fresh, id)
	}
	e = substExtern(r, e, m)
	e.Instance.Abstract = fresh
	return e
}

func isSubResource(et binary.ExternType) bool {
	_, ok := et.(binary.ExternSubResource)
	return ok
}

// externType resolves the type of an import, export or declarator.
func (c *Component) externType(off uint64, et binary.ExternType, s *scope) Extern {
	switch et := et.(type) {
	case binary.ExternFunc:
		e := s.typeAt(off, et.Type)
		if e.Sort != binary.SortFunc {
			fail(off, "type index %d is not a function type", et.Type)
		}
		return e
	case binary.ExternInstance:
		e := s.typeAt(off, et.Type)
		if e.Sort != binary.SortInstance {
			fail(off, "type index %d is not an instance type", et.Type)
		}
		return e
	case binary.ExternComponent:
		e := s.typeAt(off, et.Type)
		if e.Sort != binary.SortComponent {
			fail(off, "type index %d is not a component type", et.Type)
		}
		return e
	case binary.ExternTypeEq:
		e := s.typeAt(off, et.Type)
		if e.Sort != binary.SortType {
			fail(off, "type index %d is not a value or resource type", et.Type)
		}
		return e
	case binary.ExternCoreModule:
		i := index(off, "core type", et.Type, len(*s.coreFuncTypes))
		mt := (*s.coreModTypes)[i]
		if mt == nil {
			fail(off, "core type index %d is not a module type", et.Type)
		}
		return Extern{Sort: binary.SortCoreModule, Module: mt}
	case binary.ExternValue:
		failNotSupported(off, "component-model values")
	}
	fail(off, "unexpected extern type %T", et)
	return Extern{}
}

// moduleTypeIn checks a module type declared inside a type declaration.
func (c *Component) moduleTypeIn(off uint64, t *binary.CoreModuleType, s *scope) *ModuleType {
	saved := c.coreFuncTypes
	c.coreFuncTypes = *s.coreFuncTypes
	defer func() { c.coreFuncTypes = saved }()
	return c.moduleType(off, t)
}

// typeDef handles a type section entry of the component.
func (c *Component) typeDef(off uint64, t binary.Type) {
	s := c.scope()
	e := s.defType(off, t)
	c.TypeSpace = append(c.TypeSpace, e)
	if id, ok := e.Type.(wit.TypeID); ok && c.Resources[id] != nil && c.Resources[id].Component == c {
		c.Defs = append(c.Defs, &ResourceDef{Type: id})
		return
	}
	c.Defs = append(c.Defs, &StaticDef{Sort: binary.SortType})
}

// labelSet checks that labels (fields, cases, flags, params) are valid and
// strongly unique.
type labelSet struct {
	what string
	seen map[string]string
}

func (l *labelSet) add(off uint64, name string) {
	if !isKebab(name) {
		fail(off, "%s name %q is not in kebab case", l.what, name)
	}
	if l.seen == nil {
		l.seen = map[string]string{}
	}
	key := wit.CanonicalName(name)
	if prev, ok := l.seen[key]; ok {
		fail(off, "%s %q conflicts with %s %q", l.what, name, l.what, prev)
	}
	l.seen[key] = name
}

// isKebab reports whether s is a kebab-case label: words of lowercase or
// uppercase letters and digits separated by single '-', the first word
// starting with a letter.
func isKebab(s string) bool {
	if s == "" {
		return false
	}
	first, lower, upper, empty := true, false, false, true
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '-':
			if empty {
				return false
			}
			first, lower, upper, empty = false, false, false, true
			continue
		case ch >= 'a' && ch <= 'z':
			if upper {
				return false
			}
			lower = true
		case ch >= 'A' && ch <= 'Z':
			if lower {
				return false
			}
			upper = true
		case ch >= '0' && ch <= '9':
			if first && empty {
				return false
			}
		default:
			return false
		}
		empty = false
	}
	return !empty
}

func describe(e Extern) string {
	return fmt.Sprintf("a %s", e.Sort)
}

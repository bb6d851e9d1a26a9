package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// componentType checks a (component …) type declaration.
func (s *state) componentType(off uint64, t *binary.ComponentType) *ComponentType {
	ds := newState(s.cx, kindComponentType, s)
	checkMax(off, 0, len(t.Decls), 1_000_000, "component type declarations")
	for _, d := range t.Decls {
		switch d := d.(type) {
		case *binary.CoreTypeDecl:
			ds.addCoreType(off, d.Type)
		case *binary.TypeDecl:
			ds.addType(off, d.Type)
		case *binary.ExportDecl:
			e, ref := ds.checkTypeRef(off, d.Type)
			ds.addExport(off, d.Name, e, ref)
		case *binary.ImportDecl:
			ds.addImport(off, d.Import)
		case *binary.AliasDecl:
			ds.addAlias(off, d.Alias)
		default:
			fail(off, "unexpected component type declaration %T", d)
		}
	}
	return ds.finish(off)
}

// instanceType checks an (instance …) type declaration.
func (s *state) instanceType(off uint64, t *binary.InstanceType) *InstanceType {
	ds := newState(s.cx, kindInstanceType, s)
	checkMax(off, 0, len(t.Decls), 1_000_000, "instance type declarations")
	for _, d := range t.Decls {
		switch d := d.(type) {
		case *binary.CoreTypeDecl:
			ds.addCoreType(off, d.Type)
		case *binary.TypeDecl:
			ds.addType(off, d.Type)
		case *binary.ExportDecl:
			e, ref := ds.checkTypeRef(off, d.Type)
			ds.addExport(off, d.Name, e, ref)
		case *binary.AliasDecl:
			ds.addAlias(off, d.Alias)
		default:
			fail(off, "unexpected instance type declaration %T", d)
		}
	}
	return &InstanceType{Exports: ds.exports, Abstract: ds.definedResources, info: ds.info}
}

// checkTypeRef resolves the type of an import, an export declaration or
// an export ascription (check_type_ref). For `(type (eq i))` it returns the
// new identity of the type and the type referred to.
func (s *state) checkTypeRef(off uint64, et binary.ExternType) (e, referenced Extern) {
	switch et := et.(type) {
	case binary.ExternCoreModule:
		ct := s.coreTypeAt(off, et.Type)
		if ct.mod == nil {
			fail(off, "core type index %d is not a module type", et.Type)
		}
		e = Extern{Sort: binary.SortCoreModule, Module: ct.mod}
	case binary.ExternFunc:
		e = Extern{Sort: binary.SortFunc, Func: s.funcTypeAt(off, et.Type)}
	case binary.ExternValue:
		s.checkValues(off)
	case binary.ExternTypeEq:
		referenced = s.typeAt(off, et.Type)
		return s.cx.unique(referenced), referenced
	case binary.ExternSubResource:
		id := s.cx.newResource("")
		e = Extern{Sort: binary.SortType, Type: id}
		return e, e
	case binary.ExternInstance:
		t := s.typeAt(off, et.Type)
		if t.Instance == nil {
			fail(off, "type index %d is not an instance type", et.Type)
		}
		e = Extern{Sort: binary.SortInstance, Instance: t.Instance}
	case binary.ExternComponent:
		t := s.typeAt(off, et.Type)
		if t.Component == nil {
			fail(off, "type index %d is not a component type", et.Type)
		}
		e = Extern{Sort: binary.SortComponent, Component: t.Component}
	default:
		fail(off, "unexpected extern type %T", et)
	}
	return e, e
}

// addImport checks an import of a component or component type.
func (s *state) addImport(off uint64, im binary.Import) Extern {
	e, ref := s.checkTypeRef(off, im.Type)
	e.ExternalID, _ = im.Name.ExternalID()
	name := im.Name.FullName()
	s.nameResource(&e, name)
	s.addEntity(off, &e, ref, true, kindImport, name)
	s.topImported.validateExtern(s, off, im.Name, kindImport, e, s.importNames, &s.imports, &s.info)
	return e
}

// addExport checks an export of a component, component type or instance
// type (add_export).
func (s *state) addExport(off uint64, n binary.ExternName, e, ref Extern) Extern {
	checkMax(off, s.exports.Len(), 1, maxExports, "exports")
	name := n.FullName()
	e.ExternalID, _ = n.ExternalID()
	s.nameResource(&e, name)
	s.addEntity(off, &e, ref, true, kindExport, name)
	s.topExported.validateExtern(s, off, n, kindExport, e, s.exportNames, &s.exports, &s.info)
	return e
}

// nameResource names an unnamed resource after the first import or export
// of it, for messages and for the runtime.
func (s *state) nameResource(e *Extern, name string) {
	if e.Sort != binary.SortType {
		return
	}
	if id, ok := e.Type.(wit.TypeID); ok && s.cx.isResource(id) && s.cx.r.Types[id].Name == "" {
		s.cx.r.Types[id].Name = name
	}
}

// addAlias checks an alias (add_alias).
func (s *state) addAlias(off uint64, a binary.Alias) {
	if s.kind != kindComponent {
		ok := false
		switch a.Target.(type) {
		case binary.AliasExport:
			ok = a.Sort == binary.SortType || a.Sort == binary.SortInstance
		case binary.AliasOuter:
			ok = a.Sort == binary.SortType || a.Sort == binary.SortCoreType
		}
		if !ok {
			fail(off, "aliases in a component or instance type may only refer to types or instances")
		}
	}
	switch t := a.Target.(type) {
	case binary.AliasExport:
		s.aliasInstanceExport(off, a.Sort, t)
	case binary.AliasCoreExport:
		s.aliasCoreExport(off, a.Sort, t)
	case binary.AliasOuter:
		s.aliasOuter(off, a.Sort, t)
	default:
		fail(off, "unexpected alias target %T", t)
	}
}

func (s *state) aliasInstanceExport(off uint64, sort binary.Sort, t binary.AliasExport) {
	if sort == binary.SortValue {
		s.checkValues(off)
	}
	it := s.instanceAt(off, t.Instance)
	e, ok := it.Exports.Get(t.Name)
	if !ok {
		fail(off, "instance %d has no export named `%s`", t.Instance, t.Name)
	}
	if e.Sort != sort {
		fail(off, "export `%s` for instance %d is not a %s", t.Name, t.Instance, sortDesc(sort))
	}
	s.addEntity(off, &e, e, false, kindImport, "")
}

// outerState returns the scope count levels out (check_alias_count).
func (s *state) outerState(off uint64, count uint32) *state {
	o := s
	for i := uint32(0); i < count; i++ {
		if o.parent == nil {
			fail(off, "invalid outer alias count of %d", count)
		}
		o = o.parent
	}
	return o
}

func (s *state) aliasOuter(off uint64, sort binary.Sort, t binary.AliasOuter) {
	o := s.outerState(off, t.Count)
	switch sort {
	case binary.SortCoreModule:
		m := o.moduleAt(off, t.Index)
		checkMax(off, len(s.coreModules), 1, maxModules, "modules")
		s.coreModules = append(s.coreModules, m)
	case binary.SortComponent:
		c := o.componentAt(off, t.Index)
		checkMax(off, len(s.components), 1, maxComponents, "components")
		s.components = append(s.components, c)
		if s.kind == kindComponent {
			var n *Component
			if o.kind == kindComponent && int(t.Index) < len(o.nested) {
				n = o.nested[t.Index]
			}
			s.nested = append(s.nested, n)
		}
	case binary.SortCoreType:
		ct := *o.coreTypeAt(off, t.Index)
		checkMax(off, len(s.types)+len(s.coreTypes), 1, maxTypes, "types")
		s.coreTypes = append(s.coreTypes, ct)
	case binary.SortType:
		e := o.typeAt(off, t.Index)
		// An alias that crosses into a component definition may not bring
		// in resources from outside it: each component stays an isolated
		// unit.
		if t.Count > 0 {
			inner := s.outerState(off, t.Count-1)
			if inner.kind == kindComponent {
				inner.outerAliasSize = addSizes(off, inner.outerAliasSize, s.cx.typeSize(e).size)
				free := map[wit.TypeID]bool{}
				s.cx.freeVarsType(e, free)
				if len(free) > 0 {
					fail(off, "cannot alias outer type which transitively refers to resources not defined in the current component")
				}
			}
		}
		checkMax(off, len(s.types)+len(s.coreTypes), 1, maxTypes, "types")
		s.types = append(s.types, e)
	default:
		fail(off, "invalid outer alias of a %s", sort)
	}
}

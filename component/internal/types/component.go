package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// component checks a component definition (the outermost one, or one
// nested in parent).
func (cx *checker) component(bin *binary.Component, parent *state, parentComp *Component) *Component {
	comp := &Component{Bin: bin, Parent: parentComp, Types: cx.r, Resources: cx.res, Names: cx.names}
	s := newState(cx, kindComponent, parent)
	s.comp = comp
	comp.st = s
	for _, sec := range bin.Sections {
		s.section(sec)
	}
	end := bin.Offset + bin.Size
	comp.Type = s.finish(end)
	comp.CoreFuncs = s.coreFuncs
	comp.CoreTables = len(s.coreTables)
	comp.CoreMemories = len(s.coreMemories)
	comp.CoreGlobals = len(s.coreGlobals)
	comp.CoreTags = len(s.coreTags)
	for _, t := range s.coreTypes {
		comp.CoreTypes = append(comp.CoreTypes, t.bin)
	}
	comp.CoreModules = s.coreModules
	comp.CoreInstances = s.coreInstances
	comp.Funcs = s.funcs
	comp.TypeSpace = s.types
	comp.Components = s.components
	comp.Nested = s.nested
	comp.Instances = s.instances
	comp.Imports = s.imports
	comp.Exports = s.exports
	return comp
}

// section checks one section of a component definition.
func (s *state) section(sec binary.Section) {
	comp := s.comp
	switch sec := sec.(type) {
	case *binary.CustomSection:
	case *binary.CoreModuleSection:
		checkMax(sec.Offset, len(s.coreModules), 1, maxModules, "modules")
		s.coreModules = append(s.coreModules, s.coreModule(sec.Offset, sec.Module))
		comp.Defs = append(comp.Defs, &CoreModuleDef{Module: sec.Module})
	case *binary.CoreInstanceSection:
		for i, inst := range sec.Instances {
			s.coreInstance(sec.Offsets[i], inst)
			comp.Defs = append(comp.Defs, &CoreInstanceDef{Instance: inst})
		}
	case *binary.CoreTypeSection:
		for i, t := range sec.Types {
			s.addCoreType(sec.Offsets[i], t)
			comp.Defs = append(comp.Defs, &StaticDef{Sort: binary.SortCoreType})
		}
	case *binary.ComponentSection:
		checkMax(sec.Offset, len(s.components), 1, maxComponents, "components")
		nested := s.cx.component(sec.Component, s, comp)
		s.components = append(s.components, nested.Type)
		s.nested = append(s.nested, nested)
		comp.Defs = append(comp.Defs, &ComponentDef{Component: nested})
	case *binary.InstanceSection:
		for i, inst := range sec.Instances {
			s.instance(sec.Offsets[i], inst)
			comp.Defs = append(comp.Defs, &InstanceDef{Instance: inst})
		}
	case *binary.AliasSection:
		for i, a := range sec.Aliases {
			s.addAlias(sec.Offsets[i], a)
			comp.Defs = append(comp.Defs, &AliasDef{Alias: a})
		}
	case *binary.TypeSection:
		for i, t := range sec.Types {
			e := s.addType(sec.Offsets[i], t)
			if id, ok := e.Type.(wit.TypeID); ok && s.cx.res[id] != nil && s.cx.res[id].Component == comp && s.definedRep[id] {
				comp.Defs = append(comp.Defs, &ResourceDef{Type: id})
				continue
			}
			comp.Defs = append(comp.Defs, &StaticDef{Sort: binary.SortType})
		}
	case *binary.CanonSection:
		for i, f := range sec.Funcs {
			comp.Defs = append(comp.Defs, s.canon(sec.Offsets[i], f))
		}
	case *binary.StartSection:
		s.start(sec)
	case *binary.ImportSection:
		for i, im := range sec.Imports {
			e := s.addImport(sec.Offsets[i], im)
			comp.Defs = append(comp.Defs, &ImportDef{Name: im.Name.FullName(), Type: e})
		}
	case *binary.ExportSection:
		checkMax(sec.Offset, s.exports.Len(), len(sec.Exports), maxExports, "exports")
		for i, ex := range sec.Exports {
			off := sec.Offsets[i]
			e, ref := s.exportType(off, ex)
			s.addExport(off, ex.Name, e, ref)
			comp.Defs = append(comp.Defs, &ExportDef{Name: ex.Name.FullName(), Item: ex.SortIdx})
		}
	case *binary.ValueSection:
		s.checkValues(sec.Offset)
	default:
		fail(sec.Header().Offset, "unexpected section %T", sec)
	}
}

// start checks a start function (component-model values).
func (s *state) start(sec *binary.StartSection) {
	s.cx.require(sec.Offset, featValues, "support for component model `value`s is not enabled")
	if s.hasStart {
		fail(sec.Offset, "component cannot have more than one start function")
	}
	s.hasStart = true
	failNotSupported(sec.Offset, "start functions (component-model values)")
}

// exportType gives the type of an export, checked against its ascription
// (export_to_entity_type).
func (s *state) exportType(off uint64, ex binary.Export) (e, referenced Extern) {
	actual := s.item(off, ex.SortIdx)
	referenced = actual
	if ex.Sort == binary.SortType {
		actual = s.cx.unique(actual)
	}
	if ex.Type == nil {
		return actual, referenced
	}
	asc, ascRef := s.checkTypeRef(off, ex.Type)
	if err := s.cx.subExtern(actual, asc); err != nil {
		fail(off, "ascribed type of export is not compatible with item's type: %v", err)
	}
	return asc, ascRef
}

// instance checks an instance definition.
func (s *state) instance(off uint64, inst binary.Instance) {
	var it *InstanceType
	switch inst := inst.(type) {
	case *binary.Instantiate:
		it = s.instantiate(off, inst)
	case *binary.InstanceExports:
		it = s.bagOfExports(off, inst)
	default:
		fail(off, "unexpected instance %T", inst)
	}
	s.instances = append(s.instances, it)
	checkMax(off, len(s.instances)+len(s.coreInstances), 0, maxInstances, "instances")
}

// instantiate type-checks the instantiation of a component and returns
// the type of the instance (instantiate_component).
func (s *state) instantiate(off uint64, inst *binary.Instantiate) *InstanceType {
	ct := s.componentAt(off, inst.Component)
	args := map[string]Extern{}
	checkMax(off, 0, len(inst.Args), 100_000, "instantiation arguments")
	for _, a := range inst.Args {
		e := s.item(off, a.SortIdx)
		if _, dup := args[a.Name]; dup {
			fail(off, "instantiation argument `%s` conflicts with previous argument `%s`", a.Name, a.Name)
		}
		args[a.Name] = e
	}
	it := &InstanceType{info: newSize()}
	for _, e := range ct.Exports.All() {
		it.info.add(off, s.cx.typeSize(e))
	}
	m, err := s.cx.openInstance(args, ct, kindImport)
	if err != nil {
		fail(off, "%v", err)
	}
	var fresh []wit.TypeID
	for _, r := range ct.Defined {
		n := s.cx.newResource(s.cx.r.Types[r].Name)
		m.res[r] = n
		fresh = append(fresh, n)
	}
	for name, e := range ct.Exports.All() {
		it.Exports.Set(name, m.extern(e))
	}
	for _, r := range fresh {
		s.addDefined(r, false)
	}
	return it
}

// bagOfExports checks an instance made of inline exports.
func (s *state) bagOfExports(off uint64, inst *binary.InstanceExports) *InstanceType {
	it := &InstanceType{info: newSize()}
	names := map[string]string{}
	var cx nameContext // empty: a bag of exports defines no resources
	for _, ex := range inst.Exports {
		e := s.item(off, ex.SortIdx)
		if e.Sort == binary.SortValue && s.cx.info(e.value).borrow {
			fail(off, "exported value type cannot contain a `borrow` type")
		}
		cx.validateExtern(s, off, ex.Name, kindExport, e, names, &it.Exports, &it.info)
	}
	return it
}

package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// ---- core types ----

// addCoreType handles a core type definition or declaration (add_core_type).
func (s *state) addCoreType(off uint64, t binary.CoreType) {
	switch t := t.(type) {
	case *binary.CoreRecGroup:
		checkMax(off, len(s.types)+len(s.coreTypes), len(t.Types), maxTypes, "types")
		checkRecGroup(off, t, len(s.coreTypes), func(i uint32) *coreTypeEntry { return &s.coreTypes[i] })
		for i := range t.Types {
			st := &t.Types[i]
			e := coreTypeEntry{group: t, sub: st, bin: t}
			if ft, ok := st.Type.(*binary.CoreFuncType); ok {
				e.fn = ft
			}
			s.coreTypes = append(s.coreTypes, e)
		}
	case *binary.CoreModuleType:
		checkMax(off, len(s.types)+len(s.coreTypes), 1, maxTypes, "types")
		s.coreTypes = append(s.coreTypes, coreTypeEntry{mod: s.moduleType(off, t), bin: t})
	default:
		fail(off, "unexpected core type %T", t)
	}
}

// moduleType checks a core module type declaration (create_module_type).
func (s *state) moduleType(off uint64, t *binary.CoreModuleType) *ModuleType {
	mt := &ModuleType{Exports: map[string]CoreExtern{}, info: newSize()}
	var local []*coreTypeEntry // the module type's own type index space
	typeAt := func(i uint32) *coreTypeEntry {
		if uint64(i) >= uint64(len(local)) {
			fail(off, "unknown type %d: type index out of bounds", i)
		}
		return local[i]
	}
	seen := map[[2]string]bool{}
	checkMax(off, 0, len(t.Decls), 100_000, "module type declarations")
	for _, d := range t.Decls {
		switch d := d.(type) {
		case *binary.CoreTypeDecl:
			g, ok := d.Type.(*binary.CoreRecGroup)
			if !ok {
				fail(off, "a module type cannot declare %T", d.Type)
			}
			checkRecGroup(off, g, len(local), func(i uint32) *coreTypeEntry { return local[i] })
			for i := range g.Types {
				e := &coreTypeEntry{group: g, sub: &g.Types[i], bin: g}
				e.fn, _ = g.Types[i].Type.(*binary.CoreFuncType)
				local = append(local, e)
			}
		case *binary.CoreOuterAliasDecl:
			var e *coreTypeEntry
			if d.Count == 0 {
				e = typeAt(d.Index)
			} else {
				o := s.outerState(off, d.Count-1)
				e = o.coreTypeAt(off, d.Index)
				if e.mod != nil {
					fail(off, "not implemented: aliasing core module types into a core module's types index space")
				}
			}
			checkMax(off, len(local), 1, maxTypes, "types")
			local = append(local, e)
		case *binary.CoreImportDecl:
			ext := s.coreExternType(off, d.Import.Type, func(i uint32) *CoreFuncType {
				e := typeAt(i)
				if e.fn == nil {
					fail(off, "type index %d is not a function type", i)
				}
				return e.fn
			})
			key := [2]string{d.Import.Module, d.Import.Name}
			if seen[key] {
				fail(off, "module has a duplicate import name `%s:%s` that is not allowed in components", key[0], key[1])
			}
			seen[key] = true
			mt.Imports = append(mt.Imports, CoreImport{Module: d.Import.Module, Name: d.Import.Name, Type: ext})
			mt.info.size = addSizes(off, mt.info.size, coreExternSize(ext))
		case *binary.CoreExportDecl:
			ext := s.coreExternType(off, d.Type, func(i uint32) *CoreFuncType {
				e := typeAt(i)
				if e.fn == nil {
					fail(off, "type index %d is not a function type", i)
				}
				return e.fn
			})
			if _, dup := mt.Exports[d.Name]; dup {
				fail(off, "duplicate export name `%s` already defined", d.Name)
			}
			mt.Exports[d.Name] = ext
			mt.info.size = addSizes(off, mt.info.size, coreExternSize(ext))
		default:
			fail(off, "unexpected module type declaration %T", d)
		}
	}
	return mt
}

// coreExternSize is the effective size of a core import or export.
func coreExternSize(e CoreExtern) uint32 {
	if e.Func != nil {
		return uint32(1 + len(e.Func.Params) + len(e.Func.Results))
	}
	return 1
}

// coreExternType checks a core import or export type (the core
// validator's check_type_ref); fn resolves function type indices.
func (s *state) coreExternType(off uint64, t binary.CoreExternType, fn func(uint32) *CoreFuncType) CoreExtern {
	cx := s.cx
	switch t := t.(type) {
	case binary.CoreFuncExtern:
		if t.Exact {
			cx.require(off, featCoreCustomDescriptors, "custom descriptors required for exact function imports")
		}
		return CoreExtern{Sort: binary.SortCoreFunc, Func: fn(t.Type), exact: t.Exact}
	case binary.CoreTableType:
		cx.checkTable(off, &t)
		return CoreExtern{Sort: binary.SortCoreTable, table: &t}
	case binary.CoreMemoryType:
		cx.checkMemory(off, &t)
		return CoreExtern{Sort: binary.SortCoreMemory, memory: &t}
	case binary.CoreGlobalType:
		cx.checkGlobal(off, &t)
		return CoreExtern{Sort: binary.SortCoreGlobal, global: &t}
	case binary.CoreTagType:
		cx.require(off, featCoreExceptions, "exceptions proposal not enabled")
		ft := fn(t.Type)
		if len(ft.Results) != 0 {
			fail(off, "invalid exception type: non-empty tag result type")
		}
		return CoreExtern{Sort: binary.SortCoreTag, Func: ft}
	}
	fail(off, "unexpected core extern type %T", t)
	return CoreExtern{}
}

func checkLimits(off uint64, l binary.Limits) {
	if l.HasMax && l.Min > l.Max {
		fail(off, "size minimum must not be greater than maximum")
	}
}

func (cx *checker) checkTable(off uint64, t *binary.CoreTableType) {
	checkLimits(off, t.Limits)
	if t.Limits.Is64 {
		cx.require(off, featCoreMemory64, "memory64 must be enabled for 64-bit tables")
	}
	if t.Limits.Shared {
		cx.require(off, featCoreSharedEverything, "shared tables require the shared-everything-threads proposal")
	}
	if !t.Limits.Is64 && (t.Limits.Min > 0xffff_ffff || t.Limits.HasMax && t.Limits.Max > 0xffff_ffff) {
		fail(off, "table size must be at most 0xffffffff entries")
	}
}

func (cx *checker) checkMemory(off uint64, t *binary.CoreMemoryType) {
	checkLimits(off, t.Limits)
	if t.Limits.Is64 {
		cx.require(off, featCoreMemory64, "memory64 must be enabled for 64-bit memories")
	}
	if t.Limits.Shared {
		cx.require(off, featCoreThreads, "threads must be enabled for shared memories")
	}
	pageLog2 := uint32(16)
	if t.PageSizeLog2 != nil {
		cx.require(off, featCoreCustomPageSizes, "the custom page sizes proposal must be enabled to customize a memory's page size")
		if *t.PageSizeLog2 != 0 && *t.PageSizeLog2 != 16 {
			fail(off, "invalid custom page size")
		}
		pageLog2 = *t.PageSizeLog2
	}
	var maxPages uint64
	if t.Limits.Is64 {
		maxPages = 1 << (64 - pageLog2)
		if pageLog2 == 0 {
			maxPages = ^uint64(0)
		}
	} else {
		maxPages = 1 << (32 - pageLog2)
	}
	if t.Limits.Min > maxPages || t.Limits.HasMax && t.Limits.Max > maxPages {
		fail(off, "memory size must be at most %#x %d-byte pages", maxPages, uint64(1)<<pageLog2)
	}
}

func (cx *checker) checkGlobal(off uint64, t *binary.CoreGlobalType) {
	if t.Shared {
		cx.require(off, featCoreSharedEverything, "shared globals require the shared-everything-threads proposal")
	}
}

// ---- core modules ----

// coreModule builds the type of an embedded core module from its imports
// and exports (add_core_module). Function bodies are validated by wazero
// when the module is compiled.
func (s *state) coreModule(off uint64, m *binary.CoreModule) *ModuleType {
	mt := &ModuleType{Exports: map[string]CoreExtern{}, info: newSize()}
	fnType := func(i uint32) *CoreFuncType {
		if uint64(i) >= uint64(len(m.Types)) {
			fail(off, "unknown type %d: type index out of bounds", i)
		}
		ft, ok := m.Types[i].Type.(*binary.CoreFuncType)
		if !ok {
			fail(off, "type index %d is not a function type", i)
		}
		return ft
	}
	var tables []*binary.CoreTableType
	var mems []*binary.CoreMemoryType
	var globals []*binary.CoreGlobalType
	var tags []*CoreFuncType
	var funcImports []CoreExtern
	seen := map[[2]string]bool{}
	checkCoreSections(off, m)
	for _, im := range m.Imports {
		ext := s.coreExternType(off, im.Type, fnType)
		key := [2]string{im.Module, im.Name}
		if seen[key] {
			fail(off, "module has a duplicate import name `%s:%s` that is not allowed in components", im.Module, im.Name)
		}
		seen[key] = true
		mt.Imports = append(mt.Imports, CoreImport{Module: im.Module, Name: im.Name, Type: ext})
		mt.info.size = addSizes(off, mt.info.size, coreExternSize(ext))
		switch ext.Sort {
		case binary.SortCoreFunc:
			funcImports = append(funcImports, ext)
		case binary.SortCoreTable:
			tables = append(tables, ext.table)
		case binary.SortCoreMemory:
			mems = append(mems, ext.memory)
		case binary.SortCoreGlobal:
			globals = append(globals, ext.global)
		case binary.SortCoreTag:
			tags = append(tags, ext.Func)
		}
	}
	for _, f := range m.Funcs {
		fnType(f)
	}
	defs := parseCoreDefs(m)
	for i := range defs.tables {
		s.cx.checkTable(off, &defs.tables[i])
		tables = append(tables, &defs.tables[i])
	}
	for i := range defs.memories {
		s.cx.checkMemory(off, &defs.memories[i])
		mems = append(mems, &defs.memories[i])
	}
	for i := range defs.globals {
		s.cx.checkGlobal(off, &defs.globals[i])
		globals = append(globals, &defs.globals[i])
	}
	for _, t := range defs.tags {
		s.cx.require(off, featCoreExceptions, "exceptions proposal not enabled")
		tags = append(tags, fnType(t))
	}
	for _, ex := range m.Exports {
		ext := CoreExtern{Sort: ex.Sort}
		bad := func(what string, n int) {
			if defs.partial {
				return // a section plugwit could not parse: wazero checks
			}
			if uint64(ex.Index) >= uint64(n) {
				fail(off, "unknown %s %d: exported %s index out of bounds", what, ex.Index, what)
			}
		}
		switch ex.Sort {
		case binary.SortCoreFunc:
			ft, ok := m.FuncType(ex.Index)
			if !ok {
				fail(off, "unknown function %d: exported function index out of bounds", ex.Index)
			}
			ext.Func = ft
			ext.exact = uint64(ex.Index) >= uint64(len(funcImports)) || funcImports[ex.Index].exact
		case binary.SortCoreTable:
			bad("table", len(tables))
			if uint64(ex.Index) < uint64(len(tables)) {
				ext.table = tables[ex.Index]
			}
		case binary.SortCoreMemory:
			bad("memory", len(mems))
			if uint64(ex.Index) < uint64(len(mems)) {
				ext.memory = mems[ex.Index]
			}
		case binary.SortCoreGlobal:
			bad("global", len(globals))
			if uint64(ex.Index) < uint64(len(globals)) {
				ext.global = globals[ex.Index]
			}
		case binary.SortCoreTag:
			bad("tag", len(tags))
			if uint64(ex.Index) < uint64(len(tags)) {
				ext.Func = tags[ex.Index]
			}
		}
		if _, dup := mt.Exports[ex.Name]; dup {
			fail(off, "duplicate export name `%s` already defined", ex.Name)
		}
		mt.Exports[ex.Name] = ext
		mt.info.size = addSizes(off, mt.info.size, coreExternSize(ext))
	}
	return mt
}

// ---- core instances ----

func (s *state) coreInstance(off uint64, inst binary.CoreInstance) {
	switch inst := inst.(type) {
	case *binary.CoreInstantiate:
		mt := s.moduleAt(off, inst.Module)
		args := map[string]*CoreInstanceType{}
		for _, a := range inst.Args {
			it := s.coreInstanceAt(off, a.Instance)
			if _, dup := args[a.Name]; dup {
				fail(off, "duplicate module instantiation argument named `%s`", a.Name)
			}
			args[a.Name] = it
		}
		for _, im := range mt.Imports {
			arg, ok := args[im.Module]
			if !ok {
				fail(off, "missing module instantiation argument named `%s`", im.Module)
			}
			got, ok := arg.Exports[im.Name]
			if !ok {
				fail(off, "module instantiation argument `%s` does not export an item named `%s`", im.Module, im.Name)
			}
			if err := subCoreExtern(got, im.Type); err != nil {
				fail(off, "type mismatch for export `%s` of module instantiation argument `%s`: %v", im.Name, im.Module, err)
			}
		}
		it := &CoreInstanceType{Exports: mt.Exports, info: newSize()}
		for _, e := range mt.Exports {
			it.info.size = addSizes(off, it.info.size, coreExternSize(e))
		}
		s.coreInstances = append(s.coreInstances, it)
	case *binary.CoreInstanceExports:
		it := &CoreInstanceType{Exports: map[string]CoreExtern{}, info: newSize()}
		for _, e := range inst.Exports {
			ext := s.coreItem(off, e.SortIdx)
			if _, dup := it.Exports[e.Name]; dup {
				fail(off, "duplicate instantiation export name `%s` already defined", e.Name)
			}
			it.Exports[e.Name] = ext
			it.info.size = addSizes(off, it.info.size, coreExternSize(ext))
		}
		s.coreInstances = append(s.coreInstances, it)
	default:
		fail(off, "unexpected core instance %T", inst)
	}
	checkMax(off, len(s.instances)+len(s.coreInstances), 0, maxInstances, "instances")
}

// coreItem returns the type of a core item by sort and index.
func (s *state) coreItem(off uint64, si binary.SortIdx) CoreExtern {
	i := si.Index
	switch si.Sort {
	case binary.SortCoreFunc:
		return CoreExtern{Sort: si.Sort, Func: s.coreFuncAt(off, i)}
	case binary.SortCoreTable:
		return CoreExtern{Sort: si.Sort, table: s.tableAt(off, i)}
	case binary.SortCoreMemory:
		return CoreExtern{Sort: si.Sort, memory: s.memoryAt(off, i)}
	case binary.SortCoreGlobal:
		if uint64(i) >= uint64(len(s.coreGlobals)) {
			fail(off, "unknown global %d: global index out of bounds", i)
		}
		return CoreExtern{Sort: si.Sort, global: &s.coreGlobals[i]}
	case binary.SortCoreTag:
		s.cx.require(off, featCoreExceptions, "exceptions proposal not enabled")
		if uint64(i) >= uint64(len(s.coreTags)) {
			fail(off, "unknown tag %d: tag index out of bounds", i)
		}
		return CoreExtern{Sort: si.Sort, Func: s.coreTags[i]}
	}
	fail(off, "a %s cannot be exported from a core instance", si.Sort)
	return CoreExtern{}
}

// aliasCoreExport aliases an export of a core instance.
func (s *state) aliasCoreExport(off uint64, sort binary.Sort, t binary.AliasCoreExport) {
	it := s.coreInstanceAt(off, t.Instance)
	e, ok := it.Exports[t.Name]
	if !ok {
		fail(off, "core instance %d has no export named `%s`", t.Instance, t.Name)
	}
	if e.Sort != sort {
		fail(off, "export `%s` for core instance %d is not a %s", t.Name, t.Instance, coreSortDesc(sort))
	}
	s.addCore(off, e)
}

func coreSortDesc(s binary.Sort) string {
	switch s {
	case binary.SortCoreFunc:
		return "function"
	case binary.SortCoreTable:
		return "table"
	case binary.SortCoreMemory:
		return "memory"
	case binary.SortCoreGlobal:
		return "global"
	case binary.SortCoreTag:
		return "tag"
	}
	return s.String()
}

// addCore appends a core item to its index space.
func (s *state) addCore(off uint64, e CoreExtern) {
	switch e.Sort {
	case binary.SortCoreFunc:
		checkMax(off, len(s.funcs)+len(s.coreFuncs), 1, maxFuncs, "functions")
		s.coreFuncs = append(s.coreFuncs, e.Func)
	case binary.SortCoreTable:
		checkMax(off, len(s.coreTables), 1, maxCoreItems, "tables")
		s.coreTables = append(s.coreTables, derefOr(e.table))
	case binary.SortCoreMemory:
		checkMax(off, len(s.coreMemories), 1, maxCoreItems, "memories")
		s.coreMemories = append(s.coreMemories, derefOr(e.memory))
	case binary.SortCoreGlobal:
		checkMax(off, len(s.coreGlobals), 1, maxCoreItems, "globals")
		s.coreGlobals = append(s.coreGlobals, derefOr(e.global))
	case binary.SortCoreTag:
		s.cx.require(off, featCoreExceptions, "exceptions proposal not enabled")
		checkMax(off, len(s.coreTags), 1, maxCoreItems, "tags")
		s.coreTags = append(s.coreTags, e.Func)
	default:
		fail(off, "cannot add a %s here", e.Sort)
	}
}

func derefOr[T any](p *T) T {
	if p == nil {
		var z T
		return z
	}
	return *p
}

// ---- core subtyping ----

func sameCoreFunc(a, b *CoreFuncType) bool {
	if a == nil || b == nil {
		return a == b
	}
	if len(a.Params) != len(b.Params) || len(a.Results) != len(b.Results) {
		return false
	}
	for i := range a.Params {
		if !sameCoreVal(a.Params[i], b.Params[i]) {
			return false
		}
	}
	for i := range a.Results {
		if !sameCoreVal(a.Results[i], b.Results[i]) {
			return false
		}
	}
	return true
}

// sameCoreVal compares core value types. References to concrete types are
// module-local indices, which cannot be compared across modules here: they
// are taken as equal and left to wazero.
func sameCoreVal(a, b binary.CoreValType) bool {
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind != binary.CoreRef {
		return true
	}
	if a.Ref.Nullable != b.Ref.Nullable || a.Ref.Heap.Shared != b.Ref.Heap.Shared {
		return false
	}
	ha, hb := a.Ref.Heap, b.Ref.Heap
	if ha.Abstract != 0 || hb.Abstract != 0 {
		return ha.Abstract == hb.Abstract
	}
	return true
}

// subCoreVal reports whether a matches b: equal, or a non-nullable
// reference where the nullable one is expected.
func subCoreVal(a, b binary.CoreValType) bool {
	if sameCoreVal(a, b) {
		return true
	}
	if a.Kind == binary.CoreRef && b.Kind == binary.CoreRef && !a.Ref.Nullable && b.Ref.Nullable {
		a.Ref.Nullable = true
		return sameCoreVal(a, b)
	}
	return false
}

func limitsMatch(a, b binary.Limits) bool {
	if a.Min < b.Min {
		return false
	}
	if !b.HasMax {
		return true
	}
	return a.HasMax && a.Max <= b.Max
}

// subCoreExtern checks that a core item of type a can be used where b is
// expected (entity_type).
func subCoreExtern(a, b CoreExtern) error {
	if a.Sort != b.Sort {
		return fmt.Errorf("expected %s, found %s", coreSortDesc(b.Sort), coreSortDesc(a.Sort))
	}
	switch a.Sort {
	case binary.SortCoreFunc, binary.SortCoreTag:
		if b.exact && !a.exact {
			return fmt.Errorf("expected func_exact, found func")
		}
		if a.Func != nil && b.Func != nil && !sameCoreFunc(a.Func, b.Func) {
			return fmt.Errorf("expected: %s\nfound:    %s", b.Func, a.Func)
		}
	case binary.SortCoreTable:
		if a.table == nil || b.table == nil {
			return nil
		}
		x, y := a.table, b.table
		if !sameCoreVal(binary.CoreValType{Kind: binary.CoreRef, Ref: x.Elem}, binary.CoreValType{Kind: binary.CoreRef, Ref: y.Elem}) {
			return fmt.Errorf("expected table element type %s, found %s", y.Elem, x.Elem)
		}
		if x.Limits.Shared != y.Limits.Shared {
			return fmt.Errorf("mismatch in the shared flag for tables")
		}
		if x.Limits.Is64 != y.Limits.Is64 {
			return fmt.Errorf("mismatch in index type used for tables")
		}
		if !limitsMatch(x.Limits, y.Limits) {
			return fmt.Errorf("mismatch in table limits")
		}
	case binary.SortCoreMemory:
		if a.memory == nil || b.memory == nil {
			return nil
		}
		return subMemory(a.memory, b.memory)
	case binary.SortCoreGlobal:
		if a.global == nil || b.global == nil {
			return nil
		}
		x, y := a.global, b.global
		if x.Mutable != y.Mutable {
			return fmt.Errorf("global types differ in mutability")
		}
		if x.Shared != y.Shared {
			return fmt.Errorf("mismatch in the shared flag for globals")
		}
		ok := subCoreVal(x.Type, y.Type)
		if x.Mutable {
			ok = sameCoreVal(x.Type, y.Type)
		}
		if !ok {
			return fmt.Errorf("expected global type %s, found %s", y.Type, x.Type)
		}
	}
	return nil
}

func pageLog2(m *binary.CoreMemoryType) uint32 {
	if m.PageSizeLog2 != nil {
		return *m.PageSizeLog2
	}
	return 16
}

func subMemory(x, y *binary.CoreMemoryType) error {
	if x.Limits.Shared != y.Limits.Shared {
		return fmt.Errorf("mismatch in the shared flag for memories")
	}
	if x.Limits.Is64 != y.Limits.Is64 {
		return fmt.Errorf("mismatch in index type used for memories")
	}
	if pageLog2(x) != pageLog2(y) {
		return fmt.Errorf("mismatch in page size for memories")
	}
	if !limitsMatch(x.Limits, y.Limits) {
		return fmt.Errorf("mismatch in memory limits")
	}
	return nil
}

// checkRecGroup checks the type references of a rec group defined at index
// start of a core type index space: in bounds, not module types, and
// supertypes that are not final.
func checkRecGroup(off uint64, g *binary.CoreRecGroup, start int, at func(uint32) *coreTypeEntry) {
	end := uint64(start) + uint64(len(g.Types))
	ref := func(i uint32) {
		if uint64(i) >= end {
			fail(off, "unknown type %d: type index out of bounds", i)
		}
		if int(i) < start && at(i).mod != nil {
			fail(off, "type index %d is a module type", i)
		}
	}
	val := func(t binary.CoreValType) {
		if t.Kind == binary.CoreRef && t.Ref.Heap.Abstract == 0 {
			ref(t.Ref.Heap.Index)
		}
	}
	for k, st := range g.Types {
		for _, sup := range st.Supertypes {
			ref(sup)
			var final bool
			if int(sup) < start {
				e := at(sup)
				final = e.sub == nil || e.sub.Final
			} else if int(sup)-start < k {
				final = g.Types[int(sup)-start].Final
			} else {
				fail(off, "supertype %d must be defined before its subtypes", sup)
			}
			if final {
				fail(off, "sub type cannot have a final super type")
			}
		}
		switch ct := st.Type.(type) {
		case *binary.CoreFuncType:
			for _, p := range ct.Params {
				val(p)
			}
			for _, r := range ct.Results {
				val(r)
			}
		case *binary.CoreStructType:
			for _, f := range ct.Fields {
				val(f.Type)
			}
		case *binary.CoreArrayType:
			val(ct.Field.Type)
		case *binary.CoreContType:
			ref(ct.Type)
		}
	}
}

// coreSectionOrder ranks the core sections that must appear in order, at
// most once each.
var coreSectionOrder = map[binary.CoreSectionID]int{
	binary.CoreSectionType: 1, binary.CoreSectionImport: 2, binary.CoreSectionFunction: 3,
	binary.CoreSectionTable: 4, binary.CoreSectionMemory: 5, binary.CoreSectionTag: 6,
	binary.CoreSectionGlobal: 7, binary.CoreSectionExport: 8, binary.CoreSectionStart: 9,
	binary.CoreSectionElement: 10, binary.CoreSectionDataCount: 11, binary.CoreSectionCode: 12,
	binary.CoreSectionData: 13,
}

// checkCoreSections checks the order of a core module's sections and that
// its function and code sections agree.
func checkCoreSections(off uint64, m *binary.CoreModule) {
	last := 0
	codeCount := -1
	for _, h := range m.Sections {
		rank, ok := coreSectionOrder[h.ID]
		if !ok {
			continue
		}
		if rank <= last {
			fail(h.Offset, "core module: section out of order (%s section)", h.ID)
		}
		last = rank
		if h.ID == binary.CoreSectionCode {
			start := h.PayloadOffset - m.Offset
			if start < uint64(len(m.Raw)) {
				r := &coreReader{b: m.Raw[start:]}
				if n, err := r.u32(); err == nil {
					codeCount = int(n)
				}
			}
		}
	}
	if codeCount < 0 {
		codeCount = 0
	}
	if codeCount != len(m.Funcs) {
		fail(off, "core module: function and code section have inconsistent lengths")
	}
}

package binary

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// load decodes testdata/NAME.wasm, built from NAME.wat by
// scripts/build-fixtures.sh.
func load(t *testing.T, name string) *Component {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode(%s.wasm): %v", name, err)
	}
	return c
}

// check reports a difference between got and want, printing both as trees.
func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, dump(got), dump(want))
	}
}

// sectionIDs lists the ids of c's sections in order.
func sectionIDs(c *Component) []SectionID {
	var ids []SectionID
	for _, s := range c.Sections {
		ids = append(ids, s.Header().ID)
	}
	return ids
}

// section returns c.Sections[i] as a T, failing the test otherwise.
func section[T Section](t *testing.T, c *Component, i int) T {
	t.Helper()
	if i >= len(c.Sections) {
		t.Fatalf("no section %d (have %d)", i, len(c.Sections))
	}
	s, ok := c.Sections[i].(T)
	if !ok {
		var zero T
		t.Fatalf("section %d is %T, want %T", i, c.Sections[i], zero)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func prim(p PrimValType) *ValType { return ptr(Prim(p)) }
func tidx(i uint32) *ValType      { return ptr(TypeIndex(i)) }
func name(s string) ExternName    { return ExternName{Name: s} }

// coreFunc is a core function type as its own recursion group.
func coreFunc(params, results []CoreValType) *CoreRecGroup {
	return &CoreRecGroup{Types: []CoreSubType{{Final: true, Type: &CoreFuncType{Params: params, Results: results}}}}
}

func TestDecodeTypes(t *testing.T) {
	c := load(t, "types")
	check(t, "sections", sectionIDs(c), []SectionID{
		SectionType, SectionCoreModule, SectionCoreInstance, SectionAlias, SectionType, SectionCustom,
	})
	if c.Version != ComponentVersion || c.Offset != 0 || c.Size != 692 {
		t.Errorf("component header: version %#x offset %d size %d", c.Version, c.Offset, c.Size)
	}

	ts := section[*TypeSection](t, c, 0)
	check(t, "type section header", ts.SectionHeader, SectionHeader{ID: SectionType, Offset: 8, PayloadOffset: 10, Size: 121})
	want := []Type{
		PrimBool, PrimS8, PrimU8, PrimS16, PrimU16, PrimS32, PrimU32, PrimS64, PrimU64,
		PrimF32, PrimF64, PrimChar, PrimString, PrimErrorContext,
		&RecordType{Fields: []Field{{"x", Prim(PrimS32)}, {"y", Prim(PrimS32)}, {"label", Prim(PrimString)}}},
		&ListType{Elem: TypeIndex(14)}, // wasm-tools hoists the inline (list $point)
		&VariantType{Cases: []Case{{"none", nil}, {"circle", prim(PrimF64)}, {"poly", tidx(15)}}},
		&ListType{Elem: TypeIndex(14)},
		&FixedListType{Elem: Prim(PrimU8), Len: 3},
		&TupleType{Types: []ValType{Prim(PrimU32), Prim(PrimString)}},
		&FlagsType{Names: []string{"read", "write", "exec"}},
		&EnumType{Names: []string{"red", "green", "blue"}},
		&OptionType{Elem: TypeIndex(12)},
		&ResultType{},
		&ResultType{OK: prim(PrimU32)},
		&ResultType{Err: prim(PrimString)},
		&ResultType{OK: prim(PrimU32), Err: tidx(21)},
	}
	check(t, "first type section", ts.Types, want)
	if len(ts.Offsets) != len(ts.Types) || ts.Offsets[0] != 11 {
		t.Errorf("offsets %v", ts.Offsets)
	}

	ts = section[*TypeSection](t, c, 4)
	if len(ts.Types) != 14 {
		t.Fatalf("second type section has %d types, want 14", len(ts.Types))
	}
	check(t, "resource and handle types", ts.Types[:12], []Type{
		&ResourceType{Rep: I32, Dtor: ptr[uint32](0)},
		&ResourceType{Rep: I32},
		&OwnType{Resource: 27},
		&BorrowType{Resource: 27},
		&StreamType{Elem: prim(PrimU8)},
		&StreamType{},
		&FutureType{Elem: tidx(12)},
		&FutureType{},
		&MapType{Key: Prim(PrimString), Value: Prim(PrimU32)},
		&FuncType{},
		&FuncType{Params: []Field{{"p", TypeIndex(14)}, {"b", TypeIndex(30)}}, Result: tidx(26)},
		&FuncType{Async: true, Params: []Field{{"s", TypeIndex(31)}}, Result: tidx(33)},
	})
	check(t, "instance type", ts.Types[12], &InstanceType{Decls: []Decl{
		&CoreTypeDecl{Type: coreFunc([]CoreValType{I32}, []CoreValType{I32})},
		&TypeDecl{Type: PrimU64},
		&AliasDecl{Alias: Alias{Sort: SortType, Target: AliasOuter{Count: 1, Index: 14}}},
		&ExportDecl{Name: name("point"), Type: ExternTypeEq{Type: 1}},
		&ExportDecl{Name: name("res"), Type: ExternSubResource{}},
		&ExportDecl{Name: name("same"), Type: ExternTypeEq{Type: 0}},
		&TypeDecl{Type: &BorrowType{Resource: 3}},
		&TypeDecl{Type: &FuncType{Params: []Field{{"self", TypeIndex(5)}}, Result: tidx(2)}},
		&ExportDecl{Name: name("[method]res.get"), Type: ExternFunc{Type: 6}},
	}})
	check(t, "component type", ts.Types[13], &ComponentType{Decls: []Decl{
		&CoreTypeDecl{Type: coreFunc([]CoreValType{I64}, nil)},
		&CoreTypeDecl{Type: &CoreModuleType{Decls: []CoreModuleDecl{
			&CoreImportDecl{Import: CoreImport{Module: "env", Name: "mem", Type: CoreMemoryType{Limits: Limits{Min: 1}}}},
			&CoreTypeDecl{Type: coreFunc([]CoreValType{I32}, nil)},
			&CoreOuterAliasDecl{Count: 1, Index: 0},
			&CoreExportDecl{Name: "f", Type: CoreFuncExtern{Type: 0}},
			&CoreExportDecl{Name: "g", Type: CoreFuncExtern{Type: 1}},
		}}},
		&TypeDecl{Type: PrimString},
		&AliasDecl{Alias: Alias{Sort: SortType, Target: AliasOuter{Count: 1, Index: 39}}},
		&ImportDecl{Import: Import{Name: name("in"), Type: ExternInstance{Type: 1}}},
		&ImportDecl{Import: Import{Name: name("m"), Type: ExternCoreModule{Type: 1}}},
		&AliasDecl{Alias: Alias{Sort: SortType, Target: AliasExport{Instance: 0, Name: "res"}}},
		&AliasDecl{Alias: Alias{Sort: SortType, Target: AliasOuter{Count: 1, Index: 36}}},
		&ExportDecl{Name: name("out"), Type: ExternFunc{Type: 3}},
	}})

	check(t, "core instance", section[*CoreInstanceSection](t, c, 2).Instances, []CoreInstance{&CoreInstantiate{Module: 0}})
	check(t, "dtor alias", section[*AliasSection](t, c, 3).Aliases, []Alias{
		{Sort: SortCoreFunc, Target: AliasCoreExport{Instance: 0, Name: "dtor"}},
	})

	m := c.CoreModules()[0]
	check(t, "core module exports", m.Exports, []CoreExport{{Name: "dtor", Sort: SortCoreFunc, Index: 0}})
	if ft, ok := m.FuncType(0); !ok || ft.String() != "(func (param i32))" {
		t.Errorf("FuncType(0) = %v, %v", ft, ok)
	}

	cs := section[*CustomSection](t, c, 5)
	if cs.Name != NameSectionName || cs.Names == nil || cs.NamesErr != nil {
		t.Fatalf("name section: %q %v %v", cs.Name, cs.Names, cs.NamesErr)
	}
	check(t, "component name", cs.Names.Component, ptr("types"))
	var typeNames []NameAssoc
	for _, sn := range cs.Names.Sorts {
		if sn.Sort == SortType {
			typeNames = sn.Names
		}
	}
	if len(typeNames) < 3 || typeNames[0] != (NameAssoc{0, "bool"}) || typeNames[14] != (NameAssoc{14, "point"}) {
		t.Errorf("type names: %v", typeNames)
	}
}

func TestDecodeNested(t *testing.T) {
	c := load(t, "nested")
	check(t, "sections", sectionIDs(c), []SectionID{
		SectionCoreType, SectionType, SectionImport, SectionType, SectionImport, SectionType, SectionImport,
		SectionAlias, SectionCoreModule, SectionComponent, SectionComponent, SectionInstance, SectionAlias,
		SectionExport, SectionCustom,
	})

	check(t, "core types", section[*CoreTypeSection](t, c, 0).Types, []CoreType{
		coreFunc([]CoreValType{I32, I64}, []CoreValType{F32}),
		// (sub (func …)), non-final: encoded 0x00 0x50 in a component
		&CoreRecGroup{Types: []CoreSubType{{Type: &CoreFuncType{Params: []CoreValType{I32}}}}},
		&CoreRecGroup{Explicit: true, Types: []CoreSubType{
			{Type: &CoreStructType{Fields: []CoreFieldType{
				{Type: I32},
				{Type: CoreValType{Kind: CoreRef, Ref: RefType{Nullable: true, Heap: HeapType{Index: 2}}}, Mutable: true},
			}}},
			{Final: true, Type: &CoreArrayType{Field: CoreFieldType{Type: CoreValType{Kind: CoreI8}, Mutable: true}}},
		}},
		&CoreRecGroup{Types: []CoreSubType{{Final: true, Supertypes: []uint32{1}, Type: &CoreFuncType{Params: []CoreValType{I32}}}}},
		&CoreModuleType{Decls: []CoreModuleDecl{
			&CoreTypeDecl{Type: coreFunc([]CoreValType{I32}, nil)},
			// a non-final subtype, which wasm-tools spells 0x50 in a module type
			&CoreTypeDecl{Type: &CoreRecGroup{Types: []CoreSubType{{Type: &CoreFuncType{}}}}},
			&CoreImportDecl{Import: CoreImport{Module: "", Name: "f", Type: CoreFuncExtern{Type: 0}}},
			&CoreExportDecl{Name: "g", Type: CoreGlobalType{Type: I64, Mutable: true}},
			&CoreExportDecl{Name: "t", Type: CoreTableType{
				Elem:   RefType{Nullable: true, Heap: HeapType{Abstract: HeapFunc}},
				Limits: Limits{Min: 1},
			}},
		}},
	})

	check(t, "imports", c.Imports(), []Import{
		{Name: name("wasi:cli/stdout@0.2.0"), Type: ExternInstance{Type: 1}},
		{Name: name("plain-f"), Type: ExternFunc{Type: 0}},
		{Name: name("nm"), Type: ExternValue{Type: Prim(PrimString)}},
		{Name: ExternName{Name: "a:b/c@0.2", Tag: 2, Attributes: []NameAttribute{{AttrVersionSuffix, ".1"}}}, Type: ExternInstance{Type: 2}},
		{Name: ExternName{Name: "store", Tag: 2, Attributes: []NameAttribute{
			{AttrImplements, "wasi:keyvalue/store@0.2.0"}, {AttrExternalID, "db-1"},
		}}, Type: ExternInstance{Type: 3}},
	})
	im := c.Imports()
	if got := im[3].Name.FullName(); got != "a:b/c@0.2.1" {
		t.Errorf("FullName = %q", got)
	}
	if v, ok := im[4].Name.Implements(); !ok || v != "wasi:keyvalue/store@0.2.0" {
		t.Errorf("Implements = %q, %v", v, ok)
	}
	if v, ok := im[4].Name.ExternalID(); !ok || v != "db-1" {
		t.Errorf("ExternalID = %q, %v", v, ok)
	}
	if _, ok := im[4].Name.VersionSuffix(); ok {
		t.Error("unexpected version suffix")
	}
	check(t, "alias export", section[*AliasSection](t, c, 7).Aliases, []Alias{
		{Sort: SortFunc, Target: AliasExport{Instance: 0, Name: "print"}},
	})

	comps := c.Components()
	if len(comps) != 2 {
		t.Fatalf("%d nested components, want 2", len(comps))
	}
	leaf := comps[0]
	cs := section[*ComponentSection](t, c, 9)
	if leaf.Offset != cs.PayloadOffset || leaf.Size != uint64(cs.Size) || len(leaf.Sections) != 1 {
		t.Errorf("leaf: offset %d size %d sections %d; section payload at %d size %d", leaf.Offset, leaf.Size, len(leaf.Sections), cs.PayloadOffset, cs.Size)
	}

	inner := comps[1]
	check(t, "inner sections", sectionIDs(inner), []SectionID{
		SectionAlias, SectionImport, SectionCoreModule, SectionCoreInstance, SectionAlias, SectionCoreInstance,
		SectionAlias, SectionComponent, SectionAlias, SectionType, SectionAlias, SectionCanon, SectionInstance,
		SectionStart, SectionExport, SectionCustom,
	})
	check(t, "inner core export aliases", section[*AliasSection](t, inner, 4).Aliases, []Alias{
		{Sort: SortCoreFunc, Target: AliasCoreExport{Instance: 0, Name: "f"}},
		{Sort: SortCoreGlobal, Target: AliasCoreExport{Instance: 0, Name: "g"}},
		{Sort: SortCoreTable, Target: AliasCoreExport{Instance: 0, Name: "t"}},
	})
	check(t, "core instance from exports", section[*CoreInstanceSection](t, inner, 5).Instances, []CoreInstance{
		&CoreInstanceExports{Exports: []CoreInlineExport{
			{"f", SortIdx{SortCoreFunc, 0}}, {"g", SortIdx{SortCoreGlobal, 0}}, {"t", SortIdx{SortCoreTable, 0}},
		}},
	})
	check(t, "outer aliases", section[*AliasSection](t, inner, 6).Aliases, []Alias{
		{Sort: SortCoreGlobal, Target: AliasCoreExport{Instance: 0, Name: "g"}},
		{Sort: SortType, Target: AliasOuter{Count: 1, Index: 0}},
		{Sort: SortCoreType, Target: AliasOuter{Count: 1, Index: 0}},
		{Sort: SortCoreModule, Target: AliasOuter{Count: 1, Index: 0}},
	})
	check(t, "outer component alias", section[*AliasSection](t, inner, 8).Aliases, []Alias{
		{Sort: SortComponent, Target: AliasOuter{Count: 1, Index: 0}},
	})
	deepest := inner.Components()[0]
	check(t, "deepest imports", deepest.Imports(), []Import{{Name: name("x"), Type: ExternFunc{Type: 0}}})
	check(t, "lift without options", section[*CanonSection](t, inner, 11).Funcs, []Canon{&CanonLift{CoreFunc: 1, Type: 2}})
	check(t, "instantiate", section[*InstanceSection](t, inner, 12).Instances, []Instance{
		&Instantiate{Component: 0, Args: []InstantiateArg{{"x", SortIdx{SortFunc, 1}}}},
	})
	st := section[*StartSection](t, inner, 13)
	if st.Func != 0 || !reflect.DeepEqual(st.Args, []uint32{0}) || st.Results != 1 {
		t.Errorf("start: %+v", st)
	}
	check(t, "inner exports", inner.Exports(), []Export{
		{Name: name("out"), SortIdx: SortIdx{SortValue, 1}},
		{Name: name("g"), SortIdx: SortIdx{SortFunc, 0}, Type: ExternFunc{Type: 1}},
	})
	im0 := inner.CoreModules()[0]
	check(t, "inner module exports", im0.Exports, []CoreExport{
		{"f", SortCoreFunc, 0}, {"g", SortCoreGlobal, 0}, {"t", SortCoreTable, 0}, {"h", SortCoreFunc, 1},
	})
	var coreIDs []CoreSectionID
	for _, s := range im0.Sections {
		coreIDs = append(coreIDs, s.ID)
	}
	check(t, "inner module sections", coreIDs, []CoreSectionID{
		CoreSectionType, CoreSectionFunction, CoreSectionTable, CoreSectionGlobal, CoreSectionExport,
		CoreSectionCode, CoreSectionCustom,
	})

	check(t, "outer instances", section[*InstanceSection](t, c, 11).Instances, []Instance{
		&Instantiate{Component: 1, Args: []InstantiateArg{{"greet", SortIdx{SortFunc, 0}}, {"name", SortIdx{SortValue, 0}}}},
		&InstanceExports{Exports: []InlineExport{
			{name("p"), SortIdx{SortFunc, 1}},
			{name("i"), SortIdx{SortInstance, 3}},
			{name("c"), SortIdx{SortComponent, 0}},
			{name("m"), SortIdx{SortCoreModule, 0}},
			{name("t"), SortIdx{SortType, 0}},
		}},
	})
	check(t, "exports", c.Exports(), []Export{
		{Name: name("wasi:demo/api@1.2.3"), SortIdx: SortIdx{SortInstance, 4}},
		{Name: name("run"), SortIdx: SortIdx{SortFunc, 2}, Type: ExternFunc{Type: 0}},
	})
}

func TestDecodeCanon(t *testing.T) {
	c := load(t, "canon")
	check(t, "sections", sectionIDs(c), []SectionID{
		SectionCustom, SectionCustom, SectionType, SectionImport, SectionType, SectionImport, SectionAlias,
		SectionCoreModule, SectionCoreInstance, SectionAlias, SectionCanon, SectionCoreModule, SectionAlias,
		SectionType, SectionCanon, SectionCoreInstance, SectionAlias, SectionCanon, SectionExport, SectionCustom,
	})

	producers := section[*CustomSection](t, c, 0)
	if producers.Name != "producers" || producers.Names != nil || len(producers.Data) == 0 ||
		producers.DataOffset != producers.PayloadOffset+uint64(1+len("producers")) {
		t.Errorf("producers section: %s", dump(producers))
	}
	note := section[*CustomSection](t, c, 1)
	if note.Name != "plugwit:note" || string(note.Data) != "kept raw" {
		t.Errorf("custom section %q = %q", note.Name, note.Data)
	}

	mem := CanonOpt{Kind: OptMemory}
	realloc := CanonOpt{Kind: OptRealloc}
	check(t, "lowerings", section[*CanonSection](t, c, 10).Funcs, []Canon{
		&CanonLower{Func: 2, Options: []CanonOpt{{Kind: OptUTF8}, mem}}, // func 2: the "log" alias
		&CanonLower{Func: 2, Options: []CanonOpt{{Kind: OptUTF16}, mem}},
		&CanonLower{Func: 0, Options: []CanonOpt{{Kind: OptLatin1UTF16}, mem, realloc}},
		&CanonLower{Func: 1, Options: []CanonOpt{{Kind: OptAsync}, mem, realloc}},
	})
	check(t, "resource type", section[*TypeSection](t, c, 13).Types, []Type{&ResourceType{Rep: I32, Dtor: ptr[uint32](5)}})
	check(t, "resource built-ins", section[*CanonSection](t, c, 14).Funcs, []Canon{
		&CanonResourceNew{Resource: 3}, &CanonResourceRep{Resource: 3}, &CanonResourceDrop{Resource: 3},
	})
	check(t, "lift", section[*CanonSection](t, c, 17).Funcs, []Canon{
		&CanonLift{CoreFunc: 9, Options: []CanonOpt{mem, realloc, {Kind: OptPostReturn, Index: 10}}, Type: 0},
	})
	check(t, "core instantiate", section[*CoreInstanceSection](t, c, 15).Instances[1], &CoreInstantiate{
		Module: 1, Args: []CoreInstantiateArg{{"host", 1}, {"libc", 0}},
	})
	check(t, "exports", c.Exports(), []Export{
		{Name: name("greet"), SortIdx: SortIdx{SortFunc, 3}},
		{Name: name("counter"), SortIdx: SortIdx{SortType, 3}},
	})

	main := c.CoreModules()[1]
	if len(main.Imports) != 8 || main.NumImportedFuncs() != 7 || len(main.Funcs) != 2 {
		t.Fatalf("main module: %d imports, %d imported funcs, %d funcs", len(main.Imports), main.NumImportedFuncs(), len(main.Funcs))
	}
	check(t, "memory import", main.Imports[7], CoreImport{Module: "libc", Name: "memory", Type: CoreMemoryType{Limits: Limits{Min: 1}}})
	for _, tc := range []struct {
		idx  uint32
		want string
	}{
		{0, "(func (param i32 i32))"},
		{3, "(func (param i32 i32 i32) (result i32))"},
		{6, "(func (param i32))"},
		{7, "(func (param i32 i32) (result i32))"},
		{8, "(func (param i32))"},
	} {
		ft, ok := main.FuncType(tc.idx)
		if !ok || ft.String() != tc.want {
			t.Errorf("FuncType(%d) = %v, %v; want %s", tc.idx, ft, ok, tc.want)
		}
	}
	if _, ok := main.FuncType(9); ok {
		t.Error("FuncType(9) found a function past the end")
	}
}

func TestDecodeAsync(t *testing.T) {
	c := load(t, "async")
	check(t, "sections", sectionIDs(c), []SectionID{
		SectionCoreModule, SectionCoreInstance, SectionAlias, SectionType, SectionCoreType, SectionCanon,
		SectionCoreModule, SectionCoreInstance, SectionType, SectionAlias, SectionCanon, SectionType,
		SectionAlias, SectionCanon, SectionExport, SectionCustom,
	})
	check(t, "types", section[*TypeSection](t, c, 3).Types, []Type{
		&StreamType{Elem: prim(PrimU8)}, &FutureType{Elem: prim(PrimString)},
	})
	mem := CanonOpt{Kind: OptMemory}
	realloc := CanonOpt{Kind: OptRealloc}
	async := CanonOpt{Kind: OptAsync}
	utf8 := CanonOpt{Kind: OptUTF8}
	want := []Canon{
		&CanonTaskReturn{Result: prim(PrimString), Options: []CanonOpt{mem, utf8}},
		&CanonTaskReturn{},
		&CanonTaskCancel{},
		&CanonContextGet{Type: I32, Slot: 0},
		&CanonContextSet{Type: I32, Slot: 1},
		&CanonBackpressureInc{},
		&CanonBackpressureDec{},
		&CanonSubtaskCancel{Async: true},
		&CanonSubtaskCancel{},
		&CanonSubtaskDrop{},
		&CanonStreamNew{Type: 0},
		&CanonStreamRead{Type: 0, Options: []CanonOpt{async, mem}},
		&CanonStreamWrite{Type: 0, Options: []CanonOpt{mem}},
		&CanonStreamCancelRead{Type: 0, Async: true},
		&CanonStreamCancelWrite{Type: 0},
		&CanonStreamDropReadable{Type: 0},
		&CanonStreamDropWritable{Type: 0},
		&CanonStreamForward{Type: 0},
		&CanonFutureNew{Type: 1},
		&CanonFutureRead{Type: 1, Options: []CanonOpt{async, mem, realloc, {Kind: OptUTF16}}},
		&CanonFutureWrite{Type: 1, Options: []CanonOpt{mem}},
		&CanonFutureCancelRead{Type: 1},
		&CanonFutureCancelWrite{Type: 1, Async: true},
		&CanonFutureDropReadable{Type: 1},
		&CanonFutureDropWritable{Type: 1},
		&CanonFutureForward{Type: 1},
		&CanonErrorContextNew{Options: []CanonOpt{mem, utf8}},
		&CanonErrorContextDebugMessage{Options: []CanonOpt{mem, realloc}},
		&CanonErrorContextDrop{},
		&CanonWaitableSetNew{},
		&CanonWaitableSetWait{Memory: 0},
		&CanonWaitableSetPoll{Memory: 0},
		&CanonWaitableSetDrop{},
		&CanonWaitableJoin{},
		&CanonThreadIndex{},
		&CanonThreadNewIndirect{FuncType: 0, Table: 0},
		&CanonThreadResumeLater{},
		&CanonThreadSuspend{},
		&CanonThreadYield{},
		&CanonThreadSuspendThenResume{},
		&CanonThreadYieldThenResume{},
		&CanonThreadSuspendThenPromote{},
		&CanonThreadYieldThenPromote{},
	}
	got := section[*CanonSection](t, c, 5).Funcs
	check(t, "built-ins", got, want)
	builtins := []string{
		"task.return", "task.return", "task.cancel", "context.get", "context.set", "backpressure.inc",
		"backpressure.dec", "subtask.cancel", "subtask.cancel", "subtask.drop", "stream.new", "stream.read",
		"stream.write", "stream.cancel-read", "stream.cancel-write", "stream.drop-readable",
		"stream.drop-writable", "stream.forward", "future.new", "future.read", "future.write",
		"future.cancel-read", "future.cancel-write", "future.drop-readable", "future.drop-writable",
		"future.forward", "error-context.new", "error-context.debug-message", "error-context.drop",
		"waitable-set.new", "waitable-set.wait", "waitable-set.poll", "waitable-set.drop", "waitable.join",
		"thread.index", "thread.new-indirect", "thread.resume-later", "thread.suspend", "thread.yield",
		"thread.suspend-then-resume", "thread.yield-then-resume", "thread.suspend-then-promote",
		"thread.yield-then-promote",
	}
	for i, f := range got {
		if i < len(builtins) && f.Builtin() != builtins[i] {
			t.Errorf("built-in %d is %q, want %q", i, f.Builtin(), builtins[i])
		}
	}
	check(t, "stackless lift", section[*CanonSection](t, c, 10).Funcs, []Canon{
		&CanonLift{CoreFunc: 44, Options: []CanonOpt{async, {Kind: OptCallback, Index: 45}, mem, realloc}, Type: 2},
	})
	check(t, "stackful lift", section[*CanonSection](t, c, 13).Funcs, []Canon{
		&CanonLift{CoreFunc: 46, Options: []CanonOpt{async, mem, realloc}, Type: 3},
	})
	check(t, "async func type", section[*TypeSection](t, c, 8).Types, []Type{
		&FuncType{Async: true, Params: []Field{{"s", Prim(PrimString)}}, Result: prim(PrimString)},
	})
	check(t, "stackful func type", section[*TypeSection](t, c, 11).Types, []Type{
		&FuncType{Async: true, Params: []Field{{"s", Prim(PrimString)}}},
	})
}

func TestDecodeShared(t *testing.T) {
	c := load(t, "shared")
	check(t, "sections", sectionIDs(c), []SectionID{
		SectionCoreType, SectionCoreModule, SectionCoreInstance, SectionAlias, SectionCanon, SectionType,
		SectionImport, SectionCoreType, SectionCanon, SectionCustom,
	})
	shared := CoreSubType{Final: true, Shared: true, Type: &CoreFuncType{Params: []CoreValType{I32}}}
	check(t, "shared core type", section[*CoreTypeSection](t, c, 0).Types, []CoreType{
		&CoreRecGroup{Types: []CoreSubType{shared}},
	})
	check(t, "thread built-ins", section[*CanonSection](t, c, 4).Funcs, []Canon{
		&CanonThreadSpawnRef{FuncType: 0},
		&CanonThreadSpawnIndirect{FuncType: 0, Table: 0},
		&CanonThreadAvailableParallelism{},
	})
	check(t, "gc lowering", section[*CanonSection](t, c, 8).Funcs, []Canon{
		&CanonLower{Func: 0, Options: []CanonOpt{{Kind: OptGC}, {Kind: OptCoreType, Index: 1}}},
	})
	m := c.CoreModules()[0]
	var tables []CoreSectionHeader
	for _, s := range m.Sections {
		if s.ID == CoreSectionTable {
			tables = append(tables, s)
		}
	}
	if len(tables) != 1 {
		t.Errorf("core module sections: %s", dump(m.Sections))
	}
}

func TestDecodeCoreModule(t *testing.T) {
	b, err := os.ReadFile("testdata/core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPreamble(b)
	if err != nil || p.IsComponent() || p.Version != CoreVersion {
		t.Errorf("ReadPreamble = %+v, %v", p, err)
	}
	if _, err := Decode(b); !errors.Is(err, ErrCoreModule) {
		t.Errorf("Decode(core module) = %v, want ErrCoreModule", err)
	}
	m, err := DecodeCoreModule(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Offset != 0 || len(m.Raw) != len(b) {
		t.Errorf("offset %d, %d raw bytes", m.Offset, len(m.Raw))
	}
	check(t, "imports", m.Imports, []CoreImport{
		{"env", "f", CoreFuncExtern{Type: 0}},
		{"env", "tbl", CoreTableType{Elem: RefType{Nullable: true, Heap: HeapType{Abstract: HeapFunc}}, Limits: Limits{Min: 2, Max: 10, HasMax: true}}},
		{"env", "mem", CoreMemoryType{Limits: Limits{Min: 1, Max: 2, HasMax: true, Is64: true}}},
		{"env", "shm", CoreMemoryType{Limits: Limits{Min: 1, Max: 4, HasMax: true, Shared: true}}},
		{"env", "g", CoreGlobalType{Type: I32, Mutable: true}},
		{"env", "tag", CoreTagType{Type: 1}},
	})
	check(t, "exports", m.Exports, []CoreExport{
		{"add", SortCoreFunc, 1}, {"v", SortCoreFunc, 2}, {"f2", SortCoreFunc, 0},
		{"g", SortCoreGlobal, 0}, {"t", SortCoreTable, 0},
	})
	for _, tc := range []struct {
		idx  uint32
		want string
	}{
		{0, "(func (param i32 i64) (result f64))"},
		{1, "(func (param i32 i32) (result i32))"},
		{2, "(func (param v128 (ref null extern)) (result (ref null func)))"},
	} {
		ft, ok := m.FuncType(tc.idx)
		if !ok || ft.String() != tc.want {
			t.Errorf("FuncType(%d) = %v, %v; want %s", tc.idx, ft, ok, tc.want)
		}
	}
}

func TestReadPreamble(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want Preamble
		err  string
	}{
		{[]byte{0, 'a', 's', 'm', 0x0d, 0, 1, 0}, Preamble{Version: 0x0d, Layer: LayerComponent}, ""},
		{[]byte{0, 'a', 's', 'm', 1, 0, 0, 0}, Preamble{Version: 1, Layer: LayerCore}, ""},
		{[]byte{0, 'a', 's', 'm', 0x0c, 0, 1, 0}, Preamble{}, "unsupported component version 0x0c, want 0x0d at offset 0x4"},
		{[]byte{0, 'a', 's', 'm', 2, 0, 0, 0}, Preamble{}, "unsupported core module version 2, want 1 at offset 0x4"},
		{[]byte{0, 'a', 's', 'm', 1, 0, 2, 0}, Preamble{}, "unknown layer 2 at offset 0x6"},
		{[]byte{0, 'a', 's', 'x', 1, 0, 0, 0}, Preamble{}, "bad magic 00 61 73 78, want 00 61 73 6d at offset 0x0"},
		{[]byte{0, 'a', 's', 'm', 0x0d}, Preamble{}, "unexpected end of data reading preamble at offset 0x5"},
		{nil, Preamble{}, "unexpected end of data reading preamble at offset 0x0"},
	} {
		p, err := ReadPreamble(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ReadPreamble(% x) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || p != tc.want {
			t.Errorf("ReadPreamble(% x) = %+v, %v; want %+v", tc.in, p, err, tc.want)
		}
	}
}

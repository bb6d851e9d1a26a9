package binary

// CoreTypeSection defines core types (section 3).
type CoreTypeSection struct {
	SectionHeader
	Types []CoreType
	// Offsets holds the absolute offset of each entry of Types.
	Offsets []uint64
}

func (*CoreTypeSection) isSection() {}

// CoreType is a core type definition (core:deftype): a recursion group
// [*CoreRecGroup] (function, struct, array, continuation types) or a module
// type [*CoreModuleType].
type CoreType interface{ isCoreType() }

func (*CoreRecGroup) isCoreType() {}

// CoreModuleType is a core module type: (module md*).
type CoreModuleType struct {
	Decls []CoreModuleDecl
}

func (*CoreModuleType) isCoreType() {}

// CoreModuleDecl is a declarator of a core module type: [*CoreImportDecl],
// [*CoreTypeDecl], [*CoreOuterAliasDecl] or [*CoreExportDecl].
type CoreModuleDecl interface{ isCoreModuleDecl() }

// CoreImportDecl declares an import of a core module type.
type CoreImportDecl struct{ Import CoreImport }

// CoreTypeDecl defines a core type inside a core module type, component type
// or instance type.
type CoreTypeDecl struct{ Type CoreType }

// CoreOuterAliasDecl aliases core type Index of the enclosing scope Count
// levels out: (alias outer ct idx (type)).
type CoreOuterAliasDecl struct{ Count, Index uint32 }

// CoreExportDecl declares an export of a core module type.
type CoreExportDecl struct {
	Name string
	Type CoreExternType
}

func (*CoreImportDecl) isCoreModuleDecl()     {}
func (*CoreTypeDecl) isCoreModuleDecl()       {}
func (*CoreOuterAliasDecl) isCoreModuleDecl() {}
func (*CoreExportDecl) isCoreModuleDecl()     {}

func (r *reader) readCoreTypeSection(h SectionHeader) (*CoreTypeSection, error) {
	s := &CoreTypeSection{SectionHeader: h}
	var err error
	s.Types, s.Offsets, err = vecWithOffsets(r, "core type", (*reader).readCoreType)
	return s, err
}

// readCoreType reads a core:type. Because 0x50 starts both a module type and
// a non-final subtype, a non-final subtype is written 0x00 0x50 here.
func (r *reader) readCoreType() (CoreType, error) {
	b, err := r.peek("core type")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		return r.readPrefixedSubType()
	case 0x50:
		r.pos++
		if err := r.enter("core module type"); err != nil {
			return nil, err
		}
		defer r.leave()
		decls, err := vec(r, "module type declaration", (*reader).readCoreModuleDecl)
		if err != nil {
			return nil, err
		}
		return &CoreModuleType{Decls: decls}, nil
	}
	g, err := r.readRecGroup()
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// readPrefixedSubType reads 0x00 0x50 and a non-final subtype.
func (r *reader) readPrefixedSubType() (*CoreRecGroup, error) {
	r.pos++ // 0x00
	if b, err := r.peek("core subtype"); err != nil {
		return nil, err
	} else if b != 0x50 {
		return nil, r.errorf(r.pos, "invalid core type: 0x00 must be followed by 0x50 (sub), found 0x%02x", b)
	}
	st, err := r.readSubType()
	if err != nil {
		return nil, err
	}
	return &CoreRecGroup{Types: []CoreSubType{st}}, nil
}

// readModuleTypeCoreType reads the core:type of a core:moduledecl. Binary.md
// makes it a full core:type, but a module type may not contain a module type,
// and wasm-tools encodes a non-final subtype there as plain 0x50 (as in a core
// module) rather than 0x00 0x50. Both spellings decode as a subtype; 0x50
// never starts a nested module type.
func (r *reader) readModuleTypeCoreType() (CoreType, error) {
	b, err := r.peek("core type")
	if err != nil {
		return nil, err
	}
	if b == 0x00 {
		return r.readPrefixedSubType()
	}
	g, err := r.readRecGroup()
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// readCoreModuleDecl reads a core:moduledecl.
func (r *reader) readCoreModuleDecl() (CoreModuleDecl, error) {
	off := r.pos
	b, err := r.u8("module type declaration kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		im, err := r.readCoreImport()
		return &CoreImportDecl{Import: im}, err
	case 0x01:
		t, err := r.readModuleTypeCoreType()
		return &CoreTypeDecl{Type: t}, err
	case 0x02:
		if err := r.expect(0x10, "core alias sort (must be type)"); err != nil {
			return nil, err
		}
		if err := r.expect(0x01, "core alias kind (must be outer)"); err != nil {
			return nil, err
		}
		ct, err := r.u32("outer alias count")
		if err != nil {
			return nil, err
		}
		i, err := r.u32("outer alias index")
		return &CoreOuterAliasDecl{Count: ct, Index: i}, err
	case 0x03:
		n, err := r.name("export name")
		if err != nil {
			return nil, err
		}
		t, err := r.readCoreExternType()
		return &CoreExportDecl{Name: n, Type: t}, err
	}
	return nil, r.invalid(off, "module type declaration kind", b)
}

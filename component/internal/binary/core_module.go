package binary

import (
	"fmt"
)

// CoreSectionID is the id of a section of a core module.
type CoreSectionID uint8

// Core module section ids.
const (
	CoreSectionCustom    CoreSectionID = 0
	CoreSectionType      CoreSectionID = 1
	CoreSectionImport    CoreSectionID = 2
	CoreSectionFunction  CoreSectionID = 3
	CoreSectionTable     CoreSectionID = 4
	CoreSectionMemory    CoreSectionID = 5
	CoreSectionGlobal    CoreSectionID = 6
	CoreSectionExport    CoreSectionID = 7
	CoreSectionStart     CoreSectionID = 8
	CoreSectionElement   CoreSectionID = 9
	CoreSectionCode      CoreSectionID = 10
	CoreSectionData      CoreSectionID = 11
	CoreSectionDataCount CoreSectionID = 12
	CoreSectionTag       CoreSectionID = 13
)

var coreSectionNames = [...]string{
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag",
}

// String returns the section's name, e.g. "import".
func (id CoreSectionID) String() string {
	if int(id) < len(coreSectionNames) {
		return coreSectionNames[id]
	}
	return "unknown"
}

// CoreSectionHeader locates one section of a core module.
type CoreSectionHeader struct {
	ID CoreSectionID
	// Offset is the absolute offset of the section id byte.
	Offset uint64
	// PayloadOffset is the absolute offset of the section contents, after
	// the size.
	PayloadOffset uint64
	// Size is the size of the contents in bytes.
	Size uint32
	// Name is the name of a custom section.
	Name string
}

// CoreExport is an export of a core module.
type CoreExport struct {
	Name  string
	Sort  Sort // a core sort: func, table, memory, global or tag
	Index uint32
}

// CoreModule is a core WebAssembly module: its bytes, and the parts of it a
// component runtime needs before instantiating it (the section layout, the
// type, import, function and export sections). Code, data, tables, memories,
// globals and everything else are left undecoded in Raw.
type CoreModule struct {
	// Offset is the absolute offset of the module's preamble.
	Offset uint64
	// Raw is the whole module, preamble included. It aliases the input.
	Raw []byte
	// Sections lists every section in binary order.
	Sections []CoreSectionHeader
	// Types is the type index space: the subtypes of all recursion groups
	// of the type section, in order.
	Types []CoreSubType
	// Imports are the module's imports in order, the compact encodings
	// expanded.
	Imports []CoreImport
	// Funcs holds the type index of each function the module defines
	// (the function section); their function indices follow the imported
	// functions'.
	Funcs []uint32
	// Exports are the module's exports in order.
	Exports []CoreExport
}

// NumImportedFuncs is the number of imported functions, which come first in
// the function index space.
func (m *CoreModule) NumImportedFuncs() int {
	n := 0
	for _, im := range m.Imports {
		if _, ok := im.Type.(CoreFuncExtern); ok {
			n++
		}
	}
	return n
}

// FuncType returns the type of function funcIdx (imported or defined), or
// false when the index or its type index is out of range or the type is not
// a function type.
func (m *CoreModule) FuncType(funcIdx uint32) (*CoreFuncType, bool) {
	var typeIdx uint32
	found := false
	i := uint32(0)
	for _, im := range m.Imports {
		if f, ok := im.Type.(CoreFuncExtern); ok {
			if i == funcIdx {
				typeIdx, found = f.Type, true
				break
			}
			i++
		}
	}
	if !found {
		d := uint64(funcIdx) - uint64(i)
		if uint64(funcIdx) < uint64(i) || d >= uint64(len(m.Funcs)) {
			return nil, false
		}
		typeIdx = m.Funcs[d]
	}
	if uint64(typeIdx) >= uint64(len(m.Types)) {
		return nil, false
	}
	ft, ok := m.Types[typeIdx].Type.(*CoreFuncType)
	return ft, ok
}

// DecodeCoreModule decodes a core module's preamble, section layout and its
// type, import, function and export sections.
func DecodeCoreModule(b []byte) (*CoreModule, error) {
	r := newReader(b)
	m, err := r.readCoreModule()
	if err != nil {
		return nil, fmt.Errorf("decode core module: %w", err)
	}
	return m, nil
}

// readCoreModule reads a core module spanning the rest of the current region.
func (r *reader) readCoreModule() (*CoreModule, error) {
	start := r.pos
	p, err := r.readPreamble()
	if err != nil {
		return nil, err
	}
	if p.Layer != LayerCore {
		return nil, r.errorf(start, "want a core module, found a component (version 0x%02x, layer %d)", p.Version, p.Layer)
	}
	m := &CoreModule{Offset: uint64(start), Raw: r.buf[start:r.end:r.end]}
	for r.pos < r.end {
		off := r.pos
		id, err := r.u8("core section id")
		if err != nil {
			return nil, err
		}
		if int(id) >= len(coreSectionNames) {
			return nil, r.invalid(off, "core section id", id)
		}
		size, err := r.u32("core section size")
		if err != nil {
			return nil, fmt.Errorf("core section %d (%s) at offset %#x: %w", id, CoreSectionID(id), off, err)
		}
		h := CoreSectionHeader{ID: CoreSectionID(id), Offset: uint64(off), PayloadOffset: uint64(r.pos), Size: size}
		err = r.sub(size, "core section", func() error { return r.readCoreSection(m, &h) })
		if err != nil {
			return nil, fmt.Errorf("core section %d (%s) at offset %#x: %w", id, CoreSectionID(id), off, err)
		}
		m.Sections = append(m.Sections, h)
	}
	return m, nil
}

// readCoreSection decodes the payload of one core section into m.
func (r *reader) readCoreSection(m *CoreModule, h *CoreSectionHeader) error {
	switch h.ID {
	case CoreSectionCustom:
		n, err := r.name("custom section name")
		if err != nil {
			return err
		}
		h.Name = n
	case CoreSectionType:
		groups, err := vec(r, "rec group", (*reader).readRecGroup)
		if err != nil {
			return err
		}
		for _, g := range groups {
			m.Types = append(m.Types, g.Types...)
		}
		return nil
	case CoreSectionImport:
		n, err := r.count("import")
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := r.readCoreImportGroup(m); err != nil {
				return withEntry("import", i, err)
			}
		}
		return nil
	case CoreSectionFunction:
		funcs, err := r.u32s("function type index")
		m.Funcs = append(m.Funcs, funcs...)
		return err
	case CoreSectionExport:
		exports, err := vec(r, "export", func(r *reader) (CoreExport, error) {
			name, err := r.name("export name")
			if err != nil {
				return CoreExport{}, err
			}
			off := r.pos
			k, err := r.u8("export kind")
			if err != nil {
				return CoreExport{}, err
			}
			if k > 0x04 {
				return CoreExport{}, r.invalid(off, "core export kind", k)
			}
			s, _ := coreSortFromByte(k)
			i, err := r.u32("export index")
			return CoreExport{Name: name, Sort: s, Index: i}, err
		})
		m.Exports = append(m.Exports, exports...)
		return err
	}
	r.pos = r.end // not decoded: code, data, tables, memories, …
	return nil
}

// readCoreImportGroup reads one entry of a core import section: a single
// import, or one of the compact-imports encodings (an empty item name followed
// by 0x7f and a vector of name/type items, or by 0x7e, one type and a vector
// of names).
func (r *reader) readCoreImportGroup(m *CoreModule) error {
	module, err := r.name("import module name")
	if err != nil {
		return err
	}
	name, err := r.name("import name")
	if err != nil {
		return err
	}
	if name == "" && r.pos < r.end {
		switch r.buf[r.pos] {
		case 0x7f:
			r.pos++
			items, err := vec(r, "compact import", func(r *reader) (CoreImport, error) {
				n, err := r.name("import name")
				if err != nil {
					return CoreImport{}, err
				}
				t, err := r.readCoreExternType()
				return CoreImport{Module: module, Name: n, Type: t}, err
			})
			m.Imports = append(m.Imports, items...)
			return err
		case 0x7e:
			r.pos++
			t, err := r.readCoreExternType()
			if err != nil {
				return err
			}
			names, err := vec(r, "compact import", func(r *reader) (string, error) { return r.name("import name") })
			for _, n := range names {
				m.Imports = append(m.Imports, CoreImport{Module: module, Name: n, Type: t})
			}
			return err
		}
	}
	t, err := r.readCoreExternType()
	if err != nil {
		return err
	}
	m.Imports = append(m.Imports, CoreImport{Module: module, Name: name, Type: t})
	return nil
}

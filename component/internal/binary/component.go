package binary

import (
	"fmt"
)

// SectionID is the id of a component section.
type SectionID uint8

// Component section ids (Binary.md, "Component Definitions").
const (
	SectionCustom       SectionID = 0
	SectionCoreModule   SectionID = 1
	SectionCoreInstance SectionID = 2
	SectionCoreType     SectionID = 3
	SectionComponent    SectionID = 4
	SectionInstance     SectionID = 5
	SectionAlias        SectionID = 6
	SectionType         SectionID = 7
	SectionCanon        SectionID = 8
	SectionStart        SectionID = 9
	SectionImport       SectionID = 10
	SectionExport       SectionID = 11
	SectionValue        SectionID = 12
)

var sectionNames = [...]string{
	"custom", "core module", "core instance", "core type", "component", "instance",
	"alias", "type", "canon", "start", "import", "export", "value",
}

// String returns the section's name as used in error messages, e.g. "type".
func (id SectionID) String() string {
	if int(id) < len(sectionNames) {
		return sectionNames[id]
	}
	return "unknown"
}

// SectionHeader locates a section in the input.
type SectionHeader struct {
	ID SectionID
	// Offset is the absolute offset of the section id byte.
	Offset uint64
	// PayloadOffset is the absolute offset of the section contents, after
	// the size.
	PayloadOffset uint64
	// Size is the size of the contents in bytes.
	Size uint32
}

// Header returns h; every Section embeds a SectionHeader.
func (h SectionHeader) Header() SectionHeader { return h }

// Section is one decoded section: [*CustomSection], [*CoreModuleSection],
// [*CoreInstanceSection], [*CoreTypeSection], [*ComponentSection],
// [*InstanceSection], [*AliasSection], [*TypeSection], [*CanonSection],
// [*StartSection], [*ImportSection], [*ExportSection] or [*ValueSection].
type Section interface {
	// Header locates the section.
	Header() SectionHeader
	isSection()
}

// Component is a decoded component: its version and its sections in binary
// order. Definitions of one kind may be spread over several sections, and the
// order of sections matters (index spaces grow as definitions appear).
type Component struct {
	// Offset is the absolute offset of the preamble: 0 for the outermost
	// component, the payload offset of a nested one's section otherwise.
	Offset uint64
	// Size is the component's size in bytes, preamble included.
	Size uint64
	// Version is the preamble's version, [ComponentVersion].
	Version uint16
	// Sections are all sections in binary order.
	Sections []Section
}

// Decode decodes the component binary b. It fails with an error wrapping
// [ErrCoreModule] when b is a core module, and with an error carrying an
// [*Error] (and the section it occurred in) when b is malformed. The result
// aliases b: core modules' Raw bytes and custom sections' Data are sub-slices
// of it.
func Decode(b []byte) (*Component, error) {
	r := newReader(b)
	c, err := r.readComponent(true)
	if err != nil {
		return nil, fmt.Errorf("decode component: %w", err)
	}
	return c, nil
}

// readComponent reads a component spanning the rest of the current region.
// Only for the outermost one (top) is a core module reported with
// ErrCoreModule; inside a component section it is just malformed.
func (r *reader) readComponent(top bool) (*Component, error) {
	start := r.pos
	p, err := r.readPreamble()
	if err != nil {
		return nil, err
	}
	if p.Layer != LayerComponent {
		e := &Error{Offset: uint64(start), Msg: "want a component, found a core module"}
		if top {
			e.Err = ErrCoreModule
		}
		return nil, e
	}
	c := &Component{Offset: uint64(start), Size: uint64(r.end - start), Version: p.Version}
	for r.pos < r.end {
		off := r.pos
		id, err := r.u8("section id")
		if err != nil {
			return nil, err
		}
		if int(id) >= len(sectionNames) {
			return nil, r.invalid(off, "section id", id)
		}
		size, err := r.u32("section size")
		if err != nil {
			return nil, withSection(SectionID(id), off, err)
		}
		h := SectionHeader{ID: SectionID(id), Offset: uint64(off), PayloadOffset: uint64(r.pos), Size: size}
		var s Section
		err = r.sub(size, "section", func() (err error) {
			s, err = r.readSection(h)
			return err
		})
		if err != nil {
			return nil, withSection(SectionID(id), off, err)
		}
		c.Sections = append(c.Sections, s)
	}
	return c, nil
}

// readSection decodes the payload of the section h.
func (r *reader) readSection(h SectionHeader) (Section, error) {
	switch h.ID {
	case SectionCustom:
		return r.readCustomSection(h)
	case SectionCoreModule:
		m, err := r.readCoreModule()
		if err != nil {
			return nil, err
		}
		return &CoreModuleSection{SectionHeader: h, Module: m}, nil
	case SectionCoreInstance:
		return r.readCoreInstanceSection(h)
	case SectionCoreType:
		return r.readCoreTypeSection(h)
	case SectionComponent:
		if err := r.enter("component"); err != nil {
			return nil, err
		}
		defer r.leave()
		c, err := r.readComponent(false)
		if err != nil {
			return nil, err
		}
		return &ComponentSection{SectionHeader: h, Component: c}, nil
	case SectionInstance:
		return r.readInstanceSection(h)
	case SectionAlias:
		return r.readAliasSection(h)
	case SectionType:
		return r.readTypeSection(h)
	case SectionCanon:
		return r.readCanonSection(h)
	case SectionStart:
		return r.readStartSection(h)
	case SectionImport:
		return r.readImportSection(h)
	case SectionExport:
		return r.readExportSection(h)
	case SectionValue:
		return r.readValueSection(h)
	}
	return nil, r.invalid(int(h.Offset), "section id", byte(h.ID)) // unreachable: checked by the caller
}

// CoreModuleSection embeds a core module (section 1).
type CoreModuleSection struct {
	SectionHeader
	Module *CoreModule
}

// ComponentSection embeds a nested component (section 4), decoded
// recursively.
type ComponentSection struct {
	SectionHeader
	Component *Component
}

func (*CoreModuleSection) isSection() {}
func (*ComponentSection) isSection()  {}

// sectionsOf returns the sections of c of type T, in order.
func sectionsOf[T Section](c *Component) []T {
	var out []T
	for _, s := range c.Sections {
		if t, ok := s.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// CoreModules returns the core modules of c's core module sections in order,
// which is their order in c's core module index space.
func (c *Component) CoreModules() []*CoreModule {
	var out []*CoreModule
	for _, s := range sectionsOf[*CoreModuleSection](c) {
		out = append(out, s.Module)
	}
	return out
}

// Components returns c's nested components (component sections) in order.
func (c *Component) Components() []*Component {
	var out []*Component
	for _, s := range sectionsOf[*ComponentSection](c) {
		out = append(out, s.Component)
	}
	return out
}

// Imports returns the imports of all of c's import sections, in order.
func (c *Component) Imports() []Import {
	var out []Import
	for _, s := range sectionsOf[*ImportSection](c) {
		out = append(out, s.Imports...)
	}
	return out
}

// Exports returns the exports of all of c's export sections, in order.
func (c *Component) Exports() []Export {
	var out []Export
	for _, s := range sectionsOf[*ExportSection](c) {
		out = append(out, s.Exports...)
	}
	return out
}

// Custom returns c's custom sections named name, in order.
func (c *Component) Custom(name string) []*CustomSection {
	var out []*CustomSection
	for _, s := range sectionsOf[*CustomSection](c) {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

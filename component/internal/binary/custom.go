package binary

import "fmt"

// NameSectionName is the name of the custom section that names a component's
// definitions (Binary.md, "Name Section").
const NameSectionName = "component-name"

// CustomSection is a custom section (section 0): a name and opaque bytes.
// Custom sections such as "producers" are kept raw; a "component-name"
// section is also decoded into Names.
type CustomSection struct {
	SectionHeader
	Name string
	// Data is the section contents after the name. It aliases the input.
	Data []byte
	// DataOffset is the absolute offset of Data.
	DataOffset uint64
	// Names is the decoded "component-name" section, nil for other sections
	// or when it does not decode.
	Names *NameSection
	// NamesErr is why a "component-name" section did not decode. Such a
	// section is otherwise ignored: the spec asks engines not to reject
	// components for an invalid name section.
	NamesErr error
}

func (*CustomSection) isSection() {}

// NameSection is a decoded "component-name" custom section.
type NameSection struct {
	// Component is the component's own name (subsection 0), if present.
	Component *string
	// Sorts holds the name maps of subsection 1, one per occurrence.
	Sorts []SortNames
}

// SortNames names items of one index space.
type SortNames struct {
	Sort  Sort
	Names []NameAssoc
}

// NameAssoc associates a name with an index.
type NameAssoc struct {
	Index uint32
	Name  string
}

// readCustomSection reads a custom section spanning the current region.
func (r *reader) readCustomSection(h SectionHeader) (*CustomSection, error) {
	name, err := r.name("custom section name")
	if err != nil {
		return nil, err
	}
	s := &CustomSection{SectionHeader: h, Name: name, DataOffset: uint64(r.pos), Data: r.buf[r.pos:r.end:r.end]}
	if name == NameSectionName {
		nr := &reader{buf: r.buf, pos: r.pos, end: r.end}
		s.Names, s.NamesErr = nr.readNameSection()
		if s.NamesErr != nil {
			s.Names = nil
		}
	}
	r.pos = r.end
	return s, nil
}

// readNameSection reads the subsections of a component-name section.
// Subsections with unknown ids, and sort subsections naming unknown sorts,
// are skipped.
func (r *reader) readNameSection() (*NameSection, error) {
	ns := &NameSection{}
	for r.pos < r.end {
		off := r.pos
		id, err := r.u8("name subsection id")
		if err != nil {
			return nil, err
		}
		size, err := r.u32("name subsection size")
		if err != nil {
			return nil, err
		}
		err = r.sub(size, "name subsection", func() error {
			switch id {
			case 0:
				n, err := r.name("component name")
				if err != nil {
					return err
				}
				ns.Component = &n
			case 1:
				s, err := r.readSort()
				if err != nil { // an unknown sort: skip the subsection
					r.pos = r.end
					return nil
				}
				names, err := vec(r, "name", func(r *reader) (NameAssoc, error) {
					i, err := r.u32("name index")
					if err != nil {
						return NameAssoc{}, err
					}
					n, err := r.name("name")
					return NameAssoc{Index: i, Name: n}, err
				})
				if err != nil {
					return err
				}
				ns.Sorts = append(ns.Sorts, SortNames{Sort: s, Names: names})
			default:
				r.pos = r.end
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("name subsection %d at offset %#x: %w", id, off, err)
		}
	}
	return ns, nil
}

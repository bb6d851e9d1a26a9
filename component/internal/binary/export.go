package binary

// ExportSection defines exports (section 11).
type ExportSection struct {
	SectionHeader
	Exports []Export
	// Offsets holds the absolute offset of each entry of Exports.
	Offsets []uint64
}

func (*ExportSection) isSection() {}

// Export is a component export: (export na si et?).
type Export struct {
	Name ExternName
	SortIdx
	// Type is the optional type ascription, nil when absent.
	Type ExternType
}

func (r *reader) readExportSection(h SectionHeader) (*ExportSection, error) {
	s := &ExportSection{SectionHeader: h}
	var err error
	s.Exports, s.Offsets, err = vecWithOffsets(r, "export", func(r *reader) (Export, error) {
		n, err := r.readExternName()
		if err != nil {
			return Export{}, err
		}
		si, err := r.readSortIdx()
		if err != nil {
			return Export{}, err
		}
		e := Export{Name: n, SortIdx: si}
		t, err := optional(r, "export type", (*reader).readExternType)
		if t != nil {
			e.Type = *t
		}
		return e, err
	})
	return s, err
}

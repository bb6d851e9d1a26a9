package binary

// InstanceSection defines component instances (section 5).
type InstanceSection struct {
	SectionHeader
	Instances []Instance
	// Offsets holds the absolute offset of each entry of Instances.
	Offsets []uint64
}

func (*InstanceSection) isSection() {}

// Instance is a component instance definition: [*Instantiate] or
// [*InstanceExports].
type Instance interface{ isInstance() }

// Instantiate instantiates component Component with named arguments:
// (instance (instantiate c (with n si)*)).
type Instantiate struct {
	Component uint32
	Args      []InstantiateArg
}

// InstantiateArg supplies the item SortIdx for the import named Name.
type InstantiateArg struct {
	Name string
	SortIdx
}

// InstanceExports bundles existing definitions into an instance:
// (instance (export na si)*).
type InstanceExports struct {
	Exports []InlineExport
}

// InlineExport is one export of an [InstanceExports].
type InlineExport struct {
	Name ExternName
	SortIdx
}

func (*Instantiate) isInstance()     {}
func (*InstanceExports) isInstance() {}

func (r *reader) readInstanceSection(h SectionHeader) (*InstanceSection, error) {
	s := &InstanceSection{SectionHeader: h}
	var err error
	s.Instances, s.Offsets, err = vecWithOffsets(r, "instance", (*reader).readInstance)
	return s, err
}

// readInstance reads an instance.
func (r *reader) readInstance() (Instance, error) {
	off := r.pos
	b, err := r.u8("instance kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		c, err := r.u32("component index")
		if err != nil {
			return nil, err
		}
		args, err := vec(r, "instantiate argument", func(r *reader) (InstantiateArg, error) {
			n, err := r.name("argument name")
			if err != nil {
				return InstantiateArg{}, err
			}
			si, err := r.readSortIdx()
			return InstantiateArg{Name: n, SortIdx: si}, err
		})
		return &Instantiate{Component: c, Args: args}, err
	case 0x01:
		exports, err := vec(r, "export", func(r *reader) (InlineExport, error) {
			n, err := r.readExternName()
			if err != nil {
				return InlineExport{}, err
			}
			si, err := r.readSortIdx()
			return InlineExport{Name: n, SortIdx: si}, err
		})
		return &InstanceExports{Exports: exports}, err
	}
	return nil, r.invalid(off, "instance kind", b)
}

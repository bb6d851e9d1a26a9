package binary

// CoreInstanceSection defines core instances (section 2).
type CoreInstanceSection struct {
	SectionHeader
	Instances []CoreInstance
	// Offsets holds the absolute offset of each entry of Instances.
	Offsets []uint64
}

func (*CoreInstanceSection) isSection() {}

// CoreInstance is a core instance definition: [*CoreInstantiate] or
// [*CoreInstanceExports].
type CoreInstance interface{ isCoreInstance() }

// CoreInstantiate instantiates core module Module with named instance
// arguments: (instance (instantiate m (with n (instance i))*)).
type CoreInstantiate struct {
	Module uint32
	Args   []CoreInstantiateArg
}

// CoreInstantiateArg supplies core instance Instance for the imports whose
// module name is Name.
type CoreInstantiateArg struct {
	Name     string
	Instance uint32
}

// CoreInstanceExports bundles existing core definitions into an instance:
// (instance (export n (sort idx))*).
type CoreInstanceExports struct {
	Exports []CoreInlineExport
}

// CoreInlineExport is one export of a [CoreInstanceExports].
type CoreInlineExport struct {
	Name string
	SortIdx
}

func (*CoreInstantiate) isCoreInstance()     {}
func (*CoreInstanceExports) isCoreInstance() {}

func (r *reader) readCoreInstanceSection(h SectionHeader) (*CoreInstanceSection, error) {
	s := &CoreInstanceSection{SectionHeader: h}
	var err error
	s.Instances, s.Offsets, err = vecWithOffsets(r, "core instance", (*reader).readCoreInstance)
	return s, err
}

// readCoreInstance reads a core:instance.
func (r *reader) readCoreInstance() (CoreInstance, error) {
	off := r.pos
	b, err := r.u8("core instance kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		m, err := r.u32("module index")
		if err != nil {
			return nil, err
		}
		args, err := vec(r, "instantiate argument", func(r *reader) (CoreInstantiateArg, error) {
			n, err := r.name("argument name")
			if err != nil {
				return CoreInstantiateArg{}, err
			}
			if err := r.expect(0x12, "core instantiate argument sort (must be instance)"); err != nil {
				return CoreInstantiateArg{}, err
			}
			i, err := r.u32("core instance index")
			return CoreInstantiateArg{Name: n, Instance: i}, err
		})
		return &CoreInstantiate{Module: m, Args: args}, err
	case 0x01:
		exports, err := vec(r, "export", func(r *reader) (CoreInlineExport, error) {
			n, err := r.name("export name")
			if err != nil {
				return CoreInlineExport{}, err
			}
			si, err := r.readCoreSortIdx()
			return CoreInlineExport{Name: n, SortIdx: si}, err
		})
		return &CoreInstanceExports{Exports: exports}, err
	}
	return nil, r.invalid(off, "core instance kind", b)
}

// vecWithOffsets is vec that also returns the absolute offset of each entry.
func vecWithOffsets[T any](r *reader, what string, read func(r *reader) (T, error)) ([]T, []uint64, error) {
	var offsets []uint64
	items, err := vec(r, what, func(r *reader) (T, error) {
		offsets = append(offsets, uint64(r.pos))
		return read(r)
	})
	if err != nil {
		return nil, nil, err
	}
	return items, offsets, nil
}

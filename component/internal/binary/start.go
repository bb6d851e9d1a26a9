package binary

// StartSection is a start definition (section 9) 🪙: call function Func with
// the values Args, adding Results values to the value index space.
type StartSection struct {
	SectionHeader
	Func    uint32
	Args    []uint32
	Results uint32
}

func (*StartSection) isSection() {}

func (r *reader) readStartSection(h SectionHeader) (*StartSection, error) {
	s := &StartSection{SectionHeader: h}
	var err error
	if s.Func, err = r.u32("start function index"); err != nil {
		return nil, err
	}
	if s.Args, err = r.u32s("start argument"); err != nil {
		return nil, err
	}
	if s.Results, err = r.u32("start result count"); err != nil {
		return nil, err
	}
	return s, nil
}

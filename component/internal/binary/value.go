package binary

// ValueSection defines values (section 12) 🪙.
type ValueSection struct {
	SectionHeader
	Values []Value
	// Offsets holds the absolute offset of each entry of Values.
	Offsets []uint64
}

func (*ValueSection) isSection() {}

// Value is a value definition: (value t v). The value's encoding, val(t),
// depends on the type index space, so it is kept undecoded in Data.
type Value struct {
	Type ValType
	// Data is the encoded value (len bytes). It aliases the input.
	Data []byte
}

func (r *reader) readValueSection(h SectionHeader) (*ValueSection, error) {
	s := &ValueSection{SectionHeader: h}
	var err error
	s.Values, s.Offsets, err = vecWithOffsets(r, "value", func(r *reader) (Value, error) {
		t, err := r.readValType()
		if err != nil {
			return Value{}, err
		}
		off := r.pos
		n, err := r.u32("value length")
		if err != nil {
			return Value{}, err
		}
		if uint64(n) > uint64(r.remaining()) {
			return Value{}, r.tooLong(off, "value length", uint64(n))
		}
		d, err := r.bytes(int(n), "value")
		return Value{Type: t, Data: d}, err
	})
	return s, err
}

package types

import (
	"errors"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// coreDefs are the tables, memories, globals and tags a core module
// defines, read from the sections the decoder skips.
type coreDefs struct {
	tables   []binary.CoreTableType
	memories []binary.CoreMemoryType
	globals  []binary.CoreGlobalType
	tags     []uint32 // function type indices
	// partial is set when a section could not be read (an instruction this
	// reader does not know in a global's initializer, say): the counts
	// above are then incomplete and wazero has the last word.
	partial bool
}

// parseCoreDefs reads the table, memory, global and tag sections of m.
func parseCoreDefs(m *binary.CoreModule) coreDefs {
	var d coreDefs
	for _, h := range m.Sections {
		switch h.ID {
		case binary.CoreSectionTable, binary.CoreSectionMemory, binary.CoreSectionGlobal, binary.CoreSectionTag:
		default:
			continue
		}
		start := h.PayloadOffset - m.Offset
		end := start + uint64(h.Size)
		if start > uint64(len(m.Raw)) || end > uint64(len(m.Raw)) || start > end {
			d.partial = true
			continue
		}
		r := &coreReader{b: m.Raw[start:end]}
		if err := r.section(h.ID, &d); err != nil {
			d.partial = true
		}
	}
	return d
}

var errCoreParse = errors.New("cannot read core section")

// coreReader reads the few core wasm constructs parseCoreDefs needs.
type coreReader struct {
	b   []byte
	pos int
}

func (r *coreReader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errCoreParse
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *coreReader) uleb(bits uint) (uint64, error) {
	var v uint64
	var shift uint
	for {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift >= 64 {
			return 0, errCoreParse
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			break
		}
		if shift >= bits+7 {
			return 0, errCoreParse
		}
	}
	if bits < 64 && v>>bits != 0 {
		return 0, errCoreParse
	}
	return v, nil
}

func (r *coreReader) u32() (uint32, error) {
	v, err := r.uleb(32)
	return uint32(v), err
}

// sleb skips a signed LEB128 of at most bits bits.
func (r *coreReader) sleb(bits uint) error {
	for n := uint(0); ; n += 7 {
		c, err := r.byte()
		if err != nil {
			return err
		}
		if c&0x80 == 0 {
			return nil
		}
		if n >= bits {
			return errCoreParse
		}
	}
}

func (r *coreReader) skip(n int) error {
	if n < 0 || len(r.b)-r.pos < n {
		return errCoreParse
	}
	r.pos += n
	return nil
}

func (r *coreReader) count() (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if int(n) > len(r.b)-r.pos { // every entry takes at least one byte
		return 0, errCoreParse
	}
	return int(n), nil
}

func (r *coreReader) section(id binary.CoreSectionID, d *coreDefs) error {
	n, err := r.count()
	if err != nil {
		return err
	}
	for range n {
		switch id {
		case binary.CoreSectionTable:
			t, err := r.table()
			if err != nil {
				return err
			}
			d.tables = append(d.tables, t)
		case binary.CoreSectionMemory:
			l, flags, err := r.limits(0x0f)
			if err != nil {
				return err
			}
			m := binary.CoreMemoryType{Limits: l}
			if flags&0x08 != 0 {
				p, err := r.u32()
				if err != nil || p >= 64 {
					return errCoreParse
				}
				m.PageSizeLog2 = &p
			}
			d.memories = append(d.memories, m)
		case binary.CoreSectionGlobal:
			t, err := r.valType()
			if err != nil {
				return err
			}
			flags, err := r.byte()
			if err != nil || flags > 3 {
				return errCoreParse
			}
			d.globals = append(d.globals, binary.CoreGlobalType{Type: t, Mutable: flags&1 != 0, Shared: flags&2 != 0})
			if err := r.expr(); err != nil {
				return err
			}
		case binary.CoreSectionTag:
			if a, err := r.byte(); err != nil || a != 0 {
				return errCoreParse
			}
			t, err := r.u32()
			if err != nil {
				return err
			}
			d.tags = append(d.tags, t)
		}
	}
	return nil
}

func (r *coreReader) limits(allowed byte) (binary.Limits, byte, error) {
	flags, err := r.byte()
	if err != nil || flags&^allowed != 0 {
		return binary.Limits{}, 0, errCoreParse
	}
	l := binary.Limits{HasMax: flags&1 != 0, Shared: flags&2 != 0, Is64: flags&4 != 0}
	bits := uint(32)
	if l.Is64 {
		bits = 64
	}
	if l.Min, err = r.uleb(bits); err != nil {
		return l, flags, err
	}
	if l.HasMax {
		l.Max, err = r.uleb(bits)
	}
	return l, flags, err
}

func (r *coreReader) table() (binary.CoreTableType, error) {
	var t binary.CoreTableType
	withInit := false
	if r.pos+1 < len(r.b) && r.b[r.pos] == 0x40 && r.b[r.pos+1] == 0x00 {
		r.pos += 2
		withInit = true
	}
	ref, err := r.refType()
	if err != nil {
		return t, err
	}
	t.Elem = ref
	if t.Limits, _, err = r.limits(0x07); err != nil {
		return t, err
	}
	if withInit {
		err = r.expr()
	}
	return t, err
}

func (r *coreReader) heapType() (binary.HeapType, error) {
	c, err := r.byte()
	if err != nil {
		return binary.HeapType{}, err
	}
	switch {
	case c == 0x65:
		a, err := r.byte()
		return binary.HeapType{Abstract: binary.AbstractHeapType(a), Shared: true}, err
	case c == 0x62:
		i, err := r.u32()
		return binary.HeapType{Index: i, Exact: true}, err
	case c&0xc0 == 0x40:
		return binary.HeapType{Abstract: binary.AbstractHeapType(c)}, nil
	}
	r.pos--
	v, err := r.uleb(33)
	return binary.HeapType{Index: uint32(v)}, err
}

func (r *coreReader) refType() (binary.RefType, error) {
	c, err := r.byte()
	if err != nil {
		return binary.RefType{}, err
	}
	switch c {
	case 0x63, 0x64:
		h, err := r.heapType()
		return binary.RefType{Nullable: c == 0x63, Heap: h}, err
	case 0x65:
		a, err := r.byte()
		return binary.RefType{Nullable: true, Heap: binary.HeapType{Abstract: binary.AbstractHeapType(a), Shared: true}}, err
	}
	if c >= 0x68 && c <= 0x75 {
		return binary.RefType{Nullable: true, Heap: binary.HeapType{Abstract: binary.AbstractHeapType(c)}}, nil
	}
	return binary.RefType{}, errCoreParse
}

func (r *coreReader) valType() (binary.CoreValType, error) {
	if r.pos >= len(r.b) {
		return binary.CoreValType{}, errCoreParse
	}
	switch k := binary.CoreValKind(r.b[r.pos]); k {
	case binary.CoreI32, binary.CoreI64, binary.CoreF32, binary.CoreF64, binary.CoreV128:
		r.pos++
		return binary.CoreValType{Kind: k}, nil
	}
	ref, err := r.refType()
	return binary.CoreValType{Kind: binary.CoreRef, Ref: ref}, err
}

// expr skips a constant expression up to its `end`.
func (r *coreReader) expr() error {
	for {
		op, err := r.byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x0b: // end
			return nil
		case 0x41: // i32.const
			err = r.sleb(32)
		case 0x42: // i64.const
			err = r.sleb(64)
		case 0x43: // f32.const
			err = r.skip(4)
		case 0x44: // f64.const
			err = r.skip(8)
		case 0x23, 0xd2: // global.get, ref.func
			_, err = r.u32()
		case 0xd0: // ref.null
			_, err = r.heapType()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended-const arithmetic
		case 0xfd: // v128.const
			var sub uint32
			if sub, err = r.u32(); err == nil {
				if sub != 12 {
					return errCoreParse
				}
				err = r.skip(16)
			}
		case 0xfb: // GC constant instructions
			var sub uint32
			if sub, err = r.u32(); err != nil {
				return err
			}
			switch sub {
			case 0, 1, 6, 7: // struct.new(_default), array.new(_default)
				_, err = r.u32()
			case 8: // array.new_fixed
				if _, err = r.u32(); err == nil {
					_, err = r.u32()
				}
			case 0x1a, 0x1b, 0x1c: // any.convert_extern, extern.convert_any, ref.i31
			default:
				return errCoreParse
			}
		default:
			return errCoreParse
		}
		if err != nil {
			return err
		}
	}
}

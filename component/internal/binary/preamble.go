package binary

import "encoding/binary"

// Layer tells a core module from a component in the preamble.
type Layer uint16

// Layers.
const (
	LayerCore      Layer = 0
	LayerComponent Layer = 1
)

// ComponentVersion is the (pre-standard) component binary version this
// package decodes.
const ComponentVersion = 0x0d

// CoreVersion is the core module binary version.
const CoreVersion = 1

// magic is "\0asm".
var magic = [4]byte{0x00, 0x61, 0x73, 0x6d}

// Preamble is the first 8 bytes of a core module or component: the magic,
// then a 16-bit version and a 16-bit layer (little-endian). A component has
// version 0x0d and layer 1 (`0d 00 01 00`); a core module has version 1 and
// layer 0 (`01 00 00 00`).
type Preamble struct {
	Version uint16
	Layer   Layer
}

// IsComponent reports whether the preamble is that of a component.
func (p Preamble) IsComponent() bool { return p.Layer == LayerComponent }

// ReadPreamble reads and checks the preamble at the start of b, telling a
// component from a core module. It fails for a wrong magic, an unknown layer
// or a version other than [ComponentVersion] (components) or [CoreVersion]
// (core modules).
func ReadPreamble(b []byte) (Preamble, error) {
	return newReader(b).readPreamble()
}

func (r *reader) readPreamble() (Preamble, error) {
	start := r.pos
	if r.remaining() < 8 {
		if r.remaining() < 4 || [4]byte(r.buf[r.pos:r.pos+4]) == magic {
			r.pos = r.end
			return Preamble{}, r.eof("preamble")
		}
	}
	if [4]byte(r.buf[r.pos:r.pos+4]) != magic {
		return Preamble{}, r.errorf(start, "bad magic % x, want 00 61 73 6d", r.buf[r.pos:r.pos+4])
	}
	p := Preamble{
		Version: binary.LittleEndian.Uint16(r.buf[r.pos+4:]),
		Layer:   Layer(binary.LittleEndian.Uint16(r.buf[r.pos+6:])),
	}
	switch {
	case p.Layer == LayerComponent && p.Version != ComponentVersion:
		return p, r.errorf(start+4, "unsupported component version 0x%02x, want 0x%02x", p.Version, ComponentVersion)
	case p.Layer == LayerCore && p.Version != CoreVersion:
		return p, r.errorf(start+4, "unsupported core module version %d, want %d", p.Version, CoreVersion)
	case p.Layer > LayerComponent:
		return p, r.errorf(start+6, "unknown layer %d", p.Layer)
	}
	r.pos += 8
	return p, nil
}

package component

import (
	"errors"
)

// emptyModuleName replaces the empty import module name, which wit-component
// uses for its fixup modules (`(import "" "0" …)`) and wazero rejects. The
// core instantiation argument named "" is bound under this name instead.
const emptyModuleName = "plugwit:empty-module-name"

// renameEmptyImportModules rewrites a core module's import section so that
// imports from module "" come from emptyModuleName instead. It reports
// whether anything changed.
func renameEmptyImportModules(wasm []byte) ([]byte, bool, error) {
	r := &byteReader{b: wasm, pos: 8}
	if len(wasm) < 8 {
		return nil, false, errors.New("module too short")
	}
	for r.pos < len(r.b) {
		start := r.pos
		id := r.byte()
		size := r.u32()
		payload := r.pos
		end := payload + int(size)
		if r.err != nil || end > len(r.b) {
			return nil, false, errors.New("malformed section")
		}
		if id != 2 {
			r.pos = end
			continue
		}
		out, changed, err := renameInImportSection(r.b[payload:end])
		if err != nil || !changed {
			return nil, false, err
		}
		var res []byte
		res = append(res, wasm[:start]...)
		res = appendSection(res, 2, out)
		res = append(res, wasm[end:]...)
		return res, true, nil
	}
	return nil, false, nil
}

func renameInImportSection(sec []byte) ([]byte, bool, error) {
	r := &byteReader{b: sec}
	n := r.u32()
	out := appendU32(nil, n)
	changed := false
	for i := uint32(0); i < n && r.err == nil; i++ {
		modLen := r.u32()
		mod := r.bytes(int(modLen))
		if len(mod) == 0 && r.err == nil {
			out = appendName(out, emptyModuleName)
			changed = true
		} else {
			out = appendName(out, string(mod))
		}
		entryStart := r.pos
		nameLen := r.u32()
		r.bytes(int(nameLen))
		r.skipImportDesc()
		out = append(out, sec[entryStart:r.pos]...)
	}
	if r.err != nil || r.pos != len(sec) {
		return nil, false, errors.New("malformed import section")
	}
	return out, changed, nil
}

// byteReader reads the few wasm encodings the rewriter needs; an error
// sticks.
type byteReader struct {
	b   []byte
	pos int
	err error
}

func (r *byteReader) byte() byte {
	if r.pos >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *byteReader) u32() uint32 {
	var v uint32
	for shift := uint(0); shift < 35; shift += 7 {
		c := r.byte()
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("bad LEB128")
	return 0
}

func (r *byteReader) u64() {
	for i := 0; i < 10; i++ {
		if r.byte()&0x80 == 0 {
			return
		}
	}
	r.err = errors.New("bad LEB128")
}

func (r *byteReader) bytes(n int) []byte {
	if n < 0 || r.pos+n > len(r.b) {
		r.err = errors.New("unexpected end")
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

// skipImportDesc skips an import descriptor: func, table, memory, global
// or tag.
func (r *byteReader) skipImportDesc() {
	switch r.byte() {
	case 0x00: // func
		r.u32()
	case 0x01: // table
		r.skipRefType()
		r.skipLimits()
	case 0x02: // memory
		r.skipLimits()
	case 0x03: // global
		r.skipValType()
		r.byte()
	case 0x04: // tag
		r.byte()
		r.u32()
	default:
		r.err = errors.New("unsupported import kind")
	}
}

func (r *byteReader) skipLimits() {
	flags := r.byte()
	r.u64()
	if flags&1 != 0 {
		r.u64()
	}
	if flags&0x08 != 0 { // custom page size
		r.u32()
	}
}

func (r *byteReader) skipRefType() {
	switch c := r.byte(); c {
	case 0x63, 0x64: // (ref null? ht)
		r.skipHeapType()
	default:
		_ = c // an abbreviated reference type
	}
}

func (r *byteReader) skipHeapType() {
	// A heap type is an abstract type byte or an s33 type index.
	for i := 0; i < 5; i++ {
		if r.byte()&0x80 == 0 {
			return
		}
	}
}

func (r *byteReader) skipValType() {
	switch c := r.byte(); c {
	case 0x63, 0x64:
		r.skipHeapType()
	default:
		_ = c
	}
}

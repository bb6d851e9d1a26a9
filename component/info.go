package component

import (
	"unicode/utf8"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// CoreModuleInfo describes a core module embedded in a component.
type CoreModuleInfo struct {
	Size    int // bytes
	Imports int
	Exports int
}

// CoreModules lists the core modules of the component and of the
// components nested in it, in binary order.
func (c *Compiled) CoreModules() []CoreModuleInfo {
	if c.core != nil {
		m := c.core.module
		return []CoreModuleInfo{{Size: len(m.Raw), Imports: len(m.Imports), Exports: len(m.Exports)}}
	}
	var out []CoreModuleInfo
	var walk func(b *binary.Component)
	walk = func(b *binary.Component) {
		for _, s := range b.Sections {
			switch s := s.(type) {
			case *binary.CoreModuleSection:
				out = append(out, CoreModuleInfo{Size: len(s.Module.Raw), Imports: len(s.Module.Imports), Exports: len(s.Module.Exports)})
			case *binary.ComponentSection:
				walk(s.Component)
			}
		}
	}
	walk(c.root.checked.Bin)
	return out
}

// ProducerField is one entry of a producers section: a field
// ("language", "processed-by", "sdk") and a tool or language with its
// version.
type ProducerField struct {
	Field string
	Value string // "name version" or "name"
}

// Producers returns the entries of the component's producers custom
// section, or nil when it has none or it does not decode.
func (c *Compiled) Producers() []ProducerField {
	if c.core != nil {
		return c.core.producers()
	}
	for _, s := range c.root.checked.Bin.Custom("producers") {
		if p, ok := decodeProducers(s.Data); ok {
			return p
		}
	}
	return nil
}

// decodeProducers reads the producers section format (tool conventions):
// vec(field-name vec(value-name version)).
func decodeProducers(b []byte) ([]ProducerField, bool) {
	pos := 0
	u32 := func() (uint32, bool) {
		var v uint32
		for shift := uint(0); shift < 35; shift += 7 {
			if pos >= len(b) {
				return 0, false
			}
			c := b[pos]
			pos++
			v |= uint32(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	name := func() (string, bool) {
		n, ok := u32()
		if !ok || uint64(pos)+uint64(n) > uint64(len(b)) {
			return "", false
		}
		s := string(b[pos : pos+int(n)])
		pos += int(n)
		return s, utf8.ValidString(s)
	}
	var out []ProducerField
	fields, ok := u32()
	if !ok {
		return nil, false
	}
	for i := uint32(0); i < fields; i++ {
		field, ok := name()
		if !ok {
			return nil, false
		}
		values, ok := u32()
		if !ok || values > uint32(len(b)) {
			return nil, false
		}
		for j := uint32(0); j < values; j++ {
			v, ok1 := name()
			ver, ok2 := name()
			if !ok1 || !ok2 {
				return nil, false
			}
			if ver != "" {
				v += " " + ver
			}
			out = append(out, ProducerField{Field: field, Value: v})
		}
	}
	return out, pos == len(b)
}

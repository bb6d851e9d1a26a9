package component

import (
	"github.com/tetratelabs/wazero/api"
)

// A core instance built from exports (`(core instance (export "m" (memory
// 0)) …)`) has no module of its own, yet wazero resolves a module's imports
// to one api.Module per import module name. So such an instance becomes a
// tiny generated "glue" module that imports each item from where it lives
// and re-exports it under its new name: wasm allows re-exporting imports.

// glueItem is one export of a glue module.
type glueItem struct {
	name   string     // export name
	from   int        // index of the source module (imported as module "0", "1", …)
	field  string     // export name in the source
	kind   byte       // 0 func, 1 table, 2 memory, 3 global
	fn     *coreSig   // for funcs
	global api.Global // for globals: its type is copied
}

// coreSig is a core function signature in wazero's value types.
type coreSig struct {
	params, results []api.ValueType
}

// encodeGlue returns the binary of a module importing and re-exporting
// items.
func encodeGlue(items []glueItem) []byte {
	var typeSec, importSec, exportSec []byte
	var types [][]byte
	typeIndex := func(s *coreSig) uint32 {
		var b []byte
		b = append(b, 0x60)
		b = appendU32(b, uint32(len(s.params)))
		b = append(b, s.params...)
		b = appendU32(b, uint32(len(s.results)))
		b = append(b, s.results...)
		for i, t := range types {
			if string(t) == string(b) {
				return uint32(i)
			}
		}
		types = append(types, b)
		return uint32(len(types) - 1)
	}
	var counts [4]uint32
	var exports [][]byte
	for _, it := range items {
		var imp []byte
		imp = appendName(imp, itoa(it.from))
		imp = appendName(imp, it.field)
		imp = append(imp, it.kind)
		switch it.kind {
		case 0:
			imp = appendU32(imp, typeIndex(it.fn))
		case 1:
			imp = append(imp, 0x70, 0x00, 0x00) // funcref, min 0, no max
		case 2:
			imp = append(imp, 0x00, 0x00) // min 0, no max
		case 3:
			mut := byte(0)
			if _, ok := it.global.(api.MutableGlobal); ok {
				mut = 1
			}
			imp = append(imp, it.global.Type(), mut)
		}
		importSec = append(importSec, imp...)
		var ex []byte
		ex = appendName(ex, it.name)
		ex = append(ex, it.kind)
		ex = appendU32(ex, counts[it.kind])
		counts[it.kind]++
		exports = append(exports, ex)
	}
	typeSec = appendU32(typeSec, uint32(len(types)))
	for _, t := range types {
		typeSec = append(typeSec, t...)
	}
	importSec = append(appendU32(nil, uint32(len(items))), importSec...)
	exportSec = appendU32(exportSec, uint32(len(exports)))
	for _, e := range exports {
		exportSec = append(exportSec, e...)
	}
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	out = appendSection(out, 1, typeSec)
	out = appendSection(out, 2, importSec)
	out = appendSection(out, 7, exportSec)
	return out
}

func appendSection(b []byte, id byte, payload []byte) []byte {
	b = append(b, id)
	b = appendU32(b, uint32(len(payload)))
	return append(b, payload...)
}

func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

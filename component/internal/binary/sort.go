package binary

// Sort is the kind of an index space: one of the core sorts (core:sort) or
// one of the component sorts (sort). The binary encodes a core sort as its
// core:sort byte and, where a component sort is expected, as 0x00 followed by
// that byte.
type Sort uint8

// Sorts. The core ones come first; [Sort.IsCore] tells them apart.
const (
	SortCoreFunc     Sort = iota // core func (core:sort 0x00)
	SortCoreTable                // core table (0x01)
	SortCoreMemory               // core memory (0x02)
	SortCoreGlobal               // core global (0x03)
	SortCoreTag                  // core tag (0x04)
	SortCoreType                 // core type (0x10)
	SortCoreModule               // core module (0x11)
	SortCoreInstance             // core instance (0x12)
	SortFunc                     // func (sort 0x01)
	SortValue                    // value (0x02) 🪙
	SortType                     // type (0x03)
	SortComponent                // component (0x04)
	SortInstance                 // instance (0x05)
)

var sortNames = [...]string{
	SortCoreFunc:     "core func",
	SortCoreTable:    "core table",
	SortCoreMemory:   "core memory",
	SortCoreGlobal:   "core global",
	SortCoreTag:      "core tag",
	SortCoreType:     "core type",
	SortCoreModule:   "core module",
	SortCoreInstance: "core instance",
	SortFunc:         "func",
	SortValue:        "value",
	SortType:         "type",
	SortComponent:    "component",
	SortInstance:     "instance",
}

// String returns the sort as the text format spells it, e.g. "core func".
func (s Sort) String() string {
	if int(s) < len(sortNames) {
		return sortNames[s]
	}
	return "unknown sort"
}

// IsCore reports whether s is a core sort.
func (s Sort) IsCore() bool { return s <= SortCoreInstance }

// coreSortFromByte maps a core:sort byte to its Sort.
func coreSortFromByte(b byte) (Sort, bool) {
	switch b {
	case 0x00:
		return SortCoreFunc, true
	case 0x01:
		return SortCoreTable, true
	case 0x02:
		return SortCoreMemory, true
	case 0x03:
		return SortCoreGlobal, true
	case 0x04:
		return SortCoreTag, true
	case 0x10:
		return SortCoreType, true
	case 0x11:
		return SortCoreModule, true
	case 0x12:
		return SortCoreInstance, true
	}
	return 0, false
}

// readCoreSort reads a core:sort.
func (r *reader) readCoreSort() (Sort, error) {
	off := r.pos
	b, err := r.u8("core sort")
	if err != nil {
		return 0, err
	}
	s, ok := coreSortFromByte(b)
	if !ok {
		return 0, r.invalid(off, "core sort", b)
	}
	return s, nil
}

// readSort reads a sort: 0x00 and a core:sort, or a component sort byte.
func (r *reader) readSort() (Sort, error) {
	off := r.pos
	b, err := r.u8("sort")
	if err != nil {
		return 0, err
	}
	switch b {
	case 0x00:
		return r.readCoreSort()
	case 0x01:
		return SortFunc, nil
	case 0x02:
		return SortValue, nil
	case 0x03:
		return SortType, nil
	case 0x04:
		return SortComponent, nil
	case 0x05:
		return SortInstance, nil
	}
	return 0, r.invalid(off, "sort", b)
}

// SortIdx names one item of an index space: (sort idx).
type SortIdx struct {
	Sort  Sort
	Index uint32
}

// readSortIdx reads a sortidx.
func (r *reader) readSortIdx() (SortIdx, error) {
	s, err := r.readSort()
	if err != nil {
		return SortIdx{}, err
	}
	i, err := r.u32(s.String() + " index")
	return SortIdx{Sort: s, Index: i}, err
}

// readCoreSortIdx reads a core:sortidx.
func (r *reader) readCoreSortIdx() (SortIdx, error) {
	s, err := r.readCoreSort()
	if err != nil {
		return SortIdx{}, err
	}
	i, err := r.u32(s.String() + " index")
	return SortIdx{Sort: s, Index: i}, err
}

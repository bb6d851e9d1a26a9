package binary

// AliasSection defines aliases (section 6).
type AliasSection struct {
	SectionHeader
	Aliases []Alias
	// Offsets holds the absolute offset of each entry of Aliases.
	Offsets []uint64
}

func (*AliasSection) isSection() {}

// Alias adds to the index space of Sort an item found elsewhere: an export
// of a component instance ([AliasExport]), an export of a core instance
// ([AliasCoreExport]) or a definition of an enclosing scope ([AliasOuter]).
type Alias struct {
	Sort   Sort
	Target AliasTarget
}

// AliasTarget is what an [Alias] refers to: [AliasExport],
// [AliasCoreExport] or [AliasOuter].
type AliasTarget interface{ isAliasTarget() }

// AliasExport is (alias export i n (sort)): export Name of component
// instance Instance.
type AliasExport struct {
	Instance uint32
	Name     string
}

// AliasCoreExport is (alias core export i n (core sort)): export Name of
// core instance Instance. Its alias's Sort is a core sort.
type AliasCoreExport struct {
	Instance uint32
	Name     string
}

// AliasOuter is (alias outer ct idx (sort)): item Index of the scope Count
// levels out (0 is the current scope). Its alias's Sort is core module, core
// type, type or component.
type AliasOuter struct {
	Count uint32
	Index uint32
}

func (AliasExport) isAliasTarget()     {}
func (AliasCoreExport) isAliasTarget() {}
func (AliasOuter) isAliasTarget()      {}

func (r *reader) readAliasSection(h SectionHeader) (*AliasSection, error) {
	s := &AliasSection{SectionHeader: h}
	var err error
	s.Aliases, s.Offsets, err = vecWithOffsets(r, "alias", (*reader).readAlias)
	return s, err
}

// readAlias reads an alias.
func (r *reader) readAlias() (Alias, error) {
	soff := r.pos
	s, err := r.readSort()
	if err != nil {
		return Alias{}, err
	}
	off := r.pos
	b, err := r.u8("alias kind")
	if err != nil {
		return Alias{}, err
	}
	a := Alias{Sort: s}
	switch b {
	case 0x00:
		i, err := r.u32("instance index")
		if err != nil {
			return a, err
		}
		n, err := r.name("export name")
		a.Target = AliasExport{Instance: i, Name: n}
		return a, err
	case 0x01:
		if !s.IsCore() {
			return a, r.errorf(soff, "invalid core export alias of non-core sort %s", s)
		}
		i, err := r.u32("core instance index")
		if err != nil {
			return a, err
		}
		n, err := r.name("export name")
		a.Target = AliasCoreExport{Instance: i, Name: n}
		return a, err
	case 0x02:
		switch s {
		case SortCoreModule, SortCoreType, SortType, SortComponent:
		default:
			return a, r.errorf(soff, "invalid outer alias of sort %s", s)
		}
		ct, err := r.u32("outer alias count")
		if err != nil {
			return a, err
		}
		i, err := r.u32("outer alias index")
		a.Target = AliasOuter{Count: ct, Index: i}
		return a, err
	}
	return a, r.invalid(off, "alias kind", b)
}

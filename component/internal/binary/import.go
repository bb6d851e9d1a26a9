package binary

import "strings"

// ImportSection declares imports (section 10).
type ImportSection struct {
	SectionHeader
	Imports []Import
	// Offsets holds the absolute offset of each entry of Imports.
	Offsets []uint64
}

func (*ImportSection) isSection() {}

// Import is a component import, or an import declarator of a component type:
// (import na et).
type Import struct {
	Name ExternName
	Type ExternType
}

func (r *reader) readImportSection(h SectionHeader) (*ImportSection, error) {
	s := &ImportSection{SectionHeader: h}
	var err error
	s.Imports, s.Offsets, err = vecWithOffsets(r, "import", (*reader).readImport)
	return s, err
}

func (r *reader) readImport() (Import, error) {
	n, err := r.readExternName()
	if err != nil {
		return Import{}, err
	}
	t, err := r.readExternType()
	return Import{Name: n, Type: t}, err
}

// ExternName is an import or export name with its attributes
// (nameattributes).
type ExternName struct {
	// Name is the externname: a plain name such as "greet" or
	// "[method]r.m", or an interface name such as "wasi:cli/stdout@0.2.0".
	Name string
	// Tag is the leading byte as encoded: 0x00, 0x01 (a legacy spelling of
	// 0x00 that older encoders emit for interface names) or 0x02 (followed
	// by attributes).
	Tag byte
	// Attributes are the attributes of a 0x02 name, in binary order.
	Attributes []NameAttribute
}

// NameAttributeKind is the kind of a [NameAttribute].
type NameAttributeKind uint8

// Name attribute kinds.
const (
	AttrImplements    NameAttributeKind = 0x00 // (implements "in") 🏷️
	AttrVersionSuffix NameAttributeKind = 0x01 // (versionsuffix "vs") 🔗
	AttrExternalID    NameAttributeKind = 0x02 // (external-id n) 🏷️
)

// String returns the attribute's keyword.
func (k NameAttributeKind) String() string {
	switch k {
	case AttrImplements:
		return "implements"
	case AttrVersionSuffix:
		return "versionsuffix"
	case AttrExternalID:
		return "external-id"
	}
	return "unknown attribute"
}

// NameAttribute is one attribute of an [ExternName].
type NameAttribute struct {
	Kind  NameAttributeKind
	Value string
}

// Attribute returns the value of the first attribute of kind k.
func (n ExternName) Attribute(k NameAttributeKind) (string, bool) {
	for _, a := range n.Attributes {
		if a.Kind == k {
			return a.Value, true
		}
	}
	return "", false
}

// Implements returns the (implements "…") attribute, if any.
func (n ExternName) Implements() (string, bool) { return n.Attribute(AttrImplements) }

// VersionSuffix returns the (versionsuffix "…") attribute, if any.
func (n ExternName) VersionSuffix() (string, bool) { return n.Attribute(AttrVersionSuffix) }

// ExternalID returns the (external-id "…") attribute, if any.
func (n ExternName) ExternalID() (string, bool) { return n.Attribute(AttrExternalID) }

// FullName returns Name with the version suffix appended when Name carries
// a version ("a:b/c@0.2" with suffix ".1" gives "a:b/c@0.2.1"). When the name
// has an implements attribute, the suffix belongs to that instead (see
// [ExternName.FullImplements]) and FullName is Name.
func (n ExternName) FullName() string {
	if _, ok := n.Implements(); ok {
		return n.Name
	}
	return withVersionSuffix(n.Name, n)
}

// FullImplements returns the implements attribute with the version suffix
// appended when it carries a version, or false when there is none.
func (n ExternName) FullImplements() (string, bool) {
	in, ok := n.Implements()
	if !ok {
		return "", false
	}
	return withVersionSuffix(in, n), true
}

func withVersionSuffix(s string, n ExternName) string {
	if vs, ok := n.VersionSuffix(); ok && strings.Contains(s, "@") {
		return s + vs
	}
	return s
}

// String returns the full name.
func (n ExternName) String() string { return n.FullName() }

// readExternName reads a nameattributes.
func (r *reader) readExternName() (ExternName, error) {
	off := r.pos
	tag, err := r.u8("name tag")
	if err != nil {
		return ExternName{}, err
	}
	if tag > 0x02 {
		return ExternName{}, r.invalid(off, "name tag", tag)
	}
	n := ExternName{Tag: tag}
	if n.Name, err = r.name("name"); err != nil || tag != 0x02 {
		return n, err
	}
	n.Attributes, err = vec(r, "name attribute", func(r *reader) (NameAttribute, error) {
		off := r.pos
		k, err := r.u8("name attribute kind")
		if err != nil {
			return NameAttribute{}, err
		}
		if k > 0x02 {
			return NameAttribute{}, r.invalid(off, "name attribute kind", k)
		}
		kind := NameAttributeKind(k)
		v, err := r.name(kind.String() + " attribute")
		return NameAttribute{Kind: kind, Value: v}, err
	})
	return n, err
}

// ExternType is the type of an import or export (externtype):
// [ExternCoreModule], [ExternFunc], [ExternValue], [ExternTypeEq],
// [ExternSubResource], [ExternComponent] or [ExternInstance].
type ExternType interface {
	// Sort is the sort of the imported or exported item.
	Sort() Sort
	isExternType()
}

// ExternCoreModule is (core module (type i)).
type ExternCoreModule struct{ Type uint32 }

// ExternFunc is (func (type i)).
type ExternFunc struct{ Type uint32 }

// ExternValue is (value t): a value of type Type 🪙.
//
// Binary.md encodes it as 0x02 followed by a valuebound (0x00 and a value
// index for (value (eq i)), or 0x01 and a valtype); wasm-tools 1.263 encodes
// 0x02 followed directly by the valtype and has no (eq i) form. The two cannot
// both be decoded (0x00 is also type index 0), and wasm-tools is the only
// producer, so the decoder follows wasm-tools.
type ExternValue struct{ Type ValType }

// ExternTypeEq is (type (eq i)): type Type itself.
type ExternTypeEq struct{ Type uint32 }

// ExternSubResource is (type (sub resource)): a fresh abstract resource type.
type ExternSubResource struct{}

// ExternComponent is (component (type i)).
type ExternComponent struct{ Type uint32 }

// ExternInstance is (instance (type i)).
type ExternInstance struct{ Type uint32 }

// Sort implements ExternType.
func (ExternCoreModule) Sort() Sort { return SortCoreModule }

// Sort implements ExternType.
func (ExternFunc) Sort() Sort { return SortFunc }

// Sort implements ExternType.
func (ExternValue) Sort() Sort { return SortValue }

// Sort implements ExternType.
func (ExternTypeEq) Sort() Sort { return SortType }

// Sort implements ExternType.
func (ExternSubResource) Sort() Sort { return SortType }

// Sort implements ExternType.
func (ExternComponent) Sort() Sort { return SortComponent }

// Sort implements ExternType.
func (ExternInstance) Sort() Sort { return SortInstance }

func (ExternCoreModule) isExternType()  {}
func (ExternFunc) isExternType()        {}
func (ExternValue) isExternType()       {}
func (ExternTypeEq) isExternType()      {}
func (ExternSubResource) isExternType() {}
func (ExternComponent) isExternType()   {}
func (ExternInstance) isExternType()    {}

// readExternType reads an externtype.
func (r *reader) readExternType() (ExternType, error) {
	off := r.pos
	b, err := r.u8("extern type kind")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		if err := r.expect(0x11, "core extern type sort (must be module)"); err != nil {
			return nil, err
		}
		i, err := r.u32("core module type index")
		return ExternCoreModule{Type: i}, err
	case 0x01:
		i, err := r.u32("func type index")
		return ExternFunc{Type: i}, err
	case 0x02:
		t, err := r.readValType()
		return ExternValue{Type: t}, err
	case 0x03:
		boff := r.pos
		bound, err := r.u8("type bound")
		if err != nil {
			return nil, err
		}
		switch bound {
		case 0x00:
			i, err := r.u32("type index")
			return ExternTypeEq{Type: i}, err
		case 0x01:
			return ExternSubResource{}, nil
		}
		return nil, r.invalid(boff, "type bound", bound)
	case 0x04:
		i, err := r.u32("component type index")
		return ExternComponent{Type: i}, err
	case 0x05:
		i, err := r.u32("instance type index")
		return ExternInstance{Type: i}, err
	}
	return nil, r.invalid(off, "extern type kind", b)
}

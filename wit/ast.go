package wit

// The syntax tree of one WIT file, as parse.go builds it and resolve_ast.go
// consumes it. Nothing here is resolved: names are still names.

type astID struct {
	name string
	span Span
}

// astDocs holds the raw comments that precede an item.
type astDocs struct {
	comments []string
	span     Span
}

type astPackageName struct {
	docs    astDocs
	span    Span
	ns      astID
	name    astID
	version *Version
}

func (n *astPackageName) packageName() PackageName {
	return PackageName{Namespace: n.ns.name, Name: n.name.name, Version: n.version}
}

// astFile is the contents of a file, or of a nested `package a:b { … }`
// block: an optional package header and the declarations.
type astFile struct {
	pkg   *astPackageName
	items []astItem
}

// astItem is *astInterface, *astWorld, *astTopUse or *astFile (a nested
// package).
type astItem interface{}

type astTopUse struct {
	span  Span
	attrs []astAttr
	path  astUsePath
	as    *astID
}

// astUsePath is `name` (pkg == nil) or `ns:pkg/name@version`.
type astUsePath struct {
	pkg  *astPackageName
	name astID
}

type astInterface struct {
	docs  astDocs
	attrs []astAttr
	name  astID
	items []astItem // *astTypeDef, *astNamedFunc, *astUse
}

type astWorld struct {
	docs  astDocs
	attrs []astAttr
	name  astID
	items []astItem // *astExtern, *astUse, *astTypeDef, *astInclude
}

type externKind uint8

const (
	externInterface externKind = iota // name: interface { … }
	externPath                        // path
	externFunc                        // name: func(…)
	externNamedPath                   // name: path
)

// astExtern is an import or export of a world.
type astExtern struct {
	export bool
	docs   astDocs
	attrs  []astAttr
	kind   externKind
	name   astID      // externInterface, externFunc, externNamedPath
	path   astUsePath // externPath, externNamedPath
	items  []astItem  // externInterface
	fn     astFunc    // externFunc
}

func (e *astExtern) span() Span {
	if e.kind == externPath {
		if e.path.pkg != nil {
			return e.path.pkg.span
		}
		return e.path.name.span
	}
	return e.name.span
}

type astUse struct {
	attrs []astAttr
	from  astUsePath
	names []astUseName
}

type astUseName struct {
	name astID
	as   *astID
}

type astInclude struct {
	attrs []astAttr
	from  astUsePath
	names []astIncludeName
}

type astIncludeName struct {
	name astID
	as   astID
}

type astTypeDef struct {
	docs  astDocs
	attrs []astAttr
	name  astID
	ty    *astType
}

type astTypeKind uint8

const (
	atPrim astTypeKind = iota
	atName
	atList
	atMap
	atFixedList
	atOwn
	atBorrow
	atResource
	atRecord
	atFlags
	atVariant
	atTuple
	atEnum
	atOption
	atResult
	atFuture
	atStream
)

// astType is a type expression or the body of a type definition.
type astType struct {
	kind  astTypeKind
	span  Span
	prim  Primitive  // atPrim
	name  astID      // atName, atOwn, atBorrow
	elem  *astType   // list, fixed list, option, future, stream; map key; result ok
	elem2 *astType   // map value; result err
	types []*astType // tuple
	size  uint32     // fixed list
	// record fields, variant cases (ty may be nil), flags and enum cases
	// (ty nil)
	fields []astField
	funcs  []*astResourceFunc // resource
}

type astField struct {
	docs astDocs
	name astID
	ty   *astType
}

type resourceFuncKind uint8

const (
	rfMethod resourceFuncKind = iota
	rfStatic
	rfConstructor
)

type astResourceFunc struct {
	kind resourceFuncKind
	fn   astNamedFunc
}

type astNamedFunc struct {
	docs  astDocs
	attrs []astAttr
	name  astID
	fn    astFunc
}

type astFunc struct {
	span     Span
	async    bool
	accessor accessorKind
	params   []astParam
	result   *astType
}

// accessorKind marks `get(…)` and `set(…)` property accessors.
type accessorKind uint8

const (
	notAccessor accessorKind = iota
	getAccessor
	setAccessor
)

type astParam struct {
	name astID
	ty   *astType
}

type attrKind uint8

const (
	attrSince attrKind = iota
	attrUnstable
	attrDeprecated
	attrExternalID
)

type astAttr struct {
	kind    attrKind
	span    Span
	version *Version
	feature string
	str     string
}

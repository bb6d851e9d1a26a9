package wit

// This file computes the Canonical ABI of WIT types and functions: the size,
// alignment and flattening of every value type, and the core signature of
// every function, as defined by the Python reference in the component model's
// design/mvp/CanonicalABI.md (sections "Despecialization", "Alignment",
// "Element Size" and "Flattening"). Only 32-bit memories are modelled: every
// pointer and length is an i32 and takes 4 bytes (the 🐘 memory64 option would
// give every type a second layout; see ABI).

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// CoreType is a core WebAssembly value type, as used by flattened component
// values. Its values are the core binary encodings of the types, which are
// also the values of wazero's api.ValueType.
type CoreType uint8

// The core value types a component value can flatten to.
const (
	CoreI32 CoreType = 0x7f
	CoreI64 CoreType = 0x7e
	CoreF32 CoreType = 0x7d
	CoreF64 CoreType = 0x7c
)

// String returns the WebAssembly text name of the type: "i32", "i64", "f32"
// or "f64".
func (t CoreType) String() string {
	switch t {
	case CoreI32:
		return "i32"
	case CoreI64:
		return "i64"
	case CoreF32:
		return "f32"
	case CoreF64:
		return "f64"
	}
	return "invalid-core-type"
}

// The Canonical ABI's limits on flat values (MAX_FLAT_PARAMS,
// MAX_FLAT_ASYNC_PARAMS and MAX_FLAT_RESULTS). A function whose parameters
// flatten to more values than the limit receives them through a pointer to a
// tuple in linear memory; likewise for results.
const (
	MaxFlatParams      = 16
	MaxFlatAsyncParams = 4
	MaxFlatResults     = 1
)

// Layout is the Canonical ABI representation of a value type in a 32-bit
// linear memory: its elem_size, its alignment and its flattening.
//
// Flat is shared with the ABI's cache: callers must not modify its elements.
type Layout struct {
	// Size is the type's elem_size: the bytes one value takes in linear
	// memory, including trailing padding (a multiple of Align). Sizes too
	// large for a 32-bit memory, which component validation rejects (every
	// type must be smaller than 2^28 bytes), saturate at math.MaxUint32.
	Size uint32
	// Align is the type's alignment in linear memory: 1, 2, 4 or 8.
	Align uint32
	// Flat is flatten_type(t): the core values that carry one value of the
	// type in core parameters and results. It is nil when FlatOverflow is
	// set.
	Flat []CoreType
	// FlatOverflow reports that the type flattens to more than
	// MaxFlatParams core values. Such a type is always passed through
	// memory, so its flattening is not materialised.
	FlatOverflow bool
}

// DiscriminantSize returns the byte size (and alignment) of the discriminant
// of a variant, enum, option or result with the given number of cases:
// 1 up to 256 cases, 2 up to 65536 and 4 beyond (the Canonical ABI's
// discriminant_type). In flat form a discriminant is always one i32.
//
// The Canonical ABI requires at least one case; 0 is treated like 1, as
// wit-parser does.
func DiscriminantSize(cases int) uint32 {
	switch {
	case cases <= 1<<8:
		return 1
	case cases <= 1<<16:
		return 2
	}
	return 4
}

// FlagsSize returns the byte size of a flags type with n flags: 1 up to 8
// flags, 2 up to 16, 4 up to 32. Its alignment is the same, except for more
// than 32 flags, which take 4 bytes per 32 flags (see FlagsI32Count) with
// alignment 4.
//
// The current Canonical ABI allows only 1 to 32 flags. Beyond 32 this
// follows the specification before July 2024 (num_i32_flags), which
// wit-parser still implements; 0 flags take no bytes, as in wit-parser.
func FlagsSize(n int) uint32 {
	switch {
	case n <= 0:
		return 0
	case n <= 8:
		return 1
	case n <= 16:
		return 2
	}
	return 4 * uint32(FlagsI32Count(n))
}

// FlagsI32Count returns how many i32 values a flags type with n flags
// flattens to: 1 for 1 to 32 flags (bit i of the i32 is flag i), one more
// for every further 32 flags, and 0 for no flags. See FlagsSize for the
// cases outside the current specification.
func FlagsI32Count(n int) int {
	if n <= 0 {
		return 0
	}
	return (n + 31) / 32
}

func flagsAlign(n int) uint32 {
	switch {
	case n <= 0:
		return 4 // wit-parser's choice; the specification forbids empty flags
	case n <= 8:
		return 1
	case n <= 16:
		return 2
	}
	return 4
}

// ABI holds the Canonical ABI layout of every type of a Resolve, computed
// once by NewABI. It is immutable, so any number of goroutines may use it
// at once, as long as nobody modifies the Resolve meanwhile.
//
// The cache is a value of its own rather than a field of Resolve because a
// layout is a property of a Resolve *and* an address type (the 🐘 memory64
// option doubles the size of strings and lists), because a Resolve is still
// growing while packages are pushed into it whereas an ABI is complete and
// lock-free from birth, and because it keeps Resolve a plain data model.
// Resolve.Layout answers one-off questions without any cache.
//
// Types appended to the Resolve after NewABI are still answered correctly,
// but computed on every call.
type ABI struct {
	r     *Resolve
	infos []abiTypeInfo // indexed by TypeID, all complete
}

// abiTypeInfo is the cached ABI of one type definition.
type abiTypeInfo struct {
	state   uint8 // abiUnvisited, abiVisiting or abiDone
	layout  Layout
	offsets []uint32 // field offsets of records and tuples
	payload uint32   // payload offset of variants, enums, options, results
}

const (
	abiUnvisited = iota
	abiVisiting
	abiDone
)

// NewABI computes the Canonical ABI layout of every type of r, each once.
// r must be fully resolved and is not copied: it must not change while the
// ABI is in use. NewABI panics if a type refers to itself (directly or
// through other types) or is not resolved, which a resolved Resolve never
// does.
func NewABI(r *Resolve) *ABI {
	b := abiBuilder{r: r, infos: make([]abiTypeInfo, len(r.Types))}
	for id := range r.Types {
		b.ensure(TypeID(id))
	}
	return &ABI{r: r, infos: b.infos}
}

// Resolve returns the Resolve whose types a describes.
func (a *ABI) Resolve() *Resolve { return a.r }

// Layout returns the size, alignment and flattening of t. An alias has the
// layout of the type it names; a nil Type (a case without payload) has the
// empty layout {Size: 0, Align: 1}.
func (a *ABI) Layout(t Type) Layout { return a.info(t).layout }

// FieldOffsets returns the byte offset of each field of a record or tuple
// type t (or of an alias of one), in declaration order, or nil when t is
// neither. The slice is shared: callers must not modify it.
func (a *ABI) FieldOffsets(t Type) []uint32 { return a.info(t).offsets }

// PayloadOffset returns the byte offset of the payload of a variant, enum,
// option or result type t (or of an alias of one): the discriminant size
// rounded up to the largest payload alignment. It returns 0, never a valid
// payload offset, for other types.
func (a *ABI) PayloadOffset(t Type) uint32 { return a.info(t).payload }

// TupleLayout returns the layout of tuple<ts…> and the offset of each
// element: the memory layout of a parameter list passed indirectly.
func (a *ABI) TupleLayout(ts []Type) (Layout, []uint32) {
	return abiRecord(len(ts), func(i int) Layout { return a.Layout(ts[i]) })
}

var abiEmpty = abiTypeInfo{state: abiDone, layout: Layout{Align: 1}}

func (a *ABI) info(t Type) *abiTypeInfo {
	switch t := t.(type) {
	case nil:
		return &abiEmpty
	case Primitive:
		return abiPrimitive(t)
	case TypeID:
		if t >= 0 && int(t) < len(a.infos) {
			return &a.infos[t]
		}
		// A type added after NewABI: compute it (and whatever it needs that
		// is not cached) in a private memo.
		b := abiBuilder{r: a.r, infos: a.infos, more: map[TypeID]*abiTypeInfo{}}
		return b.ensure(t)
	}
	panic(fmt.Sprintf("wit: layout of invalid type %T", t))
}

// Layout returns the size, alignment and flattening of t. It computes the
// types t depends on, each once, and keeps nothing: to ask about many types,
// build an ABI with NewABI once and ask it. It panics where NewABI does.
func (r *Resolve) Layout(t Type) Layout {
	id, ok := t.(TypeID)
	if !ok {
		return (&ABI{r: r}).Layout(t)
	}
	b := abiBuilder{r: r, more: map[TypeID]*abiTypeInfo{}}
	return b.ensure(id).layout
}

// abiBuilder computes type layouts bottom-up with an explicit stack, so
// that deep nesting (a long chain of aliases, say) uses no Go stack. infos
// is a slice memo indexed by TypeID; IDs beyond it live in more.
type abiBuilder struct {
	r     *Resolve
	infos []abiTypeInfo
	more  map[TypeID]*abiTypeInfo
	stack []TypeID
}

func (b *abiBuilder) slot(id TypeID) *abiTypeInfo {
	if id < 0 || int(id) >= len(b.r.Types) {
		panic(fmt.Sprintf("wit: layout of type id %d, out of range [0, %d)", id, len(b.r.Types)))
	}
	if int(id) < len(b.infos) {
		return &b.infos[id]
	}
	s := b.more[id]
	if s == nil {
		s = new(abiTypeInfo)
		b.more[id] = s
	}
	return s
}

// ensure computes the layout of root and of every type it depends on that
// is not computed yet, in depth-first post-order.
func (b *abiBuilder) ensure(root TypeID) *abiTypeInfo {
	if s := b.slot(root); s.state == abiDone {
		return s
	}
	b.stack = append(b.stack[:0], root)
	for len(b.stack) > 0 {
		id := b.stack[len(b.stack)-1]
		s := b.slot(id)
		if s.state == abiUnvisited {
			s.state = abiVisiting
			n := len(b.stack)
			abiDeps(b.kind(id), func(dep TypeID) {
				switch b.slot(dep).state {
				case abiUnvisited:
					b.stack = append(b.stack, dep)
				case abiVisiting:
					panic(fmt.Sprintf("wit: type %d depends on itself through type %d", id, dep))
				}
			})
			if len(b.stack) > n {
				continue // compute the dependencies first
			}
		}
		if s.state != abiDone {
			b.compute(id, s)
			s.state = abiDone
		}
		b.stack = b.stack[:len(b.stack)-1]
	}
	return b.slot(root)
}

func (b *abiBuilder) kind(id TypeID) TypeDefKind {
	def := b.r.Types[id]
	if def == nil {
		panic(fmt.Sprintf("wit: layout of type %d, which is nil", id))
	}
	return def.Kind
}

// abiDeps calls fn with every type definition whose layout the layout of a
// type of kind k is made of. Lists, maps, handles, futures and streams are
// pointers or indices whatever their element type, so they depend on none.
func abiDeps(k TypeDefKind, fn func(TypeID)) {
	dep := func(t Type) {
		if id, ok := t.(TypeID); ok {
			fn(id)
		}
	}
	switch k := k.(type) {
	case *Record:
		for _, f := range k.Fields {
			dep(f.Type)
		}
	case *Tuple:
		for _, t := range k.Types {
			dep(t)
		}
	case *Variant:
		for _, c := range k.Cases {
			dep(c.Type)
		}
	case *Option:
		dep(k.Type)
	case *Result:
		dep(k.OK)
		dep(k.Err)
	case *FixedList:
		dep(k.Elem)
	case *Alias:
		dep(k.Type)
	}
}

// get returns the information about t, whose dependencies are all computed.
func (b *abiBuilder) get(t Type) *abiTypeInfo {
	switch t := t.(type) {
	case nil:
		return &abiEmpty
	case Primitive:
		return abiPrimitive(t)
	case TypeID:
		return b.slot(t)
	}
	panic(fmt.Sprintf("wit: layout of invalid type %T", t))
}

func (b *abiBuilder) layout(t Type) Layout { return b.get(t).layout }

// compute fills in s, the information of type id, whose dependencies are all
// computed.
func (b *abiBuilder) compute(id TypeID, s *abiTypeInfo) {
	switch k := b.kind(id).(type) {
	case *Record:
		s.layout, s.offsets = abiRecord(len(k.Fields), func(i int) Layout { return b.layout(k.Fields[i].Type) })
	case *Tuple:
		s.layout, s.offsets = abiRecord(len(k.Types), func(i int) Layout { return b.layout(k.Types[i]) })
	case *Variant:
		s.layout, s.payload = abiVariant(len(k.Cases), len(k.Cases), func(i int) Layout { return b.layout(k.Cases[i].Type) })
	case *Enum:
		s.layout, s.payload = abiVariant(len(k.Cases), 0, nil)
	case *Option: // variant { none, some(T) }
		s.layout, s.payload = abiVariant(2, 1, func(int) Layout { return b.layout(k.Type) })
	case *Result: // variant { ok(T?), error(E?) }
		s.layout, s.payload = abiVariant(2, 2, func(i int) Layout {
			if i == 0 {
				return b.layout(k.OK)
			}
			return b.layout(k.Err)
		})
	case *Flags:
		n := len(k.Flags)
		s.layout = Layout{Size: FlagsSize(n), Align: flagsAlign(n), Flat: abiRepeat(abiFlatI32, FlagsI32Count(n))}
	case *List:
		s.layout = abiPointerPair
	case *Map:
		// The specification despecializes map<K, V> to list<tuple<K, V>>.
		s.layout = abiPointerPair
	case *FixedList:
		s.layout = abiFixedList(b.layout(k.Elem), k.Len)
	case *Own, *Borrow, *Future, *Stream:
		s.layout = abiHandle
	case *Resource:
		// A resource is not a value type (its values are own or borrow
		// handles); give it the layout of a handle so that nothing breaks
		// if a resource type is used where a handle is meant.
		s.layout = abiHandle
	case *Alias:
		*s = *b.get(k.Type)
	default:
		panic(fmt.Sprintf("wit: layout of type %d, whose kind %T is not resolved", id, k))
	}
}

var (
	abiFlatI32     = []CoreType{CoreI32}
	abiFlatI64     = []CoreType{CoreI64}
	abiFlatF32     = []CoreType{CoreF32}
	abiFlatF64     = []CoreType{CoreF64}
	abiHandle      = Layout{Size: 4, Align: 4, Flat: abiFlatI32}
	abiPointerPair = Layout{Size: 8, Align: 4, Flat: []CoreType{CoreI32, CoreI32}}
)

var abiPrimitives = [...]abiTypeInfo{
	Bool:         {state: abiDone, layout: Layout{Size: 1, Align: 1, Flat: abiFlatI32}},
	U8:           {state: abiDone, layout: Layout{Size: 1, Align: 1, Flat: abiFlatI32}},
	S8:           {state: abiDone, layout: Layout{Size: 1, Align: 1, Flat: abiFlatI32}},
	U16:          {state: abiDone, layout: Layout{Size: 2, Align: 2, Flat: abiFlatI32}},
	S16:          {state: abiDone, layout: Layout{Size: 2, Align: 2, Flat: abiFlatI32}},
	U32:          {state: abiDone, layout: Layout{Size: 4, Align: 4, Flat: abiFlatI32}},
	S32:          {state: abiDone, layout: Layout{Size: 4, Align: 4, Flat: abiFlatI32}},
	U64:          {state: abiDone, layout: Layout{Size: 8, Align: 8, Flat: abiFlatI64}},
	S64:          {state: abiDone, layout: Layout{Size: 8, Align: 8, Flat: abiFlatI64}},
	F32:          {state: abiDone, layout: Layout{Size: 4, Align: 4, Flat: abiFlatF32}},
	F64:          {state: abiDone, layout: Layout{Size: 8, Align: 8, Flat: abiFlatF64}},
	Char:         {state: abiDone, layout: Layout{Size: 4, Align: 4, Flat: abiFlatI32}},
	String:       {state: abiDone, layout: abiPointerPair},
	ErrorContext: {state: abiDone, layout: abiHandle},
}

func abiPrimitive(p Primitive) *abiTypeInfo {
	if int(p) >= len(abiPrimitives) {
		panic(fmt.Sprintf("wit: layout of invalid primitive %d", p))
	}
	return &abiPrimitives[p]
}

// abiRecord lays out a record of n fields (elem_size_record,
// alignment_record and flatten_record) and returns the field offsets.
func abiRecord(n int, field func(int) Layout) (Layout, []uint32) {
	var (
		size  uint64
		align uint32 = 1
		flat  []CoreType
		over  bool
	)
	offsets := make([]uint32, n)
	for i := range n {
		f := field(i)
		size = abiAlignTo(size, f.Align)
		offsets[i] = abiClamp(size)
		size += uint64(f.Size)
		align = max(align, f.Align)
		if over = over || f.FlatOverflow || len(flat)+len(f.Flat) > MaxFlatParams; !over {
			flat = append(flat, f.Flat...)
		}
	}
	if over {
		flat = nil
	}
	return Layout{Size: abiClamp(abiAlignTo(size, align)), Align: align, Flat: slices.Clip(flat), FlatOverflow: over}, offsets
}

// abiVariant lays out a variant of cases cases whose first n cases have the
// payloads given by payload (elem_size_variant, alignment_variant and
// flatten_variant) and returns the payload offset. A case without payload
// has the empty layout.
func abiVariant(cases, n int, payload func(int) Layout) (Layout, uint32) {
	disc := DiscriminantSize(cases)
	var (
		size  uint32 // of the largest payload
		align uint32 = 1
		flat  []CoreType
		over  bool
	)
	for i := range n {
		p := payload(i)
		size = max(size, p.Size)
		align = max(align, p.Align)
		if over = over || p.FlatOverflow || 1+len(p.Flat) > MaxFlatParams; over {
			continue
		}
		for j, t := range p.Flat {
			if j < len(flat) {
				flat[j] = abiJoin(flat[j], t)
			} else {
				flat = append(flat, t)
			}
		}
	}
	off := abiAlignTo(uint64(disc), align)
	align = max(align, disc)
	l := Layout{Size: abiClamp(abiAlignTo(off+uint64(size), align)), Align: align, FlatOverflow: over}
	if !over {
		l.Flat = append([]CoreType{CoreI32}, flat...)
	}
	return l, uint32(off)
}

// abiJoin is the Canonical ABI's join: the core type that can carry both a
// and b, the narrower one being bit-cast or zero-extended.
func abiJoin(a, b CoreType) CoreType {
	switch {
	case a == b:
		return a
	case (a == CoreI32 && b == CoreF32) || (a == CoreF32 && b == CoreI32):
		return CoreI32
	}
	return CoreI64
}

// abiFixedList lays out list<T, n>, which is laid out like a tuple of n Ts.
func abiFixedList(elem Layout, n uint32) Layout {
	l := Layout{Size: abiClamp(uint64(elem.Size) * uint64(n)), Align: elem.Align}
	if elem.FlatOverflow || uint64(len(elem.Flat))*uint64(n) > MaxFlatParams {
		l.FlatOverflow = true
	} else {
		l.Flat = abiRepeat(elem.Flat, int(n))
	}
	return l
}

func abiRepeat(ts []CoreType, n int) []CoreType {
	if n == 1 {
		return ts
	}
	if n == 0 || len(ts) == 0 {
		return nil
	}
	return slices.Repeat(ts, n)
}

func abiAlignTo(n uint64, align uint32) uint64 {
	a := uint64(align)
	return (n + a - 1) / a * a
}

// abiClamp saturates a size or offset at math.MaxUint32.
func abiClamp(n uint64) uint32 {
	if n > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(n)
}

// ABIVariant says which side of the component boundary a core function
// sits on, and with which options it was lifted or lowered.
type ABIVariant uint8

// The ABI variants. A sync variant is valid for any function; an async one
// (the `async` canonopt) only for a function declared `async`.
const (
	// Lift is `canon lift` without `async`: the guest exports the
	// function. Results that do not fit MaxFlatResults are stored by the
	// guest, which returns an i32 pointer to them.
	Lift ABIVariant = iota
	// Lower is `canon lower` without `async`: the guest imports the
	// function. Results that do not fit MaxFlatResults are written through
	// an extra, last i32 parameter pointing to memory the guest provides.
	Lower
	// LiftAsync is `canon lift` with `async` and a `callback`: results
	// are delivered through `task.return`, and the core function returns an
	// i32 callback code.
	LiftAsync
	// LiftAsyncStackful is `canon lift` with `async` and no `callback`
	// (the 🚟 stackful ABI): results are delivered through `task.return`,
	// and the core function returns nothing.
	LiftAsyncStackful
	// LowerAsync is `canon lower` with `async`: at most
	// MaxFlatAsyncParams flat parameters, results (if any) written through
	// an extra, last i32 pointer parameter, and an i32 subtask status as the
	// core result.
	LowerAsync
)

var abiVariantNames = [...]string{
	Lift: "lift", Lower: "lower", LiftAsync: "lift-async",
	LiftAsyncStackful: "lift-async-stackful", LowerAsync: "lower-async",
}

// String returns the variant's kebab-case name, such as "lift" or
// "lower-async".
func (v ABIVariant) String() string {
	if int(v) < len(abiVariantNames) {
		return abiVariantNames[v]
	}
	return "invalid-abi-variant"
}

// IsAsync reports whether the variant uses the `async` canonopt.
func (v ABIVariant) IsAsync() bool { return v >= LiftAsync && v <= LowerAsync }

// Signature is the core function type of a component function lifted or
// lowered with some ABIVariant: flatten_functype in the Canonical ABI.
type Signature struct {
	// Params are the core parameters, including the result pointer when
	// IndirectResults is set and the variant is Lower or LowerAsync.
	Params []CoreType
	// Results are the core results.
	Results []CoreType
	// IndirectParams says the parameters flatten to more values than the
	// variant allows, so Params is a single i32 pointing to them, stored in
	// memory as a tuple (see ABI.TupleLayout).
	IndirectParams bool
	// IndirectResults says the result travels through memory: for Lift
	// the only core result is an i32 pointer to it; for Lower and
	// LowerAsync the last core parameter is an i32 pointer to where it
	// must be written.
	IndirectResults bool
}

// String formats the signature as a core function type, such as
// "(i32, i32) -> (i64)".
func (s Signature) String() string {
	var sb strings.Builder
	list := func(ts []CoreType) {
		sb.WriteByte('(')
		for i, t := range ts {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(t.String())
		}
		sb.WriteByte(')')
	}
	list(s.Params)
	sb.WriteString(" -> ")
	list(s.Results)
	return sb.String()
}

// Signature returns the core signature of f lifted or lowered as v
// (flatten_functype). It does not check that an async variant is used only
// with an async function: that is validation of the canonical options.
// The returned slices are fresh.
func (a *ABI) Signature(f *Function, v ABIVariant) Signature {
	limit := MaxFlatParams
	if v == LowerAsync {
		limit = MaxFlatAsyncParams
	}
	var sig Signature
	for _, p := range f.Params {
		l := a.Layout(p.Type)
		if l.FlatOverflow || len(sig.Params)+len(l.Flat) > limit {
			sig.Params, sig.IndirectParams = []CoreType{CoreI32}, true
			break
		}
		sig.Params = append(sig.Params, l.Flat...)
	}
	res := a.Layout(f.Result) // empty for no result
	switch v {
	case Lift, Lower:
		if !res.FlatOverflow && len(res.Flat) <= MaxFlatResults {
			sig.Results = slices.Clone(res.Flat)
			break
		}
		sig.IndirectResults = true
		if v == Lift {
			sig.Results = []CoreType{CoreI32}
		} else {
			sig.Params = append(sig.Params, CoreI32)
		}
	case LiftAsync:
		sig.Results = []CoreType{CoreI32}
	case LiftAsyncStackful:
	case LowerAsync:
		if res.FlatOverflow || len(res.Flat) > 0 {
			sig.Params = append(sig.Params, CoreI32)
			sig.IndirectResults = true
		}
		sig.Results = []CoreType{CoreI32}
	default:
		panic(fmt.Sprintf("wit: signature of %s: invalid ABI variant %d", f.Name, v))
	}
	return sig
}

// TaskReturnSignature returns the core signature of the `task.return`
// built-in that an async-lifted f calls to deliver its result: the result
// flattened as parameters (through an i32 pointer beyond MaxFlatParams
// values), no results.
func (a *ABI) TaskReturnSignature(f *Function) Signature {
	var sig Signature
	res := a.Layout(f.Result)
	if res.FlatOverflow || len(res.Flat) > MaxFlatParams {
		sig.Params, sig.IndirectParams = []CoreType{CoreI32}, true
	} else {
		sig.Params = slices.Clone(res.Flat)
	}
	return sig
}

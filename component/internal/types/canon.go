package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// StringEncoding is the string encoding of canon options.
type StringEncoding uint8

// The string encodings.
const (
	UTF8 StringEncoding = iota
	UTF16
	Latin1UTF16
)

// Options are checked canonical ABI options; the indices are core
// function and memory indices of the component.
type Options struct {
	Encoding   StringEncoding
	Memory     *uint32
	Realloc    *uint32
	PostReturn *uint32
	Async      bool
	Callback   *uint32
}

// witFunc converts a function type for the ABI helpers.
func witFunc(name string, f *FuncType) *wit.Function {
	wf := &wit.Function{Name: name, Result: f.Result}
	if f.Async {
		wf.Kind = wit.AsyncFreestanding
	}
	for _, p := range f.Params {
		wf.Params = append(wf.Params, wit.Param{Name: p.Name, Type: p.Type})
	}
	return wf
}

// coreSig converts a flattened signature to a core function type.
func coreSig(sig wit.Signature) *CoreFuncType {
	conv := func(ts []wit.CoreType) []binary.CoreValType {
		out := make([]binary.CoreValType, 0, len(ts))
		for _, t := range ts {
			switch t {
			case wit.CoreI32:
				out = append(out, binary.I32)
			case wit.CoreI64:
				out = append(out, binary.I64)
			case wit.CoreF32:
				out = append(out, binary.F32)
			case wit.CoreF64:
				out = append(out, binary.F64)
			}
		}
		return out
	}
	return &CoreFuncType{Params: conv(sig.Params), Results: conv(sig.Results)}
}

// hasPointers reports whether values of any of these types live in linear
// memory: strings, lists and maps, at any depth.
func (c *Component) hasPointers(ts ...wit.Type) bool {
	found := false
	isString := func(t wit.Type) {
		if p, ok := t.(wit.Primitive); ok && p == wit.String {
			found = true
		}
	}
	for _, t := range ts {
		if t == nil {
			continue
		}
		isString(t)
		walkType(c.Types, t, func(td *wit.TypeDef) {
			switch td.Kind.(type) {
			case *wit.List, *wit.Map:
				found = true
			}
			forEachChild(td.Kind, isString)
		})
	}
	return found
}

func (c *Component) options(off uint64, opts []binary.CanonOpt) Options {
	var o Options
	seen := map[binary.CanonOptKind]bool{}
	encodings := 0
	for _, opt := range opts {
		if seen[opt.Kind] {
			fail(off, "canonical option %s given twice", opt.Kind)
		}
		seen[opt.Kind] = true
		idx := opt.Index
		switch opt.Kind {
		case binary.OptUTF8, binary.OptUTF16, binary.OptLatin1UTF16:
			encodings++
			if encodings > 1 {
				fail(off, "canonical options give more than one string encoding")
			}
			o.Encoding = map[binary.CanonOptKind]StringEncoding{binary.OptUTF8: UTF8, binary.OptUTF16: UTF16, binary.OptLatin1UTF16: Latin1UTF16}[opt.Kind]
		case binary.OptMemory:
			index(off, "core memory", idx, c.CoreMemories)
			o.Memory = &idx
		case binary.OptRealloc:
			ft := c.CoreFuncs[index(off, "core func", idx, len(c.CoreFuncs))]
			want := &CoreFuncType{Params: []binary.CoreValType{binary.I32, binary.I32, binary.I32, binary.I32}, Results: []binary.CoreValType{binary.I32}}
			if ft != nil && !sameCoreFunc(ft, want) {
				fail(off, "realloc must have type %s, found %s", want, ft)
			}
			o.Realloc = &idx
		case binary.OptPostReturn:
			index(off, "core func", idx, len(c.CoreFuncs))
			o.PostReturn = &idx
		case binary.OptAsync:
			o.Async = true
		case binary.OptCallback:
			index(off, "core func", idx, len(c.CoreFuncs))
			o.Callback = &idx
		default:
			failNotSupported(off, "canonical option "+opt.Kind.String())
		}
	}
	if o.Callback != nil && !o.Async {
		fail(off, "the callback option requires async")
	}
	return o
}

func (c *Component) canon(off uint64, f binary.Canon) {
	switch f := f.(type) {
	case *binary.CanonLift:
		core := c.CoreFuncs[index(off, "core func", f.CoreFunc, len(c.CoreFuncs))]
		te := c.TypeSpace[index(off, "type", f.Type, len(c.TypeSpace))]
		if te.Sort != binary.SortFunc {
			fail(off, "canon lift: type index %d is not a function type", f.Type)
		}
		ft := te.Func
		o := c.options(off, f.Options)
		variant := wit.Lift
		if o.Async {
			variant = wit.LiftAsyncStackful
			if o.Callback != nil {
				variant = wit.LiftAsync
			}
		}
		sig := c.abi.Signature(witFunc("", ft), variant)
		want := coreSig(sig)
		if core != nil && !sameCoreFunc(core, want) {
			fail(off, "canon lift: core function has type %s, but %s lifts from %s", core, c.FuncString(ft), want)
		}
		params := make([]wit.Type, len(ft.Params))
		for i, p := range ft.Params {
			params[i] = p.Type
		}
		if o.Memory == nil && (c.hasPointers(append(params, ft.Result)...) || sig.IndirectParams || sig.IndirectResults) {
			fail(off, "canon lift: %s needs the memory option", c.FuncString(ft))
		}
		if o.Realloc == nil && (c.hasPointers(params...) || sig.IndirectParams) {
			fail(off, "canon lift: %s needs the realloc option", c.FuncString(ft))
		}
		if o.PostReturn != nil {
			pr := c.CoreFuncs[*o.PostReturn]
			wantPR := &CoreFuncType{Params: want.Results}
			if pr != nil && !sameCoreFunc(pr, wantPR) {
				fail(off, "canon lift: post-return must have type %s, found %s", wantPR, pr)
			}
		}
		c.Funcs = append(c.Funcs, ft)
		c.Defs = append(c.Defs, &LiftDef{CoreFunc: f.CoreFunc, Type: ft, Options: o, Sig: sig})
	case *binary.CanonLower:
		ft := c.Funcs[index(off, "func", f.Func, len(c.Funcs))]
		o := c.options(off, f.Options)
		if o.PostReturn != nil {
			fail(off, "canon lower: the post-return option is only for lift")
		}
		variant := wit.Lower
		if o.Async {
			variant = wit.LowerAsync
		}
		sig := c.abi.Signature(witFunc("", ft), variant)
		params := make([]wit.Type, len(ft.Params))
		for i, p := range ft.Params {
			params[i] = p.Type
		}
		if o.Memory == nil && (c.hasPointers(append(params, ft.Result)...) || sig.IndirectParams || sig.IndirectResults) {
			fail(off, "canon lower: %s needs the memory option", c.FuncString(ft))
		}
		if o.Realloc == nil && ft.Result != nil && c.hasPointers(ft.Result) {
			fail(off, "canon lower: %s needs the realloc option", c.FuncString(ft))
		}
		c.CoreFuncs = append(c.CoreFuncs, coreSig(sig))
		c.Defs = append(c.Defs, &LowerDef{Func: f.Func, Type: ft, Options: o, Sig: sig})
	case *binary.CanonResourceNew:
		id := c.localResource(off, "resource.new", f.Resource)
		c.CoreFuncs = append(c.CoreFuncs, &CoreFuncType{Params: []binary.CoreValType{binary.I32}, Results: []binary.CoreValType{binary.I32}})
		c.Defs = append(c.Defs, &ResourceNewDef{Type: f.Resource, Resource: id})
	case *binary.CanonResourceRep:
		id := c.localResource(off, "resource.rep", f.Resource)
		c.CoreFuncs = append(c.CoreFuncs, &CoreFuncType{Params: []binary.CoreValType{binary.I32}, Results: []binary.CoreValType{binary.I32}})
		c.Defs = append(c.Defs, &ResourceRepDef{Type: f.Resource, Resource: id})
	case *binary.CanonResourceDrop:
		e := c.TypeSpace[index(off, "type", f.Resource, len(c.TypeSpace))]
		if e.Sort != binary.SortType || !c.isResource(e.Type) {
			fail(off, "resource.drop: type index %d is not a resource type", f.Resource)
		}
		c.CoreFuncs = append(c.CoreFuncs, &CoreFuncType{Params: []binary.CoreValType{binary.I32}})
		c.Defs = append(c.Defs, &ResourceDropDef{Type: f.Resource, Resource: e.Type.(wit.TypeID)})
	default:
		// The async and thread builtins type-check as core functions of
		// unknown type here and fail when instantiated.
		c.CoreFuncs = append(c.CoreFuncs, nil)
		c.Defs = append(c.Defs, &UnsupportedDef{Builtin: f.Builtin()})
	}
}

// localResource checks that a type index names a resource this component
// defines (resource.new and resource.rep need the representation).
func (c *Component) localResource(off uint64, what string, idx uint32) wit.TypeID {
	e := c.TypeSpace[index(off, "type", idx, len(c.TypeSpace))]
	if e.Sort != binary.SortType || !c.isResource(e.Type) {
		fail(off, "%s: type index %d is not a resource type", what, idx)
	}
	id := e.Type.(wit.TypeID)
	if info := c.Resources[id]; info == nil || info.Component != c {
		fail(off, "%s: resource type %d is not defined by this component", what, idx)
	}
	return id
}

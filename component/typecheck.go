package component

import (
	"strings"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// sameFuncType reports whether a component's function type (types in ra)
// is the host's declared WIT function type (types in rb): same parameter
// names and types, same result. Resources compare by name, since the two
// sides name the same resource from different Resolves.
func sameFuncType(ra *wit.Resolve, a *types.FuncType, rb *wit.Resolve, b *wit.Function) bool {
	// A method's self is an explicit parameter on both sides.
	bParams := b.Params
	if a.Async != b.Kind.IsAsync() || len(a.Params) != len(bParams) {
		return false
	}
	eq := &crossEq{ra: ra, rb: rb, memo: map[[2]wit.TypeID]bool{}}
	for i := range a.Params {
		if a.Params[i].Name != bParams[i].Name || !eq.same(a.Params[i].Type, bParams[i].Type) {
			return false
		}
	}
	return eq.same(a.Result, b.Result)
}

// crossEq compares value types of two Resolves structurally.
type crossEq struct {
	ra, rb *wit.Resolve
	memo   map[[2]wit.TypeID]bool
}

func peel(r *wit.Resolve, t wit.Type) wit.Type {
	for {
		id, ok := t.(wit.TypeID)
		if !ok {
			return t
		}
		a, ok := r.Types[id].Kind.(*wit.Alias)
		if !ok {
			return t
		}
		t = a.Type
	}
}

func (q *crossEq) same(a, b wit.Type) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	a, b = peel(q.ra, a), peel(q.rb, b)
	ai, aok := a.(wit.TypeID)
	bi, bok := b.(wit.TypeID)
	if !aok || !bok {
		return !aok && !bok && a == b
	}
	key := [2]wit.TypeID{ai, bi}
	if v, ok := q.memo[key]; ok {
		return v
	}
	q.memo[key] = true // assume equal while comparing (types are acyclic anyway)
	v := q.kinds(q.ra.Types[ai], q.rb.Types[bi])
	q.memo[key] = v
	return v
}

func (q *crossEq) kinds(ta, tb *wit.TypeDef) bool {
	switch x := ta.Kind.(type) {
	case *wit.Resource:
		_, ok := tb.Kind.(*wit.Resource)
		return ok && resourceName(ta.Name) == resourceName(tb.Name)
	case *wit.Own:
		switch y := tb.Kind.(type) {
		case *wit.Own:
			return q.same(x.Resource, y.Resource)
		case *wit.Resource: // a WIT resource used by name is an owned handle
			return q.same(x.Resource, wit.TypeID(q.indexOf(q.rb, tb)))
		}
		return false
	case *wit.Borrow:
		y, ok := tb.Kind.(*wit.Borrow)
		return ok && q.same(x.Resource, y.Resource)
	case *wit.Record:
		y, ok := tb.Kind.(*wit.Record)
		if !ok || len(x.Fields) != len(y.Fields) {
			return false
		}
		for i := range x.Fields {
			if x.Fields[i].Name != y.Fields[i].Name || !q.same(x.Fields[i].Type, y.Fields[i].Type) {
				return false
			}
		}
		return true
	case *wit.Variant:
		y, ok := tb.Kind.(*wit.Variant)
		if !ok || len(x.Cases) != len(y.Cases) {
			return false
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name || !q.same(x.Cases[i].Type, y.Cases[i].Type) {
				return false
			}
		}
		return true
	case *wit.Enum:
		y, ok := tb.Kind.(*wit.Enum)
		if !ok || len(x.Cases) != len(y.Cases) {
			return false
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name {
				return false
			}
		}
		return true
	case *wit.Flags:
		y, ok := tb.Kind.(*wit.Flags)
		if !ok || len(x.Flags) != len(y.Flags) {
			return false
		}
		for i := range x.Flags {
			if x.Flags[i].Name != y.Flags[i].Name {
				return false
			}
		}
		return true
	case *wit.Tuple:
		y, ok := tb.Kind.(*wit.Tuple)
		if !ok || len(x.Types) != len(y.Types) {
			return false
		}
		for i := range x.Types {
			if !q.same(x.Types[i], y.Types[i]) {
				return false
			}
		}
		return true
	case *wit.List:
		y, ok := tb.Kind.(*wit.List)
		return ok && q.same(x.Elem, y.Elem)
	case *wit.FixedList:
		y, ok := tb.Kind.(*wit.FixedList)
		return ok && x.Len == y.Len && q.same(x.Elem, y.Elem)
	case *wit.Map:
		y, ok := tb.Kind.(*wit.Map)
		return ok && q.same(x.Key, y.Key) && q.same(x.Value, y.Value)
	case *wit.Option:
		y, ok := tb.Kind.(*wit.Option)
		return ok && q.same(x.Type, y.Type)
	case *wit.Result:
		y, ok := tb.Kind.(*wit.Result)
		return ok && q.same(x.OK, y.OK) && q.same(x.Err, y.Err)
	case *wit.Future:
		y, ok := tb.Kind.(*wit.Future)
		return ok && q.same(x.Elem, y.Elem)
	case *wit.Stream:
		y, ok := tb.Kind.(*wit.Stream)
		return ok && q.same(x.Elem, y.Elem)
	}
	return false
}

func (q *crossEq) indexOf(r *wit.Resolve, td *wit.TypeDef) int {
	for i, t := range r.Types {
		if t == td {
			return i
		}
	}
	return -1
}

// resourceName is the plain name of a resource type: its import or export
// name, without an interface prefix.
func resourceName(name string) string {
	if i := strings.LastIndexAny(name, "/#"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// witFuncString spells a WIT function type, e.g. `func(s: string) -> u32`.
func witFuncString(r *wit.Resolve, f *wit.Function) string {
	var b strings.Builder
	if f.Kind.IsAsync() {
		b.WriteString("async ")
	}
	b.WriteString("func(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name + ": " + r.TypeString(p.Type))
	}
	b.WriteString(")")
	if f.Result != nil {
		b.WriteString(" -> " + r.TypeString(f.Result))
	}
	return b.String()
}

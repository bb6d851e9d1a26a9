package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// substituter rewrites types, replacing resources by others; a type that
// mentions no replaced resource is kept as is.
type substituter struct {
	r    *wit.Resolve
	m    map[wit.TypeID]wit.TypeID
	memo map[wit.TypeID]wit.TypeID
}

func substExtern(r *wit.Resolve, e Extern, m map[wit.TypeID]wit.TypeID) Extern {
	s := &substituter{r: r, m: m, memo: map[wit.TypeID]wit.TypeID{}}
	return s.extern(e)
}

func (s *substituter) extern(e Extern) Extern {
	switch e.Sort {
	case binary.SortFunc:
		e.Func = s.fn(e.Func)
	case binary.SortType:
		e.Type = s.ty(e.Type)
	case binary.SortInstance:
		it := &InstanceType{}
		for name, x := range e.Instance.Exports.All() {
			it.Exports.Set(name, s.extern(x))
		}
		for _, a := range e.Instance.Abstract {
			it.Abstract = append(it.Abstract, s.id(a))
		}
		e.Instance = it
	case binary.SortComponent:
		ct := &ComponentType{}
		for name, x := range e.Component.Imports.All() {
			ct.Imports.Set(name, s.extern(x))
		}
		for name, x := range e.Component.Exports.All() {
			ct.Exports.Set(name, s.extern(x))
		}
		for _, a := range e.Component.Imported {
			ct.Imported = append(ct.Imported, s.id(a))
		}
		for _, a := range e.Component.Defined {
			ct.Defined = append(ct.Defined, s.id(a))
		}
		e.Component = ct
	}
	return e
}

func (s *substituter) fn(f *FuncType) *FuncType {
	n := &FuncType{Async: f.Async, Result: s.ty(f.Result)}
	for _, p := range f.Params {
		n.Params = append(n.Params, Param{Name: p.Name, Type: s.ty(p.Type)})
	}
	return n
}

func (s *substituter) ty(t wit.Type) wit.Type {
	if id, ok := t.(wit.TypeID); ok {
		return s.id(id)
	}
	return t
}

func (s *substituter) id(id wit.TypeID) wit.TypeID {
	if n, ok := s.m[id]; ok {
		return n
	}
	if n, ok := s.memo[id]; ok {
		return n
	}
	td := s.r.Types[id]
	var k wit.TypeDefKind
	changed := false
	t := func(x wit.Type) wit.Type {
		if x == nil {
			return nil
		}
		y := s.ty(x)
		if y != x {
			changed = true
		}
		return y
	}
	res := func(x wit.TypeID) wit.TypeID {
		y := s.id(x)
		if y != x {
			changed = true
		}
		return y
	}
	switch v := td.Kind.(type) {
	case *wit.Record:
		n := &wit.Record{}
		for _, f := range v.Fields {
			n.Fields = append(n.Fields, wit.Field{Name: f.Name, Type: t(f.Type)})
		}
		k = n
	case *wit.Variant:
		n := &wit.Variant{}
		for _, c := range v.Cases {
			n.Cases = append(n.Cases, wit.Case{Name: c.Name, Type: t(c.Type)})
		}
		k = n
	case *wit.Tuple:
		n := &wit.Tuple{}
		for _, e := range v.Types {
			n.Types = append(n.Types, t(e))
		}
		k = n
	case *wit.List:
		k = &wit.List{Elem: t(v.Elem)}
	case *wit.FixedList:
		k = &wit.FixedList{Elem: t(v.Elem), Len: v.Len}
	case *wit.Option:
		k = &wit.Option{Type: t(v.Type)}
	case *wit.Result:
		k = &wit.Result{OK: t(v.OK), Err: t(v.Err)}
	case *wit.Future:
		k = &wit.Future{Elem: t(v.Elem)}
	case *wit.Stream:
		k = &wit.Stream{Elem: t(v.Elem)}
	case *wit.Map:
		k = &wit.Map{Key: t(v.Key), Value: t(v.Value)}
	case *wit.Own:
		k = &wit.Own{Resource: res(v.Resource)}
	case *wit.Borrow:
		k = &wit.Borrow{Resource: res(v.Resource)}
	case *wit.Alias:
		k = &wit.Alias{Type: t(v.Type)}
	}
	if !changed {
		s.memo[id] = id
		return id
	}
	n := *td
	n.Kind = k
	s.r.Types = append(s.r.Types, &n)
	nid := wit.TypeID(len(s.r.Types) - 1)
	s.memo[id] = nid
	return nid
}

// sameType reports whether two value types are the same: structurally, with
// resources compared by identity.
func sameType(r *wit.Resolve, a, b wit.Type) bool {
	return (&typeEq{r: r, memo: map[[2]wit.TypeID]bool{}}).eq(a, b)
}

type typeEq struct {
	r    *wit.Resolve
	memo map[[2]wit.TypeID]bool
}

func (q *typeEq) eq(a, b wit.Type) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ai, aok := a.(wit.TypeID)
	bi, bok := b.(wit.TypeID)
	if !aok || !bok {
		return a == b
	}
	if ai == bi {
		return true
	}
	key := [2]wit.TypeID{ai, bi}
	if v, ok := q.memo[key]; ok {
		return v
	}
	v := q.kinds(q.r.Types[ai].Kind, q.r.Types[bi].Kind)
	q.memo[key] = v
	return v
}

func (q *typeEq) kinds(a, b wit.TypeDefKind) bool {
	switch x := a.(type) {
	case *wit.Record:
		y, ok := b.(*wit.Record)
		if !ok || len(x.Fields) != len(y.Fields) {
			return false
		}
		for i := range x.Fields {
			if x.Fields[i].Name != y.Fields[i].Name || !q.eq(x.Fields[i].Type, y.Fields[i].Type) {
				return false
			}
		}
		return true
	case *wit.Variant:
		y, ok := b.(*wit.Variant)
		if !ok || len(x.Cases) != len(y.Cases) {
			return false
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name || !q.eq(x.Cases[i].Type, y.Cases[i].Type) {
				return false
			}
		}
		return true
	case *wit.Tuple:
		y, ok := b.(*wit.Tuple)
		if !ok || len(x.Types) != len(y.Types) {
			return false
		}
		for i := range x.Types {
			if !q.eq(x.Types[i], y.Types[i]) {
				return false
			}
		}
		return true
	case *wit.Flags:
		y, ok := b.(*wit.Flags)
		if !ok || len(x.Flags) != len(y.Flags) {
			return false
		}
		for i := range x.Flags {
			if x.Flags[i].Name != y.Flags[i].Name {
				return false
			}
		}
		return true
	case *wit.Enum:
		y, ok := b.(*wit.Enum)
		if !ok || len(x.Cases) != len(y.Cases) {
			return false
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name {
				return false
			}
		}
		return true
	case *wit.List:
		y, ok := b.(*wit.List)
		return ok && q.eq(x.Elem, y.Elem)
	case *wit.FixedList:
		y, ok := b.(*wit.FixedList)
		return ok && x.Len == y.Len && q.eq(x.Elem, y.Elem)
	case *wit.Option:
		y, ok := b.(*wit.Option)
		return ok && q.eq(x.Type, y.Type)
	case *wit.Result:
		y, ok := b.(*wit.Result)
		return ok && q.eq(x.OK, y.OK) && q.eq(x.Err, y.Err)
	case *wit.Future:
		y, ok := b.(*wit.Future)
		return ok && q.eq(x.Elem, y.Elem)
	case *wit.Stream:
		y, ok := b.(*wit.Stream)
		return ok && q.eq(x.Elem, y.Elem)
	case *wit.Map:
		y, ok := b.(*wit.Map)
		return ok && q.eq(x.Key, y.Key) && q.eq(x.Value, y.Value)
	case *wit.Own:
		y, ok := b.(*wit.Own)
		return ok && x.Resource == y.Resource
	case *wit.Borrow:
		y, ok := b.(*wit.Borrow)
		return ok && x.Resource == y.Resource
	}
	return false // resources differ: same identity was handled by the caller
}

// subtype checks that got can be used where want is expected.
func (c *Component) subtype(off uint64, what string, got, want Extern) {
	if msg := c.subtypeMsg(got, want); msg != "" {
		fail(off, "%s: %s", what, msg)
	}
}

func (c *Component) subtypeMsg(got, want Extern) string {
	if got.Sort != want.Sort {
		return fmt.Sprintf("expected %s, found %s", describe(want), describe(got))
	}
	switch want.Sort {
	case binary.SortFunc:
		return c.funcSubtype(got.Func, want.Func)
	case binary.SortType:
		if !sameType(c.Types, got.Type, want.Type) {
			return fmt.Sprintf("expected type %s, found %s", c.TypeString(want.Type), c.TypeString(got.Type))
		}
	case binary.SortInstance:
		for name, w := range want.Instance.Exports.All() {
			g, ok := got.Instance.Exports.Get(name)
			if !ok {
				return fmt.Sprintf("missing export %q", name)
			}
			if msg := c.subtypeMsg(g, w); msg != "" {
				return fmt.Sprintf("export %q: %s", name, msg)
			}
		}
	case binary.SortComponent:
		for name, w := range want.Component.Exports.All() {
			g, ok := got.Component.Exports.Get(name)
			if !ok {
				return fmt.Sprintf("missing export %q", name)
			}
			if msg := c.subtypeMsg(g, w); msg != "" {
				return fmt.Sprintf("export %q: %s", name, msg)
			}
		}
		for name, g := range got.Component.Imports.All() {
			w, ok := want.Component.Imports.Get(name)
			if !ok {
				return fmt.Sprintf("imports %q, which the expected type does not provide", name)
			}
			if msg := c.subtypeMsg(w, g); msg != "" {
				return fmt.Sprintf("import %q: %s", name, msg)
			}
		}
	case binary.SortCoreModule:
		for name, w := range want.Module.Exports {
			g, ok := got.Module.Exports[name]
			if !ok {
				return fmt.Sprintf("missing core export %q", name)
			}
			if g.Sort != w.Sort || (w.Func != nil && g.Func != nil && !sameCoreFunc(w.Func, g.Func)) {
				return fmt.Sprintf("core export %q has the wrong type", name)
			}
		}
	}
	return ""
}

func (c *Component) funcSubtype(got, want *FuncType) string {
	mismatch := func() string {
		return fmt.Sprintf("expected %s, found %s", c.FuncString(want), c.FuncString(got))
	}
	if got.Async != want.Async || len(got.Params) != len(want.Params) {
		return mismatch()
	}
	for i := range got.Params {
		if got.Params[i].Name != want.Params[i].Name || !sameType(c.Types, got.Params[i].Type, want.Params[i].Type) {
			return mismatch()
		}
	}
	if !sameType(c.Types, got.Result, want.Result) {
		return mismatch()
	}
	return ""
}

// TypeString spells a value type in WIT syntax for messages.
func (c *Component) TypeString(t wit.Type) string {
	if t == nil {
		return "nothing"
	}
	return c.Types.TypeString(t)
}

// FuncString spells a function type in WIT syntax, e.g.
// `func(s: string) -> u32`.
func (c *Component) FuncString(f *FuncType) string {
	s := "func("
	if f.Async {
		s = "async func("
	}
	for i, p := range f.Params {
		if i > 0 {
			s += ", "
		}
		s += p.Name + ": " + c.TypeString(p.Type)
	}
	s += ")"
	if f.Result != nil {
		s += " -> " + c.TypeString(f.Result)
	}
	return s
}

// instantiate type-checks the instantiation of a component type with args
// and returns the type of the instance.
func (c *Component) instantiate(off uint64, ct *ComponentType, args map[string]Extern) *InstanceType {
	m := map[wit.TypeID]wit.TypeID{}
	imported := map[wit.TypeID]bool{}
	for _, r := range ct.Imported {
		imported[r] = true
	}
	for name, want := range ct.Imports.All() {
		got, ok := args[name]
		if !ok {
			fail(off, "missing instantiation argument %q", name)
		}
		c.bind(want, got, imported, m)
	}
	for _, r := range ct.Defined {
		m[r] = c.newResource(c.Types.Types[r].Name)
	}
	s := &substituter{r: c.Types, m: m, memo: map[wit.TypeID]wit.TypeID{}}
	for name, want := range ct.Imports.All() {
		c.subtype(off, "instantiation argument "+quote(name), args[name], s.extern(want))
	}
	it := &InstanceType{}
	for name, e := range ct.Exports.All() {
		it.Exports.Set(name, s.extern(e))
	}
	return it
}

// bind records which argument resources the imported resources of want
// stand for.
func (c *Component) bind(want, got Extern, imported map[wit.TypeID]bool, m map[wit.TypeID]wit.TypeID) {
	switch want.Sort {
	case binary.SortType:
		if id, ok := want.Type.(wit.TypeID); ok && imported[id] && got.Sort == binary.SortType {
			if gid, ok := got.Type.(wit.TypeID); ok && c.isResource(gid) {
				m[id] = gid
			}
		}
	case binary.SortInstance:
		if got.Sort != binary.SortInstance {
			return
		}
		for name, w := range want.Instance.Exports.All() {
			if g, ok := got.Instance.Exports.Get(name); ok {
				c.bind(w, g, imported, m)
			}
		}
	}
}

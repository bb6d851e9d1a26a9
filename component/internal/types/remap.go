package types

import (
	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// remap substitutes resources in types (wasmparser's Remap): res maps
// resources to resources; renames maps whole types (by identity) to
// others, for the imports an instantiation satisfied. Each type is rewritten
// at most once (memo), so the work is proportional to the number of
// distinct types, whatever their effective size.
type remap struct {
	cx      *checker
	res     map[wit.TypeID]wit.TypeID
	renames map[typeKey]Extern

	ids   map[wit.TypeID]wit.TypeID
	funcs map[*FuncType]*FuncType
	insts map[*InstanceType]*InstanceType
	comps map[*ComponentType]*ComponentType
}

func newRemap(cx *checker) *remap {
	return &remap{cx: cx, res: map[wit.TypeID]wit.TypeID{}, renames: map[typeKey]Extern{},
		ids: map[wit.TypeID]wit.TypeID{}, funcs: map[*FuncType]*FuncType{},
		insts: map[*InstanceType]*InstanceType{}, comps: map[*ComponentType]*ComponentType{}}
}

// reset forgets the memo (but keeps the substitution).
func (m *remap) reset() {
	clear(m.ids)
	clear(m.funcs)
	clear(m.insts)
	clear(m.comps)
}

// extern rewrites the type of an item or the content of a type item.
func (m *remap) extern(e Extern) Extern {
	if r, ok := m.renames[m.cx.keyOf(e)]; ok && e.Sort == binary.SortType {
		return r
	}
	switch {
	case e.Func != nil:
		e.Func = m.fn(e.Func)
	case e.Instance != nil:
		e.Instance = m.inst(e.Instance)
	case e.Component != nil:
		e.Component = m.comp(e.Component)
	case e.Module != nil:
	case e.Sort == binary.SortValue:
		e.value = m.ty(e.value)
	default:
		if id, ok := e.Type.(wit.TypeID); ok && m.cx.isResource(id) {
			if n, ok := m.res[id]; ok {
				e.Type = n
			}
		} else {
			e.Type = m.ty(e.Type)
		}
	}
	return e
}

func (m *remap) fn(f *FuncType) *FuncType {
	if n, ok := m.funcs[f]; ok {
		return n
	}
	if r, ok := m.renames[typeKey{p: f}]; ok && r.Func != nil {
		m.funcs[f] = r.Func
		return r.Func
	}
	n := &FuncType{Async: f.Async, Result: m.ty(f.Result), info: f.info}
	changed := n.Result != f.Result
	for _, p := range f.Params {
		t := m.ty(p.Type)
		changed = changed || t != p.Type
		n.Params = append(n.Params, Param{Name: p.Name, Type: t})
	}
	if !changed {
		n = f
	}
	m.funcs[f] = n
	return n
}

func (m *remap) inst(it *InstanceType) *InstanceType {
	if n, ok := m.insts[it]; ok {
		return n
	}
	if r, ok := m.renames[typeKey{p: it}]; ok && r.Instance != nil {
		m.insts[it] = r.Instance
		return r.Instance
	}
	n := &InstanceType{info: it.info}
	changed := false
	for name, x := range it.Exports.All() {
		y := m.extern(x)
		changed = changed || y != x
		n.Exports.Set(name, y)
	}
	for _, a := range it.Abstract {
		b := m.resource(a)
		changed = changed || b != a
		n.Abstract = append(n.Abstract, b)
	}
	if !changed {
		n = it
	}
	m.insts[it] = n
	return n
}

func (m *remap) comp(ct *ComponentType) *ComponentType {
	if n, ok := m.comps[ct]; ok {
		return n
	}
	if r, ok := m.renames[typeKey{p: ct}]; ok && r.Component != nil {
		m.comps[ct] = r.Component
		return r.Component
	}
	n := &ComponentType{info: ct.info, importedPaths: ct.importedPaths, definedPaths: ct.definedPaths}
	changed := false
	for name, x := range ct.Imports.All() {
		y := m.extern(x)
		changed = changed || y != x
		n.Imports.Set(name, y)
	}
	for name, x := range ct.Exports.All() {
		y := m.extern(x)
		changed = changed || y != x
		n.Exports.Set(name, y)
	}
	for _, a := range ct.Imported {
		b := m.resource(a)
		changed = changed || b != a
		n.Imported = append(n.Imported, b)
	}
	for _, a := range ct.Defined {
		b := m.resource(a)
		changed = changed || b != a
		n.Defined = append(n.Defined, b)
	}
	if !changed {
		n = ct
	}
	m.comps[ct] = n
	return n
}

func (m *remap) resource(id wit.TypeID) wit.TypeID {
	if n, ok := m.res[id]; ok {
		return n
	}
	return id
}

// ty rewrites a value type.
func (m *remap) ty(t wit.Type) wit.Type {
	id, ok := t.(wit.TypeID)
	if !ok {
		return t
	}
	return m.id(id)
}

func (m *remap) id(id wit.TypeID) wit.TypeID {
	if n, ok := m.ids[id]; ok {
		return n
	}
	if r, ok := m.renames[typeKey{id: id}]; ok {
		if n, ok := r.Type.(wit.TypeID); ok {
			m.ids[id] = n
			return n
		}
	}
	cx := m.cx
	// A named copy of a type an instantiation renamed becomes a copy of
	// what it was renamed to, so the chain of names stays intact.
	if orig, ok := cx.names.copyOf[id]; ok {
		if oid, ok := orig.(wit.TypeID); ok {
			if no := m.id(oid); no != oid {
				src := *cx.r.Types[no]
				nid := cx.addType(&src, cx.ti[no])
				cx.names.copyOf[nid] = no
				m.ids[id] = nid
				return nid
			}
		}
	}
	td := cx.r.Types[id]
	changed := false
	t := func(x wit.Type) wit.Type {
		if x == nil {
			return nil
		}
		y := m.ty(x)
		changed = changed || y != x
		return y
	}
	handle := func(r wit.TypeID) wit.TypeID {
		alias := cx.ti[id].alias
		if n, ok := m.renames[typeKey{id: r, alias: alias}]; ok {
			if nr, ok := n.Type.(wit.TypeID); ok {
				changed = changed || nr != r || n.alias != alias
				return nr
			}
		}
		n := m.resource(r)
		changed = changed || n != r
		return n
	}
	var k wit.TypeDefKind
	info := cx.ti[id]
	switch v := td.Kind.(type) {
	case *wit.Record:
		n := &wit.Record{Fields: make([]wit.Field, len(v.Fields))}
		for i, f := range v.Fields {
			n.Fields[i] = wit.Field{Name: f.Name, Type: t(f.Type)}
		}
		k = n
	case *wit.Variant:
		n := &wit.Variant{Cases: make([]wit.Case, len(v.Cases))}
		for i, c := range v.Cases {
			n.Cases[i] = wit.Case{Name: c.Name, Type: t(c.Type)}
		}
		k = n
	case *wit.Tuple:
		n := &wit.Tuple{Types: make([]wit.Type, len(v.Types))}
		for i, e := range v.Types {
			n.Types[i] = t(e)
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
		k = &wit.Own{Resource: handle(v.Resource)}
		if n, ok := m.renames[typeKey{id: v.Resource, alias: info.alias}]; ok {
			info.alias = n.alias
		}
	case *wit.Borrow:
		k = &wit.Borrow{Resource: handle(v.Resource)}
		if n, ok := m.renames[typeKey{id: v.Resource, alias: info.alias}]; ok {
			info.alias = n.alias
		}
	}
	if !changed {
		m.ids[id] = id
		return id
	}
	n := *td
	n.Kind = k
	nid := cx.addType(&n, info)
	m.ids[id] = nid
	return nid
}

// ---- free variables ----

// freeVars adds the resources an item's type refers to but does not
// define to set.
func (cx *checker) freeVars(e Extern, set map[wit.TypeID]bool) {
	(&freeWalker{cx: cx, memo: map[any][]wit.TypeID{}}).extern(e, set)
}

// freeVarsType is freeVars for the content of a type item.
func (cx *checker) freeVarsType(e Extern, set map[wit.TypeID]bool) {
	cx.freeVars(e, set)
}

// freeWalker walks types. Value types are walked without a memo, like
// wasmparser (the work is bounded by their effective size); instance and
// component types, which nest deeply, are walked once per walk.
type freeWalker struct {
	cx   *checker
	memo map[any][]wit.TypeID
}

// closed adds the free resources of an instance or component type to set,
// computing them once.
func (w *freeWalker) closed(key any, set map[wit.TypeID]bool, compute func(inner map[wit.TypeID]bool)) {
	free, ok := w.memo[key]
	if !ok {
		inner := map[wit.TypeID]bool{}
		compute(inner)
		for r := range inner {
			free = append(free, r)
		}
		w.memo[key] = free
	}
	for _, r := range free {
		set[r] = true
	}
}

func (w *freeWalker) extern(e Extern, set map[wit.TypeID]bool) {
	switch {
	case e.Func != nil:
		for _, p := range e.Func.Params {
			w.ty(p.Type, set)
		}
		w.ty(e.Func.Result, set)
	case e.Instance != nil:
		// The resources an instance type declares are bound by it.
		it := e.Instance
		w.closed(it, set, func(inner map[wit.TypeID]bool) {
			for _, x := range it.Exports.All() {
				w.extern(x, inner)
			}
			for _, a := range it.Abstract {
				delete(inner, a)
			}
		})
	case e.Component != nil:
		ct := e.Component
		w.closed(ct, set, func(inner map[wit.TypeID]bool) {
			for _, x := range ct.Imports.All() {
				w.extern(x, inner)
			}
			for _, x := range ct.Exports.All() {
				w.extern(x, inner)
			}
			for _, a := range ct.Imported {
				delete(inner, a)
			}
			for _, a := range ct.Defined {
				delete(inner, a)
			}
		})
	case e.Module != nil:
	case e.Sort == binary.SortValue:
		w.ty(e.value, set)
	default:
		if w.cx.isResource(e.Type) {
			set[e.Type.(wit.TypeID)] = true
			return
		}
		w.ty(e.Type, set)
	}
}

func (w *freeWalker) ty(t wit.Type, set map[wit.TypeID]bool) {
	id, ok := t.(wit.TypeID)
	if !ok {
		return
	}
	cx := w.cx
	switch k := cx.r.Types[id].Kind.(type) {
	case *wit.Record:
		for _, f := range k.Fields {
			w.ty(f.Type, set)
		}
	case *wit.Variant:
		for _, c := range k.Cases {
			w.ty(c.Type, set)
		}
	case *wit.Tuple:
		for _, x := range k.Types {
			w.ty(x, set)
		}
	case *wit.List:
		w.ty(k.Elem, set)
	case *wit.FixedList:
		w.ty(k.Elem, set)
	case *wit.Option:
		w.ty(k.Type, set)
	case *wit.Result:
		w.ty(k.OK, set)
		w.ty(k.Err, set)
	case *wit.Future:
		w.ty(k.Elem, set)
	case *wit.Stream:
		w.ty(k.Elem, set)
	case *wit.Map:
		w.ty(k.Key, set)
		w.ty(k.Value, set)
	case *wit.Own:
		set[k.Resource] = true
	case *wit.Borrow:
		set[k.Resource] = true
	}
}

// explicitPaths finds where each resource is exported as a type, directly
// or within an exported instance: the index of the export, then indices
// into nested instance exports (explicit_resource_paths).
func (cx *checker) explicitPaths(exports *wit.OrderedMap[string, Extern], resources []wit.TypeID) map[wit.TypeID][]int {
	remaining := map[wit.TypeID]bool{}
	for _, r := range resources {
		remaining[r] = true
	}
	paths := map[wit.TypeID][]int{}
	visited := map[*InstanceType]bool{}
	var path []int
	var search func(exports *wit.OrderedMap[string, Extern])
	search = func(exports *wit.OrderedMap[string, Extern]) {
		for i := 0; i < exports.Len(); i++ {
			if len(remaining) == 0 {
				return
			}
			_, e := exports.At(i)
			path = append(path, i)
			switch {
			case e.Sort == binary.SortType && cx.isResource(e.Type):
				id := e.Type.(wit.TypeID)
				if remaining[id] {
					delete(remaining, id)
					paths[id] = append([]int(nil), path...)
				}
			case e.Sort == binary.SortInstance:
				if !visited[e.Instance] {
					visited[e.Instance] = true
					search(&e.Instance.Exports)
				}
			}
			path = path[:len(path)-1]
		}
	}
	search(exports)
	return paths
}

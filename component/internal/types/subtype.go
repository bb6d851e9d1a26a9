package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// Subtyping follows wasmparser's SubtypeCx: instances and components may
// offer more than expected (and components need less), everything else
// must match exactly (function and value types are compared for
// equality, as wasmparser does, deliberately stricter than the spec).
// Resources compare by identity; instantiating a component substitutes the
// resources of its imports by those of the arguments first.

// subExtern checks that an item of type a can be used where b is expected
// (component_entity_type).
func (cx *checker) subExtern(a, b Extern) error {
	if a.Sort != b.Sort {
		return fmt.Errorf("expected %s, found %s", sortDesc(b.Sort), sortDesc(a.Sort))
	}
	switch a.Sort {
	case binary.SortCoreModule:
		return cx.subModule(a.Module, b.Module)
	case binary.SortFunc:
		return cx.subFunc(a.Func, b.Func)
	case binary.SortValue:
		return cx.subVal(a.value, b.value)
	case binary.SortType:
		return cx.subTypeContent(a, b)
	case binary.SortInstance:
		return cx.subInstance(a.Instance, b.Instance)
	case binary.SortComponent:
		return cx.subComponent(a.Component, b.Component)
	}
	return nil
}

func contentDesc(cx *checker, e Extern) string {
	switch {
	case e.Func != nil:
		return "func type"
	case e.Instance != nil:
		return "instance type"
	case e.Component != nil:
		return "component type"
	case cx.isResource(e.Type):
		return "resource"
	}
	return "defined type"
}

// subTypeContent compares the contents of two type items
// (component_any_type_id).
func (cx *checker) subTypeContent(a, b Extern) error {
	da, db := contentDesc(cx, a), contentDesc(cx, b)
	if da != db {
		return fmt.Errorf("expected %s, found %s", db, da)
	}
	switch {
	case a.Func != nil:
		return cx.subFunc(a.Func, b.Func)
	case a.Instance != nil:
		return cx.subInstance(a.Instance, b.Instance)
	case a.Component != nil:
		return cx.subComponent(a.Component, b.Component)
	case da == "resource":
		if a.Type != b.Type {
			return fmt.Errorf("resource types are not the same (%s vs. %s)", cx.typeName(a.Type), cx.typeName(b.Type))
		}
		return nil
	}
	return cx.subVal(a.Type, b.Type)
}

func (cx *checker) typeName(t wit.Type) string {
	if id, ok := t.(wit.TypeID); ok && int(id) < len(cx.r.Types) && cx.r.Types[id].Name != "" {
		return fmt.Sprintf("%s#%d", cx.r.Types[id].Name, id)
	}
	return fmt.Sprint(t)
}

func (cx *checker) subInstance(a, b *InstanceType) error {
	if a == b {
		return nil
	}
	for name, be := range b.Exports.All() {
		ae, ok := a.Exports.Get(name)
		if !ok {
			return fmt.Errorf("missing expected export `%s`", name)
		}
		if err := cx.subExtern(ae, be); err != nil {
			return fmt.Errorf("type mismatch in instance export `%s`: %w", name, err)
		}
	}
	return nil
}

func (cx *checker) subFunc(a, b *FuncType) error {
	if a == b {
		return nil
	}
	if a.Async != b.Async {
		desc := func(async bool) string {
			if async {
				return "async"
			}
			return "sync"
		}
		return fmt.Errorf("expected %s function, found %s function", desc(a.Async), desc(b.Async))
	}
	if len(a.Params) != len(b.Params) {
		return fmt.Errorf("expected %d parameters, found %d", len(b.Params), len(a.Params))
	}
	for i := range a.Params {
		if a.Params[i].Name != b.Params[i].Name {
			return fmt.Errorf("expected parameter named `%s`, found `%s`", b.Params[i].Name, a.Params[i].Name)
		}
		if err := cx.subVal(a.Params[i].Type, b.Params[i].Type); err != nil {
			return fmt.Errorf("type mismatch in function parameter `%s`: %w", a.Params[i].Name, err)
		}
	}
	switch {
	case a.Result != nil && b.Result != nil:
		if err := cx.subVal(a.Result, b.Result); err != nil {
			return fmt.Errorf("type mismatch with result type: %w", err)
		}
	case a.Result != nil:
		return fmt.Errorf("expected a result, found none")
	case b.Result != nil:
		return fmt.Errorf("expected no result, found one")
	}
	return nil
}

// sameValType reports whether two value types are equal.
func (cx *checker) sameValType(a, b wit.Type) bool {
	return cx.subVal(a, b) == nil && cx.subVal(b, a) == nil
}

func kindDesc(k wit.TypeDefKind) string {
	switch k.(type) {
	case *wit.Record:
		return "record"
	case *wit.Variant:
		return "variant"
	case *wit.Tuple:
		return "tuple"
	case *wit.Enum:
		return "enum"
	case *wit.Flags:
		return "flags"
	case *wit.Option:
		return "option"
	case *wit.List:
		return "list"
	case *wit.Map:
		return "map"
	case *wit.FixedList:
		return "fixed-length list"
	case *wit.Result:
		return "result"
	case *wit.Own:
		return "own"
	case *wit.Borrow:
		return "borrow"
	case *wit.Future:
		return "future"
	case *wit.Stream:
		return "stream"
	}
	return "type"
}

// subVal compares value types (component_val_type); nil is no type.
func (cx *checker) subVal(a, b wit.Type) error {
	a, b = cx.peel(a), cx.peel(b)
	if a == b {
		return nil
	}
	pa, aprim := a.(wit.Primitive)
	pb, bprim := b.(wit.Primitive)
	switch {
	case aprim && bprim:
		return fmt.Errorf("expected primitive `%s` found primitive `%s`", pb, pa)
	case aprim:
		return fmt.Errorf("expected %s, found %s", kindDesc(cx.kind(b)), pa)
	case bprim:
		return fmt.Errorf("expected %s, found %s", pb, kindDesc(cx.kind(a)))
	case a == nil || b == nil:
		return fmt.Errorf("type mismatch")
	}
	ka, kb := cx.kind(a), cx.kind(b)
	mismatch := func() error { return fmt.Errorf("expected %s, found %s", kindDesc(kb), kindDesc(ka)) }
	opt := func(x, y wit.Type, what string) error {
		switch {
		case x == nil && y == nil:
			return nil
		case x == nil:
			return fmt.Errorf("expected %s type, but found none", what)
		case y == nil:
			return fmt.Errorf("expected %s type to not be present", what)
		}
		if err := cx.subVal(x, y); err != nil {
			return fmt.Errorf("type mismatch in %s: %w", what, err)
		}
		return nil
	}
	switch x := ka.(type) {
	case *wit.Record:
		y, ok := kb.(*wit.Record)
		if !ok {
			return mismatch()
		}
		if len(x.Fields) != len(y.Fields) {
			return fmt.Errorf("expected %d fields, found %d", len(y.Fields), len(x.Fields))
		}
		for i := range x.Fields {
			if x.Fields[i].Name != y.Fields[i].Name {
				return fmt.Errorf("expected field name `%s`, found `%s`", y.Fields[i].Name, x.Fields[i].Name)
			}
			if err := cx.subVal(x.Fields[i].Type, y.Fields[i].Type); err != nil {
				return fmt.Errorf("type mismatch in record field `%s`: %w", x.Fields[i].Name, err)
			}
		}
		return nil
	case *wit.Variant:
		y, ok := kb.(*wit.Variant)
		if !ok {
			return mismatch()
		}
		if len(x.Cases) != len(y.Cases) {
			return fmt.Errorf("expected %d cases, found %d", len(y.Cases), len(x.Cases))
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name {
				return fmt.Errorf("expected case named `%s`, found `%s`", y.Cases[i].Name, x.Cases[i].Name)
			}
			if err := opt(x.Cases[i].Type, y.Cases[i].Type, "variant case `"+x.Cases[i].Name+"`"); err != nil {
				return err
			}
		}
		return nil
	case *wit.List:
		y, ok := kb.(*wit.List)
		if !ok {
			return mismatch()
		}
		return cx.subVal(x.Elem, y.Elem)
	case *wit.Option:
		y, ok := kb.(*wit.Option)
		if !ok {
			return mismatch()
		}
		return cx.subVal(x.Type, y.Type)
	case *wit.Map:
		y, ok := kb.(*wit.Map)
		if !ok {
			return mismatch()
		}
		if err := cx.subVal(x.Key, y.Key); err != nil {
			return fmt.Errorf("type mismatch in map key: %w", err)
		}
		if err := cx.subVal(x.Value, y.Value); err != nil {
			return fmt.Errorf("type mismatch in map value: %w", err)
		}
		return nil
	case *wit.FixedList:
		y, ok := kb.(*wit.FixedList)
		if !ok {
			return mismatch()
		}
		if x.Len != y.Len {
			return fmt.Errorf("expected fixed-length %d, found size %d", y.Len, x.Len)
		}
		return cx.subVal(x.Elem, y.Elem)
	case *wit.Tuple:
		y, ok := kb.(*wit.Tuple)
		if !ok {
			return mismatch()
		}
		if len(x.Types) != len(y.Types) {
			return fmt.Errorf("expected %d types, found %d", len(y.Types), len(x.Types))
		}
		for i := range x.Types {
			if err := cx.subVal(x.Types[i], y.Types[i]); err != nil {
				return fmt.Errorf("type mismatch in tuple field %d: %w", i, err)
			}
		}
		return nil
	case *wit.Flags:
		y, ok := kb.(*wit.Flags)
		if !ok {
			return mismatch()
		}
		if len(x.Flags) != len(y.Flags) {
			return fmt.Errorf("mismatch in flags elements")
		}
		for i := range x.Flags {
			if x.Flags[i].Name != y.Flags[i].Name {
				return fmt.Errorf("mismatch in flags elements")
			}
		}
		return nil
	case *wit.Enum:
		y, ok := kb.(*wit.Enum)
		if !ok {
			return mismatch()
		}
		if len(x.Cases) != len(y.Cases) {
			return fmt.Errorf("mismatch in enum elements")
		}
		for i := range x.Cases {
			if x.Cases[i].Name != y.Cases[i].Name {
				return fmt.Errorf("mismatch in enum elements")
			}
		}
		return nil
	case *wit.Result:
		y, ok := kb.(*wit.Result)
		if !ok {
			return mismatch()
		}
		if err := opt(x.OK, y.OK, "ok"); err != nil {
			return err
		}
		return opt(x.Err, y.Err, "err")
	case *wit.Own:
		y, ok := kb.(*wit.Own)
		if !ok {
			return mismatch()
		}
		if x.Resource != y.Resource {
			return fmt.Errorf("resource types are not the same")
		}
		return nil
	case *wit.Borrow:
		y, ok := kb.(*wit.Borrow)
		if !ok {
			return mismatch()
		}
		if x.Resource != y.Resource {
			return fmt.Errorf("resource types are not the same")
		}
		return nil
	case *wit.Future:
		y, ok := kb.(*wit.Future)
		if !ok {
			return mismatch()
		}
		return opt(x.Elem, y.Elem, "future")
	case *wit.Stream:
		y, ok := kb.(*wit.Stream)
		if !ok {
			return mismatch()
		}
		return opt(x.Elem, y.Elem, "stream")
	}
	return mismatch()
}

// subModule compares core module types: a may import less and export more.
func (cx *checker) subModule(a, b *ModuleType) error {
	if a == b {
		return nil
	}
	bImports := map[[2]string]CoreExtern{}
	for _, im := range b.Imports {
		bImports[[2]string{im.Module, im.Name}] = im.Type
	}
	for _, im := range a.Imports {
		bt, ok := bImports[[2]string{im.Module, im.Name}]
		if !ok {
			return fmt.Errorf("missing expected import `%s::%s`", im.Module, im.Name)
		}
		if err := subCoreExtern(bt, im.Type); err != nil {
			return fmt.Errorf("type mismatch in import `%s::%s`: %w", im.Module, im.Name, err)
		}
	}
	for name, bt := range b.Exports {
		at, ok := a.Exports[name]
		if !ok {
			return fmt.Errorf("missing expected export `%s`", name)
		}
		if err := subCoreExtern(at, bt); err != nil {
			return fmt.Errorf("type mismatch in export `%s`: %w", name, err)
		}
	}
	return nil
}

// subComponent compares component types: a must accept the imports b is
// given, and its exports, in terms of those, must satisfy b's.
func (cx *checker) subComponent(a, b *ComponentType) error {
	if a == b {
		return nil
	}
	args := map[string]Extern{}
	for name, e := range b.Imports.All() {
		args[name] = e
	}
	m, err := cx.openInstance(args, a, kindImport)
	if err != nil {
		return err
	}
	m.reset()
	clear(m.renames)
	n := cx.checkpoint()
	defer cx.rollback(n)
	exports := map[string]Extern{}
	for name, e := range a.Exports.All() {
		exports[name] = m.extern(e)
	}
	_, err = cx.openInstance(exports, b, kindExport)
	return err
}

// openInstance checks that items a satisfy the imports (or exports) of
// component type b, and returns the substitution of b's imported (or
// defined) resources by a's, with the types a provides for b's (for
// instantiation: open_instance_type).
func (cx *checker) openInstance(a map[string]Extern, b *ComponentType, kind externKind) (*remap, error) {
	entities, resources, paths := &b.Imports, b.Imported, b.importedPaths
	if kind == kindExport {
		entities, resources, paths = &b.Exports, b.Defined, b.definedPaths
	}
	m := newRemap(cx)
outer:
	for i, r := range resources {
		if i >= len(paths) || len(paths[i]) == 0 || paths[i][0] >= entities.Len() {
			continue
		}
		path := paths[i]
		name, ty := entities.At(path[0])
		arg, ok := a[name]
		for _, j := range path[1:] {
			if ty.Instance == nil || j >= ty.Instance.Exports.Len() {
				continue outer
			}
			var n string
			n, ty = ty.Instance.Exports.At(j)
			if !ok || arg.Sort != binary.SortInstance {
				continue outer
			}
			arg, ok = arg.Instance.Exports.Get(n)
		}
		if ok && arg.Sort == binary.SortType && cx.isResource(arg.Type) {
			m.res[r] = arg.Type.(wit.TypeID)
		}
	}
	type pair struct {
		name             string
		actual, expected Extern
	}
	var todo []pair
	for name, expected := range entities.All() {
		actual, ok := a[name]
		if !ok {
			return nil, fmt.Errorf("missing %s named `%s`", kind, name)
		}
		todo = append(todo, pair{name, actual, expected})
	}
	renames := map[typeKey]Extern{}
	for _, p := range todo {
		n := cx.checkpoint()
		expected := m.extern(p.expected)
		err := cx.subExtern(p.actual, expected)
		m.reset()
		cx.rollback(n)
		if err != nil {
			return nil, fmt.Errorf("type mismatch for %s `%s`: %w", kind, p.name, err)
		}
		cx.renamings(p.actual, p.expected, renames)
	}
	m.renames = renames
	return m, nil
}

// renamings records which of the expected types the actual items provide
// (register_type_renamings).
func (cx *checker) renamings(actual, expected Extern, out map[typeKey]Extern) {
	switch {
	case expected.Sort == binary.SortType && actual.Sort == binary.SortType:
		out[cx.keyOf(expected)] = actual
	case expected.Sort == binary.SortInstance && actual.Sort == binary.SortInstance:
		for name, e := range expected.Instance.Exports.All() {
			if a, ok := actual.Instance.Exports.Get(name); ok {
				cx.renamings(a, e, out)
			}
		}
	}
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

package component

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// StubImports defines, for every import of c that l does not define yet
// and that include accepts (nil: all), a stub: functions that write
// `stub: name(args)` to log (when not nil) and return the zero value of
// their result type, and host resource types without destructors. It is
// what `plugwit run --stub-imports` uses to run a component whose host is
// not available. It returns the names of the imports it stubbed.
func (l *Linker) StubImports(c *Compiled, include func(name string) bool, log io.Writer) []string {
	var stubbed []string
	s := &stubber{c: c, log: log, resources: map[wit.TypeID]*ResourceType{}}
	for name, e := range c.root.checked.Imports.All() {
		if include != nil && !include(name) {
			continue
		}
		if s.stub(l.root, name, e) {
			stubbed = append(stubbed, name)
		}
	}
	return stubbed
}

// stubber defines stubs; resources records the resource type it defined for
// each static resource, so that stubs returning handles can make them.
type stubber struct {
	c         *Compiled
	log       io.Writer
	resources map[wit.TypeID]*ResourceType
}

// stub defines what is missing for one import; it reports whether it
// defined anything.
func (s *stubber) stub(li *LinkerInstance, name string, e types.Extern) bool {
	c, log := s.c, s.log
	switch e.Sort {
	case binary.SortFunc:
		if _, _, ok := lookup(li.funcs, name); ok {
			return false
		}
		full := li.qualify(name)
		ft := e.Func
		li.Func(name, func(ctx context.Context, args []Value) (Value, error) {
			if log != nil {
				fmt.Fprintf(log, "stub: %s(%s)\n", full, formatArgs(args))
			}
			if ft.Result == nil {
				return nil, nil
			}
			return s.zero(ft.Result), nil
		})
		return true
	case binary.SortType:
		if !isResourceType(c.types, e.Type) {
			return false
		}
		id := e.Type.(wit.TypeID)
		if rt, _, ok := lookup(li.resources, name); ok {
			s.resources[id] = rt
			return false
		}
		// The same resource re-exported by several interfaces (wasi:cli/stdout
		// re-exports wasi:io/streams' output-stream) is one type.
		rt, ok := s.resources[id]
		if !ok {
			rt = NewResourceType(name, nil)
			s.resources[id] = rt
		}
		li.Resource(name, rt)
		return true
	case binary.SortInstance:
		sub := li.Instance(name)
		any := false
		for en, x := range e.Instance.Exports.All() {
			if s.stub(sub, en, x) {
				any = true
			}
		}
		return any
	}
	return false
}

func formatArgs(args []Value) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprintf("%v", a)
	}
	return strings.Join(parts, ", ")
}

// zero returns the zero value of a type (see zeroValue); an owned handle of
// a stubbed resource type is a new handle with rep 0.
func (s *stubber) zero(t wit.Type) Value {
	return zeroValueWith(s.c.types, t, func(id wit.TypeID) Value {
		if rt, ok := s.resources[id]; ok {
			return Resource{Type: rt, Own: true}
		}
		return nil
	})
}

// zeroValue returns the zero value of a type: false, 0, "", empty lists,
// records of zero values, the first case of variants and enums, none, ok.
// Resource handles have no zero value: they are nil.
func zeroValue(r *wit.Resolve, t wit.Type) Value {
	return zeroValueWith(r, t, func(wit.TypeID) Value { return nil })
}

func zeroValueWith(r *wit.Resolve, t wit.Type, handle func(wit.TypeID) Value) Value {
	zeroValue := func(r *wit.Resolve, t wit.Type) Value { return zeroValueWith(r, t, handle) }
	if p, ok := t.(wit.Primitive); ok {
		switch p {
		case wit.Bool:
			return Bool(false)
		case wit.U8:
			return U8(0)
		case wit.S8:
			return S8(0)
		case wit.U16:
			return U16(0)
		case wit.S16:
			return S16(0)
		case wit.U32:
			return U32(0)
		case wit.S32:
			return S32(0)
		case wit.U64:
			return U64(0)
		case wit.S64:
			return S64(0)
		case wit.F32:
			return F32(0)
		case wit.F64:
			return F64(0)
		case wit.Char:
			return Char(0)
		case wit.String:
			return String("")
		}
		return nil
	}
	id := t.(wit.TypeID)
	switch k := r.Types[id].Kind.(type) {
	case *wit.Alias:
		return zeroValue(r, k.Type)
	case *wit.List, *wit.Map:
		return List{}
	case *wit.FixedList:
		l := make(List, k.Len)
		for i := range l {
			l[i] = zeroValue(r, k.Elem)
		}
		return l
	case *wit.Record:
		rec := make(Record, len(k.Fields))
		for i, f := range k.Fields {
			rec[i] = Field{Name: f.Name, Value: zeroValue(r, f.Type)}
		}
		return rec
	case *wit.Tuple:
		tu := make(Tuple, len(k.Types))
		for i, e := range k.Types {
			tu[i] = zeroValue(r, e)
		}
		return tu
	case *wit.Variant:
		c := k.Cases[0]
		var p Value
		if c.Type != nil {
			p = zeroValue(r, c.Type)
		}
		return Variant{Case: c.Name, Value: p}
	case *wit.Enum:
		return Enum(k.Cases[0].Name)
	case *wit.Flags:
		return Flags{}
	case *wit.Option:
		return None
	case *wit.Result:
		var p Value
		if k.OK != nil {
			p = zeroValue(r, k.OK)
		}
		return Ok(p)
	case *wit.Own:
		return handle(resourceOfAlias(r, k.Resource))
	case *wit.Resource:
		return handle(id)
	}
	return nil
}

// resourceOfAlias follows aliases to the resource type definition.
func resourceOfAlias(r *wit.Resolve, id wit.TypeID) wit.TypeID {
	for {
		a, ok := r.Types[id].Kind.(*wit.Alias)
		if !ok {
			return id
		}
		next, ok := a.Type.(wit.TypeID)
		if !ok {
			return id
		}
		id = next
	}
}

// Type returns the function's type as a WIT function whose types live in
// the component's Resolve (Compiled.Types).
func (f *Func) Type() *wit.Function {
	wf := &wit.Function{Name: f.f.name, Result: f.f.ft.Result}
	if f.f.ft.Async {
		wf.Kind = wit.AsyncFreestanding
	}
	for _, p := range f.f.ft.Params {
		wf.Params = append(wf.Params, wit.Param{Name: p.Name, Type: p.Type})
	}
	return wf
}

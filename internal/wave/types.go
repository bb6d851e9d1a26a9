package wave

import (
	"fmt"
	"strconv"

	"github.com/plugwit/plugwit/wit"
)

// underlying follows aliases from t and returns the type reached and its
// shape: a wit.Primitive or the wit.TypeDefKind of a type definition.
func underlying(r *wit.Resolve, t wit.Type) (wit.Type, any, error) {
	for hops := 0; ; hops++ {
		switch tt := t.(type) {
		case nil:
			return nil, nil, fmt.Errorf("missing type")
		case wit.Primitive:
			if tt > wit.ErrorContext {
				return nil, nil, fmt.Errorf("invalid primitive type %d", tt)
			}
			return tt, tt, nil
		case wit.TypeID:
			if r == nil {
				return nil, nil, fmt.Errorf("type %d needs a *wit.Resolve", tt)
			}
			if int(tt) < 0 || int(tt) >= len(r.Types) || r.Types[tt] == nil {
				return nil, nil, fmt.Errorf("unknown type %d", tt)
			}
			if hops > len(r.Types) {
				return nil, nil, fmt.Errorf("type %d is an alias of itself", tt)
			}
			switch k := r.Types[tt].Kind.(type) {
			case nil:
				return nil, nil, fmt.Errorf("type %d has no definition", tt)
			case *wit.Alias:
				t = k.Type
			default:
				return tt, k, nil
			}
		default:
			return nil, nil, fmt.Errorf("unknown kind of type %T", t)
		}
	}
}

// describe names a type for messages: `u32`, `record message`,
// `enum color`, `list<u8>`, `option<string>`, `own<file>`.
func describe(r *wit.Resolve, t wit.Type) string {
	u, k, err := underlying(r, t)
	if err != nil {
		return "invalid type"
	}
	if p, ok := k.(wit.Primitive); ok {
		return p.String()
	}
	name := r.Types[u.(wit.TypeID)].Name
	named := func(kind string) string {
		if name == "" {
			return kind
		}
		return kind + " " + name
	}
	switch k := k.(type) {
	case *wit.Record:
		return named("record")
	case *wit.Variant:
		return named("variant")
	case *wit.Enum:
		return named("enum")
	case *wit.Flags:
		return named("flags")
	case *wit.Resource:
		return named("resource")
	case *wit.Own:
		return "own<" + resourceName(r, k.Resource) + ">"
	case *wit.Borrow:
		return "borrow<" + resourceName(r, k.Resource) + ">"
	}
	return spell(r, k)
}

// spell writes a structural type out in WIT, whether or not it has a name
// (`type bytes = list<u8>` is described as `list<u8>`); the types inside
// are written as WIT refers to them.
func spell(r *wit.Resolve, k any) string {
	ts := func(t wit.Type) string {
		if t == nil {
			return "_"
		}
		return r.TypeString(t)
	}
	switch k := k.(type) {
	case *wit.List:
		return "list<" + ts(k.Elem) + ">"
	case *wit.FixedList:
		return "list<" + ts(k.Elem) + ", " + strconv.FormatUint(uint64(k.Len), 10) + ">"
	case *wit.Tuple:
		s := "tuple<"
		for i, t := range k.Types {
			if i > 0 {
				s += ", "
			}
			s += ts(t)
		}
		return s + ">"
	case *wit.Option:
		return "option<" + ts(k.Type) + ">"
	case *wit.Result:
		switch {
		case k.OK == nil && k.Err == nil:
			return "result"
		case k.Err == nil:
			return "result<" + ts(k.OK) + ">"
		}
		return "result<" + ts(k.OK) + ", " + ts(k.Err) + ">"
	case *wit.Map:
		return "map<" + ts(k.Key) + ", " + ts(k.Value) + ">"
	case *wit.Future:
		if k.Elem == nil {
			return "future"
		}
		return "future<" + ts(k.Elem) + ">"
	case *wit.Stream:
		if k.Elem == nil {
			return "stream"
		}
		return "stream<" + ts(k.Elem) + ">"
	}
	return fmt.Sprintf("%T", k)
}

func resourceName(r *wit.Resolve, id wit.TypeID) string {
	if int(id) >= 0 && int(id) < len(r.Types) && r.Types[id] != nil && r.Types[id].Name != "" {
		return r.Types[id].Name
	}
	return "resource " + strconv.Itoa(int(id))
}

// unsupported reports whether a type shape has no WAVE form.
func unsupported(k any) bool {
	switch k := k.(type) {
	case wit.Primitive:
		return k == wit.ErrorContext
	case *wit.Resource, *wit.Own, *wit.Borrow, *wit.Future, *wit.Stream, *wit.Map:
		return true
	}
	return false
}

// flattenable reports whether some(x) or ok(x) of payload type t may be
// written as x alone: not when t is itself an option or a result (or cannot
// be resolved, which the payload parse then reports).
func flattenable(r *wit.Resolve, t wit.Type) bool {
	if t == nil {
		return false
	}
	_, k, err := underlying(r, t)
	if err != nil {
		return true
	}
	switch k.(type) {
	case *wit.Option, *wit.Result:
		return false
	}
	return true
}

// isOption reports whether t is an option type.
func isOption(r *wit.Resolve, t wit.Type) bool {
	_, k, err := underlying(r, t)
	if err != nil {
		return false
	}
	_, ok := k.(*wit.Option)
	return ok
}

// labelText writes a variant or enum case, with a `%` if it is a keyword.
func labelText(name string) string {
	if keywords[name] {
		return "%" + name
	}
	return name
}

// caseList lists names for an "unknown case" message, shortened when long.
func caseList(names []string) string {
	const maxShown = 8
	s := ""
	for i, n := range names {
		if i == maxShown {
			return s + fmt.Sprintf(", … (%d in all)", len(names))
		}
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

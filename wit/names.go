package wit

import "strings"

// Strong uniqueness (component-model Explainer, "Name uniqueness"): two names
// in one scope clash when they are equal after lowercasing and dropping
// hyphens, `[method]r.r` counts as `r`, and annotations other than
// `[constructor]` and `[set]` are ignored. So `foo-bar` clashes with
// `foobar`, and `[get]x` with `x`.

// CanonicalName returns the form of a plain name (possibly annotated with
// `[constructor]`, `[method]`, `[static]`, `[get]`, `[set]`) that strong
// uniqueness compares.
func CanonicalName(name string) string {
	rest := name
	ctor, set := false, false
	switch {
	case strings.HasPrefix(rest, "[constructor]"):
		rest, ctor = rest[len("[constructor]"):], true
	case strings.HasPrefix(rest, "[method]"):
		rest = rest[len("[method]"):]
	case strings.HasPrefix(rest, "[static]"):
		rest = rest[len("[static]"):]
	}
	switch {
	case strings.HasPrefix(rest, "[get]"):
		rest = rest[len("[get]"):]
	case strings.HasPrefix(rest, "[set]"):
		rest, set = rest[len("[set]"):], true
	}
	lower := kebabCanonical(rest)
	if i := strings.IndexByte(lower, '.'); i >= 0 && lower[:i] == lower[i+1:] {
		return lower[:i]
	}
	switch {
	case ctor:
		return "[constructor]" + lower
	case set:
		return "[set]" + lower
	}
	return lower
}

// kebabCanonical lowercases a kebab-case label and drops its hyphens.
func kebabCanonical(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// nameScope checks that the names of one scope (an interface, or a world's
// imports or exports) are strongly unique.
type nameScope struct {
	canon map[string]string // canonical -> name as written
	order []spannedName
	raw   map[string]bool
}

type spannedName struct {
	name string
	span Span
}

// define adds a name, failing if it clashes with one already defined.
func (s *nameScope) define(name string, span Span) {
	if s.canon == nil {
		s.canon, s.raw = map[string]string{}, map[string]bool{}
	}
	c := CanonicalName(name)
	if prev, ok := s.canon[c]; ok {
		if prev == name {
			panic(&syntaxError{span, "duplicate name `" + name + "`"})
		}
		panic(&syntaxError{span, "name `" + name + "` conflicts with previous name `" + prev + "`"})
	}
	s.canon[c] = name
	s.raw[name] = true
	s.order = append(s.order, spannedName{name, span})
}

// checkSetters fails if a setter has no getter in the scope.
func (s *nameScope) checkSetters() {
	for _, n := range s.order {
		if getter, ok := getterForSetter(n.name); ok && !s.raw[getter] {
			panic(&syntaxError{n.span, "setter `" + n.name + "` has no corresponding getter `" + getter + "`"})
		}
	}
}

// getterForSetter returns the getter name that a setter name needs:
// `[method][get]r.p` for `[method][set]r.p`.
func getterForSetter(name string) (string, bool) {
	prefix, rest := "", name
	for _, p := range []string{"[method]", "[static]"} {
		if strings.HasPrefix(rest, p) {
			prefix, rest = p, rest[len(p):]
		}
	}
	if !strings.HasPrefix(rest, "[set]") {
		return "", false
	}
	return prefix + "[get]" + rest[len("[set]"):], true
}

// placeSettersAfterGetters moves each setter right after its getter when
// the getter comes later, as the component binary format requires getters
// first; everything else keeps its order. (wit-parser moves items one at a
// time; this single pass gives the same order in linear time.)
func placeSettersAfterGetters[K comparable, V any](m *OrderedMap[K, V], fn func(V) *Function) {
	getterAt := map[string]int{}
	for i, k := range m.keys {
		if f := fn(m.vals[k]); f != nil && f.Kind.IsGetter() {
			getterAt[f.Name] = i
		}
	}
	deferred := map[string][]K{} // getter name -> setters to place after it
	moved := false
	out := make([]K, 0, len(m.keys))
	for i, k := range m.keys {
		f := fn(m.vals[k])
		if f != nil && f.Kind.IsSetter() {
			getter := strings.Replace(f.Name, "[set]", "[get]", 1)
			if g, ok := getterAt[getter]; ok && g > i {
				deferred[getter] = append(deferred[getter], k)
				moved = true
				continue
			}
		}
		out = append(out, k)
		if f != nil && f.Kind.IsGetter() {
			out = append(out, deferred[f.Name]...)
		}
	}
	if moved {
		m.keys = out
	}
}

// checkUniqueLabels fails if two of the names (record fields, flags, cases)
// are not strongly unique.
func checkUniqueLabels(desc string, names []astID) {
	seen := map[string]string{}
	for _, n := range names {
		c := kebabCanonical(n.name)
		if prev, ok := seen[c]; ok {
			if prev == n.name {
				panic(&syntaxError{n.span, "duplicate " + desc + " `" + prev + "`"})
			}
			panic(&syntaxError{n.span, desc + " `" + n.name + "` conflicts with previous " + desc + " `" + prev + "`"})
		}
		seen[c] = n.name
	}
}

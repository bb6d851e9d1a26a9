package types

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// isKebab reports whether s is a kebab-case label (wasmparser's
// is_kebab_case): words of lowercase letters and digits, or of uppercase
// letters and digits, separated by single '-'; only the first word must
// start with a letter.
func isKebab(s string) bool {
	lower, upper, first, digit := false, false, true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			if upper {
				return false
			}
			lower = true
		case c >= 'A' && c <= 'Z':
			if lower {
				return false
			}
			upper = true
		case c >= '0' && c <= '9':
			if !lower && !upper && first {
				return false
			}
			digit = true
		case c == '-':
			if !lower && !upper && !digit {
				return false
			}
			lower, upper, first, digit = false, false, false, false
		default:
			return false
		}
	}
	return s != "" && !strings.HasSuffix(s, "-")
}

// kebabKey is the strong-uniqueness key of a kebab-case label: lowercase,
// without hyphens.
func kebabKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' {
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// componentName is a parsed import or export name.
type componentName struct {
	raw       string
	iface     bool
	fn        string // "constructor", "method", "static" or ""
	accessor  string // "get", "set" or ""
	bare      string // the name without annotations
	version   string // interface names: after '@', "" for none
	hasAt     bool
	uniqueKey string
}

// resource returns the resource a `[constructor]`, `[method]` or
// `[static]` name refers to.
func (n *componentName) resource() string {
	if n.fn == "constructor" {
		return n.bare
	}
	r, _, _ := strings.Cut(n.bare, ".")
	return r
}

type nameParser struct {
	next string
	feat features
}

func (p *nameParser) errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

func (p *nameParser) eat(prefix string) bool {
	if strings.HasPrefix(p.next, prefix) {
		p.next = p.next[len(prefix):]
		return true
	}
	return false
}

func (p *nameParser) kebab(s string) error {
	if !isKebab(s) {
		return p.errorf("`%s` is not in kebab case", s)
	}
	return nil
}

func (p *nameParser) takeKebab() (string, error) {
	i := strings.IndexFunc(p.next, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	})
	var s string
	if i < 0 {
		s, p.next = p.next, ""
	} else {
		s, p.next = p.next[:i], p.next[i:]
	}
	return s, p.kebab(s)
}

func (p *nameParser) takeLowerKebab() error {
	s, err := p.takeKebab()
	if err != nil {
		return err
	}
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.IsLower(r) {
			return p.errorf("character `%c` is not lowercase in package name/namespace", r)
		}
	}
	return nil
}

func (p *nameParser) expect(s string) error {
	if !p.eat(s) {
		return p.errorf("expected `%s` at `%s`", s, p.next)
	}
	return nil
}

// parseName parses an import or export name (ComponentName::new).
func parseName(name string, feat features) (*componentName, error) {
	p := &nameParser{next: name, feat: feat}
	n := &componentName{raw: name}
	if strings.Contains(name, ":") {
		n.iface = true
		if err := p.pkgPath(); err != nil {
			return nil, err
		}
		if p.eat("@") {
			n.hasAt, n.version, p.next = true, p.next, ""
		}
	} else {
		switch {
		case p.eat("[constructor]"):
			n.fn = "constructor"
		case p.eat("[method]"):
			n.fn = "method"
		case p.eat("[static]"):
			n.fn = "static"
		}
		switch {
		case p.eat("[get]"):
			n.accessor = "get"
		case p.eat("[set]"):
			n.accessor = "set"
		}
		if n.accessor != "" && !feat.has(featAccessors) {
			return nil, p.errorf("`[get]` and `[set]` names require the component model accessors feature")
		}
		n.bare = p.next
		switch n.fn {
		case "constructor":
			if n.accessor != "" {
				return nil, p.errorf("names with [constructor] cannot contain [get] or [set]")
			}
		case "method", "static":
			i := strings.IndexByte(p.next, '.')
			if i < 0 {
				return nil, p.errorf("failed to find `.` character")
			}
			if err := p.kebab(p.next[:i]); err != nil {
				return nil, err
			}
			p.next = p.next[i+1:]
		}
		rest := p.next
		p.next = ""
		if err := p.kebab(rest); err != nil {
			return nil, err
		}
	}
	if p.next != "" {
		return nil, p.errorf("trailing characters found: `%s`", p.next)
	}
	n.uniqueKey = n.key()
	return n, nil
}

// pkgPath parses `ns:pkg(/iface)+` (with nested names, `ns:a:b/c/d`).
func (p *nameParser) pkgPath() error {
	if err := p.takeLowerKebab(); err != nil {
		return err
	}
	if err := p.expect(":"); err != nil {
		return err
	}
	if err := p.takeLowerKebab(); err != nil {
		return err
	}
	if p.feat.has(featNestedNames) {
		for strings.HasPrefix(p.next, ":") {
			p.next = p.next[1:]
			if err := p.takeLowerKebab(); err != nil {
				return err
			}
		}
	}
	if !strings.HasPrefix(p.next, "/") {
		return p.errorf("expected `/` after package name")
	}
	p.next = p.next[1:]
	if _, err := p.takeKebab(); err != nil {
		return err
	}
	if p.feat.has(featNestedNames) {
		for strings.HasPrefix(p.next, "/") {
			p.next = p.next[1:]
			if _, err := p.takeKebab(); err != nil {
				return err
			}
		}
	}
	return nil
}

// key is the strong-uniqueness key of a name: two names conflict when
// their keys are equal.
func (n *componentName) key() string {
	if n.iface {
		var b strings.Builder
		b.WriteString("i")
		rest := n.raw
		prev := byte(0)
		for rest != "" {
			i := strings.IndexAny(rest, ":/@")
			if i < 0 {
				if prev == '@' {
					b.WriteString("|v" + rest)
				} else {
					b.WriteString("|p" + kebabKey(rest))
				}
				break
			}
			c := rest[i]
			if c == ':' {
				b.WriteString("|n" + kebabKey(rest[:i]))
			} else {
				b.WriteString("|p" + kebabKey(rest[:i]))
			}
			prev = c
			rest = rest[i+1:]
		}
		return b.String()
	}
	lower := kebabKey(n.bare)
	if i := strings.IndexByte(lower, '.'); i >= 0 && lower[:i] == lower[i+1:] {
		return "p" + lower[:i]
	}
	switch {
	case n.fn == "constructor":
		return "p[constructor]" + lower
	case n.accessor == "set":
		return "p[set]" + lower
	}
	return "p" + lower
}

// checkVersion validates the version of an interface name, completed by a
// version suffix.
func checkVersion(n *componentName, suffix string, hasSuffix bool) error {
	switch {
	case !n.hasAt && !hasSuffix:
		return nil
	case !n.hasAt:
		return fmt.Errorf("a version suffix requires the name to have a version")
	case !hasSuffix:
		if _, err := wit.ParseVersion(n.version); err != nil {
			return err
		}
		return nil
	}
	full := n.version + suffix
	if _, err := wit.ParseVersion(full); err != nil {
		return err
	}
	if c, s, ok := splitCanonicalVersion(full); !ok || c != n.version || s != suffix {
		return fmt.Errorf("`%s` is not the canonical version of `%s`", n.version, full)
	}
	return nil
}

// splitCanonicalVersion splits a full semantic version into its canonical
// part (`1` of 1.2.3, `0.2` of 0.2.1, all of 0.0.1 or a pre-release) and
// the rest.
func splitCanonicalVersion(v string) (canonical, suffix string, ok bool) {
	withoutBuild, _, _ := strings.Cut(v, "+")
	core, _, hasPre := strings.Cut(withoutBuild, "-")
	nums := strings.Split(core, ".")
	if len(nums) != 3 {
		return "", "", false
	}
	var split int
	switch {
	case !hasPre && nums[0] != "0":
		split = len(nums[0])
	case !hasPre && nums[1] != "0":
		split = len(nums[0]) + 1 + len(nums[1])
	default:
		split = len(withoutBuild)
	}
	return v[:split], v[split:], true
}

// nameContext names the resources imported (or exported) at the top level
// of a component, to check `[method]r.m` names (ComponentNameContext).
type nameContext struct {
	byRes map[typeKey]string
	all   map[string]bool
}

func (c *nameContext) register(name string, id wit.TypeID, alias uint32) {
	if c.byRes == nil {
		c.byRes, c.all = map[typeKey]string{}, map[string]bool{}
	}
	c.byRes[typeKey{id: id, alias: alias}] = name
	c.all[name] = true
}

// validateExtern checks the name of an import or export and records the
// item (validate_extern).
func (c *nameContext) validateExtern(s *state, off uint64, en binary.ExternName, kind externKind, e Extern,
	kindNames map[string]string, items *wit.OrderedMap[string, Extern], info *tsize) {
	cx := s.cx
	name := en.Name
	var seenAttr [3]bool
	for _, a := range en.Attributes {
		if int(a.Kind) < len(seenAttr) {
			if seenAttr[a.Kind] {
				fail(off, "duplicate '%s' option in name", a.Kind)
			}
			seenAttr[a.Kind] = true
		}
	}
	n, err := parseName(name, cx.feat)
	if err != nil {
		fail(off, "%s name `%s` is not a valid extern name: %v", kind, name, err)
	}
	suffix, hasSuffix := en.VersionSuffix()
	implements, hasImplements := en.Implements()
	if hasSuffix {
		cx.require(off, featCanonNames, "the `cm-canon-names` feature is not active")
		if e.Sort != binary.SortInstance {
			fail(off, "only instances can have a `version-suffix`")
		}
		if suffix == "" {
			fail(off, "version suffix cannot be empty")
		}
		if !hasImplements && !n.iface {
			fail(off, "`version-suffix` requires an interface name or `implements`")
		}
	}
	if hasImplements {
		cx.require(off, featImplements, "the `cm-implements` feature is not active")
		if n.iface || n.fn != "" || n.accessor != "" {
			fail(off, "name `%s` is not valid with `implements`", name)
		}
		if e.Sort != binary.SortInstance {
			fail(off, "only instances can have an `implements`")
		}
		in, err := parseName(implements, cx.feat)
		if err != nil {
			fail(off, "`%s` is not a valid name: %v", implements, err)
		}
		if !in.iface {
			fail(off, "name `%s` must be an interface", implements)
		}
		if err := checkVersion(in, suffix, hasSuffix); err != nil {
			fail(off, "invalid interface version: %v", err)
		}
	}
	if _, ok := en.ExternalID(); ok {
		cx.require(off, featImplements, "the `cm-implements` feature is not active")
	}
	if err := c.validate(s, n, suffix, hasSuffix && !hasImplements, e); err != nil {
		fail(off, "%s name `%s` is not valid: %v", kind, name, err)
	}
	full := en.FullName()
	if prev, ok := kindNames[n.uniqueKey]; ok {
		fail(off, "%s name `%s` conflicts with previous name `%s`", kind, full, prev)
	}
	kindNames[n.uniqueKey] = full
	if n.accessor == "set" {
		getter := "[get]" + n.bare
		if n.fn != "" {
			getter = "[" + n.fn + "]" + getter
		}
		g, ok := items.Get(getter)
		if !ok {
			fail(off, "%s name `%s` requires a preceding %s named `%s`", kind, name, kind, getter)
		}
		if e.Func != nil && g.Func != nil && len(e.Func.Params) > 0 && g.Func.Result != nil {
			pt := e.Func.Params[len(e.Func.Params)-1].Type
			gt := g.Func.Result
			if r, ok := cx.kind(gt).(*wit.Result); ok {
				gt = r.OK
			}
			if !cx.sameValType(pt, gt) {
				fail(off, "%s `%s`'s parameter type must match the return type of `%s`", kind, name, getter)
			}
		}
	}
	if items.Has(full) {
		fail(off, "%s name `%s` conflicts with previous name `%s`", kind, full, full)
	}
	items.Set(full, e)
	info.add(off, cx.typeSize(e))
}

// validate checks that a name suits the item's type (ComponentNameContext
// validate): constructors return their resource, methods borrow it, and so
// on.
func (c *nameContext) validate(s *state, n *componentName, suffix string, hasSuffix bool, e Extern) error {
	cx := s.cx
	if n.iface {
		if err := checkVersion(n, suffix, hasSuffix); err != nil {
			return fmt.Errorf("invalid interface version: %v", err)
		}
		return nil
	}
	fn := func() (*FuncType, error) {
		if e.Sort != binary.SortFunc {
			return nil, fmt.Errorf("item is not a func")
		}
		return e.Func, nil
	}
	switch n.fn {
	case "constructor":
		f, err := fn()
		if err != nil {
			return err
		}
		if f.Async {
			return fmt.Errorf("constructor function cannot be async")
		}
		if f.Result == nil {
			return fmt.Errorf("function should return one value")
		}
		rt := f.Result
		if r, ok := cx.kind(rt).(*wit.Result); ok && r.OK != nil {
			rt = r.OK
		}
		own, ok := cx.kind(rt).(*wit.Own)
		if !ok {
			return fmt.Errorf("function should return `(own $T)` or `(result (own $T))`")
		}
		if err := c.validateResource(own.Resource, cx.ti[rt.(wit.TypeID)].alias, n.resource()); err != nil {
			return err
		}
	case "method":
		f, err := fn()
		if err != nil {
			return err
		}
		if len(f.Params) == 0 {
			return fmt.Errorf("function should have at least one argument")
		}
		if f.Params[0].Name != "self" {
			return fmt.Errorf("function should have a first argument called `self`")
		}
		b, ok := cx.kind(f.Params[0].Type).(*wit.Borrow)
		if !ok {
			return fmt.Errorf("function should take a first argument of `(borrow $T)`")
		}
		if err := c.validateResource(b.Resource, cx.ti[f.Params[0].Type.(wit.TypeID)].alias, n.resource()); err != nil {
			return err
		}
	case "static":
		if _, err := fn(); err != nil {
			return err
		}
		if !c.all[n.resource()] {
			return fmt.Errorf("static resource name is not known in this context")
		}
	}
	if n.accessor != "" {
		f, err := fn()
		if err != nil {
			return err
		}
		desc := "getter"
		if n.accessor == "set" {
			desc = "setter"
		}
		if f.Async {
			return fmt.Errorf("%s function cannot be async", desc)
		}
		own, besides := len(f.Params), ""
		if n.fn == "method" {
			own, besides = own-1, " besides `self`"
		}
		if n.accessor == "get" {
			if own != 0 {
				return fmt.Errorf("getter function should have no parameters%s", besides)
			}
			if f.Result == nil {
				return fmt.Errorf("getter function should return a value")
			}
			if r, ok := cx.kind(f.Result).(*wit.Result); ok && r.OK == nil {
				return fmt.Errorf("if a getter function returns a result, that result must have a value type")
			}
		} else {
			if own != 1 {
				return fmt.Errorf("setter function should have exactly one parameter%s", besides)
			}
			if f.Result != nil {
				if r, ok := cx.kind(f.Result).(*wit.Result); !ok || r.OK != nil {
					return fmt.Errorf("setter function should return nothing or `(result (error $E)?)`")
				}
			}
		}
	}
	return nil
}

func (c *nameContext) validateResource(id wit.TypeID, alias uint32, name string) error {
	want, ok := c.byRes[typeKey{id: id, alias: alias}]
	if !ok {
		return fmt.Errorf("resource used in function does not have a name in this context")
	}
	if name != want {
		return fmt.Errorf("function does not match expected resource name `%s`", want)
	}
	return nil
}

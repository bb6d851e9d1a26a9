package component

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// HostFunc implements an imported function on the host. It receives the
// arguments lifted out of the component and returns the result to lower
// into it (nil when the function has no result). An error traps the
// calling component.
type HostFunc func(ctx context.Context, args []Value) (Value, error)

// Linker holds the host's definitions that satisfy components' imports:
// functions and resource types at the root, and instances named by
// interface (`wasi:cli/stdout@0.2.0`).
type Linker struct {
	rt   *Runtime
	root *LinkerInstance
	core linkerCore // for core-module plugins (linker_core.go)
}

// NewLinker returns an empty linker for components of rt.
func NewLinker(rt *Runtime) *Linker {
	return &Linker{rt: rt, root: newLinkerInstance("")}
}

// LinkerInstance is a set of named host definitions: the root of a
// Linker, or an instance in it.
type LinkerInstance struct {
	name      string
	funcs     map[string]HostFunc
	sigs      map[string]hostSig // declared types of functions defined with FuncOf or TypedFunc
	typed     map[string]TypedHostFunc
	resources map[string]*ResourceType
	instances map[string]*LinkerInstance
}

func newLinkerInstance(name string) *LinkerInstance {
	return &LinkerInstance{name: name, funcs: map[string]HostFunc{}, sigs: map[string]hostSig{},
		typed:     map[string]TypedHostFunc{},
		resources: map[string]*ResourceType{}, instances: map[string]*LinkerInstance{}}
}

// Root returns the root instance: definitions for the component's
// top-level imports.
func (l *Linker) Root() *LinkerInstance { return l.root }

// Instance returns the instance name, creating it if needed.
func (l *Linker) Instance(name string) *LinkerInstance { return l.root.Instance(name) }

// Instance returns the nested instance name, creating it if needed.
func (li *LinkerInstance) Instance(name string) *LinkerInstance {
	if i, ok := li.instances[name]; ok {
		return i
	}
	i := newLinkerInstance(name)
	li.instances[name] = i
	return i
}

// Func defines a function. Its type is whatever the importing component
// declares; fn receives and returns Values of that type.
func (li *LinkerInstance) Func(name string, fn HostFunc) *LinkerInstance {
	delete(li.sigs, name)
	delete(li.typed, name)
	li.funcs[name] = fn
	return li
}

// FuncOf defines a function with a declared WIT type: f, whose types live
// in r (typically the application's own world). Linking checks it against
// the type the component imports and refuses a mismatch, naming both.
func (li *LinkerInstance) FuncOf(name string, r *wit.Resolve, f *wit.Function, fn HostFunc) *LinkerInstance {
	delete(li.typed, name)
	li.funcs[name] = fn
	li.sigs[name] = hostSig{r: r, f: f}
	return li
}

// hostSig is the declared type of a host function.
type hostSig struct {
	r *wit.Resolve
	f *wit.Function
}

// Resource defines a resource type.
func (li *LinkerInstance) Resource(name string, rt *ResourceType) *LinkerInstance {
	li.resources[name] = rt
	return li
}

// lookup finds a definition for an import name: exactly, or by the
// semver-compatible version of the same interface (an import of
// `a:b/c@0.2.1` is satisfied by a definition of `a:b/c@0.2.3`: same
// compatibility track, the newest wins).
func lookup[V any](m map[string]V, name string) (V, string, bool) {
	if v, ok := m[name]; ok {
		return v, name, true
	}
	var zero V
	base, ver, ok := strings.Cut(name, "@")
	if !ok {
		return zero, "", false
	}
	want, err := wit.ParseVersion(ver)
	if err != nil {
		return zero, "", false
	}
	var best *wit.Version
	bestName := ""
	for k := range m {
		kb, kv, ok := strings.Cut(k, "@")
		if !ok || kb != base {
			continue
		}
		v, err := wit.ParseVersion(kv)
		if err != nil || v.CompatTrack() != want.CompatTrack() {
			continue
		}
		if best == nil || v.Compare(best) > 0 {
			best, bestName = v, k
		}
	}
	if best == nil {
		return zero, "", false
	}
	return m[bestName], bestName, true
}

// item is a value of an index space at run time: a function, a resource
// type, an instance, a component, a core module.
type item struct {
	sort     binary.Sort
	fn       *funcVal
	resource *ResourceType // for resource types; nil for other types
	inst     *instVal
	comp     *compNode
	compEnv  *instance // where a component was defined, for outer aliases
	module   *coreModule
}

// instVal is a component instance as an index-space item: its exports.
type instVal struct {
	exports map[string]item
}

// resolveImport turns a host definition into an item for an import of
// type want.
func (li *LinkerInstance) resolve(name string, want types.Extern, c *types.Component) (item, error) {
	switch want.Sort {
	case binary.SortFunc:
		fn, defined, ok := lookup(li.funcs, name)
		if !ok {
			return item{}, fmt.Errorf("import %s: no host function defined", quoteName(li.qualify(name)))
		}
		if sig, typed := li.sigs[defined]; typed && !sameFuncType(c.Types, want.Func, sig.r, sig.f) {
			return item{}, fmt.Errorf("import %s: expected %s, host provides %s", quoteName(li.qualify(name)),
				c.FuncString(want.Func), witFuncString(sig.r, sig.f))
		}
		fv := &funcVal{host: fn, ft: want.Func, name: li.qualify(name)}
		if t, ok := li.typed[defined]; ok {
			fv.typedHost = t
		}
		return item{sort: binary.SortFunc, fn: fv}, nil
	case binary.SortType:
		if !isResourceType(c.Types, want.Type) {
			return item{sort: binary.SortType}, nil // a value type: nothing to provide
		}
		rt, _, ok := lookup(li.resources, name)
		if !ok {
			return item{}, fmt.Errorf("import %s: no host resource type defined", quoteName(li.qualify(name)))
		}
		return item{sort: binary.SortType, resource: rt}, nil
	case binary.SortInstance:
		sub, _, ok := lookup(li.instances, name)
		if !ok {
			return item{}, fmt.Errorf("import %s: no host instance defined (%s)", quoteName(li.qualify(name)), li.suggest(name))
		}
		iv := &instVal{exports: map[string]item{}}
		for en, e := range want.Instance.Exports.All() {
			if e.Sort == binary.SortType && !isResourceType(c.Types, e.Type) {
				iv.exports[en] = item{sort: binary.SortType}
				continue
			}
			it, err := sub.resolve(en, e, c)
			if err != nil {
				return item{}, err
			}
			iv.exports[en] = it
		}
		return item{sort: binary.SortInstance, inst: iv}, nil
	}
	return item{}, fmt.Errorf("import %s: host definitions of a %s are not supported", quoteName(li.qualify(name)), want.Sort)
}

func (li *LinkerInstance) qualify(name string) string {
	if li.name == "" {
		return name
	}
	return li.name + "#" + name
}

func (li *LinkerInstance) suggest(name string) string {
	base, _, _ := strings.Cut(name, "@")
	var near []string
	for k := range li.instances {
		if kb, _, _ := strings.Cut(k, "@"); kb == base {
			near = append(near, k)
		}
	}
	sort.Strings(near)
	if len(near) == 0 {
		return "the linker defines no version of it"
	}
	return "the linker defines " + strings.Join(near, ", ")
}

func quoteName(s string) string { return "`" + s + "`" }

func isResourceType(r *wit.Resolve, t wit.Type) bool {
	id, ok := t.(wit.TypeID)
	if !ok {
		return false
	}
	_, is := r.Types[id].Kind.(*wit.Resource)
	return is
}

// InstancePre is a component linked against a Linker: every import is
// resolved and type-checked once. Instantiate makes instances cheaply.
type InstancePre struct {
	c       *Compiled
	imports map[string]item
	core    *corePre // for a core-module plugin
}

// InstantiatePre links c: it resolves every import of c from the linker.
func (l *Linker) InstantiatePre(ctx context.Context, c *Compiled) (*InstancePre, error) {
	pre := &InstancePre{c: c, imports: map[string]item{}}
	for name, want := range c.root.checked.Imports.All() {
		it, err := l.root.resolve(name, want, c.root.checked)
		if err != nil {
			return nil, fmt.Errorf("link %s: %w", c.name, err)
		}
		pre.imports[name] = it
	}
	if c.core != nil {
		core, err := l.linkCore(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("link %s: %w", c.name, err)
		}
		pre.core = core
	}
	return pre, nil
}

// Instantiate links and instantiates c in one step.
func (l *Linker) Instantiate(ctx context.Context, c *Compiled, opts ...InstantiateOption) (*Instance, error) {
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		return nil, err
	}
	return pre.Instantiate(ctx, opts...)
}

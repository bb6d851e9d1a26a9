package component

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// Compiled is a compiled component: decoded, type-checked, its core modules
// compiled. It is immutable and can be instantiated many times.
type Compiled struct {
	rt    *Runtime
	name  string
	root  *compNode
	types *wit.Resolve
	abi   *wit.ABI

	hostWorld *hostWorld // WithWorld
	core      *corePlan  // for a core-module plugin (coremod.go)
}

// compNode is a compiled component definition (the top level or a nested
// one).
type compNode struct {
	c       *Compiled
	checked *types.Component
	types   *wit.Resolve
	modules map[*binary.CoreModule]wazero.CompiledModule
	// host is the module of this component's lowered functions and
	// resource builtins, one export per hostFuncs entry.
	host      wazero.CompiledModule
	hostFuncs map[types.Def]int // def -> index of its export "f<i>"
	nested    map[*types.Component]*compNode
	// last is the caller that last called one of host's functions: a
	// one-entry cache in front of Runtime.callers, which spares a hash
	// lookup on every call while one instance is being called.
	last atomic.Pointer[caller]
}

// CompileOption configures Compile.
type CompileOption func(*Compiled)

// WithName names the component in errors and traps (a plugin's name, say).
func WithName(name string) CompileOption { return func(c *Compiled) { c.name = name } }

// Compile decodes, validates and compiles a component binary, or a
// core-module plugin: a core module that follows the Component Model's core
// naming conventions, with its world in a `component-type` custom section
// or given by WithWorld (see coremod.go).
func (r *Runtime) Compile(ctx context.Context, wasm []byte, opts ...CompileOption) (*Compiled, error) {
	c := &Compiled{rt: r, name: "component"}
	for _, o := range opts {
		o(c)
	}
	bin, err := binary.Decode(wasm)
	if err != nil {
		if errors.Is(err, binary.ErrCoreModule) {
			if err := c.compileCoreModule(ctx, wasm); err != nil {
				return nil, fmt.Errorf("compile %s: core module: %w", c.name, err)
			}
			return c, nil
		}
		return nil, fmt.Errorf("compile %s: %w", c.name, err)
	}
	checked, err := types.Check(bin)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", c.name, err)
	}
	c.types = checked.Types
	c.abi = wit.NewABI(checked.Types)
	c.root, err = c.compileNode(ctx, checked, map[*binary.CoreModule]wazero.CompiledModule{})
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", c.name, err)
	}
	return c, nil
}

func (c *Compiled) compileNode(ctx context.Context, tc *types.Component, modules map[*binary.CoreModule]wazero.CompiledModule) (*compNode, error) {
	n := &compNode{c: c, checked: tc, types: tc.Types, modules: modules,
		hostFuncs: map[types.Def]int{}, nested: map[*types.Component]*compNode{}}
	hb := c.rt.wz.NewHostModuleBuilder("plugwit:canon")
	for _, d := range tc.Defs {
		switch d := d.(type) {
		case *types.CoreModuleDef:
			if _, ok := modules[d.Module]; ok {
				continue
			}
			raw := d.Module.Raw
			for _, im := range d.Module.Imports {
				if im.Module == "" {
					renamed, _, err := renameEmptyImportModules(raw)
					if err != nil {
						return nil, fmt.Errorf("core module at offset 0x%x: %w", d.Module.Offset, err)
					}
					raw = renamed
					break
				}
			}
			cm, err := c.rt.wz.CompileModule(ctx, raw)
			if err != nil {
				return nil, fmt.Errorf("core module at offset 0x%x: %w", d.Module.Offset, err)
			}
			modules[d.Module] = cm
		case *types.ComponentDef:
			child, err := c.compileNode(ctx, d.Component, modules)
			if err != nil {
				return nil, err
			}
			n.nested[d.Component] = child
		case *types.LowerDef:
			n.addHostFunc(hb, d, sigOf(d.Sig))
		case *types.ResourceNewDef, *types.ResourceRepDef:
			n.addHostFunc(hb, d, coreSig{params: []api.ValueType{api.ValueTypeI32}, results: []api.ValueType{api.ValueTypeI32}})
		case *types.ResourceDropDef:
			n.addHostFunc(hb, d, coreSig{params: []api.ValueType{api.ValueTypeI32}})
		}
	}
	host, err := hb.Compile(ctx)
	if err != nil {
		return nil, fmt.Errorf("canon functions: %w", err)
	}
	n.host = host
	return n, nil
}

// addHostFunc adds the host function implementing def: a shared Go
// function that finds the calling component instance and runs that
// instance's implementation.
func (n *compNode) addHostFunc(hb wazero.HostModuleBuilder, def types.Def, sig coreSig) {
	idx := len(n.hostFuncs)
	n.hostFuncs[def] = idx
	rt := n.c.rt
	fn := api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
		e := n.last.Load()
		if e == nil || e.mod != mod {
			if e = rt.callerOf(mod); e != nil {
				n.last.Store(e)
			}
		}
		var inst *instance
		if e != nil {
			inst = e.inst
		}
		if inst == nil || inst.host[idx] == nil {
			panic(fmt.Errorf("plugwit: canon function %d called from an unknown module", idx))
		}
		inst.host[idx](ctx, stack)
	})
	hb.NewFunctionBuilder().WithGoModuleFunction(fn, sig.params, sig.results).Export("f" + itoa(idx))
}

func sigOf(s wit.Signature) coreSig {
	conv := func(ts []wit.CoreType) []api.ValueType {
		out := make([]api.ValueType, len(ts))
		for i, t := range ts {
			switch t {
			case wit.CoreI32:
				out[i] = api.ValueTypeI32
			case wit.CoreI64:
				out[i] = api.ValueTypeI64
			case wit.CoreF32:
				out[i] = api.ValueTypeF32
			case wit.CoreF64:
				out[i] = api.ValueTypeF64
			}
		}
		return out
	}
	return coreSig{params: conv(s.Params), results: conv(s.Results)}
}

// Name returns the component's name (see WithName).
func (c *Compiled) Name() string { return c.name }

// Imports lists the component's imports: their names and types in WIT
// syntax.
func (c *Compiled) Imports() []ExternInfo { return c.externs(&c.root.checked.Imports) }

// Exports lists the component's exports.
func (c *Compiled) Exports() []ExternInfo { return c.externs(&c.root.checked.Exports) }

// ExternInfo describes an import or export.
type ExternInfo struct {
	Name string
	Kind string // "func", "instance", "type", "component", "core module"
	Type string // the function type in WIT syntax, for funcs
}

func (c *Compiled) externs(m *wit.OrderedMap[string, types.Extern]) []ExternInfo {
	var out []ExternInfo
	for name, e := range m.All() {
		info := ExternInfo{Name: name, Kind: e.Sort.String()}
		if e.Func != nil {
			info.Type = c.root.checked.FuncString(e.Func)
		}
		out = append(out, info)
	}
	return out
}

// Types returns the Resolve holding the component's value types.
func (c *Compiled) Types() *wit.Resolve { return c.types }

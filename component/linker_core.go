package component

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// linkerCore is what a Linker provides to core-module plugins beyond
// component definitions: core modules they import by name
// (wasi_snapshot_preview1) and the wazero configuration of their module
// instance.
type linkerCore struct {
	modules map[string]func(ctx context.Context) (api.Module, error)
	config  func(ctx context.Context) (wazero.ModuleConfig, error)
}

// Runtime returns the runtime the linker was made for.
func (l *Linker) Runtime() *Runtime { return l.rt }

// DefineCoreModule makes the core module that provide returns satisfy the
// imports from module name of core-module plugins (those the core naming
// conventions do not cover, such as wasi_snapshot_preview1). provide is
// called once, at the first InstantiatePre that needs it; its module must
// belong to the linker's runtime and stay open while plugins use it.
// Components never see these definitions.
func (l *Linker) DefineCoreModule(name string, provide func(ctx context.Context) (api.Module, error)) *Linker {
	if l.core.modules == nil {
		l.core.modules = map[string]func(context.Context) (api.Module, error){}
	}
	var once sync.Once
	var m api.Module
	var err error
	l.core.modules[name] = func(ctx context.Context) (api.Module, error) {
		once.Do(func() { m, err = provide(ctx) })
		return m, err
	}
	return l
}

// CoreModuleConfig sets how the wazero module configuration of each
// instance of a core-module plugin is made: fn is called at every
// Instantiate, with the instance's host data in ctx (HostData). What
// wazero's wasi_snapshot_preview1 grants a guest — arguments, environment,
// stdio, directories, clocks, randomness — comes from it; the wasi package
// sets it. Without it a core module gets wazero.NewModuleConfig(): nothing.
// The name and start functions are always overridden.
func (l *Linker) CoreModuleConfig(fn func(ctx context.Context) (wazero.ModuleConfig, error)) *Linker {
	l.core.config = fn
	return l
}

// corePre is a core-module plugin linked: its other core modules found and
// checked.
type corePre struct {
	modules map[string]api.Module
	config  func(ctx context.Context) (wazero.ModuleConfig, error)
}

// linkCore resolves and type-checks the imports of a core-module plugin
// from modules the conventions do not name.
func (l *Linker) linkCore(ctx context.Context, c *Compiled) (*corePre, error) {
	p := c.core
	pre := &corePre{modules: map[string]api.Module{}, config: l.core.config}
	for _, name := range p.otherOrder {
		provide, ok := l.core.modules[name]
		if !ok {
			im := p.others[name][0]
			if name == "wasi_snapshot_preview1" {
				return nil, fmt.Errorf("core import %q %q: no core module %q is defined (wasi.Instantiate defines it)", im.Module, im.Name, name)
			}
			return nil, fmt.Errorf("core import %q %q: no core module %q is defined (Linker.DefineCoreModule), and the world does not import an interface of that name", im.Module, im.Name, name)
		}
		m, err := provide(ctx)
		if err != nil {
			return nil, fmt.Errorf("core module %q: %w", name, err)
		}
		for _, im := range p.others[name] {
			if err := checkCoreImport(m, im, p.module); err != nil {
				return nil, err
			}
		}
		pre.modules[name] = m
	}
	return pre, nil
}

// checkCoreImport checks that m exports what im imports, with its type.
func checkCoreImport(m api.Module, im binary.CoreImport, mod *binary.CoreModule) error {
	where := fmt.Sprintf("core import %q %q", im.Module, im.Name)
	switch t := im.Type.(type) {
	case binary.CoreFuncExtern:
		f := m.ExportedFunction(im.Name)
		if f == nil {
			return fmt.Errorf("%s: module %q has no function %q", where, im.Module, im.Name)
		}
		var want *binary.CoreFuncType
		if int(t.Type) < len(mod.Types) {
			want, _ = mod.Types[t.Type].Type.(*binary.CoreFuncType)
		}
		if want == nil {
			return fmt.Errorf("%s: not a function type", where)
		}
		def := f.Definition()
		if !slices.Equal(valueTypes(want.Params), def.ParamTypes()) || !slices.Equal(valueTypes(want.Results), def.ResultTypes()) {
			return fmt.Errorf("%s: imported as %s, module %q defines it as %s", where, want,
				im.Module, (&binary.CoreFuncType{Params: coreVals(def.ParamTypes()), Results: coreVals(def.ResultTypes())}))
		}
	case binary.CoreMemoryType:
		if m.ExportedMemory(im.Name) == nil {
			return fmt.Errorf("%s: module %q has no memory %q", where, im.Module, im.Name)
		}
	case binary.CoreGlobalType:
		if m.ExportedGlobal(im.Name) == nil {
			return fmt.Errorf("%s: module %q has no global %q", where, im.Module, im.Name)
		}
	}
	// Tables and tags are left to wazero's own check at instantiation.
	return nil
}

func valueTypes(vs []binary.CoreValType) []api.ValueType {
	out := make([]api.ValueType, len(vs))
	for i, v := range vs {
		switch v.Kind {
		case binary.CoreI32:
			out[i] = api.ValueTypeI32
		case binary.CoreI64:
			out[i] = api.ValueTypeI64
		case binary.CoreF32:
			out[i] = api.ValueTypeF32
		case binary.CoreF64:
			out[i] = api.ValueTypeF64
		default:
			out[i] = 0 // no match with any wazero type
		}
	}
	return out
}

func coreVals(vs []api.ValueType) []binary.CoreValType {
	out := make([]binary.CoreValType, len(vs))
	for i, v := range vs {
		switch v {
		case api.ValueTypeI32:
			out[i].Kind = binary.CoreI32
		case api.ValueTypeI64:
			out[i].Kind = binary.CoreI64
		case api.ValueTypeF32:
			out[i].Kind = binary.CoreF32
		case api.ValueTypeF64:
			out[i].Kind = binary.CoreF64
		}
	}
	return out
}

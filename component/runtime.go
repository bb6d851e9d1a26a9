package component

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// RuntimeConfig configures a Runtime. It is immutable: every With method
// returns a changed copy.
type RuntimeConfig struct {
	wazero  wazero.RuntimeConfig
	maxLift uint64 // see WithMaxLiftBytes; 0 for DefaultMaxLiftBytes
}

// DefaultMaxLiftBytes is the default of RuntimeConfig.WithMaxLiftBytes.
const DefaultMaxLiftBytes = 256 << 20

// WithMaxLiftBytes bounds the host memory one call may spend on values
// lifted out of a guest (the arguments of an import, the result of an
// export): the bytes of strings and byte lists, plus 16 bytes per element
// of other lists. A guest's memory bounds each list, but not their sum: a
// list of a million strings that all point at the same megabyte of memory
// would lift to a terabyte. A call that exceeds the budget traps, naming
// it. The default is DefaultMaxLiftBytes (256 MiB).
func (c RuntimeConfig) WithMaxLiftBytes(n uint64) RuntimeConfig {
	c.maxLift = n
	return c
}

// NewRuntimeConfig returns the default configuration: wazero's default
// engine (compiler where supported, interpreter elsewhere) with the core
// features that component toolchains emit: WebAssembly 2.0, extended
// constant expressions (componentize-py, QuickJS) and tail calls.
func NewRuntimeConfig() RuntimeConfig {
	features := api.CoreFeaturesV2 | experimental.CoreFeaturesExtendedConst | experimental.CoreFeaturesTailCall
	return RuntimeConfig{wazero: wazero.NewRuntimeConfig().WithCoreFeatures(features)}
}

// WithWazeroConfig uses a wazero configuration for the core modules, e.g.
// with a compilation cache or a memory limit.
func (c RuntimeConfig) WithWazeroConfig(w wazero.RuntimeConfig) RuntimeConfig {
	c.wazero = w
	return c
}

// WithCompilationCache caches compiled core modules in cache.
func (c RuntimeConfig) WithCompilationCache(cache wazero.CompilationCache) RuntimeConfig {
	c.wazero = c.wazero.WithCompilationCache(cache)
	return c
}

// Runtime compiles and runs components. It owns a wazero runtime; Close
// releases everything it made.
type Runtime struct {
	wz wazero.Runtime

	// callers maps every core module instance this runtime created to the
	// component instance it belongs to, so that a lowered function (one host
	// function shared by all instances of a component) finds its instance
	// from the calling module.
	callers sync.Map // api.Module -> *caller

	maxLift uint64 // RuntimeConfig.WithMaxLiftBytes

	hasData atomic.Bool // an instance was made with host data (instance.hostCtx)
}

// NewRuntime returns a runtime with the given configuration.
func NewRuntime(ctx context.Context, cfg RuntimeConfig) *Runtime {
	if cfg.wazero == nil {
		cfg.wazero = NewRuntimeConfig().wazero
	}
	if cfg.maxLift == 0 {
		cfg.maxLift = DefaultMaxLiftBytes
	}
	return &Runtime{wz: wazero.NewRuntimeWithConfig(ctx, cfg.wazero), maxLift: cfg.maxLift}
}

// Wazero returns the underlying wazero runtime.
func (r *Runtime) Wazero() wazero.Runtime { return r.wz }

// Close closes every instance and compiled component of the runtime.
func (r *Runtime) Close(ctx context.Context) error { return r.wz.Close(ctx) }

// caller is one entry of Runtime.callers: a core module instance and the
// component instance it belongs to.
type caller struct {
	mod  api.Module
	inst *instance
}

func (r *Runtime) register(m api.Module, inst *instance) { r.callers.Store(m, &caller{m, inst}) }

func (r *Runtime) unregister(m api.Module) {
	if v, ok := r.callers.LoadAndDelete(m); ok {
		e := v.(*caller)
		e.inst.comp.last.CompareAndSwap(e, nil)
	}
}

func (r *Runtime) callerOf(m api.Module) *caller {
	v, ok := r.callers.Load(m)
	if !ok {
		return nil
	}
	return v.(*caller)
}

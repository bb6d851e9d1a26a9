package component

import (
	"context"
	"fmt"
	"sort"

	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// Trap is the error of a call that trapped: the guest broke the Canonical
// ABI, executed `unreachable`, ran out of bounds, or a host function it
// called failed.
type Trap struct {
	Component string // the component's name (see WithName)
	Func      string // the export or import being called
	Reason    string
	Err       error // the underlying error, if any
}

// Error formats the trap as `component: function: trap: reason`.
func (t *Trap) Error() string {
	return fmt.Sprintf("%s: %s: trap: %s", t.Component, t.Func, t.Reason)
}

// Unwrap returns the underlying error (a host function's error, a wasm
// runtime error), if any.
func (t *Trap) Unwrap() error { return t.Err }

// funcVal is a component function at run time: lifted from a core function
// of a component instance, or defined by the host.
type funcVal struct {
	name string
	ft   *types.FuncType

	// host
	host      HostFunc
	typedHost TypedHostFunc // when defined with TypedFunc (host then fails)

	// lifted
	inst       *instance
	core       api.Function // nil until coreFunc makes it
	coreRef    coreRef
	opts       types.Options
	sig        wit.Signature
	mem        api.Memory
	realloc    api.Function
	postReturn api.Function

	typed *Params // the state of typed calls, made on the first

	dynStack []uint64 // the core stack of dynamic calls (callLifted), reused
	dynBusy  bool     // a dynamic call is using dynStack
}

// lift makes the component function of a `canon lift`.
func (inst *instance) lift(d *types.LiftDef) *funcVal {
	f := &funcVal{inst: inst, ft: d.Type, opts: d.Options, sig: d.Sig}
	ref := inst.coreFuncs[d.CoreFunc]
	f.coreRef = ref // f.core is made on first use (see coreFunc)
	f.name = ref.name
	if d.Options.Memory != nil {
		m := inst.coreMems[*d.Options.Memory]
		f.mem = m.mod.ExportedMemory(m.name)
	}
	if d.Options.Realloc != nil {
		f.realloc = inst.exported(inst.coreFuncs[*d.Options.Realloc])
	}
	if d.Options.PostReturn != nil {
		f.postReturn = inst.exported(inst.coreFuncs[*d.Options.PostReturn])
	}
	return f
}

// coreFunc returns the lifted core function. It is made on first use:
// wazero gives every api.Function a call engine and its stack, which an
// export the host never calls should not cost each instance.
func (f *funcVal) coreFunc() api.Function {
	if f.core == nil && f.inst != nil {
		f.core = f.inst.exported(f.coreRef)
	}
	return f.core
}

// initCx sets cx up for a call of f.
func (f *funcVal) initCx(cx *canonCx, ctx context.Context) {
	c := f.inst.comp.c
	*cx = canonCx{ctx: ctx, r: c.types, abi: c.abi, mem: f.mem, realloc: f.realloc, enc: f.opts.Encoding, inst: f.inst}
}

// call calls the function with dynamic values.
func (f *funcVal) call(ctx context.Context, args []Value) (Value, error) {
	return f.callAs(ctx, f.name, nil, args)
}

// callAs calls the function known to the caller as name; caller is the
// calling component instance, nil for the host.
func (f *funcVal) callAs(ctx context.Context, name string, caller *instance, args []Value) (Value, error) {
	if len(args) != len(f.ft.Params) {
		return nil, fmt.Errorf("%s: expected %d arguments, got %d", name, len(f.ft.Params), len(args))
	}
	if f.host != nil {
		return f.host(ctx, args)
	}
	if f.opts.Async {
		return nil, fmt.Errorf("%w: calling async export %s", types.ErrNotSupported, name)
	}
	return f.callLifted(ctx, name, caller, args)
}

// lower makes the core function of a `canon lower`: a host function that
// lifts its arguments out of the calling instance, calls the component
// function, and lowers the result back (see callLowered).
func (inst *instance) lower(d *types.LowerDef) {
	idx := inst.comp.hostFuncs[d]
	callee := inst.funcs[d.Func]
	var mem api.Memory
	var realloc api.Function
	if d.Options.Memory != nil {
		m := inst.coreMems[*d.Options.Memory]
		mem = m.mod.ExportedMemory(m.name)
	}
	if d.Options.Realloc != nil {
		realloc = inst.exported(inst.coreFuncs[*d.Options.Realloc])
	}
	if callee.typedHost != nil {
		inst.host[idx] = inst.lowerTyped(d, callee, mem, realloc)
	} else {
		inst.host[idx] = func(ctx context.Context, stack []uint64) {
			inst.callLowered(ctx, d, callee, mem, realloc, stack)
		}
	}
	inst.coreFuncs = append(inst.coreFuncs, coreRef{mod: inst.hostMod, name: "f" + itoa(idx)})
}

// Func is an exported component function of an instance.
type Func struct {
	f    *funcVal
	name string // the name the instance exports it under
}

// Func returns the exported function name, or nil. A function of an
// exported interface is named `iface#func` (`wasi:cli/run@0.2.0#run`).
func (i *Instance) Func(name string) *Func {
	if f := i.inst.exportFunc(name); f != nil {
		if f.typed == nil {
			f.newTyped() // so that Begin is a few stores, inlined
		}
		return &Func{f: f, name: name}
	}
	return nil
}

func (inst *instance) exportFunc(name string) *funcVal {
	if it, ok := inst.exports[name]; ok && it.fn != nil {
		return it.fn
	}
	for ifName, it := range inst.exports {
		if it.inst == nil {
			continue
		}
		prefix := ifName + "#"
		if len(name) > len(prefix) && name[:len(prefix)] == prefix {
			if x, ok := it.inst.exports[name[len(prefix):]]; ok && x.fn != nil {
				return x.fn
			}
		}
	}
	return nil
}

// Exports lists the names of the instance's exported functions, with
// functions of exported instances as `iface#func`, sorted.
func (i *Instance) Exports() []string {
	var out []string
	for name, it := range i.inst.exports {
		if it.fn != nil {
			out = append(out, name)
		}
		if it.inst != nil {
			for fn, x := range it.inst.exports {
				if x.fn != nil {
					out = append(out, name+"#"+fn)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Call calls the function with one Value per parameter and returns its
// result (nil when it has none). A trap is returned as a *Trap; the
// instance stays usable after it.
func (f *Func) Call(ctx context.Context, args ...Value) (Value, error) {
	return f.f.callAs(ctx, f.name, nil, args)
}

// Params returns the function's parameter names and types in WIT syntax.
func (f *Func) String() string {
	return f.f.inst.comp.checked.FuncString(f.f.ft)
}

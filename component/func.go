package component

import (
	"context"
	"errors"
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

func (t *Trap) Error() string {
	return fmt.Sprintf("%s: %s: trap: %s", t.Component, t.Func, t.Reason)
}

func (t *Trap) Unwrap() error { return t.Err }

// funcVal is a component function at run time: lifted from a core function
// of a component instance, or defined by the host.
type funcVal struct {
	name string
	ft   *types.FuncType

	// host
	host HostFunc

	// lifted
	inst       *instance
	core       api.Function
	opts       types.Options
	sig        wit.Signature
	mem        api.Memory
	realloc    api.Function
	postReturn api.Function

	typed *typedState // buffers of the typed call path, made on first use
}

// lift makes the component function of a `canon lift`.
func (inst *instance) lift(d *types.LiftDef) *funcVal {
	f := &funcVal{inst: inst, ft: d.Type, opts: d.Options, sig: d.Sig}
	ref := inst.coreFuncs[d.CoreFunc]
	f.core = ref.mod.ExportedFunction(ref.name)
	f.name = ref.name
	if d.Options.Memory != nil {
		m := inst.coreMems[*d.Options.Memory]
		f.mem = m.mod.ExportedMemory(m.name)
	}
	if d.Options.Realloc != nil {
		r := inst.coreFuncs[*d.Options.Realloc]
		f.realloc = r.mod.ExportedFunction(r.name)
	}
	if d.Options.PostReturn != nil {
		r := inst.coreFuncs[*d.Options.PostReturn]
		f.postReturn = r.mod.ExportedFunction(r.name)
	}
	return f
}

func (f *funcVal) cx(ctx context.Context) *canonCx {
	c := f.inst.comp.c
	return &canonCx{ctx: ctx, r: c.types, abi: c.abi, mem: f.mem, realloc: f.realloc, enc: f.opts.Encoding, inst: f.inst}
}

// call calls the function with dynamic values.
func (f *funcVal) call(ctx context.Context, args []Value) (Value, error) {
	if len(args) != len(f.ft.Params) {
		return nil, fmt.Errorf("%s: expected %d arguments, got %d", f.name, len(f.ft.Params), len(args))
	}
	if f.host != nil {
		return f.host(ctx, args)
	}
	if f.opts.Async {
		return nil, fmt.Errorf("%w: calling async export %s", types.ErrNotSupported, f.name)
	}
	inst := f.inst
	if inst.entered {
		return nil, &Trap{Component: inst.comp.c.name, Func: f.name, Reason: "cannot enter component instance: it is already on the call stack"}
	}
	inst.entered = true
	defer func() { inst.entered = false }()
	var result Value
	err := f.guard(func() {
		cx := f.cx(ctx)
		var flat []uint64
		if f.sig.IndirectParams {
			ts := make([]wit.Type, len(f.ft.Params))
			for i, p := range f.ft.Params {
				ts[i] = p.Type
			}
			lay, offs := cx.abi.TupleLayout(ts)
			ptr := cx.alloc(lay.Align, lay.Size)
			for i, p := range f.ft.Params {
				cx.store(args[i], p.Type, ptr+offs[i])
			}
			flat = []uint64{uint64(ptr)}
		} else {
			for i, p := range f.ft.Params {
				flat = cx.lowerFlat(args[i], p.Type, flat)
			}
		}
		res, err := f.core.Call(ctx, flat...)
		if err != nil {
			panic(err)
		}
		if f.ft.Result != nil {
			if f.sig.IndirectResults {
				ptr := uint32(res[0])
				if ptr%cx.abi.Layout(f.ft.Result).Align != 0 {
					trap("misaligned result pointer 0x%x", ptr)
				}
				result = cx.load(f.ft.Result, ptr)
			} else {
				result = cx.liftFlat(f.ft.Result, &flatIter{vals: res})
			}
		}
		if f.postReturn != nil {
			if _, err := f.postReturn.Call(ctx, res...); err != nil {
				panic(err)
			}
		}
		if err := inst.endCall(); err != nil {
			trap("%v", err)
		}
	})
	return result, err
}

// guard runs body and turns what it panics with into an error: a *Trap for
// traps and wasm errors, a plain error for host values that do not fit.
func (f *funcVal) guard(body func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		name := f.inst.comp.c.name
		switch e := r.(type) {
		case *trapError:
			err = &Trap{Component: name, Func: f.name, Reason: e.reason}
		case *valueError:
			err = fmt.Errorf("%s: %s: %s", name, f.name, e.msg)
		case *Trap:
			err = e
		case error:
			var t *Trap
			if errors.As(e, &t) {
				err = t
				return
			}
			err = &Trap{Component: name, Func: f.name, Reason: e.Error(), Err: e}
		default:
			panic(r)
		}
	}()
	body()
	return nil
}

// lower makes the core function of a `canon lower`: a host function that
// lifts its arguments out of the calling instance, calls the component
// function, and lowers the result back.
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
		r := inst.coreFuncs[*d.Options.Realloc]
		realloc = r.mod.ExportedFunction(r.name)
	}
	c := inst.comp.c
	ft := d.Type
	sig := d.Sig
	inst.host[idx] = func(ctx context.Context, stack []uint64) {
		cx := &canonCx{ctx: ctx, r: c.types, abi: c.abi, mem: mem, realloc: realloc, enc: d.Options.Encoding, inst: inst}
		var args []Value
		defer func() {
			if r := recover(); r != nil {
				if t, ok := r.(*trapError); ok {
					panic(&Trap{Component: c.name, Func: callee.name, Reason: t.reason})
				}
				if v, ok := r.(*valueError); ok {
					panic(&Trap{Component: c.name, Func: callee.name, Reason: "host returned a bad value: " + v.msg})
				}
				panic(r)
			}
		}()
		n := len(sig.Params)
		if sig.IndirectResults {
			n--
		}
		in := stack[:n]
		if sig.IndirectParams {
			ts := make([]wit.Type, len(ft.Params))
			for i, p := range ft.Params {
				ts[i] = p.Type
			}
			lay, offs := cx.abi.TupleLayout(ts)
			ptr := uint32(in[0])
			if ptr%lay.Align != 0 {
				trap("misaligned parameter pointer 0x%x", ptr)
			}
			for i, p := range ft.Params {
				args = append(args, cx.load(p.Type, ptr+offs[i]))
			}
		} else {
			it := &flatIter{vals: append([]uint64(nil), in...)}
			for _, p := range ft.Params {
				args = append(args, cx.liftFlat(p.Type, it))
			}
		}
		retptr := uint32(0)
		if sig.IndirectResults {
			retptr = uint32(stack[n])
		}
		res, err := callee.call(ctx, args)
		if err != nil {
			var t *Trap
			if errors.As(err, &t) {
				panic(t)
			}
			panic(&Trap{Component: c.name, Func: callee.name, Reason: err.Error(), Err: err})
		}
		if ft.Result == nil {
			return
		}
		if sig.IndirectResults {
			if retptr%cx.abi.Layout(ft.Result).Align != 0 {
				trap("misaligned result pointer 0x%x", retptr)
			}
			cx.store(res, ft.Result, retptr)
			return
		}
		out := cx.lowerFlat(res, ft.Result, stack[:0])
		_ = out
	}
	inst.coreFuncs = append(inst.coreFuncs, coreRef{mod: inst.hostMod, name: "f" + itoa(idx)})
}

// Func is an exported component function of an instance.
type Func struct {
	f *funcVal
}

// Func returns the exported function name, or nil. A function of an
// exported interface is named `iface#func` (`wasi:cli/run@0.2.0#run`).
func (i *Instance) Func(name string) *Func {
	if f := i.inst.exportFunc(name); f != nil {
		return &Func{f: f}
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
	return f.f.call(ctx, args)
}

// Params returns the function's parameter names and types in WIT syntax.
func (f *Func) String() string {
	return f.f.inst.comp.checked.FuncString(f.f.ft)
}

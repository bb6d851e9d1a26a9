package types

import (
	"fmt"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

// StringEncoding is the string encoding of canon options.
type StringEncoding uint8

// The string encodings.
const (
	UTF8 StringEncoding = iota
	UTF16
	Latin1UTF16
)

func (e StringEncoding) String() string {
	switch e {
	case UTF16:
		return "utf16"
	case Latin1UTF16:
		return "latin1-utf16"
	}
	return "utf8"
}

// Options are checked canonical ABI options; the indices are core
// function and memory indices of the component.
type Options struct {
	Encoding   StringEncoding
	Memory     *uint32
	Realloc    *uint32
	PostReturn *uint32
	Async      bool
	Callback   *uint32
}

// abiKind is lift or lower.
type abiKind uint8

const (
	abiLift abiKind = iota
	abiLower
)

// options checks canonical options (check_options).
func (s *state) options(off uint64, opts []binary.CanonOpt) Options {
	var o Options
	hasEncoding, gc, coreType := false, false, false
	for _, opt := range opts {
		idx := opt.Index
		switch opt.Kind {
		case binary.OptUTF8, binary.OptUTF16, binary.OptLatin1UTF16:
			enc := map[binary.CanonOptKind]StringEncoding{binary.OptUTF8: UTF8, binary.OptUTF16: UTF16, binary.OptLatin1UTF16: Latin1UTF16}[opt.Kind]
			if hasEncoding {
				fail(off, "canonical encoding option `%s` conflicts with option `%s`", o.Encoding, enc)
			}
			hasEncoding, o.Encoding = true, enc
		case binary.OptMemory:
			if o.Memory != nil {
				fail(off, "canonical option `memory` is specified more than once")
			}
			s.cabiMemory(off, idx)
			o.Memory = &idx
		case binary.OptRealloc:
			if o.Realloc != nil {
				fail(off, "canonical option `realloc` is specified more than once")
			}
			o.Realloc = &idx
		case binary.OptPostReturn:
			if o.PostReturn != nil {
				fail(off, "canonical option `post-return` is specified more than once")
			}
			o.PostReturn = &idx
		case binary.OptAsync:
			if o.Async {
				fail(off, "canonical option `async` is specified more than once")
			}
			s.cx.require(off, featAsync, "canonical option `async` requires the component model async feature")
			o.Async = true
		case binary.OptCallback:
			if o.Callback != nil {
				fail(off, "canonical option `callback` is specified more than once")
			}
			o.Callback = &idx
		case binary.OptCoreType:
			if coreType {
				fail(off, "canonical option `core type` is specified more than once")
			}
			s.cx.require(off, featGC, "canonical option `core type` requires the component model gc feature")
			if s.coreTypeAt(off, idx).fn == nil {
				fail(off, "canonical option `core type` must reference a core function type")
			}
			coreType = true
		case binary.OptGC:
			if gc {
				fail(off, "canonical option `gc` is specified more than once")
			}
			s.cx.require(off, featGC, "canonical option `gc` requires the `cm-gc` feature")
			gc = true
		default:
			fail(off, "unknown canonical option %s", opt.Kind)
		}
	}
	switch {
	case !o.Async && o.Callback != nil:
		fail(off, "cannot specify callback without async")
	case o.Async && o.PostReturn != nil:
		fail(off, "cannot specify post-return function in async")
	}
	if !gc && coreType {
		fail(off, "cannot specify `core-type` without `gc`")
	}
	if o.Realloc != nil {
		if o.Memory == nil {
			fail(off, "canonical option `realloc` requires `memory` to also be specified")
		}
		ft := s.coreFuncAt(off, *o.Realloc)
		want := &CoreFuncType{Params: []binary.CoreValType{binary.I32, binary.I32, binary.I32, binary.I32}, Results: []binary.CoreValType{binary.I32}}
		if !sameCoreFunc(ft, want) {
			fail(off, "canonical option `realloc` uses a core function with an incorrect signature")
		}
	}
	if gc {
		failNotSupported(off, "canonical option gc")
	}
	return o
}

// cabiMemory checks that a memory can be used by the Canonical ABI: a
// plain, unshared 32-bit memory (cabi_memory_at).
func (s *state) cabiMemory(off uint64, idx uint32) {
	m := s.memoryAt(off, idx)
	want := binary.CoreMemoryType{Limits: binary.Limits{Is64: m.Limits.Is64}, PageSizeLog2: m.PageSizeLog2}
	if m.Limits.Is64 {
		s.cx.require(off, featCM64, "64-bit memories require the `cm64` feature to be enabled")
	}
	if err := subMemory(m, &want); err != nil {
		fail(off, "%v", err)
	}
	if m.Limits.Is64 {
		failNotSupported(off, "64-bit memories in canonical options (cm64)")
	}
}

// checkLower checks the options of a lowering (check_lower).
func checkLower(off uint64, o Options) {
	if o.PostReturn != nil {
		fail(off, "canonical option `post-return` cannot be specified for lowerings")
	}
	if o.Async && o.Callback != nil {
		fail(off, "canonical option `callback` cannot be specified for lowerings")
	}
}

func requireMemory(off uint64, o Options) {
	if o.Memory == nil {
		fail(off, "canonical option `memory` is required")
	}
}

func requireRealloc(off uint64, o Options) {
	requireMemory(off, o)
	if o.Realloc == nil {
		fail(off, "canonical option `realloc` is required")
	}
}

// lower computes the core signature of a component function lifted or
// lowered with options o, checking that o has the memory and realloc the
// signature needs (ComponentFuncType::lower).
func (s *state) lower(off uint64, ft *FuncType, o Options, abi abiKind) wit.Signature {
	cx := s.cx
	var sig wit.Signature
	maxParams := maxFlat
	if abi == abiLower && o.Async {
		maxParams = wit.MaxFlatAsyncParams
	}
	for _, p := range ft.Params {
		pi := cx.info(p.Type)
		if pi.ptr {
			if abi == abiLower {
				requireMemory(off, o)
			} else {
				requireRealloc(off, o)
			}
		}
		if pi.over || len(sig.Params)+len(pi.flat) > maxParams {
			sig.Params, sig.IndirectParams = []wit.CoreType{wit.CoreI32}, true
			requireMemory(off, o)
			if abi == abiLift {
				requireRealloc(off, o)
			}
			break
		}
		sig.Params = append(sig.Params, pi.flat...)
	}
	if sig.Params == nil {
		sig.Params = []wit.CoreType{}
	}
	var ri *tinfo
	if ft.Result != nil {
		ri = cx.info(ft.Result)
		if abi == abiLower && ri.ptr {
			requireRealloc(off, o)
		}
	}
	switch {
	case !o.Async:
		if ri != nil {
			if ri.over || len(ri.flat) > 1 {
				requireMemory(off, o)
				sig.IndirectResults = true
				if abi == abiLower {
					sig.Params = append(sig.Params, wit.CoreI32)
				} else {
					sig.Results = []wit.CoreType{wit.CoreI32}
				}
			} else {
				sig.Results = append([]wit.CoreType(nil), ri.flat...)
			}
		}
	case abi == abiLower:
		if ri != nil {
			sig.Params = append(sig.Params, wit.CoreI32)
			sig.IndirectResults = true
			requireMemory(off, o)
		}
		sig.Results = []wit.CoreType{wit.CoreI32}
	default: // async lift
		if ri != nil && (ri.over || len(ri.flat) > maxFlat || ri.ptr) {
			requireMemory(off, o)
		}
		if o.Callback != nil {
			sig.Results = []wit.CoreType{wit.CoreI32}
		}
	}
	if sig.Results == nil {
		sig.Results = []wit.CoreType{}
	}
	return sig
}

// coreSig converts a flattened signature to a core function type.
func coreSig(sig wit.Signature) *CoreFuncType {
	conv := func(ts []wit.CoreType) []binary.CoreValType {
		out := make([]binary.CoreValType, 0, len(ts))
		for _, t := range ts {
			switch t {
			case wit.CoreI32:
				out = append(out, binary.I32)
			case wit.CoreI64:
				out = append(out, binary.I64)
			case wit.CoreF32:
				out = append(out, binary.F32)
			case wit.CoreF64:
				out = append(out, binary.F64)
			}
		}
		return out
	}
	return &CoreFuncType{Params: conv(sig.Params), Results: conv(sig.Results)}
}

func coreFn(params, results []binary.CoreValType) *CoreFuncType {
	return &CoreFuncType{Params: params, Results: results}
}

var (
	i32x1 = []binary.CoreValType{binary.I32}
	i32x2 = []binary.CoreValType{binary.I32, binary.I32}
	i32x3 = []binary.CoreValType{binary.I32, binary.I32, binary.I32}
	i64x1 = []binary.CoreValType{binary.I64}
)

// canon checks a canonical definition and returns its Def.
func (s *state) canon(off uint64, f binary.Canon) Def {
	cx := s.cx
	asyncOnly := func(name string) {
		cx.require(off, featAsync, fmt.Sprintf("`%s` requires the component model async feature", name))
	}
	threadOnly := func(name string) {
		cx.require(off, featThreading, fmt.Sprintf("`%s` requires the component model threading feature", name))
	}
	legacyCancel := func(c bool) {
		if c {
			fail(off, "invalid leading byte (0x1) for zero byte; this was historically accepted as `cancellable` until WebAssembly/component-model#716")
		}
	}
	// push adds a core function made by a builtin plugwit cannot run yet.
	push := func(ft *CoreFuncType) Def {
		s.addCore(off, CoreExtern{Sort: binary.SortCoreFunc, Func: ft})
		return &UnsupportedDef{Builtin: f.Builtin()}
	}
	streamOrFuture := func(idx uint32, stream bool) wit.Type {
		t := s.definedAt(off, idx)
		switch k := cx.kind(t).(type) {
		case *wit.Stream:
			if stream {
				return k.Elem
			}
		case *wit.Future:
			if !stream {
				return k.Elem
			}
		}
		what := "future"
		if stream {
			what = "stream"
		}
		fail(off, "`%s` requires a %s type", f.Builtin(), what)
		return nil
	}
	readWrite := func(idx uint32, stream, read bool, opts []binary.CanonOpt) Def {
		asyncOnly(f.Builtin())
		elem := streamOrFuture(idx, stream)
		o := s.options(off, opts)
		if !o.Async {
			cx.require(off, featMoreAsyncBuiltins, fmt.Sprintf("synchronous `%s` requires the component model more async builtins feature", f.Builtin()))
		}
		if elem != nil {
			requireMemory(off, o)
			if read && cx.info(elem).ptr {
				requireRealloc(off, o)
			}
		}
		checkLower(off, o)
		if stream {
			return push(coreFn(i32x3, i32x1))
		}
		return push(coreFn(i32x2, i32x1))
	}
	cancel := func(idx uint32, stream, async bool) Def {
		asyncOnly(f.Builtin())
		if async {
			cx.require(off, featMoreAsyncBuiltins, fmt.Sprintf("async `%s` requires the component model more async builtins feature", f.Builtin()))
		}
		streamOrFuture(idx, stream)
		return push(coreFn(i32x1, i32x1))
	}
	simple := func(idx uint32, stream bool, ft *CoreFuncType) Def {
		asyncOnly(f.Builtin())
		streamOrFuture(idx, stream)
		return push(ft)
	}
	forward := func(idx uint32, stream bool) Def {
		asyncOnly(f.Builtin())
		cx.require(off, featForward, fmt.Sprintf("`%s` requires the component model forward feature", f.Builtin()))
		streamOrFuture(idx, stream)
		return push(coreFn(i32x2, nil))
	}

	switch f := f.(type) {
	case *binary.CanonLift:
		ft := s.funcTypeAt(off, f.Type)
		core := s.coreFuncAt(off, f.CoreFunc)
		o := s.options(off, f.Options)
		if o.PostReturn != nil {
			pr := s.coreFuncAt(off, *o.PostReturn)
			if pr == nil || core == nil || !sameCoreVals(pr.Params, core.Results) || len(pr.Results) != 0 {
				fail(off, "canonical option `post-return` uses a core function with an incorrect signature")
			}
		}
		if o.Async {
			if o.Callback == nil {
				cx.require(off, featAsyncStackful, "requires the component model async stackful feature")
			} else {
				cb := s.coreFuncAt(off, *o.Callback)
				if !sameCoreFunc(cb, coreFn(i32x3, i32x1)) {
					fail(off, "canonical option `callback` uses a core function with an incorrect signature")
				}
			}
			if !ft.Async {
				fail(off, "the `async` canonical option requires an async function type")
			}
		}
		sig := s.lower(off, ft, o, abiLift)
		want := coreSig(sig)
		if !sameCoreFunc(core, want) {
			switch {
			case core == nil:
				fail(off, "core function %d has no function type", f.CoreFunc)
			case !sameCoreVals(core.Params, want.Params):
				fail(off, "lowered parameter types `%s` do not match parameter types `%s` of core function %d", want, core, f.CoreFunc)
			default:
				fail(off, "lowered result types `%s` do not match result types `%s` of core function %d", want, core, f.CoreFunc)
			}
		}
		checkMax(off, len(s.funcs)+len(s.coreFuncs), 1, maxFuncs, "functions")
		s.funcs = append(s.funcs, ft)
		return &LiftDef{CoreFunc: f.CoreFunc, Type: ft, Options: o, Sig: sig}
	case *binary.CanonLower:
		ft := s.funcAt(off, f.Func)
		o := s.options(off, f.Options)
		checkLower(off, o)
		if o.Async && !ft.Async {
			fail(off, "the `async` canonical option requires an async function type")
		}
		sig := s.lower(off, ft, o, abiLower)
		s.addCore(off, CoreExtern{Sort: binary.SortCoreFunc, Func: coreSig(sig)})
		return &LowerDef{Func: f.Func, Type: ft, Options: o, Sig: sig}
	case *binary.CanonResourceNew:
		id := s.localResource(off, f.Resource)
		s.addCore(off, CoreExtern{Sort: binary.SortCoreFunc, Func: coreFn(i32x1, i32x1)})
		return &ResourceNewDef{Type: f.Resource, Resource: id}
	case *binary.CanonResourceRep:
		id := s.localResource(off, f.Resource)
		s.addCore(off, CoreExtern{Sort: binary.SortCoreFunc, Func: coreFn(i32x1, i32x1)})
		return &ResourceRepDef{Type: f.Resource, Resource: id}
	case *binary.CanonResourceDrop:
		id, _ := s.resourceAt(off, f.Resource)
		s.addCore(off, CoreExtern{Sort: binary.SortCoreFunc, Func: coreFn(i32x1, nil)})
		return &ResourceDropDef{Type: f.Resource, Resource: id}
	case *binary.CanonBackpressureInc, *binary.CanonBackpressureDec, *binary.CanonTaskCancel:
		asyncOnly(f.Builtin())
		return push(coreFn(nil, nil))
	case *binary.CanonTaskReturn:
		asyncOnly(f.Builtin())
		ft := &FuncType{info: newSize()}
		if f.Result != nil {
			t := s.valType(off, *f.Result)
			if cx.info(t).borrow {
				fail(off, "`task.return` result cannot contain a `borrow` type")
			}
			ft.Params = []Param{{Name: "v", Type: t}}
		}
		o := s.options(off, f.Options)
		if o.Realloc != nil {
			fail(off, "cannot specify `realloc` option on `task.return`")
		}
		if o.PostReturn != nil {
			fail(off, "cannot specify `post-return` option on `task.return`")
		}
		checkLower(off, o)
		if o.Async {
			fail(off, "cannot specify `async` option on `task.return`")
		}
		return push(coreSig(s.lower(off, ft, o, abiLower)))
	case *binary.CanonContextGet:
		asyncOnly(f.Builtin())
		s.checkContextType(off, f.Type, f.Slot, f.Builtin())
		return push(coreFn(nil, []binary.CoreValType{f.Type}))
	case *binary.CanonContextSet:
		asyncOnly(f.Builtin())
		s.checkContextType(off, f.Type, f.Slot, f.Builtin())
		return push(coreFn([]binary.CoreValType{f.Type}, nil))
	case *binary.CanonSubtaskDrop:
		asyncOnly(f.Builtin())
		return push(coreFn(i32x1, nil))
	case *binary.CanonSubtaskCancel:
		asyncOnly(f.Builtin())
		if f.Async {
			cx.require(off, featMoreAsyncBuiltins, "async `subtask.cancel` requires the component model more async builtins feature")
		}
		return push(coreFn(i32x1, i32x1))
	case *binary.CanonStreamNew:
		return simple(f.Type, true, coreFn(nil, i64x1))
	case *binary.CanonFutureNew:
		return simple(f.Type, false, coreFn(nil, i64x1))
	case *binary.CanonStreamRead:
		return readWrite(f.Type, true, true, f.Options)
	case *binary.CanonStreamWrite:
		return readWrite(f.Type, true, false, f.Options)
	case *binary.CanonFutureRead:
		return readWrite(f.Type, false, true, f.Options)
	case *binary.CanonFutureWrite:
		return readWrite(f.Type, false, false, f.Options)
	case *binary.CanonStreamForward:
		return forward(f.Type, true)
	case *binary.CanonFutureForward:
		return forward(f.Type, false)
	case *binary.CanonStreamCancelRead:
		return cancel(f.Type, true, f.Async)
	case *binary.CanonStreamCancelWrite:
		return cancel(f.Type, true, f.Async)
	case *binary.CanonFutureCancelRead:
		return cancel(f.Type, false, f.Async)
	case *binary.CanonFutureCancelWrite:
		return cancel(f.Type, false, f.Async)
	case *binary.CanonStreamDropReadable, *binary.CanonStreamDropWritable:
		var idx uint32
		if d, ok := f.(*binary.CanonStreamDropReadable); ok {
			idx = d.Type
		} else {
			idx = f.(*binary.CanonStreamDropWritable).Type
		}
		return simple(idx, true, coreFn(i32x1, nil))
	case *binary.CanonFutureDropReadable, *binary.CanonFutureDropWritable:
		var idx uint32
		if d, ok := f.(*binary.CanonFutureDropReadable); ok {
			idx = d.Type
		} else {
			idx = f.(*binary.CanonFutureDropWritable).Type
		}
		return simple(idx, false, coreFn(i32x1, nil))
	case *binary.CanonErrorContextNew:
		cx.require(off, featErrorContext, "`error-context.new` requires the component model error-context feature")
		o := s.options(off, f.Options)
		requireMemory(off, o)
		if o.Async {
			fail(off, "cannot specify `async` option on `error-context.new`")
		}
		checkLower(off, o)
		return push(coreFn(i32x2, i32x1))
	case *binary.CanonErrorContextDebugMessage:
		cx.require(off, featErrorContext, "`error-context.debug-message` requires the component model error-context feature")
		o := s.options(off, f.Options)
		requireRealloc(off, o)
		if o.Async {
			fail(off, "cannot specify `async` option on `error-context.debug-message`")
		}
		checkLower(off, o)
		return push(coreFn(i32x2, nil))
	case *binary.CanonErrorContextDrop:
		cx.require(off, featErrorContext, "`error-context.drop` requires the component model error-context feature")
		return push(coreFn(i32x1, nil))
	case *binary.CanonWaitableSetNew:
		asyncOnly(f.Builtin())
		return push(coreFn(nil, i32x1))
	case *binary.CanonWaitableSetWait:
		asyncOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		s.cabiMemory(off, f.Memory)
		return push(coreFn(i32x2, i32x1))
	case *binary.CanonWaitableSetPoll:
		asyncOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		s.cabiMemory(off, f.Memory)
		return push(coreFn(i32x2, i32x1))
	case *binary.CanonWaitableSetDrop:
		asyncOnly(f.Builtin())
		return push(coreFn(i32x1, nil))
	case *binary.CanonWaitableJoin:
		asyncOnly(f.Builtin())
		return push(coreFn(i32x2, nil))
	case *binary.CanonThreadIndex:
		threadOnly(f.Builtin())
		return push(coreFn(nil, i32x1))
	case *binary.CanonThreadNewIndirect:
		threadOnly(f.Builtin())
		ct := s.coreTypeAt(off, f.FuncType)
		if ct.mod != nil {
			fail(off, "expected a core function type")
		}
		if ct.fn == nil {
			fail(off, "start type must be a function")
		}
		closure := binary.I32
		switch {
		case sameCoreVals(ct.fn.Params, i32x1):
		case sameCoreVals(ct.fn.Params, i64x1) && cx.feat.has(featCM64):
			closure = binary.I64
		default:
			fail(off, "start function must take a single `i32` argument (currently)")
		}
		if len(ct.fn.Results) != 0 {
			fail(off, "start function must not return any values")
		}
		t := s.tableAt(off, f.Table)
		index := binary.I32
		if t.Limits.Is64 {
			cx.require(off, featCM64, "64-bit tables require the component model 64-bit feature")
			index = binary.I64
		}
		funcref := binary.RefType{Nullable: true, Heap: binary.HeapType{Abstract: binary.HeapFunc}}
		want := CoreExtern{Sort: binary.SortCoreTable, table: &binary.CoreTableType{Elem: funcref, Limits: binary.Limits{Is64: t.Limits.Is64}}}
		if err := subCoreExtern(CoreExtern{Sort: binary.SortCoreTable, table: t}, want); err != nil {
			fail(off, "table is not a 32-bit table of (ref null (func)): %v", err)
		}
		return push(coreFn([]binary.CoreValType{index, closure}, i32x1))
	case *binary.CanonThreadResumeLater:
		threadOnly(f.Builtin())
		return push(coreFn(i32x1, nil))
	case *binary.CanonThreadSuspend:
		threadOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(nil, i32x1))
	case *binary.CanonThreadYield:
		asyncOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(nil, i32x1))
	case *binary.CanonThreadSuspendThenResume:
		threadOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(i32x1, i32x1))
	case *binary.CanonThreadYieldThenResume:
		threadOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(i32x1, i32x1))
	case *binary.CanonThreadSuspendThenPromote:
		threadOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(i32x1, i32x1))
	case *binary.CanonThreadYieldThenPromote:
		threadOnly(f.Builtin())
		legacyCancel(f.Cancellable)
		return push(coreFn(i32x1, i32x1))
	case *binary.CanonThreadSpawnRef:
		cx.require(off, featCoreSharedEverything, "`thread.spawn-ref` requires the shared-everything-threads proposal")
		s.spawnType(off, f.FuncType)
		return push(nil)
	case *binary.CanonThreadSpawnIndirect:
		cx.require(off, featCoreSharedEverything, "`thread.spawn-indirect` requires the shared-everything-threads proposal")
		s.spawnType(off, f.FuncType)
		t := s.tableAt(off, f.Table)
		if t.Limits.Is64 || !t.Limits.Shared || t.Elem.Heap.Abstract != binary.HeapFunc || !t.Elem.Heap.Shared {
			fail(off, "table is not a 32-bit shared table of (ref null (shared func))")
		}
		return push(coreFn(i32x2, i32x1))
	case *binary.CanonThreadAvailableParallelism:
		cx.require(off, featCoreSharedEverything, "`thread.available_parallelism` requires the shared-everything-threads proposal")
		return push(coreFn(nil, i32x1))
	}
	fail(off, "unexpected canonical definition %T", f)
	return nil
}

func (s *state) spawnType(off uint64, idx uint32) {
	ct := s.coreTypeAt(off, idx)
	if ct.mod != nil {
		fail(off, "expected a core function type")
	}
	if ct.sub == nil || !ct.sub.Shared {
		fail(off, "spawn type must be shared")
	}
	if ct.fn == nil {
		fail(off, "spawn type must be a function")
	}
	if !sameCoreVals(ct.fn.Params, i32x1) {
		fail(off, "spawn function must take a single `i32` argument (currently)")
	}
	if len(ct.fn.Results) != 0 {
		fail(off, "spawn function must not return any values")
	}
}

func (s *state) checkContextType(off uint64, t binary.CoreValType, slot uint32, name string) {
	switch t {
	case binary.I32:
	case binary.I64:
		s.cx.require(off, featCM64, fmt.Sprintf("64-bit `%s` requires the component model 64-bit feature", name))
	default:
		fail(off, "`%s` only supports `i32` or `i64`", name)
	}
	if s.contextType == nil {
		s.contextType = &t
	} else if *s.contextType != t {
		fail(off, "`%s` type must match previous context type", name)
	}
	if slot > 0 {
		s.cx.require(off, featThreading, fmt.Sprintf("`%s` immediate must be zero: %d", name, slot))
		if slot > 1 {
			fail(off, "`%s` immediate must be zero or one: %d", name, slot)
		}
	}
}

func sameCoreVals(a, b []binary.CoreValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameCoreVal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// localResource checks that a type index names a resource this component
// defines itself (resource.new and resource.rep need its representation).
func (s *state) localResource(off uint64, idx uint32) wit.TypeID {
	id, _ := s.resourceAt(off, idx)
	if !s.definedRep[id] {
		fail(off, "type %d is not a local resource", idx)
	}
	return id
}

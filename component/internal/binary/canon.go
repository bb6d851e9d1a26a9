package binary

// CanonSection defines functions with the Canonical ABI (section 8).
type CanonSection struct {
	SectionHeader
	Funcs []Canon
	// Offsets holds the absolute offset of each entry of Funcs.
	Offsets []uint64
}

func (*CanonSection) isSection() {}

// Canon is a canonical definition. [*CanonLift] defines a component
// function; every other kind defines a core function: [*CanonLower] or a
// built-in such as [*CanonResourceNew] or [*CanonTaskReturn]. Builtin names
// the definition as the text format spells it after `canon`.
type Canon interface {
	// Builtin returns the definition's name, e.g. "lift", "resource.drop"
	// or "waitable-set.wait".
	Builtin() string
	isCanon()
}

// CanonOptKind is the kind of a [CanonOpt].
type CanonOptKind uint8

// Canonical option kinds, identified by their encoding byte.
const (
	OptUTF8         CanonOptKind = 0x00 // string-encoding=utf8
	OptUTF16        CanonOptKind = 0x01 // string-encoding=utf16
	OptLatin1UTF16  CanonOptKind = 0x02 // string-encoding=latin1+utf16
	OptMemory       CanonOptKind = 0x03 // (memory m)
	OptRealloc      CanonOptKind = 0x04 // (realloc f)
	OptPostReturn   CanonOptKind = 0x05 // (post-return f)
	OptAsync        CanonOptKind = 0x06 // async 🔀
	OptCallback     CanonOptKind = 0x07 // (callback f) 🔀
	OptCoreType     CanonOptKind = 0x08 // (core-type t): core function type to lower to (wasm-tools; not yet in Binary.md)
	OptGC           CanonOptKind = 0x09 // gc: the GC variant of the Canonical ABI (wasm-tools; not yet in Binary.md)
	maxCanonOptKind              = OptGC
)

var canonOptNames = [...]string{
	"string-encoding=utf8", "string-encoding=utf16", "string-encoding=latin1+utf16",
	"memory", "realloc", "post-return", "async", "callback", "core-type", "gc",
}

// String returns the option's keyword.
func (k CanonOptKind) String() string {
	if k <= maxCanonOptKind {
		return canonOptNames[k]
	}
	return "unknown option"
}

// HasIndex reports whether options of kind k carry an index.
func (k CanonOptKind) HasIndex() bool {
	switch k {
	case OptMemory, OptRealloc, OptPostReturn, OptCallback, OptCoreType:
		return true
	}
	return false
}

// CanonOpt is a canonical option. Index is the core memory index of
// OptMemory, the core function index of OptRealloc, OptPostReturn and
// OptCallback, and the core type index of OptCoreType.
type CanonOpt struct {
	Kind  CanonOptKind
	Index uint32
}

// readOpts reads opts: a vector of canonopt.
func (r *reader) readOpts() ([]CanonOpt, error) {
	return vec(r, "canon option", func(r *reader) (CanonOpt, error) {
		off := r.pos
		b, err := r.u8("canon option")
		if err != nil {
			return CanonOpt{}, err
		}
		k := CanonOptKind(b)
		if k > maxCanonOptKind {
			return CanonOpt{}, r.invalid(off, "canon option", b)
		}
		o := CanonOpt{Kind: k}
		if k.HasIndex() {
			o.Index, err = r.u32(k.String() + " index")
		}
		return o, err
	})
}

// CanonLift is (canon lift f opts (type ft)): component function of type
// Type from core function CoreFunc.
type CanonLift struct {
	CoreFunc uint32
	Options  []CanonOpt
	Type     uint32
}

// CanonLower is (canon lower f opts (core func)): core function from
// component function Func.
type CanonLower struct {
	Func    uint32
	Options []CanonOpt
}

// CanonResourceNew is (canon resource.new rt).
type CanonResourceNew struct{ Resource uint32 }

// CanonResourceDrop is (canon resource.drop rt).
type CanonResourceDrop struct{ Resource uint32 }

// CanonResourceRep is (canon resource.rep rt).
type CanonResourceRep struct{ Resource uint32 }

// CanonBackpressureInc is (canon backpressure.inc) 🔀.
type CanonBackpressureInc struct{}

// CanonBackpressureDec is (canon backpressure.dec) 🔀.
type CanonBackpressureDec struct{}

// CanonTaskReturn is (canon task.return (result t)? opts) 🔀.
type CanonTaskReturn struct {
	Result  *ValType
	Options []CanonOpt
}

// CanonTaskCancel is (canon task.cancel) 🔀.
type CanonTaskCancel struct{}

// CanonContextGet is (canon context.get t i) 🔀: read slot Slot of type Type.
type CanonContextGet struct {
	Type CoreValType
	Slot uint32
}

// CanonContextSet is (canon context.set t i) 🔀: write slot Slot of type Type.
type CanonContextSet struct {
	Type CoreValType
	Slot uint32
}

// CanonSubtaskCancel is (canon subtask.cancel async?) 🔀.
type CanonSubtaskCancel struct{ Async bool }

// CanonSubtaskDrop is (canon subtask.drop) 🔀.
type CanonSubtaskDrop struct{}

// CanonStreamNew is (canon stream.new t) 🔀.
type CanonStreamNew struct{ Type uint32 }

// CanonStreamRead is (canon stream.read t opts) 🔀.
type CanonStreamRead struct {
	Type    uint32
	Options []CanonOpt
}

// CanonStreamWrite is (canon stream.write t opts) 🔀.
type CanonStreamWrite struct {
	Type    uint32
	Options []CanonOpt
}

// CanonStreamCancelRead is (canon stream.cancel-read t async?) 🔀.
type CanonStreamCancelRead struct {
	Type  uint32
	Async bool
}

// CanonStreamCancelWrite is (canon stream.cancel-write t async?) 🔀.
type CanonStreamCancelWrite struct {
	Type  uint32
	Async bool
}

// CanonStreamDropReadable is (canon stream.drop-readable t) 🔀.
type CanonStreamDropReadable struct{ Type uint32 }

// CanonStreamDropWritable is (canon stream.drop-writable t) 🔀.
type CanonStreamDropWritable struct{ Type uint32 }

// CanonStreamForward is (canon stream.forward t) 🔀, opcode 0x2e (wasm-tools;
// not yet in Binary.md).
type CanonStreamForward struct{ Type uint32 }

// CanonFutureNew is (canon future.new t) 🔀.
type CanonFutureNew struct{ Type uint32 }

// CanonFutureRead is (canon future.read t opts) 🔀.
type CanonFutureRead struct {
	Type    uint32
	Options []CanonOpt
}

// CanonFutureWrite is (canon future.write t opts) 🔀.
type CanonFutureWrite struct {
	Type    uint32
	Options []CanonOpt
}

// CanonFutureCancelRead is (canon future.cancel-read t async?) 🔀.
type CanonFutureCancelRead struct {
	Type  uint32
	Async bool
}

// CanonFutureCancelWrite is (canon future.cancel-write t async?) 🔀.
type CanonFutureCancelWrite struct {
	Type  uint32
	Async bool
}

// CanonFutureDropReadable is (canon future.drop-readable t) 🔀.
type CanonFutureDropReadable struct{ Type uint32 }

// CanonFutureDropWritable is (canon future.drop-writable t) 🔀.
type CanonFutureDropWritable struct{ Type uint32 }

// CanonFutureForward is (canon future.forward t) 🔀, opcode 0x2f (wasm-tools;
// not yet in Binary.md).
type CanonFutureForward struct{ Type uint32 }

// CanonErrorContextNew is (canon error-context.new opts) 📝.
type CanonErrorContextNew struct{ Options []CanonOpt }

// CanonErrorContextDebugMessage is (canon error-context.debug-message opts) 📝.
type CanonErrorContextDebugMessage struct{ Options []CanonOpt }

// CanonErrorContextDrop is (canon error-context.drop) 📝.
type CanonErrorContextDrop struct{}

// CanonWaitableSetNew is (canon waitable-set.new) 🔀.
type CanonWaitableSetNew struct{}

// CanonWaitableSetWait is (canon waitable-set.wait cancellable? (memory m)) 🔀.
type CanonWaitableSetWait struct {
	Cancellable bool
	Memory      uint32
}

// CanonWaitableSetPoll is (canon waitable-set.poll cancellable? (memory m)) 🔀.
type CanonWaitableSetPoll struct {
	Cancellable bool
	Memory      uint32
}

// CanonWaitableSetDrop is (canon waitable-set.drop) 🔀.
type CanonWaitableSetDrop struct{}

// CanonWaitableJoin is (canon waitable.join) 🔀.
type CanonWaitableJoin struct{}

// CanonThreadIndex is (canon thread.index) 🧵.
type CanonThreadIndex struct{}

// CanonThreadNewIndirect is (canon thread.new-indirect ft tbl) 🧵: core
// function type FuncType, core table Table.
type CanonThreadNewIndirect struct {
	FuncType uint32
	Table    uint32
}

// CanonThreadResumeLater is (canon thread.resume-later) 🧵.
type CanonThreadResumeLater struct{}

// CanonThreadSuspend is (canon thread.suspend cancellable?) 🧵.
type CanonThreadSuspend struct{ Cancellable bool }

// CanonThreadYield is (canon thread.yield cancellable?) 🔀.
type CanonThreadYield struct{ Cancellable bool }

// CanonThreadSuspendThenResume is (canon thread.suspend-then-resume cancellable?) 🧵.
type CanonThreadSuspendThenResume struct{ Cancellable bool }

// CanonThreadYieldThenResume is (canon thread.yield-then-resume cancellable?) 🧵.
type CanonThreadYieldThenResume struct{ Cancellable bool }

// CanonThreadSuspendThenPromote is (canon thread.suspend-then-promote cancellable?) 🧵.
type CanonThreadSuspendThenPromote struct{ Cancellable bool }

// CanonThreadYieldThenPromote is (canon thread.yield-then-promote cancellable?) 🧵.
type CanonThreadYieldThenPromote struct{ Cancellable bool }

// CanonThreadSpawnRef is (canon thread.spawn-ref ft) 🧵②: core function type
// FuncType.
//
// Binary.md gives thread.spawn-ref, thread.spawn-indirect and
// thread.available-parallelism a shared? byte after the opcode; wasm-tools
// 1.263 (wasmparser, wasm-encoder) encodes none. The decoder follows
// wasm-tools, the only producer of these binaries, so it reads no such byte.
type CanonThreadSpawnRef struct{ FuncType uint32 }

// CanonThreadSpawnIndirect is (canon thread.spawn-indirect ft tbl) 🧵②.
type CanonThreadSpawnIndirect struct {
	FuncType uint32
	Table    uint32
}

// CanonThreadAvailableParallelism is (canon thread.available-parallelism) 🧵②.
type CanonThreadAvailableParallelism struct{}

// Builtin implements Canon.
func (*CanonLift) Builtin() string { return "lift" }

// Builtin implements Canon.
func (*CanonLower) Builtin() string { return "lower" }

// Builtin implements Canon.
func (*CanonResourceNew) Builtin() string { return "resource.new" }

// Builtin implements Canon.
func (*CanonResourceDrop) Builtin() string { return "resource.drop" }

// Builtin implements Canon.
func (*CanonResourceRep) Builtin() string { return "resource.rep" }

// Builtin implements Canon.
func (*CanonBackpressureInc) Builtin() string { return "backpressure.inc" }

// Builtin implements Canon.
func (*CanonBackpressureDec) Builtin() string { return "backpressure.dec" }

// Builtin implements Canon.
func (*CanonTaskReturn) Builtin() string { return "task.return" }

// Builtin implements Canon.
func (*CanonTaskCancel) Builtin() string { return "task.cancel" }

// Builtin implements Canon.
func (*CanonContextGet) Builtin() string { return "context.get" }

// Builtin implements Canon.
func (*CanonContextSet) Builtin() string { return "context.set" }

// Builtin implements Canon.
func (*CanonSubtaskCancel) Builtin() string { return "subtask.cancel" }

// Builtin implements Canon.
func (*CanonSubtaskDrop) Builtin() string { return "subtask.drop" }

// Builtin implements Canon.
func (*CanonStreamNew) Builtin() string { return "stream.new" }

// Builtin implements Canon.
func (*CanonStreamRead) Builtin() string { return "stream.read" }

// Builtin implements Canon.
func (*CanonStreamWrite) Builtin() string { return "stream.write" }

// Builtin implements Canon.
func (*CanonStreamCancelRead) Builtin() string { return "stream.cancel-read" }

// Builtin implements Canon.
func (*CanonStreamCancelWrite) Builtin() string { return "stream.cancel-write" }

// Builtin implements Canon.
func (*CanonStreamDropReadable) Builtin() string { return "stream.drop-readable" }

// Builtin implements Canon.
func (*CanonStreamDropWritable) Builtin() string { return "stream.drop-writable" }

// Builtin implements Canon.
func (*CanonStreamForward) Builtin() string { return "stream.forward" }

// Builtin implements Canon.
func (*CanonFutureNew) Builtin() string { return "future.new" }

// Builtin implements Canon.
func (*CanonFutureRead) Builtin() string { return "future.read" }

// Builtin implements Canon.
func (*CanonFutureWrite) Builtin() string { return "future.write" }

// Builtin implements Canon.
func (*CanonFutureCancelRead) Builtin() string { return "future.cancel-read" }

// Builtin implements Canon.
func (*CanonFutureCancelWrite) Builtin() string { return "future.cancel-write" }

// Builtin implements Canon.
func (*CanonFutureDropReadable) Builtin() string { return "future.drop-readable" }

// Builtin implements Canon.
func (*CanonFutureDropWritable) Builtin() string { return "future.drop-writable" }

// Builtin implements Canon.
func (*CanonFutureForward) Builtin() string { return "future.forward" }

// Builtin implements Canon.
func (*CanonErrorContextNew) Builtin() string { return "error-context.new" }

// Builtin implements Canon.
func (*CanonErrorContextDebugMessage) Builtin() string { return "error-context.debug-message" }

// Builtin implements Canon.
func (*CanonErrorContextDrop) Builtin() string { return "error-context.drop" }

// Builtin implements Canon.
func (*CanonWaitableSetNew) Builtin() string { return "waitable-set.new" }

// Builtin implements Canon.
func (*CanonWaitableSetWait) Builtin() string { return "waitable-set.wait" }

// Builtin implements Canon.
func (*CanonWaitableSetPoll) Builtin() string { return "waitable-set.poll" }

// Builtin implements Canon.
func (*CanonWaitableSetDrop) Builtin() string { return "waitable-set.drop" }

// Builtin implements Canon.
func (*CanonWaitableJoin) Builtin() string { return "waitable.join" }

// Builtin implements Canon.
func (*CanonThreadIndex) Builtin() string { return "thread.index" }

// Builtin implements Canon.
func (*CanonThreadNewIndirect) Builtin() string { return "thread.new-indirect" }

// Builtin implements Canon.
func (*CanonThreadResumeLater) Builtin() string { return "thread.resume-later" }

// Builtin implements Canon.
func (*CanonThreadSuspend) Builtin() string { return "thread.suspend" }

// Builtin implements Canon.
func (*CanonThreadYield) Builtin() string { return "thread.yield" }

// Builtin implements Canon.
func (*CanonThreadSuspendThenResume) Builtin() string { return "thread.suspend-then-resume" }

// Builtin implements Canon.
func (*CanonThreadYieldThenResume) Builtin() string { return "thread.yield-then-resume" }

// Builtin implements Canon.
func (*CanonThreadSuspendThenPromote) Builtin() string { return "thread.suspend-then-promote" }

// Builtin implements Canon.
func (*CanonThreadYieldThenPromote) Builtin() string { return "thread.yield-then-promote" }

// Builtin implements Canon.
func (*CanonThreadSpawnRef) Builtin() string { return "thread.spawn-ref" }

// Builtin implements Canon.
func (*CanonThreadSpawnIndirect) Builtin() string { return "thread.spawn-indirect" }

// Builtin implements Canon.
func (*CanonThreadAvailableParallelism) Builtin() string { return "thread.available-parallelism" }

func (*CanonLift) isCanon()                       {}
func (*CanonLower) isCanon()                      {}
func (*CanonResourceNew) isCanon()                {}
func (*CanonResourceDrop) isCanon()               {}
func (*CanonResourceRep) isCanon()                {}
func (*CanonBackpressureInc) isCanon()            {}
func (*CanonBackpressureDec) isCanon()            {}
func (*CanonTaskReturn) isCanon()                 {}
func (*CanonTaskCancel) isCanon()                 {}
func (*CanonContextGet) isCanon()                 {}
func (*CanonContextSet) isCanon()                 {}
func (*CanonSubtaskCancel) isCanon()              {}
func (*CanonSubtaskDrop) isCanon()                {}
func (*CanonStreamNew) isCanon()                  {}
func (*CanonStreamRead) isCanon()                 {}
func (*CanonStreamWrite) isCanon()                {}
func (*CanonStreamCancelRead) isCanon()           {}
func (*CanonStreamCancelWrite) isCanon()          {}
func (*CanonStreamDropReadable) isCanon()         {}
func (*CanonStreamDropWritable) isCanon()         {}
func (*CanonStreamForward) isCanon()              {}
func (*CanonFutureNew) isCanon()                  {}
func (*CanonFutureRead) isCanon()                 {}
func (*CanonFutureWrite) isCanon()                {}
func (*CanonFutureCancelRead) isCanon()           {}
func (*CanonFutureCancelWrite) isCanon()          {}
func (*CanonFutureDropReadable) isCanon()         {}
func (*CanonFutureDropWritable) isCanon()         {}
func (*CanonFutureForward) isCanon()              {}
func (*CanonErrorContextNew) isCanon()            {}
func (*CanonErrorContextDebugMessage) isCanon()   {}
func (*CanonErrorContextDrop) isCanon()           {}
func (*CanonWaitableSetNew) isCanon()             {}
func (*CanonWaitableSetWait) isCanon()            {}
func (*CanonWaitableSetPoll) isCanon()            {}
func (*CanonWaitableSetDrop) isCanon()            {}
func (*CanonWaitableJoin) isCanon()               {}
func (*CanonThreadIndex) isCanon()                {}
func (*CanonThreadNewIndirect) isCanon()          {}
func (*CanonThreadResumeLater) isCanon()          {}
func (*CanonThreadSuspend) isCanon()              {}
func (*CanonThreadYield) isCanon()                {}
func (*CanonThreadSuspendThenResume) isCanon()    {}
func (*CanonThreadYieldThenResume) isCanon()      {}
func (*CanonThreadSuspendThenPromote) isCanon()   {}
func (*CanonThreadYieldThenPromote) isCanon()     {}
func (*CanonThreadSpawnRef) isCanon()             {}
func (*CanonThreadSpawnIndirect) isCanon()        {}
func (*CanonThreadAvailableParallelism) isCanon() {}

func (r *reader) readCanonSection(h SectionHeader) (*CanonSection, error) {
	s := &CanonSection{SectionHeader: h}
	var err error
	s.Funcs, s.Offsets, err = vecWithOffsets(r, "canon", (*reader).readCanon)
	return s, err
}

// readCanon reads a canon.
func (r *reader) readCanon() (Canon, error) {
	off := r.pos
	op, err := r.u8("canon opcode")
	if err != nil {
		return nil, err
	}
	typeIdx := func() (uint32, error) { return r.u32("type index") }
	switch op {
	case 0x00:
		if err := r.expect(0x00, "canon lift sort (must be func)"); err != nil {
			return nil, err
		}
		f, err := r.u32("core function index")
		if err != nil {
			return nil, err
		}
		opts, err := r.readOpts()
		if err != nil {
			return nil, err
		}
		t, err := r.u32("function type index")
		return &CanonLift{CoreFunc: f, Options: opts, Type: t}, err
	case 0x01:
		if err := r.expect(0x00, "canon lower sort (must be func)"); err != nil {
			return nil, err
		}
		f, err := r.u32("function index")
		if err != nil {
			return nil, err
		}
		opts, err := r.readOpts()
		return &CanonLower{Func: f, Options: opts}, err
	case 0x02:
		t, err := r.u32("resource type index")
		return &CanonResourceNew{Resource: t}, err
	case 0x03:
		t, err := r.u32("resource type index")
		return &CanonResourceDrop{Resource: t}, err
	case 0x04:
		t, err := r.u32("resource type index")
		return &CanonResourceRep{Resource: t}, err
	case 0x05:
		return &CanonTaskCancel{}, nil
	case 0x06:
		a, err := r.bool01("async flag")
		return &CanonSubtaskCancel{Async: a}, err
	case 0x07:
		return nil, r.errorf(off, "invalid canon opcode 0x07 (resource.drop async, removed from the component model)")
	case 0x08:
		return nil, r.errorf(off, "invalid canon opcode 0x08 (backpressure.set, removed from the component model)")
	case 0x09:
		res, err := r.readResultList()
		if err != nil {
			return nil, err
		}
		opts, err := r.readOpts()
		return &CanonTaskReturn{Result: res, Options: opts}, err
	case 0x0a, 0x0b:
		t, err := r.readCoreValType()
		if err != nil {
			return nil, err
		}
		i, err := r.u32("context slot")
		if op == 0x0a {
			return &CanonContextGet{Type: t, Slot: i}, err
		}
		return &CanonContextSet{Type: t, Slot: i}, err
	case 0x0c:
		c, err := r.bool01("cancellable flag")
		return &CanonThreadYield{Cancellable: c}, err
	case 0x0d:
		return &CanonSubtaskDrop{}, nil
	case 0x0e:
		t, err := typeIdx()
		return &CanonStreamNew{Type: t}, err
	case 0x0f, 0x10, 0x16, 0x17:
		t, err := typeIdx()
		if err != nil {
			return nil, err
		}
		opts, err := r.readOpts()
		switch op {
		case 0x0f:
			return &CanonStreamRead{Type: t, Options: opts}, err
		case 0x10:
			return &CanonStreamWrite{Type: t, Options: opts}, err
		case 0x16:
			return &CanonFutureRead{Type: t, Options: opts}, err
		default:
			return &CanonFutureWrite{Type: t, Options: opts}, err
		}
	case 0x11, 0x12, 0x18, 0x19:
		t, err := typeIdx()
		if err != nil {
			return nil, err
		}
		a, err := r.bool01("async flag")
		switch op {
		case 0x11:
			return &CanonStreamCancelRead{Type: t, Async: a}, err
		case 0x12:
			return &CanonStreamCancelWrite{Type: t, Async: a}, err
		case 0x18:
			return &CanonFutureCancelRead{Type: t, Async: a}, err
		default:
			return &CanonFutureCancelWrite{Type: t, Async: a}, err
		}
	case 0x13:
		t, err := typeIdx()
		return &CanonStreamDropReadable{Type: t}, err
	case 0x14:
		t, err := typeIdx()
		return &CanonStreamDropWritable{Type: t}, err
	case 0x15:
		t, err := typeIdx()
		return &CanonFutureNew{Type: t}, err
	case 0x1a:
		t, err := typeIdx()
		return &CanonFutureDropReadable{Type: t}, err
	case 0x1b:
		t, err := typeIdx()
		return &CanonFutureDropWritable{Type: t}, err
	case 0x1c:
		opts, err := r.readOpts()
		return &CanonErrorContextNew{Options: opts}, err
	case 0x1d:
		opts, err := r.readOpts()
		return &CanonErrorContextDebugMessage{Options: opts}, err
	case 0x1e:
		return &CanonErrorContextDrop{}, nil
	case 0x1f:
		return &CanonWaitableSetNew{}, nil
	case 0x20, 0x21:
		c, err := r.bool01("cancellable flag")
		if err != nil {
			return nil, err
		}
		m, err := r.u32("core memory index")
		if op == 0x20 {
			return &CanonWaitableSetWait{Cancellable: c, Memory: m}, err
		}
		return &CanonWaitableSetPoll{Cancellable: c, Memory: m}, err
	case 0x22:
		return &CanonWaitableSetDrop{}, nil
	case 0x23:
		return &CanonWaitableJoin{}, nil
	case 0x24:
		return &CanonBackpressureInc{}, nil
	case 0x25:
		return &CanonBackpressureDec{}, nil
	case 0x26:
		return &CanonThreadIndex{}, nil
	case 0x27:
		ft, err := r.u32("core function type index")
		if err != nil {
			return nil, err
		}
		tbl, err := r.u32("core table index")
		return &CanonThreadNewIndirect{FuncType: ft, Table: tbl}, err
	case 0x28:
		return &CanonThreadResumeLater{}, nil
	case 0x29, 0x2a, 0x2b, 0x2c, 0x2d:
		c, err := r.bool01("cancellable flag")
		switch op {
		case 0x29:
			return &CanonThreadSuspend{Cancellable: c}, err
		case 0x2a:
			return &CanonThreadSuspendThenResume{Cancellable: c}, err
		case 0x2b:
			return &CanonThreadYieldThenResume{Cancellable: c}, err
		case 0x2c:
			return &CanonThreadSuspendThenPromote{Cancellable: c}, err
		default:
			return &CanonThreadYieldThenPromote{Cancellable: c}, err
		}
	case 0x2e:
		t, err := typeIdx()
		return &CanonStreamForward{Type: t}, err
	case 0x2f:
		t, err := typeIdx()
		return &CanonFutureForward{Type: t}, err
	case 0x40:
		ft, err := r.u32("core function type index")
		return &CanonThreadSpawnRef{FuncType: ft}, err
	case 0x41:
		ft, err := r.u32("core function type index")
		if err != nil {
			return nil, err
		}
		tbl, err := r.u32("core table index")
		return &CanonThreadSpawnIndirect{FuncType: ft, Table: tbl}, err
	case 0x42:
		return &CanonThreadAvailableParallelism{}, nil
	}
	return nil, r.invalid(off, "canon opcode", op)
}

// readResultList reads a resultlist: 0x00 and a valtype, or 0x01 0x00 for
// no result.
func (r *reader) readResultList() (*ValType, error) {
	off := r.pos
	b, err := r.u8("result list")
	if err != nil {
		return nil, err
	}
	switch b {
	case 0x00:
		t, err := r.readValType()
		if err != nil {
			return nil, err
		}
		return &t, nil
	case 0x01:
		return nil, r.expect(0x00, "empty result list")
	}
	return nil, r.invalid(off, "result list", b)
}

package component

import (
	"context"
	"errors"
	"fmt"

	"github.com/plugwit/plugwit/wit"
)

// This file is the resource part of the Canonical ABI (CanonicalABI.md,
// "Resource State", lift_own, lift_borrow, lower_own, lower_borrow and the
// canon resource.new, resource.rep and resource.drop built-ins): handle
// tables, ownership and borrows.

// ResourceType is a resource type at run time. A component that defines a
// resource gets a new ResourceType per instance; the host defines its own
// with Linker methods (see LinkerInstance.Resource).
type ResourceType struct {
	name  string
	owner *instance                                   // the defining component instance; nil for host types
	dtor  func(ctx context.Context, rep uint32) error // nil when there is none
}

// Name returns the name the type was imported or exported under.
func (t *ResourceType) Name() string { return t.name }

// nameIfAnonymous names a resource type defined without a name (as
// wit-component defines them: `(type (resource (rep i32)))`, named only by
// the export of an instance built from exports) after the first name it is
// exported under.
func (t *ResourceType) nameIfAnonymous(name string) {
	if t != nil && t.name == "" {
		t.name = name
	}
}

// NewResourceType returns a host-defined resource type; dtor, if not nil, is
// called when a component drops an owned handle.
func NewResourceType(name string, dtor func(ctx context.Context, rep uint32) error) *ResourceType {
	return &ResourceType{name: name, dtor: dtor}
}

// Resource is a resource handle passed across the component boundary: the
// resource's type and its representation (for host-defined types, a value
// the host chose; for component-defined types, the component's own rep).
// Own tells an owned handle from a borrowed one.
//
// The host makes Resources of its own types as it likes. A Resource of a
// component-defined type can only come from the component (lifted out of a
// call): the runtime tracks it, so that an owned one is passed back or
// dropped only once, and a borrowed one is used only during the call that
// lent it.
type Resource struct {
	Type *ResourceType
	Rep  uint32
	Own  bool

	tok *resourceToken // for component-defined types
}

func (Resource) isValue() {}

// resourceToken is the host's title to a handle of a component-defined
// resource: live until the host passes an owned handle back or drops it,
// or until the call that lent a borrowed one returns.
type resourceToken struct{ dead bool }

// Drop drops an owned handle the host holds. For a component-defined type
// it runs the resource's destructor in its component instance (a trap is
// returned as a *Trap); for a host type it calls the type's dtor. A handle
// must be dropped at most once, and not after it was passed to a component.
func (r Resource) Drop(ctx context.Context) error {
	rt := r.Type
	if rt == nil {
		return errors.New("drop of a resource handle without a type")
	}
	if !r.Own {
		return fmt.Errorf("drop of a borrowed %s handle", rt.name)
	}
	if rt.owner != nil {
		if r.tok == nil {
			return fmt.Errorf("drop of a %s handle the component did not give the host", rt.name)
		}
		if r.tok.dead {
			return fmt.Errorf("drop of a %s handle that was already dropped or passed on", rt.name)
		}
	}
	if r.tok != nil {
		r.tok.dead = true
	}
	if rt.dtor == nil {
		return nil
	}
	owner := rt.owner
	if owner == nil {
		return rt.dtor(ctx, r.Rep)
	}
	comp := owner.comp.c.name
	fn := "[resource-drop]" + rt.name
	if !owner.mayEnterFrom(nil) {
		return &Trap{Component: comp, Func: fn, Reason: "cannot enter component instance: it is already on the call stack"}
	}
	owner.enterFrom(nil)
	defer owner.leaveTo(nil)
	if err := rt.dtor(ctx, r.Rep); err != nil {
		return &Trap{Component: comp, Func: fn, Reason: "destructor: " + firstLine(err.Error()), Err: err}
	}
	return nil
}

// handle is one entry of a component instance's handle table (the spec's
// ResourceHandle).
type handle struct {
	rt    *ResourceType
	rep   uint32
	own   bool
	lends int    // num_lends: borrows of this handle lent out to calls in progress
	scope uint64 // of a borrowed handle: the task that received it
	live  bool
}

// handleTable is the spec's Table: index 0 is never used.
type handleTable struct {
	entries []handle
	free    []uint32
}

// maxHandles is Table.MAX_LENGTH.
const maxHandles = 1<<28 - 1

func (t *handleTable) add(h handle) uint32 {
	h.live = true
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		t.entries[i] = h
		return i
	}
	if len(t.entries) == 0 {
		t.entries = append(t.entries, handle{}) // index 0 is reserved
	}
	if len(t.entries) > maxHandles {
		trap("too many handles (%d)", len(t.entries))
	}
	t.entries = append(t.entries, h)
	return uint32(len(t.entries) - 1)
}

func (t *handleTable) get(i uint32) *handle {
	h, reason := t.check(i, nil)
	if reason != "" {
		trap("%s", reason)
	}
	return h
}

// check returns the live handle i, of the resource type rt unless rt is
// nil, or why there is none.
func (t *handleTable) check(i uint32, rt *ResourceType) (*handle, string) {
	if i == 0 || int64(i) >= int64(len(t.entries)) || !t.entries[i].live {
		return nil, fmt.Sprintf("unknown handle index %d", i)
	}
	h := &t.entries[i]
	if rt != nil && h.rt != rt {
		return nil, fmt.Sprintf("handle %d is a %s, expected a %s", i, h.rt.name, rt.name)
	}
	return h, ""
}

// movable reports why the handle i may not be moved out of its table as
// an owned handle (lift_own), "" when it may.
func (h *handle) movable(i uint32) string {
	switch {
	case h.lends != 0:
		return fmt.Sprintf("handle %d is lent out (%d borrows) and cannot be moved", i, h.lends)
	case !h.own:
		return fmt.Sprintf("handle %d is borrowed, expected an owned handle", i)
	}
	return ""
}

func (t *handleTable) remove(i uint32) handle {
	h := *t.get(i)
	t.entries[i] = handle{}
	t.free = append(t.free, i)
	return h
}

// resourceType returns the run-time type of a static resource TypeID in
// this instance.
func (inst *instance) resourceType(id wit.TypeID) *ResourceType {
	rt, ok := inst.resources[id]
	if !ok {
		trap("resource type %s has no run-time definition", inst.comp.types.TypeString(id))
	}
	return rt
}

// subtask is the borrow scope of a lowered call (the spec's Subtask): the
// handles lent for its borrow arguments and the tokens of the borrowed
// Resources the host received.
type subtask struct {
	lenders []uint32
	toks    []*resourceToken
}

// deliverResolve returns what the call borrowed (Subtask.deliver_resolve).
// A lent handle cannot be dropped or moved while lent, so its index still
// names it.
func (s *subtask) deliverResolve(inst *instance) {
	for _, i := range s.lenders {
		if h := &inst.handles.entries[i]; h.live && h.lends > 0 {
			h.lends--
		}
	}
	s.lenders = s.lenders[:0]
	for _, t := range s.toks {
		t.dead = true
	}
	s.toks = s.toks[:0]
}

// liftOwn is the spec's lift_own: the handle leaves the guest's table. (The
// spec removes the handle before its checks; as a trap here leaves the
// instance usable, the checks come first.)
func (cx *canonCx) liftOwn(id wit.TypeID, i uint32) Value {
	inst := cx.inst
	rt := inst.resourceType(id)
	h, reason := inst.handles.check(i, rt)
	if reason == "" {
		reason = h.movable(i)
	}
	if reason != "" {
		trap("%s", reason)
	}
	rep := inst.handles.remove(i).rep // (h points into the table: read it first)
	r := Resource{Type: rt, Rep: rep, Own: true}
	if rt.owner != nil {
		r.tok = &resourceToken{}
	}
	return r
}

// liftBorrow is the spec's lift_borrow: the handle stays in the guest's
// table, lent (Subtask.add_lender) until the call returns.
func (cx *canonCx) liftBorrow(id wit.TypeID, i uint32) Value {
	inst := cx.inst
	rt := inst.resourceType(id)
	h, reason := inst.handles.check(i, rt)
	if reason != "" {
		trap("%s", reason)
	}
	r := Resource{Type: rt, Rep: h.rep}
	if cx.lending {
		h.lends++
		cx.sub.lenders = append(cx.sub.lenders, i)
		if rt.owner != nil {
			r.tok = &resourceToken{}
			cx.sub.toks = append(cx.sub.toks, r.tok)
		}
	}
	return r
}

func resourceOf(v Value, rt *ResourceType) Resource {
	r, ok := v.(Resource)
	if !ok {
		badValue("expected a %s resource handle, got %T", rt.name, v)
	}
	if r.Type != rt {
		name := "untyped"
		if r.Type != nil {
			name = r.Type.name
		}
		badValue("expected a %s resource handle, got a %s (resource types are per instance)", rt.name, name)
	}
	if rt.owner != nil {
		if r.tok == nil {
			badValue("a %s handle the component did not give the host", rt.name)
		}
		if r.tok.dead {
			badValue("a %s handle that was dropped, passed on, or borrowed for a call that returned", rt.name)
		}
	}
	return r
}

// lowerOwn is the spec's lower_own: the guest gets a new owned handle, and
// the host's Resource is used up.
func (cx *canonCx) lowerOwn(id wit.TypeID, v Value) uint32 {
	inst := cx.inst
	rt := inst.resourceType(id)
	r := resourceOf(v, rt)
	if !r.Own {
		badValue("expected an owned %s handle, got a borrowed one", rt.name)
	}
	if r.tok != nil {
		r.tok.dead = true
	}
	return inst.handles.add(handle{rt: rt, rep: r.Rep, own: true})
}

// lowerBorrow is the spec's lower_borrow: a component receiving a borrow of
// its own resource gets the rep itself; any other gets a borrowed handle it
// must drop before the call returns.
func (cx *canonCx) lowerBorrow(id wit.TypeID, v Value) uint32 {
	inst := cx.inst
	rt := inst.resourceType(id)
	r := resourceOf(v, rt)
	if rt.owner == inst {
		return r.Rep
	}
	i := inst.handles.add(handle{rt: rt, rep: r.Rep, scope: inst.task})
	inst.borrowed = append(inst.borrowed, i)
	return i
}

// taskMark is what beginTask saves of the enclosing call's borrow scope:
// a call can enter an instance that is already running one (a parent
// component reentered from its child, "donut wrapping").
type taskMark struct {
	task     uint64
	borrowed int
}

// beginTask starts the borrow scope of a call into the instance (the spec's
// Task). Scopes are numbered per instance: a scope is only compared with the
// handles of its own instance's table.
func (inst *instance) beginTask() taskMark {
	m := taskMark{task: inst.task, borrowed: len(inst.borrowed)}
	inst.taskSeq++
	inst.task = inst.taskSeq
	return m
}

// endTask ends the borrow scope begun by beginTask: it reports the borrowed
// handles the guest has not dropped (Task.return_ traps on them), removes
// them, and goes back to the enclosing scope.
func (inst *instance) endTask(m taskMark) error {
	if len(inst.borrowed) == m.borrowed { // nothing was borrowed: the usual case
		inst.task = m.task
		return nil
	}
	return inst.endBorrows(m)
}

// endBorrows is endTask when handles were borrowed in the scope.
func (inst *instance) endBorrows(m taskMark) error {
	left := 0
	for _, i := range inst.borrowed[m.borrowed:] {
		if h := &inst.handles.entries[i]; h.live && !h.own && h.scope == inst.task {
			left++
			inst.handles.remove(i)
		}
	}
	inst.borrowed = inst.borrowed[:m.borrowed]
	inst.task = m.task
	if left > 0 {
		return fmt.Errorf("%d borrowed handle(s) not dropped before the call returned", left)
	}
	return nil
}

// endCall ends the borrow scope of the current call; for calls that do not
// begin one (the typed call path), it cleans up whatever is left.
func (inst *instance) endCall() error {
	return inst.endTask(taskMark{task: inst.task})
}

// resourceNew is canon resource.new.
func (inst *instance) resourceNew(rt *ResourceType, rep uint32) uint32 {
	if inst.noLeave {
		trap("resource.new: cannot leave component instance during post-return or realloc")
	}
	return inst.handles.add(handle{rt: rt, rep: rep, own: true})
}

// resourceRep is canon resource.rep.
func (inst *instance) resourceRep(rt *ResourceType, i uint32) uint32 {
	h := inst.handles.get(i)
	if h.rt != rt {
		trap("resource.rep: handle %d is a %s, expected a %s", i, h.rt.name, rt.name)
	}
	return h.rep
}

// resourceDrop is canon resource.drop: dropping an owned handle runs the
// resource's destructor, in the defining instance.
func (inst *instance) resourceDrop(ctx context.Context, id wit.TypeID, i uint32) {
	if inst.noLeave {
		trap("resource.drop: cannot leave component instance during post-return or realloc")
	}
	rt := inst.resourceType(id)
	h := inst.handles.get(i)
	if h.rt != rt {
		trap("resource.drop: handle %d is a %s, expected a %s", i, h.rt.name, rt.name)
	}
	if h.lends != 0 {
		trap("resource.drop: handle %d is lent out (%d borrows)", i, h.lends)
	}
	dropped := inst.handles.remove(i)
	if !dropped.own || rt.dtor == nil {
		return
	}
	// The destructor is called like an export of its instance (canon lower
	// of a canon lift): entering another instance checks reentrance.
	if owner := rt.owner; owner != nil && owner != inst {
		if !owner.mayEnterFrom(inst) {
			trap("resource.drop: cannot enter the instance defining %s: it is already on the call stack", rt.name)
		}
		owner.enterFrom(inst)
		defer owner.leaveTo(inst)
	}
	if rt.owner == nil {
		// A host destructor sees the dropping instance's host data, as the
		// host's functions do.
		ctx = inst.hostCtx(ctx)
	}
	if err := rt.dtor(ctx, dropped.rep); err != nil {
		panic(&trapError{reason: "resource.drop: destructor of " + rt.name + ": " + firstLine(err.Error()), err: err})
	}
}

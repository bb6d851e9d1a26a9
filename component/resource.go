package component

import (
	"context"
	"fmt"

	"github.com/plugwit/plugwit/wit"
)

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

// NewResourceType returns a host-defined resource type; dtor, if not nil, is
// called when a component drops an owned handle.
func NewResourceType(name string, dtor func(ctx context.Context, rep uint32) error) *ResourceType {
	return &ResourceType{name: name, dtor: dtor}
}

// Resource is a resource handle passed across the component boundary: the
// resource's type and its representation (for host-defined types, a value
// the host chose; for component-defined types, the component's own rep).
// Own tells an owned handle from a borrowed one.
type Resource struct {
	Type *ResourceType
	Rep  uint32
	Own  bool
}

func (Resource) isValue() {}

// handle is one entry of a component instance's handle table (the spec's
// ResourceHandle).
type handle struct {
	rt    *ResourceType
	rep   uint32
	own   bool
	lends int // borrows of this own handle currently lent out
	live  bool
}

// handleTable is the spec's Table: index 0 is never used.
type handleTable struct {
	entries []handle
	free    []uint32
}

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
	if len(t.entries) >= 1<<28 {
		trap("too many handles (%d)", len(t.entries))
	}
	t.entries = append(t.entries, h)
	return uint32(len(t.entries) - 1)
}

func (t *handleTable) get(i uint32) *handle {
	if i == 0 || int(i) >= len(t.entries) || !t.entries[i].live {
		trap("unknown handle index %d", i)
	}
	return &t.entries[i]
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

// liftOwn is the spec's lift_own: the handle leaves the guest's table.
func (inst *instance) liftOwn(id wit.TypeID, i uint32) Value {
	rt := inst.resourceType(id)
	h := inst.handles.get(i)
	if h.rt != rt {
		trap("handle %d is a %s, expected a %s", i, h.rt.name, rt.name)
	}
	if !h.own {
		trap("handle %d is borrowed, expected an owned handle", i)
	}
	if h.lends != 0 {
		trap("handle %d is lent out (%d borrows) and cannot be moved", i, h.lends)
	}
	inst.handles.remove(i)
	return Resource{Type: rt, Rep: h.rep, Own: true}
}

// liftBorrow is the spec's lift_borrow.
func (inst *instance) liftBorrow(id wit.TypeID, i uint32) Value {
	rt := inst.resourceType(id)
	h := inst.handles.get(i)
	if h.rt != rt {
		trap("handle %d is a %s, expected a %s", i, h.rt.name, rt.name)
	}
	if h.own {
		h.lends++
		inst.lent = append(inst.lent, i)
	}
	return Resource{Type: rt, Rep: h.rep}
}

func resourceOf(v Value, rt *ResourceType) Resource {
	r, ok := v.(Resource)
	if !ok {
		badValue("expected a %s resource handle, got %T", rt.name, v)
	}
	if r.Type != rt {
		badValue("expected a %s resource handle, got a %s", rt.name, r.Type.name)
	}
	return r
}

// lowerOwn is the spec's lower_own: the guest gets a new owned handle.
func (inst *instance) lowerOwn(id wit.TypeID, v Value) uint32 {
	rt := inst.resourceType(id)
	r := resourceOf(v, rt)
	if !r.Own {
		badValue("expected an owned %s handle, got a borrowed one", rt.name)
	}
	return inst.handles.add(handle{rt: rt, rep: r.Rep, own: true})
}

// lowerBorrow is the spec's lower_borrow: a component receiving a borrow of
// its own resource gets the rep itself.
func (inst *instance) lowerBorrow(id wit.TypeID, v Value) uint32 {
	rt := inst.resourceType(id)
	r := resourceOf(v, rt)
	if rt.owner == inst {
		return r.Rep
	}
	i := inst.handles.add(handle{rt: rt, rep: r.Rep})
	inst.borrowed = append(inst.borrowed, i)
	return i
}

// endCall releases what a call lent out and checks that the guest dropped
// the borrows it was given.
func (inst *instance) endCall() error {
	for _, i := range inst.lent {
		if int(i) < len(inst.handles.entries) && inst.handles.entries[i].lends > 0 {
			inst.handles.entries[i].lends--
		}
	}
	inst.lent = inst.lent[:0]
	var err error
	for _, i := range inst.borrowed {
		if int(i) < len(inst.handles.entries) && inst.handles.entries[i].live && !inst.handles.entries[i].own {
			err = fmt.Errorf("borrowed handle %d was not dropped before the call returned", i)
			inst.handles.remove(i)
		}
	}
	inst.borrowed = inst.borrowed[:0]
	return err
}

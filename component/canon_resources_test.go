package component

import (
	"bytes"
	"context"
	"testing"
)

// The tests in this file run testdata/canon-resources.wat.

const resourcesFixture = "canon-resources.wasm"

// resources is the canon-resources fixture with a host resource type whose
// reps are the numbers the host makes and whose destructor records them.
type resources struct {
	*fixture
	hres    *ResourceType
	dropped []uint32
}

func newResources(t *testing.T) *resources {
	r := &resources{}
	r.hres = NewResourceType("hres", func(ctx context.Context, rep uint32) error {
		r.dropped = append(r.dropped, rep)
		return nil
	})
	r.fixture = newFixture(t, resourcesFixture, func(f *fixture) {
		f.l.Root().Resource("hres", r.hres)
		f.hooks["host-make"] = func(ctx context.Context, args []Value) (Value, error) {
			return Resource{Type: r.hres, Rep: uint32(args[0].(U32)), Own: true}, nil
		}
		f.hooks["host-read"] = func(ctx context.Context, args []Value) (Value, error) {
			return U32(args[0].(Resource).Rep), nil
		}
		f.hooks["host-take"] = func(ctx context.Context, args []Value) (Value, error) {
			return U32(args[0].(Resource).Rep), nil
		}
		f.hooks["host-string"] = func(ctx context.Context, args []Value) (Value, error) {
			return String("str"), nil
		}
	})
	return r
}

func (r *resources) dtorLog() (calls, last uint32) {
	r.t.Helper()
	v := r.mustCall("dtor-log").(Tuple)
	return uint32(v[0].(U32)), uint32(v[1].(U32))
}

func (r *resources) wantDropped(want ...uint32) {
	r.t.Helper()
	if len(r.dropped) != len(want) || (len(want) > 0 && !bytes.Equal(u32bytes(r.dropped), u32bytes(want))) {
		r.t.Errorf("host destructor calls %v, want %v", r.dropped, want)
	}
	r.dropped = nil
}

func u32bytes(v []uint32) []byte {
	var b []byte
	for _, x := range v {
		b = append(b, le32(x)...)
	}
	return b
}

// TestResourceGuestDefined: resource.new/rep/drop, an own handle out to the
// host and back in, a borrow of it in, the destructor on drop.
func TestResourceGuestDefined(t *testing.T) {
	r := newResources(t)
	c1 := r.mustCall("make-counter", U32(7)).(Resource)
	if !c1.Own || c1.Rep != 7 || c1.Type == nil || c1.Type.Name() != "counter" {
		t.Fatalf("make-counter = %+v", c1)
	}
	// The handle left the guest's table: index 1 is free again.
	r.trapCall("counter-rep-raw", []string{"unknown handle index 1"}, U32(1))
	// A borrow of the component's own resource arrives as the rep itself,
	// and the host's own handle stays usable.
	wantValue(t, "counter-get", r.mustCall("counter-get", c1), U32(7))
	wantValue(t, "counter-get", r.mustCall("counter-get", c1), U32(7))
	// Passed back in and dropped by the guest: the destructor runs.
	wantValue(t, "consume-counter", r.mustCall("consume-counter", c1), U32(7))
	if calls, last := r.dtorLog(); calls != 1 || last != 7 {
		t.Errorf("destructor log (%d calls, last %d), want (1, 7)", calls, last)
	}
	// The host's handle was moved: it cannot be used again.
	if _, err := r.call("consume-counter", c1); err == nil || isTrap(err) {
		t.Errorf("passing a moved handle again: err = %v, want a plain error", err)
	}
	if _, err := r.call("counter-get", c1); err == nil || isTrap(err) {
		t.Errorf("borrowing a moved handle: err = %v, want a plain error", err)
	}
	if err := c1.Drop(r.ctx); err == nil {
		t.Errorf("dropping a moved handle: no error")
	}

	// Kept by the guest, then handed out again through an export result.
	c2 := r.mustCall("make-counter", U32(8)).(Resource)
	h := uint32(r.mustCall("keep-counter", c2).(U32))
	wantValue(t, "counter-rep-raw", r.mustCall("counter-rep-raw", U32(h)), U32(8))
	c3 := r.mustCall("counter-own-raw", U32(h)).(Resource)
	if c3.Rep != 8 || !c3.Own {
		t.Fatalf("counter-own-raw = %+v", c3)
	}
	// The host drops it: the destructor runs in the guest.
	if err := c3.Drop(r.ctx); err != nil {
		t.Fatal(err)
	}
	if calls, last := r.dtorLog(); calls != 2 || last != 8 {
		t.Errorf("destructor log (%d calls, last %d), want (2, 8)", calls, last)
	}
	if err := c3.Drop(r.ctx); err == nil {
		t.Errorf("dropping twice: no error")
	}
	// A forged Resource of the component's type is refused.
	forged := Resource{Type: c3.Type, Rep: 1234, Own: true}
	if _, err := r.call("consume-counter", forged); err == nil || isTrap(err) {
		t.Errorf("forged handle: err = %v, want a plain error", err)
	}
	// Dropped by the guest without moving: resource.drop in the guest.
	c4 := r.mustCall("make-counter", U32(9)).(Resource)
	h = uint32(r.mustCall("keep-counter", c4).(U32))
	r.mustCall("counter-drop-raw", U32(h))
	if calls, last := r.dtorLog(); calls != 3 || last != 9 {
		t.Errorf("destructor log (%d calls, last %d), want (3, 9)", calls, last)
	}
}

func isTrap(err error) bool {
	_, ok := err.(*Trap)
	return ok
}

// TestResourceHostDefined: own handles of a host resource given to the guest
// and dropped by it, borrows passed in, handles made by the host for the
// guest, and own handles the guest gives back.
func TestResourceHostDefined(t *testing.T) {
	r := newResources(t)
	// own in, borrowed by the guest for an import, then dropped: the lend
	// ends when the import returns, and the drop runs the host destructor.
	wantValue(t, "take-hres", r.mustCall("take-hres", Resource{Type: r.hres, Rep: 11, Own: true}), U32(11))
	r.wantDropped(11)
	if got := r.got["host-read"]; len(got) != 1 || got[0].(Resource).Own || got[0].(Resource).Rep != 11 {
		t.Errorf("host-read got %v", got)
	}
	// borrow in: the guest gets a borrowed handle, passes it on, drops it.
	wantValue(t, "borrow-hres", r.mustCall("borrow-hres", Resource{Type: r.hres, Rep: 12}), U32(12))
	r.wantDropped()
	// A borrow may be passed from an owned Resource too.
	wantValue(t, "borrow-hres", r.mustCall("borrow-hres", Resource{Type: r.hres, Rep: 13, Own: true}), U32(13))
	r.wantDropped()
	// The guest must drop a borrowed handle before returning.
	r.trapCall("borrow-hres-keep", []string{"borrowed handle", "not dropped"}, Resource{Type: r.hres, Rep: 14})
	r.wantDropped()

	// Handles the host makes for the guest (import result: lower_own).
	h := uint32(r.mustCall("make-hres", U32(21)).(U32))
	wantValue(t, "hres-read-raw", r.mustCall("hres-read-raw", U32(h)), U32(21))
	wantValue(t, "hres-read-raw", r.mustCall("hres-read-raw", U32(h)), U32(21))
	r.mustCall("hres-drop-raw", U32(h))
	r.wantDropped(21)
	// ... given back through an import (lift_own): the host owns it, no
	// destructor call.
	h = uint32(r.mustCall("make-hres", U32(22)).(U32))
	wantValue(t, "hres-give-raw", r.mustCall("hres-give-raw", U32(h)), U32(22))
	if got := r.got["host-take"]; len(got) != 1 || !got[0].(Resource).Own || got[0].(Resource).Rep != 22 {
		t.Errorf("host-take got %v", got)
	}
	r.trapCall("hres-read-raw", []string{"unknown handle"}, U32(h))
	r.wantDropped()
	// ... given back through an export result.
	h = uint32(r.mustCall("make-hres", U32(23)).(U32))
	wantValue(t, "hres-own-raw", r.mustCall("hres-own-raw", U32(h)), Resource{Type: r.hres, Rep: 23, Own: true})
	r.wantDropped()
	// ... kept, then read and dropped in one call.
	h = uint32(r.mustCall("keep-hres", Resource{Type: r.hres, Rep: 24, Own: true}).(U32))
	wantValue(t, "hres-read-and-drop-raw", r.mustCall("hres-read-and-drop-raw", U32(h)), U32(24))
	r.wantDropped(24)
}

// TestResourceTraps: forged, dropped, foreign and lent handles.
func TestResourceTraps(t *testing.T) {
	r := newResources(t)
	hres := uint32(r.mustCall("make-hres", U32(31)).(U32))
	c := r.mustCall("make-counter", U32(32)).(Resource)
	counter := uint32(r.mustCall("keep-counter", c).(U32))

	r.trapCall("counter-rep-raw", []string{"unknown handle index 0"}, U32(0))
	r.trapCall("counter-rep-raw", []string{"unknown handle index 99"}, U32(99))
	r.trapCall("counter-rep-raw", []string{"unknown handle index 4294967295"}, U32(0xffffffff))
	r.trapCall("counter-drop-raw", []string{"unknown handle"}, U32(1<<28))
	// the handle of another resource type
	r.trapCall("counter-rep-raw", []string{"is a hres, expected a counter"}, U32(hres))
	r.trapCall("counter-drop-raw", []string{"is a hres, expected a counter"}, U32(hres))
	r.trapCall("hres-drop-raw", []string{"is a counter, expected a hres"}, U32(counter))
	r.trapCall("hres-read-raw", []string{"import host-read", "is a counter, expected a hres"}, U32(counter))
	r.trapCall("counter-own-raw", []string{"is a hres, expected a counter"}, U32(hres))
	r.trapCall("hres-give-raw", []string{"import host-take", "is a counter"}, U32(counter))
	// the same handle borrowed and moved in one call: lent, it cannot move
	r.trapCall("hres-lend-own-raw", []string{"import host-lend-own", "lent out"}, U32(hres))
	// dropped handles
	r.mustCall("counter-drop-raw", U32(counter))
	r.trapCall("counter-drop-raw", []string{"unknown handle"}, U32(counter))
	r.trapCall("counter-rep-raw", []string{"unknown handle"}, U32(counter))
	r.trapCall("counter-own-raw", []string{"unknown handle"}, U32(counter))
	// The table still works: a new handle reuses the freed index.
	c = r.mustCall("make-counter", U32(33)).(Resource)
	if got := uint32(r.mustCall("keep-counter", c).(U32)); got != counter {
		t.Errorf("the freed index %d was not reused (got %d)", counter, got)
	}
	wantValue(t, "hres still alive", r.mustCall("hres-read-raw", U32(hres)), U32(31))
	r.wantDropped()

	// A borrowed handle cannot be moved out as an owned one.
	r.trapCall("borrow-to-own", []string{"borrowed, expected an owned handle"}, Resource{Type: r.hres, Rep: 34})
	r.wantDropped()
	// Handles of a foreign instance are refused (host error).
	other := r.instantiate()
	oc, err := other.Func("make-counter").Call(r.ctx, U32(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.call("consume-counter", oc); err == nil || isTrap(err) {
		t.Errorf("a handle of another instance: err = %v, want a plain error", err)
	}
	if _, err := r.call("counter-get", oc); err == nil || isTrap(err) {
		t.Errorf("a borrow of another instance's handle: err = %v, want a plain error", err)
	}
	if _, err := r.call("take-hres", Resource{Type: NewResourceType("hres", nil), Rep: 1, Own: true}); err == nil || isTrap(err) {
		t.Errorf("a handle of another host type named hres: err = %v, want a plain error", err)
	}
	if _, err := r.call("take-hres", Resource{Type: r.hres, Rep: 1}); err == nil || isTrap(err) {
		t.Errorf("a borrowed handle as own: err = %v, want a plain error", err)
	}
	if _, err := r.call("take-hres", U32(1)); err == nil || isTrap(err) {
		t.Errorf("not a handle: err = %v, want a plain error", err)
	}
	r.healthy()
}

// TestResourceBorrowLifetime: a borrow the host received during an import
// call is dead once the call returns; a handle lent to an import is free
// again once it returns.
func TestResourceBorrowLifetime(t *testing.T) {
	r := newResources(t)
	h := uint32(r.mustCall("make-hres", U32(41)).(U32))
	var borrowed Resource
	r.hooks["host-read"] = func(ctx context.Context, args []Value) (Value, error) {
		borrowed = args[0].(Resource)
		return U32(borrowed.Rep), nil
	}
	wantValue(t, "hres-read-raw", r.mustCall("hres-read-raw", U32(h)), U32(41))
	// The lend ended with the call: the guest can move and drop the handle.
	r.mustCall("hres-drop-raw", U32(h))
	r.wantDropped(41)
	if borrowed.Own || borrowed.Rep != 41 {
		t.Errorf("borrowed = %+v", borrowed)
	}
}

// TestResourceReentrance: a host import calling back into the instance
// traps; so does an import called during post-return or realloc (may_leave).
func TestResourceReentrance(t *testing.T) {
	r := newResources(t)
	var inner error
	r.hooks["reenter"] = func(ctx context.Context, args []Value) (Value, error) {
		_, inner = r.inst.Func("echo-u32").Call(ctx, U32(1))
		return nil, inner
	}
	_, err := r.call("call-reenter")
	wantTrap(t, inner, resourcesFixture, "echo-u32", "cannot enter component instance")
	tr := wantTrap(t, err, resourcesFixture, "call-reenter", "import reenter", "cannot enter component instance")
	if tr != nil && tr.Err != inner {
		t.Errorf("the trap does not wrap the inner one: %v", tr.Err)
	}
	r.healthy()
	// Dropping a component-defined resource from the host while the
	// instance is on the stack traps too (the destructor is a call into it).
	c := r.mustCall("make-counter", U32(5)).(Resource)
	var dropErr error
	r.hooks["reenter"] = func(ctx context.Context, args []Value) (Value, error) {
		dropErr = c.Drop(ctx)
		return nil, nil
	}
	r.mustCall("call-reenter")
	wantTrap(t, dropErr, resourcesFixture, "[resource-drop]counter", "cannot enter component instance")
	delete(r.hooks, "reenter")

	// may_leave
	r.trapCall("post-return-import", []string{"post-return", "cannot leave"}, U32(1))
	r.trapCall("post-return-new", []string{"post-return", "cannot leave"}, U32(1))
	h := uint32(r.mustCall("make-hres", U32(51)).(U32))
	r.trapCall("drop-in-realloc", []string{"import host-string", "realloc", "cannot leave"}, U32(h))
	// The handle is still there and can be dropped now.
	wantValue(t, "hres-read-raw", r.mustCall("hres-read-raw", U32(h)), U32(51))
	r.mustCall("hres-drop-raw", U32(h))
	r.wantDropped(51)
}

// TestResourceDestructorErrors: a host destructor's error traps the guest
// that dropped the handle.
func TestResourceDestructorErrors(t *testing.T) {
	r := newResources(t)
	fail := NewResourceType("hres", func(ctx context.Context, rep uint32) error { return errBoom })
	r2 := newFixture(t, resourcesFixture, func(f *fixture) {
		f.l.Root().Resource("hres", fail)
		f.hooks["host-read"] = func(ctx context.Context, args []Value) (Value, error) {
			return U32(args[0].(Resource).Rep), nil
		}
	})
	_, err := r2.call("take-hres", Resource{Type: fail, Rep: 1, Own: true})
	wantTrap(t, err, resourcesFixture, "take-hres", "resource.drop", "destructor of hres", "boom")
	r2.healthy()
	r.healthy()
}

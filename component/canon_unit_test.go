package component

import (
	"context"
	"testing"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// newUnitCx returns a canonCx over a small fake memory for the types of r:
// [0, 128) for data the test writes, realloc allocating from 128.
func newUnitCx(r *wit.Resolve, enc types.StringEncoding) (*canonCx, *fakeMemory) {
	mem := &fakeMemory{buf: make([]byte, 1024)}
	return &canonCx{ctx: context.Background(), r: r, abi: wit.NewABI(r), mem: mem, realloc: &bumpRealloc{mem: mem, next: 128}, enc: enc}, mem
}

// TestCanonAliasOfPrimitive: a type defined as a primitive (`type t = u32`,
// `(type (eq u32))`) lifts and lowers like the primitive, also through
// aliases of aliases.
func TestCanonAliasOfPrimitive(t *testing.T) {
	r := &wit.Resolve{}
	r.Types = append(r.Types,
		&wit.TypeDef{Name: "my-u32", Kind: &wit.Alias{Type: wit.U32}},
		&wit.TypeDef{Name: "my-string", Kind: &wit.Alias{Type: wit.String}},
		&wit.TypeDef{Name: "my-string2", Kind: &wit.Alias{Type: wit.TypeID(1)}},
		&wit.TypeDef{Kind: &wit.List{Elem: wit.TypeID(0)}},
	)
	cx, _ := newUnitCx(r, types.UTF8)
	for _, c := range []struct {
		t wit.Type
		v Value
	}{
		{wit.TypeID(0), U32(7)},
		{wit.TypeID(1), String("one")},
		{wit.TypeID(2), String("two")},
		{wit.TypeID(3), List{U32(1), U32(2)}},
	} {
		var got Value
		if te := tryCanon(func() { got = cx.liftFlat(c.t, &flatIter{vals: cx.lowerFlat(c.v, c.t, nil)}) }); te != nil {
			t.Fatalf("%s: flat: %s", r.TypeString(c.t), te.reason)
		}
		wantValue(t, r.TypeString(c.t)+" flat", got, c.v)
		if te := tryCanon(func() { cx.store(c.v, c.t, 0); got = cx.load(c.t, 0) }); te != nil {
			t.Fatalf("%s: memory: %s", r.TypeString(c.t), te.reason)
		}
		wantValue(t, r.TypeString(c.t)+" memory", got, c.v)
	}
}

// TestCanonBorrowedTokens: a borrow of a component-defined resource that the
// host receives (lift_borrow in an import call) is usable during the call
// only; a lifted owned handle is usable once.
func TestCanonBorrowedTokens(t *testing.T) {
	r := &wit.Resolve{}
	r.Types = append(r.Types,
		&wit.TypeDef{Name: "res", Kind: &wit.Resource{}},
		&wit.TypeDef{Kind: &wit.Borrow{Resource: 0}},
		&wit.TypeDef{Kind: &wit.Own{Resource: 0}},
	)
	owner := &instance{resources: map[wit.TypeID]*ResourceType{}}
	other := &instance{resources: map[wit.TypeID]*ResourceType{}}
	rt := &ResourceType{name: "res", owner: owner}
	owner.resources[0], other.resources[0] = rt, rt
	cx, _ := newUnitCx(r, types.UTF8)
	cx.inst, cx.lending = other, true
	own := other.handles.add(handle{rt: rt, rep: 42, own: true})

	var b Value
	if te := tryCanon(func() { b = cx.liftFlat(wit.TypeID(1), &flatIter{vals: []uint64{uint64(own)}}) }); te != nil {
		t.Fatal(te.reason)
	}
	// During the call: the handle is lent, it can be passed on as a borrow.
	if te := tryCanon(func() { other.resourceDrop(context.Background(), 0, own) }); te == nil {
		t.Errorf("dropping a lent handle did not trap")
	}
	if te := tryCanon(func() { cx.liftOwn(0, own) }); te == nil {
		t.Errorf("moving a lent handle did not trap")
	}
	ocx := *cx
	ocx.inst = owner
	var rep uint32
	if te := tryCanon(func() { rep = ocx.lowerBorrow(0, b) }); te != nil || rep != 42 {
		t.Errorf("passing the borrow on to the owner: rep %d, %v", rep, te)
	}
	// After the call: the lend ends and the borrow is dead.
	cx.sub.deliverResolve(other)
	if h := other.handles.get(own); h.lends != 0 {
		t.Errorf("lends = %d after the call", h.lends)
	}
	err := catch("c", "f", func() { ocx.lowerBorrow(0, b) })
	if err == nil || isTrap(err) {
		t.Errorf("a borrow used after its call: err = %v, want a plain error", err)
	}
	// An owned handle lifted once is passed back once.
	var o Value
	if te := tryCanon(func() { o = cx.liftOwn(0, own) }); te != nil {
		t.Fatal(te.reason)
	}
	if tryCanon(func() { ocx.lowerOwn(0, o) }) != nil {
		t.Fatal("lowering the owned handle trapped")
	}
	if err := catch("c", "f", func() { ocx.lowerOwn(0, o) }); err == nil || isTrap(err) {
		t.Errorf("an owned handle passed twice: err = %v, want a plain error", err)
	}
}

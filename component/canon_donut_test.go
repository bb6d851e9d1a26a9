package component

import (
	"context"
	"testing"
)

// TestReentranceDonut runs testdata/canon-donut.wat: entering a parent
// instance from its child is allowed (may_enter_from subtracts the
// instances the caller is already in), entering an instance already on the
// stack traps, from the parent as from the host.
func TestReentranceDonut(t *testing.T) {
	const name = "canon-donut.wasm"
	var logged []uint32
	var reenter func(ctx context.Context) error
	f := newFixture(t, name, func(f *fixture) {
		f.hooks["host-log"] = func(ctx context.Context, args []Value) (Value, error) {
			logged = append(logged, uint32(args[0].(U32)))
			if reenter != nil {
				return nil, reenter(ctx)
			}
			return nil, nil
		}
	})
	// host -> parent -> child -> parent's cb -> host
	wantValue(t, "run(5)", f.mustCall("run", U32(5)), U32(1006))
	// host -> child (entering the parent too) -> parent's cb
	wantValue(t, "child-run(7)", f.mustCall("child-run", U32(7)), U32(1008))
	if len(logged) != 2 || logged[0] != 5 || logged[1] != 7 {
		t.Errorf("host-log calls %v, want [5 7]", logged)
	}
	// parent's cb calling the child again, which is on the stack
	_, err := f.call("run", U32(1))
	wantTrap(t, err, name, "run", "cannot enter component instance")
	// the host calling in while the parent or the child is on the stack
	for _, fn := range []string{"run", "child-run"} {
		var inner error
		reenter = func(ctx context.Context) error {
			_, inner = f.inst.Func(fn).Call(ctx, U32(3))
			return inner
		}
		_, err := f.call("child-run", U32(9))
		wantTrap(t, inner, name, fn, "cannot enter component instance")
		wantTrap(t, err, name, "child-run", "import host-log", "cannot enter component instance")
		reenter = nil
	}
	wantValue(t, "run(5) after the traps", f.mustCall("run", U32(5)), U32(1006))
}

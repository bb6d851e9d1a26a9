package wasi

import (
	"context"
	"math"

	"github.com/plugwit/plugwit/component"
)

func (h *host) clocksMonotonic() *iface {
	in := h.newIface("wasi:clocks/monotonic-clock", kindPollable)
	in.funcs["now"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return component.U64(h.monotonic()), nil
	}
	in.funcs["resolution"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return component.U64(1), nil
	}
	in.funcs["subscribe-instant"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		when, err := u64Arg(args, 0)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(&timer{h: h, when: when})
	}
	in.funcs["subscribe-duration"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		d, err := u64Arg(args, 0)
		if err != nil {
			return nil, err
		}
		now := h.monotonic()
		when := uint64(math.MaxUint64)
		if d <= math.MaxUint64-now {
			when = now + d
		}
		return h.pollableValue(&timer{h: h, when: when})
	}
	return in
}

func datetime(seconds uint64, nanos uint32) component.Value {
	return component.Record{{Name: "seconds", Value: component.U64(seconds)}, {Name: "nanoseconds", Value: component.U32(nanos)}}
}

func (h *host) clocksWall() *iface {
	in := h.newIface("wasi:clocks/wall-clock")
	in.funcs["now"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		t := h.wallClock()
		if t.Unix() < 0 {
			return datetime(0, 0), nil
		}
		return datetime(uint64(t.Unix()), uint32(t.Nanosecond())), nil
	}
	in.funcs["resolution"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return datetime(0, 1), nil
	}
	return in
}

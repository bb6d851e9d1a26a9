package wasi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/plugwit/plugwit/component"
)

// waitable is what a pollable waits for: a stream becoming readable or
// writable, a clock reaching an instant. It is the extension point for the
// pollables of later interfaces (sockets, HTTP bodies): implement ready,
// and watch for readiness that changes on another goroutine.
type waitable interface {
	// ready reports, without blocking, whether the event has happened. It
	// may start the work that will make it happen (a read ahead).
	ready() bool
	// watch asks for a (non-blocking) send on ch whenever readiness may
	// have changed, until stop is called. Waitables that change only by
	// time passing return a nil stop.
	watch(ch chan struct{}) (stop func())
}

// timer is the waitable of the monotonic clock's pollables: ready once the
// clock reaches when.
type timer struct {
	h    *host
	when uint64
}

func (t *timer) ready() bool                       { return t.h.monotonic() >= t.when }
func (t *timer) watch(chan struct{}) (stop func()) { return nil }

// always is the waitable of something that is always ready.
type always struct{}

func (always) ready() bool                       { return true }
func (always) watch(chan struct{}) (stop func()) { return nil }

// signal is a set of channels to wake when a waitable's readiness changes.
type signal struct {
	mu    sync.Mutex
	chans map[chan struct{}]struct{}
}

func (s *signal) watch(ch chan struct{}) (stop func()) {
	s.mu.Lock()
	if s.chans == nil {
		s.chans = map[chan struct{}]struct{}{}
	}
	s.chans[ch] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.chans, ch)
		s.mu.Unlock()
	}
}

func (s *signal) notify() {
	s.mu.Lock()
	for ch := range s.chans {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	s.mu.Unlock()
}

// pollable is the object behind a pollable handle.
type pollable struct{ w waitable }

// maxPollList bounds the list poll takes (the spec traps beyond what a u32
// indexes; a host has a lower, practical bound).
const maxPollList = 1 << 16

// poll waits until at least one of ws is ready and returns the indices of
// the ready ones, in order. It blocks the calling goroutine; cancelling
// ctx ends the wait with ctx's error.
func (h *host) poll(ctx context.Context, ws []waitable) ([]uint32, error) {
	if len(ws) == 0 {
		return nil, errors.New("poll: the list of pollables is empty")
	}
	if len(ws) > maxPollList {
		return nil, fmt.Errorf("poll: %d pollables, more than the limit of %d", len(ws), maxPollList)
	}
	var wake chan struct{}
	var stops []func()
	var tm *time.Timer
	defer func() {
		for _, stop := range stops {
			stop()
		}
		if tm != nil {
			tm.Stop()
		}
	}()
	for {
		var ready []uint32
		for i, w := range ws {
			if w.ready() {
				ready = append(ready, uint32(i))
			}
		}
		if len(ready) > 0 {
			return ready, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("poll: %w", err)
		}
		if wake == nil {
			// Watch once; a wake-up that arrives while checking readiness
			// stays in the channel, so none is lost.
			wake = make(chan struct{}, 1)
			for _, w := range ws {
				if stop := w.watch(wake); stop != nil {
					stops = append(stops, stop)
				}
			}
			continue // readiness may have changed before watching began
		}
		// The earliest timer, if any.
		var timeout <-chan time.Time
		if d, ok := h.untilEarliest(ws); ok {
			if tm == nil {
				tm = time.NewTimer(d)
			} else {
				tm.Reset(d)
			}
			timeout = tm.C
		}
		select {
		case <-wake:
		case <-timeout:
		case <-ctx.Done():
		}
		if tm != nil && !tm.Stop() {
			select { // drain a fired timer before the next Reset
			case <-tm.C:
			default:
			}
		}
	}
}

// untilEarliest is how long to sleep until the earliest timer among ws.
func (h *host) untilEarliest(ws []waitable) (time.Duration, bool) {
	found := false
	var when uint64 = math.MaxUint64
	for _, w := range ws {
		if t, ok := w.(*timer); ok {
			found = true
			when = min(when, t.when)
		}
	}
	if !found {
		return 0, false
	}
	now := h.monotonic()
	d := time.Duration(math.MaxInt64)
	if when > now && when-now < uint64(math.MaxInt64) {
		d = time.Duration(when - now)
	} else if when <= now {
		d = 0
	}
	if h.injected && d < time.Millisecond {
		d = time.Millisecond // an injected clock may advance only when read: do not spin
	}
	return d, true
}

// pollableValue returns a new pollable handle waiting for w.
func (h *host) pollableValue(w waitable) (component.Value, error) {
	return h.newResource(kindPollable, &pollable{w: w})
}

func (h *host) ioPoll() *iface {
	in := h.newIface("wasi:io/poll", kindPollable)
	in.funcs["[method]pollable.ready"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		p, err := resourceArg[*pollable](h, args, 0, kindPollable)
		if err != nil {
			return nil, err
		}
		return component.Bool(p.w.ready()), nil
	}
	in.funcs["[method]pollable.block"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		p, err := resourceArg[*pollable](h, args, 0, kindPollable)
		if err != nil {
			return nil, err
		}
		_, err = h.poll(ctx, []waitable{p.w})
		return nil, err
	}
	in.funcs["poll"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("expected 1 argument, got %d", len(args))
		}
		list, ok := args[0].(component.List)
		if !ok {
			return nil, fmt.Errorf("argument 0: expected a list<borrow<pollable>>, got %T", args[0])
		}
		ws := make([]waitable, len(list))
		for i := range list {
			p, err := resourceArg[*pollable](h, list, i, kindPollable)
			if err != nil {
				return nil, fmt.Errorf("poll: element %w", err)
			}
			ws[i] = p.w
		}
		ready, err := h.poll(ctx, ws)
		if err != nil {
			return nil, err
		}
		out := make(component.List, len(ready))
		for i, r := range ready {
			out[i] = component.U32(r)
		}
		return out, nil
	}
	return in
}

package bench

import (
	"bytes"
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
)

// The implementations a workload runs on:
//
//   - raw-wazero: the core module on raw wazero, api.Function.CallWithStack
//     with the Canonical ABI written by hand — the floor;
//   - plugwit-dynamic: the component on plugwit, Func.Call with Values;
//   - plugwit-typed: the component on plugwit's typed call path
//     (Func.Begin, Params, Results.Finish), what generated bindings use.
const (
	implRaw     = "raw-wazero"
	implDynamic = "plugwit-dynamic"
	implTyped   = "plugwit-typed"
)

// setup makes an instance for impl and returns the workload's operations
// on it; ok is false for an implementation that does not exist yet.
func (w workload) setup(tb testing.TB, impl string, cfg wazero.RuntimeConfig) (o op, v verify, ok bool) {
	switch impl {
	case implRaw:
		o, v = w.raw(tb, newRawEnv(tb, cfg))
	case implDynamic:
		o, v = w.dyn(tb, newDynEnv(tb, cfg, false))
	case implTyped:
		// PLUGWIT-TYPED: the runtime's typed call path, written by hand as
		// generated bindings would write it. When bindgen exists, a
		// plugwit-bindgen implementation from the workloads' world goes
		// beside it.
		if w.typed == nil {
			return nil, nil, false
		}
		o, v = w.typed(tb, newDynEnv(tb, cfg, true))
	default:
		tb.Fatalf("unknown implementation %q", impl)
	}
	return o, v, true
}

var impls = []string{implRaw, implDynamic, implTyped}

// TestWorkloads runs every workload on every implementation a few times
// and checks each result: the benchmarks' correctness checks as a test.
func TestWorkloads(t *testing.T) {
	ctx := context.Background()
	for _, w := range workloads {
		for _, impl := range impls {
			t.Run(w.name+"/"+impl, func(t *testing.T) {
				_, v, ok := w.setup(t, impl, wazeroConfig())
				if !ok {
					t.Skip(impl + ": not implemented yet")
				}
				for range 3 { // the guest's allocator is reset between calls
					if err := v(ctx); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// TestSameCoreModule checks that the component runs exactly the core
// module the raw-wazero baseline runs.
func TestSameCoreModule(t *testing.T) {
	comp, core := readFixture(t, componentFixture), readFixture(t, coreFixture)
	const preamble = 8 // magic and version
	if !bytes.Contains(comp, core[preamble:]) {
		t.Fatalf("testdata/%s does not embed testdata/%s: keep the core module of workloads.wat identical to workloads-core.wat and run scripts/build-fixtures.sh", componentFixture, coreFixture)
	}
}

// BenchmarkCall is one call of a component function per iteration:
// BenchmarkCall/<workload>/<impl>.
func BenchmarkCall(b *testing.B) {
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			for _, impl := range impls {
				b.Run(impl, func(b *testing.B) {
					benchCall(b, w, impl, wazeroConfig(), context.Background())
				})
			}
		})
	}
}

// BenchmarkCallInterruptible is BenchmarkCall of nop and callback with
// wazero's WithCloseOnContextDone(true) and a cancelable context, the mode
// in which a call can be interrupted (wazero then starts a goroutine per
// call; see DESIGN.md, "Interruption cost").
func BenchmarkCallInterruptible(b *testing.B) {
	cfg := wazeroConfig().WithCloseOnContextDone(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, w := range workloads {
		if w.name != "nop" && w.name != "callback" {
			continue
		}
		b.Run(w.name, func(b *testing.B) {
			for _, impl := range impls {
				b.Run(impl, func(b *testing.B) { benchCall(b, w, impl, cfg, ctx) })
			}
		})
	}
}

func benchCall(b *testing.B, w workload, impl string, cfg wazero.RuntimeConfig, ctx context.Context) {
	o, v, ok := w.setup(b, impl, cfg)
	if !ok {
		b.Skip(impl + ": not implemented yet")
	}
	if err := v(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := o(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInstantiate is one instantiation and Close per iteration, from
// a compiled (raw-wazero) or pre-instantiated (plugwit) module/component.
func BenchmarkInstantiate(b *testing.B) {
	ctx := context.Background()
	b.Run(implRaw, func(b *testing.B) {
		e := newRawEnv(b, wazeroConfig())
		cfg := wazero.NewModuleConfig().WithName("")
		b.ReportAllocs()
		for b.Loop() {
			m, err := e.rt.InstantiateModule(ctx, e.compiled, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := m.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plugwit", func(b *testing.B) {
		e := newDynEnv(b, wazeroConfig(), false)
		b.ReportAllocs()
		for b.Loop() {
			inst, err := e.pre.Instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if err := inst.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

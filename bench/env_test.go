package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// The fixtures: testdata/workloads.wat (a component) embeds the same core
// module as testdata/workloads-core.wat (TestSameCoreModule checks it).
const (
	componentFixture = "workloads.wasm"
	coreFixture      = "workloads-core.wasm"
)

// wazeroConfig is the wazero configuration of both sides: wazero's default
// (compiler where supported, no close-on-context-done).
func wazeroConfig() wazero.RuntimeConfig { return wazero.NewRuntimeConfig() }

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ---- raw wazero: the core module, the Canonical ABI done by hand ----

// rawEnv is an instance of the core module on raw wazero with the host
// side of the Canonical ABI written by hand: arguments copied in through
// the guest's cabi_realloc, results read out of memory, post-return
// called. It does the checks the ABI requires (bounds, alignment, UTF-8)
// and nothing else.
type rawEnv struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	mod      api.Module
	mem      api.Memory
	realloc  api.Function
	stack    []uint64
	hostNops int
}

func newRawEnv(tb testing.TB, cfg wazero.RuntimeConfig) *rawEnv {
	tb.Helper()
	ctx := context.Background()
	e := &rawEnv{rt: wazero.NewRuntimeWithConfig(ctx, cfg), stack: make([]uint64, 4)}
	tb.Cleanup(func() { e.rt.Close(ctx) })
	_, err := e.rt.NewHostModuleBuilder("host").
		NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) { e.hostNops++ }), nil, nil).
		Export("host-nop").
		Instantiate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	e.compiled, err = e.rt.CompileModule(ctx, readFixture(tb, coreFixture))
	if err != nil {
		tb.Fatal(err)
	}
	e.mod, err = e.rt.InstantiateModule(ctx, e.compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		tb.Fatal(err)
	}
	e.mem = e.mod.ExportedMemory("memory")
	e.realloc = e.fn(tb, "cabi_realloc")
	return e
}

func (e *rawEnv) fn(tb testing.TB, name string) api.Function {
	tb.Helper()
	f := e.mod.ExportedFunction(name)
	if f == nil {
		tb.Fatalf("core module exports no function %q", name)
	}
	return f
}

var errRaw = errors.New("raw-wazero: canonical ABI violation")

// alloc calls cabi_realloc(0, 0, align, size) and checks the block.
func (e *rawEnv) alloc(ctx context.Context, align, size uint32) (uint32, error) {
	st := e.stack[:4]
	st[0], st[1], st[2], st[3] = 0, 0, uint64(align), uint64(size)
	if err := e.realloc.CallWithStack(ctx, st); err != nil {
		return 0, err
	}
	ptr := uint32(st[0])
	if ptr%align != 0 || uint64(ptr)+uint64(size) > uint64(e.mem.Size()) {
		return 0, errRaw
	}
	return ptr, nil
}

// storeString lowers a string (UTF-8): a block from the guest's allocator,
// the bytes copied in.
func (e *rawEnv) storeString(ctx context.Context, s string) (uint32, uint32, error) {
	ptr, err := e.alloc(ctx, 1, uint32(len(s)))
	if err != nil {
		return 0, 0, err
	}
	if !e.mem.WriteString(ptr, s) {
		return 0, 0, errRaw
	}
	return ptr, uint32(len(s)), nil
}

// loadString lifts the string whose (pointer, length) pair is at ptr.
func (e *rawEnv) loadString(ptr uint32) (string, error) {
	if ptr%4 != 0 {
		return "", errRaw
	}
	p, ok1 := e.mem.ReadUint32Le(ptr)
	n, ok2 := e.mem.ReadUint32Le(ptr + 4)
	if !ok1 || !ok2 {
		return "", errRaw
	}
	b, ok := e.mem.Read(p, n)
	if !ok || !utf8.Valid(b) {
		return "", errRaw
	}
	return string(b), nil
}

// ---- plugwit ----

// dynEnv is an instance of the component on plugwit.
type dynEnv struct {
	rt       *component.Runtime
	compiled *component.Compiled
	pre      *component.InstancePre
	inst     *component.Instance
	hostNops int
}

// hostNopWIT declares the component's import for the typed host function.
const hostNopWIT = `package bench:host;
world w { import host-nop: func(); }`

// newDynEnv instantiates the component with its import host-nop defined as
// a dynamic HostFunc, or, with typedHost, as a TypedHostFunc.
func newDynEnv(tb testing.TB, cfg wazero.RuntimeConfig, typedHost bool) *dynEnv {
	tb.Helper()
	ctx := context.Background()
	e := &dynEnv{rt: component.NewRuntime(ctx, component.NewRuntimeConfig().WithWazeroConfig(cfg))}
	tb.Cleanup(func() { e.rt.Close(ctx) })
	var err error
	e.compiled, err = e.rt.Compile(ctx, readFixture(tb, componentFixture), component.WithName("workloads"))
	if err != nil {
		tb.Fatal(err)
	}
	l := component.NewLinker(e.rt)
	if typedHost {
		r := wit.NewResolve()
		pkg, err := r.PushSource("host.wit", hostNopWIT)
		if err != nil {
			tb.Fatal(err)
		}
		wid, _ := r.Packages[pkg].Worlds.Get("w")
		it, _ := r.Worlds[wid].Imports.Get(wit.WorldKey{Name: "host-nop"})
		l.Root().TypedFunc("host-nop", r, it.(*wit.Function), func(context.Context, *component.HostCall) error {
			e.hostNops++
			return nil
		})
	} else {
		l.Root().Func("host-nop", func(context.Context, []component.Value) (component.Value, error) {
			e.hostNops++
			return nil, nil
		})
	}
	e.pre, err = l.InstantiatePre(ctx, e.compiled)
	if err != nil {
		tb.Fatal(err)
	}
	e.inst, err = e.pre.Instantiate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func (e *dynEnv) fn(tb testing.TB, name string) *component.Func {
	tb.Helper()
	f := e.inst.Func(name)
	if f == nil {
		tb.Fatalf("component exports no function %q", name)
	}
	return f
}

// expect compares a result with the expected one.
func expect[T comparable](what string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s = %v, want %v", what, got, want)
	}
	return nil
}

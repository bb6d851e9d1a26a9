package component

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func compileFixture(t *testing.T, rt *Runtime, name string) *Compiled {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(context.Background(), b, WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGreeter(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	var lines []string
	cool := 0
	l := NewLinker(rt)
	l.Root().Func("cool-print", func(ctx context.Context, args []Value) (Value, error) {
		cool++
		return nil, nil
	})
	l.Root().Func("log", func(ctx context.Context, args []Value) (Value, error) {
		lines = append(lines, string(args[0].(String)))
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if _, err := inst.Func("init-plugin").Call(ctx); err != nil {
		t.Fatal(err)
	}
	msg := Record{{"content", String("hello world from wasm!")}, {"name", String("alez")}}
	if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if want := "Oh! hello world from wasm!, my name is alez"; len(lines) != 1 || lines[0] != want {
		t.Fatalf("log lines = %q, want [%q]", lines, want)
	}
	if cool != 1 {
		t.Fatalf("cool-print called %d times, want 1", cool)
	}
}

func TestTypedCall(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	var got string
	l := NewLinker(rt)
	l.Root().Func("cool-print", func(ctx context.Context, args []Value) (Value, error) { return nil, nil })
	l.Root().Func("log", func(ctx context.Context, args []Value) (Value, error) {
		got = string(args[0].(String))
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	f := inst.Func("greet")
	for i := 0; i < 3; i++ {
		p := f.Begin(ctx)
		p.String("typed")
		p.String("path")
		r, err := p.Call()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(); err != nil {
			t.Fatal(err)
		}
		if want := "Oh! typed, my name is path"; got != want {
			t.Fatalf("log = %q, want %q", got, want)
		}
	}
	p := f.Begin(ctx)
	p.String("only one")
	if _, err := p.Call(); err == nil {
		t.Fatal("a call with too few parameters succeeded")
	}
}

func TestHostData(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	type state struct{ lines []string }
	l := NewLinker(rt)
	l.Root().Func("cool-print", func(ctx context.Context, args []Value) (Value, error) { return nil, nil })
	l.Root().Func("log", func(ctx context.Context, args []Value) (Value, error) {
		st := HostData(ctx, stateKey{}).(*state)
		st.lines = append(st.lines, string(args[0].(String)))
		return nil, nil
	})
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	a, b := &state{}, &state{}
	ia, err := pre.Instantiate(ctx, WithHostData(stateKey{}, a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := pre.Instantiate(ctx, WithHostData(stateKey{}, b))
	if err != nil {
		t.Fatal(err)
	}
	msg := func(name string) Record { return Record{{"content", String("hi")}, {"name", String(name)}} }
	if _, err := ia.Func("greet").Call(ctx, msg("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := ib.Func("greet").Call(ctx, msg("b")); err != nil {
		t.Fatal(err)
	}
	if len(a.lines) != 1 || a.lines[0] != "Oh! hi, my name is a" || len(b.lines) != 1 || b.lines[0] != "Oh! hi, my name is b" {
		t.Fatalf("per-instance data: a=%q b=%q", a.lines, b.lines)
	}
}

type stateKey struct{}

// TestOnClose: OnClose functions run once, in reverse order, when the
// instance closes, and their errors are returned.
func TestOnClose(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	l := NewLinker(rt)
	nop := func(ctx context.Context, args []Value) (Value, error) { return nil, nil }
	l.Root().Func("cool-print", nop).Func("log", nop)
	var order []string
	boom := errors.New("boom")
	inst, err := l.Instantiate(ctx, c, JoinOptions(
		OnClose(func(context.Context) error { order = append(order, "first"); return nil }),
		OnClose(func(context.Context) error { order = append(order, "second"); return boom }),
	))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 0 {
		t.Fatalf("ran before Close: %v", order)
	}
	if err := inst.Close(ctx); !errors.Is(err, boom) {
		t.Fatalf("Close = %v, want boom", err)
	}
	if err := inst.Close(ctx); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if strings.Join(order, ",") != "second,first" {
		t.Fatalf("order %v, want second,first once", order)
	}
}

// TestHostDataDoesNotLeak: instance A (with host data) calls the host,
// which calls instance B (without): B's host calls must not see A's data —
// a WASI context is host data, and A's grants are not B's.
func TestHostDataDoesNotLeak(t *testing.T) {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compileFixture(t, rt, "greeter.wasm")
	type key struct{}
	var instB *Instance
	var seen []any
	l := NewLinker(rt)
	l.Root().Func("cool-print", func(ctx context.Context, args []Value) (Value, error) { return nil, nil })
	l.Root().Func("log", func(ctx context.Context, args []Value) (Value, error) {
		d := HostData(ctx, key{})
		seen = append(seen, d)
		if d == "A" { // A's call: call B from inside it
			msg := Record{{Name: "content", Value: String("nested")}, {Name: "name", Value: String("b")}}
			if _, err := instB.Func("greet").Call(ctx, msg); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	instA, err := pre.Instantiate(ctx, WithHostData(key{}, "A"))
	if err != nil {
		t.Fatal(err)
	}
	if instB, err = pre.Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	msg := Record{{Name: "content", Value: String("outer")}, {Name: "name", Value: String("a")}}
	if _, err := instA.Func("greet").Call(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "A" || seen[1] != nil {
		t.Fatalf("host data seen by A's then B's call: %v, want [A <nil>]", seen)
	}
}

package component

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// fmtValue formats a Value for comparisons and failure messages: floats as
// their bits, so that NaN payloads and -0 are told apart.
func fmtValue(v Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case nil:
		b.WriteString("_")
	case F32:
		fmt.Fprintf(b, "f32(%v/0x%08x)", float32(v), math.Float32bits(float32(v)))
	case F64:
		fmt.Fprintf(b, "f64(%v/0x%016x)", float64(v), math.Float64bits(float64(v)))
	case String:
		fmt.Fprintf(b, "%q", string(v))
	case Char:
		fmt.Fprintf(b, "char(%U)", rune(v))
	case Bytes:
		writeValue(b, bytesValue(v))
	case List:
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
		b.WriteString("]")
	case Tuple:
		b.WriteString("(")
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
		b.WriteString(")")
	case Record:
		b.WriteString("{")
		for i, f := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ": ")
			writeValue(b, f.Value)
		}
		b.WriteString("}")
	case Variant:
		b.WriteString(v.Case)
		if v.Value != nil {
			b.WriteString("(")
			writeValue(b, v.Value)
			b.WriteString(")")
		}
	case Option:
		if v.Value == nil {
			b.WriteString("none")
			return
		}
		b.WriteString("some(")
		writeValue(b, v.Value)
		b.WriteString(")")
	case Result:
		if v.IsErr {
			b.WriteString("err")
		} else {
			b.WriteString("ok")
		}
		if v.Value != nil {
			b.WriteString("(")
			writeValue(b, v.Value)
			b.WriteString(")")
		}
	case Flags:
		fmt.Fprintf(b, "flags%q", []string(v))
	case Enum:
		fmt.Fprintf(b, "enum(%s)", string(v))
	default:
		fmt.Fprintf(b, "%T(%v)", v, v)
	}
}

func valueEqual(a, b Value) bool { return fmtValue(a) == fmtValue(b) }

func wantValue(t *testing.T, what string, got, want Value) {
	t.Helper()
	if !valueEqual(got, want) {
		t.Errorf("%s = %s, want %s", what, fmtValue(got), fmtValue(want))
	}
}

// wantTrap checks that err is a *Trap of component comp raised by a call of
// fn whose reason contains every one of reasons.
func wantTrap(t *testing.T, err error, comp, fn string, reasons ...string) *Trap {
	t.Helper()
	var tr *Trap
	if !errors.As(err, &tr) {
		t.Errorf("%s: err = %v (%T), want a *Trap", fn, err, err)
		return nil
	}
	if tr.Component != comp || tr.Func != fn {
		t.Errorf("trap names %s/%s, want %s/%s (%v)", tr.Component, tr.Func, comp, fn, tr)
	}
	for _, r := range reasons {
		if !strings.Contains(tr.Reason, r) {
			t.Errorf("%s: trap reason %q does not contain %q", fn, tr.Reason, r)
		}
	}
	return tr
}

func f32bits(b uint32) F32 { return F32(math.Float32frombits(b)) }
func f64bits(b uint64) F64 { return F64(math.Float64frombits(b)) }

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func le64(v uint64) []byte { return append(le32(uint32(v)), le32(uint32(v>>32))...) }

func bytesValue(b []byte) List {
	l := make(List, len(b))
	for i, c := range b {
		l[i] = U8(c)
	}
	return l
}

func valueBytes(t *testing.T, v Value) []byte {
	t.Helper()
	if b, ok := v.(Bytes); ok {
		return []byte(b)
	}
	l, ok := v.(List)
	if !ok {
		t.Fatalf("expected list<u8>, got %s", fmtValue(v))
	}
	b := make([]byte, len(l))
	for i, e := range l {
		b[i] = byte(e.(U8))
	}
	return b
}

// fixture is an instance of a test component whose host imports record
// their arguments and answer with a chosen reply (by default the first
// argument: an echo).
type fixture struct {
	t     *testing.T
	ctx   context.Context
	rt    *Runtime
	c     *Compiled
	l     *Linker
	inst  *Instance
	name  string
	got   map[string][]Value
	calls map[string]int
	reply map[string]Value
	hooks map[string]HostFunc
}

func newFixture(t *testing.T, name string, setup func(f *fixture)) *fixture {
	t.Helper()
	return newFixtureWith(t, name, NewRuntimeConfig(), setup)
}

func newFixtureWith(t *testing.T, name string, cfg RuntimeConfig, setup func(f *fixture)) *fixture {
	t.Helper()
	ctx := context.Background()
	rt := NewRuntime(ctx, cfg)
	t.Cleanup(func() { rt.Close(ctx) })
	f := &fixture{t: t, ctx: ctx, rt: rt, name: name, got: map[string][]Value{}, calls: map[string]int{},
		reply: map[string]Value{}, hooks: map[string]HostFunc{}}
	f.c = compileFixture(t, rt, name)
	f.l = NewLinker(rt)
	for _, e := range f.c.Imports() {
		if e.Kind != "func" {
			continue
		}
		name := e.Name
		f.l.Root().Func(name, func(ctx context.Context, args []Value) (Value, error) {
			f.got[name] = append([]Value(nil), args...)
			f.calls[name]++
			if h := f.hooks[name]; h != nil {
				return h(ctx, args)
			}
			if r, ok := f.reply[name]; ok {
				return r, nil
			}
			if len(args) == 0 {
				return nil, nil
			}
			return args[0], nil
		})
	}
	if setup != nil {
		setup(f)
	}
	f.inst = f.instantiate()
	return f
}

func (f *fixture) instantiate() *Instance {
	f.t.Helper()
	inst, err := f.l.Instantiate(f.ctx, f.c)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { inst.Close(f.ctx) })
	return inst
}

func (f *fixture) call(name string, args ...Value) (Value, error) {
	f.t.Helper()
	fn := f.inst.Func(name)
	if fn == nil {
		f.t.Fatalf("no export %q", name)
	}
	return fn.Call(f.ctx, args...)
}

func (f *fixture) mustCall(name string, args ...Value) Value {
	f.t.Helper()
	v, err := f.call(name, args...)
	if err != nil {
		f.t.Fatalf("%s: %v", name, err)
	}
	return v
}

// trapCall calls name, which must trap with reasons, then checks that the
// instance still works.
func (f *fixture) trapCall(name string, reasons []string, args ...Value) *Trap {
	f.t.Helper()
	_, err := f.call(name, args...)
	tr := wantTrap(f.t, err, f.name, name, reasons...)
	f.healthy()
	return tr
}

// healthy checks that the instance still answers a good call.
func (f *fixture) healthy() {
	f.t.Helper()
	delete(f.reply, "host-echo-u32")
	if fn := f.inst.Func("echo-u32"); fn != nil {
		v, err := fn.Call(f.ctx, U32(42))
		if err != nil || !valueEqual(v, U32(42)) {
			f.t.Fatalf("instance broken after trap: echo-u32(42) = %v, %v", v, err)
		}
	}
}

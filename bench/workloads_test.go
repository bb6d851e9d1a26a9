package bench

import (
	"context"
	"testing"

	"github.com/plugwit/plugwit/component"
)

// The workloads' inputs.
var (
	echoInput    = "hello world from wasm!"
	greetContent = "hello world from wasm!" // the reference scenario's message
	greetName    = "alez"
	list64k      = func() []byte {
		b := make([]byte, 64<<10)
		for i := range b {
			b[i] = byte(i*7 + 3)
		}
		return b
	}()
)

func byteSum(b []byte) uint32 {
	var s uint32
	for _, c := range b {
		s += uint32(c)
	}
	return s
}

// op performs one call of a workload; verify performs one and checks its
// result and effects.
type (
	op     func(ctx context.Context) error
	verify func(ctx context.Context) error
)

// workload is one benchmarked component function, implemented on each
// side. Setup (instantiation, argument values) happens in the constructors,
// outside the timed loop.
type workload struct {
	name  string
	raw   func(tb testing.TB, e *rawEnv) (op, verify)
	dyn   func(tb testing.TB, e *dynEnv) (op, verify)
	typed func(tb testing.TB, e *dynEnv) (op, verify) // Func.Begin … Results.Finish
}

var workloads = []workload{
	{
		name: "nop", // nop: func()
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "nop")
			o := func(ctx context.Context) error { return f.CallWithStack(ctx, e.stack) }
			return o, verify(o)
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "nop")
			var got component.Value
			o := func(ctx context.Context) (err error) {
				got, err = f.Call(ctx)
				return err
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("nop()", got, nil)
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "nop")
			o := func(ctx context.Context) error {
				r, err := f.Begin(ctx).Call()
				if err != nil {
					return err
				}
				return r.Finish()
			}
			return o, verify(o)
		},
	},
	{
		name: "add", // add: func(a: u32, b: u32) -> u32
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "add")
			var got uint32
			o := func(ctx context.Context) error {
				st := e.stack[:2]
				st[0], st[1] = 40, 2
				if err := f.CallWithStack(ctx, st); err != nil {
					return err
				}
				got = uint32(st[0])
				return nil
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("add(40, 2)", got, 42)
			}
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "add")
			args := []component.Value{component.U32(40), component.U32(2)}
			var got component.Value
			o := func(ctx context.Context) (err error) {
				got, err = f.Call(ctx, args...)
				return err
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect[component.Value]("add(40, 2)", got, component.U32(42))
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "add")
			var got uint32
			o := func(ctx context.Context) error {
				p := f.Begin(ctx)
				p.U32(40)
				p.U32(2)
				r, err := p.Call()
				if err != nil {
					return err
				}
				got = r.U32()
				return r.Finish()
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("add(40, 2)", got, 42)
			}
		},
	},
	{
		name: "echo-string", // echo-string: func(s: string) -> string
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "echo-string")
			post := e.fn(tb, "cabi_post_echo-string")
			var got string
			o := func(ctx context.Context) error {
				p, n, err := e.storeString(ctx, echoInput)
				if err != nil {
					return err
				}
				st := e.stack[:2]
				st[0], st[1] = uint64(p), uint64(n)
				if err := f.CallWithStack(ctx, st); err != nil {
					return err
				}
				ret := uint32(st[0])
				if got, err = e.loadString(ret); err != nil {
					return err
				}
				st = st[:1]
				st[0] = uint64(ret)
				return post.CallWithStack(ctx, st)
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("echo-string(…)", got, echoInput)
			}
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "echo-string")
			args := []component.Value{component.String(echoInput)}
			var got component.Value
			o := func(ctx context.Context) (err error) {
				got, err = f.Call(ctx, args...)
				return err
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect[component.Value]("echo-string(…)", got, component.String(echoInput))
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "echo-string")
			var got string
			o := func(ctx context.Context) error {
				p := f.Begin(ctx)
				p.String(echoInput)
				r, err := p.Call()
				if err != nil {
					return err
				}
				got = r.String()
				return r.Finish()
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("echo-string(…)", got, echoInput)
			}
		},
	},
	{
		name: "greet", // greet: func(msg: message), message = record { content: string, name: string }
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "greet")
			last := e.fn(tb, "last-greet")
			o := func(ctx context.Context) error {
				cp, cl, err := e.storeString(ctx, greetContent)
				if err != nil {
					return err
				}
				np, nl, err := e.storeString(ctx, greetName)
				if err != nil {
					return err
				}
				st := e.stack[:4]
				st[0], st[1], st[2], st[3] = uint64(cp), uint64(cl), uint64(np), uint64(nl)
				return f.CallWithStack(ctx, st)
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				st := e.stack[:1]
				if err := last.CallWithStack(ctx, st); err != nil {
					return err
				}
				return expect("last-greet()", uint32(st[0]), byteSum([]byte(greetContent+greetName)))
			}
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "greet")
			last := e.fn(tb, "last-greet")
			args := []component.Value{component.Record{
				{Name: "content", Value: component.String(greetContent)},
				{Name: "name", Value: component.String(greetName)},
			}}
			o := func(ctx context.Context) error {
				_, err := f.Call(ctx, args...)
				return err
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				got, err := last.Call(ctx)
				if err != nil {
					return err
				}
				return expect[component.Value]("last-greet()", got, component.U32(byteSum([]byte(greetContent+greetName))))
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "greet")
			last := e.fn(tb, "last-greet")
			o := func(ctx context.Context) error {
				p := f.Begin(ctx)
				p.String(greetContent) // message.content
				p.String(greetName)    // message.name
				r, err := p.Call()
				if err != nil {
					return err
				}
				return r.Finish()
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				r, err := last.Begin(ctx).Call()
				if err != nil {
					return err
				}
				got := r.U32()
				if err := r.Finish(); err != nil {
					return err
				}
				return expect("last-greet()", got, byteSum([]byte(greetContent+greetName)))
			}
		},
	},
	{
		name: "list-u8-64k", // list-u8-64k: func(data: list<u8>) -> u32, the byte sum
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "list-u8-64k")
			var got uint32
			o := func(ctx context.Context) error {
				p, err := e.alloc(ctx, 1, uint32(len(list64k)))
				if err != nil {
					return err
				}
				if !e.mem.Write(p, list64k) {
					return errRaw
				}
				st := e.stack[:2]
				st[0], st[1] = uint64(p), uint64(len(list64k))
				if err := f.CallWithStack(ctx, st); err != nil {
					return err
				}
				got = uint32(st[0])
				return nil
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("list-u8-64k(…)", got, byteSum(list64k))
			}
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "list-u8-64k")
			args := []component.Value{component.Bytes(list64k)} // a list<u8> as Bytes
			var got component.Value
			o := func(ctx context.Context) (err error) {
				got, err = f.Call(ctx, args...)
				return err
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect[component.Value]("list-u8-64k(…)", got, component.U32(byteSum(list64k)))
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "list-u8-64k")
			var got uint32
			o := func(ctx context.Context) error {
				p := f.Begin(ctx)
				p.Bytes(list64k)
				r, err := p.Call()
				if err != nil {
					return err
				}
				got = r.U32()
				return r.Finish()
			}
			return o, func(ctx context.Context) error {
				if err := o(ctx); err != nil {
					return err
				}
				return expect("list-u8-64k(…)", got, byteSum(list64k))
			}
		},
	},
	{
		name: "callback", // callback: func(), calls the imported host-nop: func() once
		raw: func(tb testing.TB, e *rawEnv) (op, verify) {
			f := e.fn(tb, "callback")
			o := func(ctx context.Context) error { return f.CallWithStack(ctx, e.stack) }
			return o, func(ctx context.Context) error {
				before := e.hostNops
				if err := o(ctx); err != nil {
					return err
				}
				return expect("host-nop calls", e.hostNops-before, 1)
			}
		},
		dyn: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "callback")
			o := func(ctx context.Context) error {
				_, err := f.Call(ctx)
				return err
			}
			return o, func(ctx context.Context) error {
				before := e.hostNops
				if err := o(ctx); err != nil {
					return err
				}
				return expect("host-nop calls", e.hostNops-before, 1)
			}
		},
		typed: func(tb testing.TB, e *dynEnv) (op, verify) {
			f := e.fn(tb, "callback")
			o := func(ctx context.Context) error {
				r, err := f.Begin(ctx).Call()
				if err != nil {
					return err
				}
				return r.Finish()
			}
			return o, func(ctx context.Context) error {
				before := e.hostNops
				if err := o(ctx); err != nil {
					return err
				}
				return expect("host-nop calls", e.hostNops-before, 1)
			}
		},
	},
}

package component_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wit"
)

// The examples run testdata/greeter.wasm, the reference scenario's world
// as a small hand-written component:
//
//	world root {
//	  record message { content: string, name: string }
//	  import cool-print: func();
//	  import log: func(line: string);
//	  export init-plugin: func();
//	  export greet: func(msg: message);
//	}
//
// greet passes "Oh! <content>, my name is <name>" to log, then calls
// cool-print.

// Compile a component, define its imports, instantiate it and call an
// export with dynamic Values.
func Example() {
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)

	wasm, err := os.ReadFile("testdata/greeter.wasm")
	if err != nil {
		log.Fatal(err)
	}
	c, err := rt.Compile(ctx, wasm, component.WithName("greeter"))
	if err != nil {
		log.Fatal(err) // a malformed or invalid component: the error names section and offset
	}

	l := component.NewLinker(rt)
	l.Root().Func("log", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fmt.Println(args[0].(component.String))
		return nil, nil
	})
	l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fmt.Println("This cool print is running natively and has been called from wasm!")
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c) // InstantiatePre links once for many instances
	if err != nil {
		log.Fatal(err) // e.g. import `log`: no host function defined
	}
	defer inst.Close(ctx)

	msg := component.Record{
		{Name: "content", Value: component.String("hello world from wasm!")},
		{Name: "name", Value: component.String("alez")},
	}
	if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
		log.Fatal(err) // a trap names the component, the function and the reason
	}
	// Output:
	// Oh! hello world from wasm!, my name is alez
	// This cool print is running natively and has been called from wasm!
}

// The typed call path: parameters written and results read in their
// flattened order, without Values, reflection or allocation for scalars
// (what generated bindings emit). A record of two strings flattens to
// its two strings.
func ExampleFunc_Begin() {
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compile(ctx, rt)

	l := component.NewLinker(rt)
	nop := func(ctx context.Context, args []component.Value) (component.Value, error) { return nil, nil }
	l.Root().Func("cool-print", nop)
	l.Root().Func("log", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fmt.Println(args[0].(component.String))
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close(ctx)

	greet := inst.Func("greet") // keep it: its buffers are reused by every call
	p := greet.Begin(ctx)
	p.String("typed") // msg.content
	p.String("alez")  // msg.name
	r, err := p.Call()
	if err != nil {
		log.Fatal(err)
	}
	if err := r.Finish(); err != nil { // runs post-return; r is invalid afterwards
		log.Fatal(err)
	}
	// Output:
	// Oh! typed, my name is alez
}

// A typed host function declares its WIT type (checked against the
// import when linking) and reads its arguments from the guest's stack.
func ExampleLinkerInstance_TypedFunc() {
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c := compile(ctx, rt)

	// The host's own declaration of the imports it implements.
	r := wit.NewResolve()
	pkg, err := r.PushSource("host.wit", `package example:host;
interface api { log: func(line: string); cool-print: func(); }`)
	if err != nil {
		log.Fatal(err)
	}
	api, _ := r.Packages[pkg].Interfaces.Get("api")
	logDecl, _ := r.Interfaces[api].Functions.Get("log")
	coolDecl, _ := r.Interfaces[api].Functions.Get("cool-print")

	l := component.NewLinker(rt)
	l.Root().TypedFunc("log", r, logDecl, func(ctx context.Context, call *component.HostCall) error {
		fmt.Println(call.String())
		return nil
	})
	l.Root().TypedFunc("cool-print", r, coolDecl, func(ctx context.Context, call *component.HostCall) error {
		fmt.Println("cool")
		return nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close(ctx)
	msg := component.Record{{Name: "content", Value: component.String("hi")}, {Name: "name", Value: component.String("typed host")}}
	if _, err := inst.Func("greet").Call(ctx, msg); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Oh! hi, my name is typed host
	// cool
}

func compile(ctx context.Context, rt *component.Runtime) *component.Compiled {
	wasm, err := os.ReadFile("testdata/greeter.wasm")
	if err != nil {
		log.Fatal(err)
	}
	c, err := rt.Compile(ctx, wasm, component.WithName("greeter"))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

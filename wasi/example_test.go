package wasi_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// A plugin built by a C toolchain prints through WASI's stdout, which the
// host gives it; the rest of WASI grants nothing.
func Example() {
	ctx := context.Background()
	wasm, err := os.ReadFile("../testdata/plugins/greeter/c/greeter-c.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}
	l := component.NewLinker(rt)
	if err := wasi.Instantiate(l, wasi.NewConfig().WithStdout(os.Stdout)); err != nil {
		log.Fatal(err)
	}
	l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fmt.Println("This cool print is running natively and has been called from wasm!")
		return nil, nil
	})
	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		log.Fatal(err)
	}
	inst.Func("init-plugin").Call(ctx)
	_, err = inst.Func("greet").Call(ctx, component.Record{
		{Name: "content", Value: component.String("hello world from wasm!")},
		{Name: "name", Value: component.String("alez")},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Oh! hello world from wasm!, my name is alez
	// This cool print is running natively and has been called from wasm!
}

// Network grants are allowlists of HOST:PORTS patterns; CheckAddrPattern
// checks one where it is written (a flag, a manifest).
func ExampleCheckAddrPattern() {
	for _, p := range []string{"10.0.0.0/8:443", "[::1]:1-65535", "*:80", "127.0.0.1", "localhost:80"} {
		fmt.Printf("%s: %v\n", p, wasi.CheckAddrPattern(p))
	}
	cfg := wasi.NewConfig().
		WithAllowConnect("10.0.0.0/8:443", "[::1]:8080"). // TCP connections and UDP destinations
		WithAllowBind("127.0.0.1:0").                     // bind (and listen) on a port the system picks
		WithAllowNameLookup("*.internal.example")         // resolve these names
	_ = cfg
	// Output:
	// 10.0.0.0/8:443: <nil>
	// [::1]:1-65535: <nil>
	// *:80: <nil>
	// 127.0.0.1: missing :PORTS (write HOST:PORT, HOST:LOW-HIGH or HOST:*)
	// localhost:80: "localhost" is not an IP address: host names are granted with name lookups, addresses here
}

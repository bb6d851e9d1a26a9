// Command greeter is plugwit's reference scenario (DESIGN.md): a Go host
// loads a plugin component of the world alez:api/api, gives it WASI 0.2
// with the host's standard streams, implements its cool-print import, and
// calls its exports init-plugin and greet.
//
//	go run ./examples/greeter                 # the C plugin
//	go run ./examples/greeter -plugin testdata/plugins/greeter/go/greeter-go.wasm
//	go run ./examples/greeter -plugin testdata/plugins/greeter/rust/greeter-rust-p1.wasm
//
// It prints:
//
//	Oh! hello world from wasm!, my name is alez
//	This cool print is running natively and has been called from wasm!
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

func main() {
	plugin := flag.String("plugin", "testdata/plugins/greeter/c/greeter-c.wasm", "the plugin component to load")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("greeter: ")
	if err := run(context.Background(), *plugin); err != nil {
		var exit *wasi.ExitError
		if errors.As(err, &exit) {
			os.Exit(int(exit.Code)) // the plugin called wasi:cli/exit
		}
		log.Fatal(err)
	}
}

func run(ctx context.Context, path string) error {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, wasm, component.WithName(path))
	if err != nil {
		return err
	}

	l := component.NewLinker(rt)
	// WASI: the plugin writes to our stdout and stderr, and gets nothing
	// else (no environment, no files, no network).
	if err := wasi.Instantiate(l, wasi.NewConfig().WithInheritStdio()); err != nil {
		return err
	}
	// The host function the plugin imports.
	l.Root().Func("cool-print", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fmt.Println("This cool print is running natively and has been called from wasm!")
		return nil, nil
	})

	inst, err := l.Instantiate(ctx, c)
	if err != nil {
		return err
	}
	defer inst.Close(ctx)
	if _, err := inst.Func("init-plugin").Call(ctx); err != nil {
		return err
	}
	msg := component.Record{
		{Name: "content", Value: component.String("hello world from wasm!")},
		{Name: "name", Value: component.String("alez")},
	}
	_, err = inst.Func("greet").Call(ctx, msg)
	return err
}

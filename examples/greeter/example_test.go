package main

import (
	"context"
	"log"
)

func Example() {
	if err := run(context.Background(), "../../testdata/plugins/greeter/c/greeter-c.wasm"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Oh! hello world from wasm!, my name is alez
	// This cool print is running natively and has been called from wasm!
}

package types_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
)

// Check type-checks a decoded component: imports, exports and the
// definitions that build an instance.
func ExampleCheck() {
	b, err := os.ReadFile("testdata/wasi-like.wasm")
	if err != nil {
		panic(err)
	}
	bin, err := binary.Decode(b)
	if err != nil {
		panic(err)
	}
	c, err := types.Check(bin)
	if err != nil {
		panic(err)
	}
	for name, e := range c.Imports.All() {
		fmt.Println("import", name, e.Sort)
	}
	for name, e := range c.Exports.All() {
		fmt.Println("export", name, c.FuncString(e.Func))
	}
	fmt.Println(len(c.Defs), "definitions")
	// Output:
	// import wasi:io/streams@0.2.0 instance
	// export greet func(name: string) -> string
	// 19 definitions
}

// A component that is invalid fails with an *Error located in the binary.
func ExampleError() {
	b, err := os.ReadFile("testdata/bad-borrow-result.wasm")
	if err != nil {
		panic(err)
	}
	bin, err := binary.Decode(b)
	if err != nil {
		panic(err)
	}
	_, err = types.Check(bin)
	fmt.Println(err)
	var e *types.Error
	fmt.Println(errors.As(err, &e), errors.Is(err, types.ErrNotSupported))
	// Output:
	// validate component: at offset 0x15: function result cannot contain a `borrow` type
	// true false
}

package wave_test

import (
	"fmt"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/internal/wave"
	"github.com/plugwit/plugwit/wit"
)

func Example() {
	r := wit.NewResolve()
	_, err := r.PushSource("api.wit", `package alez:api;
world api {
  record message { content: string, name: string }
  export greet: func(msg: message);
  export count: func(words: list<string>, limit: option<u32>) -> result<u32, string>;
}`)
	if err != nil {
		panic(err)
	}
	world := r.Worlds[0]
	lookup := func(name string) (*wit.Function, bool) {
		item, _ := world.Exports.Get(wit.NameKey(name))
		f, ok := item.(*wit.Function)
		return f, ok
	}

	// Parse a call against the function's parameter types.
	f, args, err := wave.ParseCall(r, lookup, `greet({content: "hello world from wasm!", name: "alez"})`)
	fmt.Println(f.Name, args, err)

	// Trailing option arguments may be left out.
	f, args, _ = wave.ParseCall(r, lookup, `count(["a", "b"])`)
	fmt.Println(wave.FormatCall(r, f, args))

	// Format a result.
	fmt.Println(wave.FormatResult(r, f, component.Ok(component.U32(2))))

	// Errors say where and what.
	_, err = wave.ParseValue(r, wit.U32, "abc")
	fmt.Println(err)
	_, _, err = wave.ParseCall(r, lookup, `greet({content: "hi"})`)
	fmt.Println(err)

	// Output:
	// greet [[{content hello world from wasm!} {name alez}]] <nil>
	// count(["a", "b"], none) <nil>
	// ok(2) <nil>
	// wave: at 0: expected u32, found "abc"
	// wave: at 6: missing field "name" of record message
}

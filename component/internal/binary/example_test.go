package binary_test

import (
	"fmt"
	"log"
	"os"

	"github.com/plugwit/plugwit/component/internal/binary"
)

// Decode a component and list what it imports and exports, the core modules
// it embeds and what they import, and its canonical definitions.
func ExampleDecode() {
	b, err := os.ReadFile("testdata/canon.wasm")
	if err != nil {
		log.Fatal(err)
	}
	c, err := binary.Decode(b)
	if err != nil {
		log.Fatal(err)
	}
	for _, im := range c.Imports() {
		fmt.Printf("import %q (%s)\n", im.Name, im.Type.Sort())
	}
	for _, ex := range c.Exports() {
		fmt.Printf("export %q (%s %d)\n", ex.Name, ex.Sort, ex.Index)
	}
	for i, m := range c.CoreModules() {
		fmt.Printf("core module %d at %#x: %d bytes, %d imports, %d exports\n", i, m.Offset, len(m.Raw), len(m.Imports), len(m.Exports))
	}
	for _, s := range c.Sections {
		if cs, ok := s.(*binary.CanonSection); ok {
			for _, f := range cs.Funcs {
				fmt.Printf("canon %s\n", f.Builtin())
			}
		}
	}
	// Output:
	// import "host:log/logger@1.0.0" (instance)
	// import "greet-host" (func)
	// import "greet-host-async" (func)
	// export "greet" (func 3)
	// export "counter" (type 3)
	// core module 0 at 0xd8: 87 bytes, 0 imports, 3 exports
	// core module 1 at 0x175: 283 bytes, 8 imports, 2 exports
	// canon lower
	// canon lower
	// canon lower
	// canon lower
	// canon resource.new
	// canon resource.rep
	// canon resource.drop
	// canon lift
}

// Tell a component from a core module by its preamble.
func ExampleReadPreamble() {
	for _, name := range []string{"testdata/types.wasm", "testdata/core.wasm"} {
		b, err := os.ReadFile(name)
		if err != nil {
			log.Fatal(err)
		}
		p, err := binary.ReadPreamble(b)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: component %v, version %#x\n", name, p.IsComponent(), p.Version)
	}
	// Output:
	// testdata/types.wasm: component true, version 0xd
	// testdata/core.wasm: component false, version 0x1
}

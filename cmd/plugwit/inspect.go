package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/tetratelabs/wazero"

	"github.com/plugwit/plugwit/component"
)

// The `inspect` command: what a component imports and exports.

const inspectUsage = `usage: plugwit inspect [--wit] FILE

Decode and validate the component FILE and print its world as WIT (what
wasm-tools component wit FILE prints), then its imports and exports with
their types, its core modules and their sizes, and its producers. FILE
may also be a core-module plugin: a core module whose world is embedded in
a component-type custom section (wasm-tools component embed).

Flags:
  --wit        print only the world as WIT
  -h, --help   print this help
`

func inspectCommand() *command {
	return &command{name: "inspect", summary: "print a component's imports, exports and modules", usage: inspectUsage, run: runInspect}
}

func runInspect(c *cli, args []string) int {
	fs := newFlagSet(c, "inspect")
	witOnly := fs.Bool("wit", false, "")
	pos, code, ok := parseArgs(c, fs, inspectUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(c.stderr, "plugwit inspect: expected one FILE, got %d\n\n%s", len(pos), inspectUsage)
		return exitUsage
	}
	file := pos[0]
	ctx := context.Background()
	rt, comp, wasm, err := compileFile(ctx, c, file)
	if rt != nil {
		defer rt.Close(ctx)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit inspect: %v\n", err)
		return exitFail
	}
	w := c.stdout
	r, world, err := comp.World()
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit inspect: %v\n", err)
		return exitFail
	}
	io.WriteString(w, r.PrintAll(r.Worlds[world].Package))
	if *witOnly {
		return exitOK
	}
	kind := "component"
	if comp.IsCoreModule() {
		kind = "core module" // a core-module plugin, its world embedded or given
	}
	fmt.Fprintf(w, "\n%s %s (%d bytes)\n", kind, file, len(wasm))
	section := func(title string, items []component.ExternInfo) {
		fmt.Fprintf(w, "\n%s:\n", title)
		if len(items) == 0 {
			fmt.Fprintln(w, "  (none)")
		}
		for _, it := range items {
			if it.Type != "" {
				fmt.Fprintf(w, "  %s: %s\n", it.Name, it.Type)
				continue
			}
			fmt.Fprintf(w, "  %s: %s\n", it.Name, it.Kind)
		}
	}
	section("imports", comp.Imports())
	section("exports", comp.Exports())
	fmt.Fprintf(w, "\ncore modules:\n")
	for i, m := range comp.CoreModules() {
		fmt.Fprintf(w, "  %d: %d bytes, %d imports, %d exports\n", i, m.Size, m.Imports, m.Exports)
	}
	if p := comp.Producers(); len(p) > 0 {
		fmt.Fprintf(w, "\nproducers:\n")
		for _, f := range p {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Value)
		}
	}
	return exitOK
}

// compileFile reads and compiles the component FILE on a new runtime,
// named after the file, with c's compilation cache. The runtime is
// returned, to be closed, even when compiling fails.
func compileFile(ctx context.Context, c *cli, file string) (*component.Runtime, *component.Compiled, []byte, error) {
	wasm, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := component.NewRuntimeConfig()
	if c.cacheDir != "" {
		// A directory that cannot be made only costs the speed-up.
		if cache, err := wazero.NewCompilationCacheWithDir(c.cacheDir); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	rt := component.NewRuntime(ctx, cfg)
	comp, err := rt.Compile(ctx, wasm, component.WithName(file))
	return rt, comp, wasm, err
}

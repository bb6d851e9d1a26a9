package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/internal/wave"
	"github.com/plugwit/plugwit/wit"
)

// The `run` command: instantiate a component and call its exports.

const runUsage = `usage: plugwit run [--stub-imports] FILE [--invoke EXPR]...

Instantiate the component FILE and call the exports named by each --invoke
EXPR, a call in WAVE syntax (greet({content: "hi", name: "x"})); each result
is printed in WAVE. Without --invoke, the component is instantiated and the
command exits 0.

Flags:
  --stub-imports   satisfy every function import with a stub that logs the
                   call to stderr and returns the zero value of its result
                   (WASI imports included until plugwit has a WASI host)
  --invoke EXPR    call an export; may be repeated, calls run in order
  -h, --help       print this help
`

func runCommand() *command {
	return &command{name: "run", summary: "instantiate a component and call its exports", usage: runUsage, run: runRun}
}

func runRun(c *cli, args []string) int {
	fs := newFlagSet(c, "run")
	stub := fs.Bool("stub-imports", false, "")
	var invokes listFlag
	fs.Func("invoke", "", func(s string) error { invokes = append(invokes, s); return nil })
	pos, code, ok := parseArgs(c, fs, runUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(c.stderr, "plugwit run: expected one FILE, got %d\n\n%s", len(pos), runUsage)
		return exitUsage
	}
	file := pos[0]
	wasm, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	defer rt.Close(ctx)
	comp, err := rt.Compile(ctx, wasm, component.WithName(file))
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	l := component.NewLinker(rt)
	if *stub {
		l.StubImports(comp, nil, c.stderr)
	} else if wasi := wasiImports(comp); len(wasi) > 0 {
		fmt.Fprintf(c.stderr, "plugwit run: %s imports WASI (%s), which plugwit cannot provide yet; use --stub-imports to stub it\n",
			file, strings.Join(wasi, ", "))
		return exitFail
	}
	inst, err := l.Instantiate(ctx, comp)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	defer inst.Close(ctx)
	for _, expr := range invokes {
		if code := invoke(c, ctx, comp, inst, expr); code != exitOK {
			return code
		}
	}
	return exitOK
}

// wasiImports lists the component's WASI imports.
func wasiImports(comp *component.Compiled) []string {
	var out []string
	for _, im := range comp.Imports() {
		if strings.HasPrefix(im.Name, "wasi:") {
			out = append(out, im.Name)
		}
	}
	sort.Strings(out)
	return out
}

func invoke(c *cli, ctx context.Context, comp *component.Compiled, inst *component.Instance, expr string) int {
	funcs := map[string]*component.Func{}
	lookupFn := func(name string) (*wit.Function, bool) {
		f := inst.Func(name)
		if f == nil {
			return nil, false
		}
		funcs[name] = f
		wf := f.Type()
		wf.Name = name
		return wf, true
	}
	wf, args, err := wave.ParseCall(comp.Types(), lookupFn, expr)
	if err != nil {
		if errors.Is(err, errNoFunc) || strings.Contains(err.Error(), "unknown function") {
			fmt.Fprintf(c.stderr, "plugwit run: --invoke %s: %v (exports: %s)\n", expr, err, strings.Join(inst.Exports(), ", "))
			return exitFail
		}
		fmt.Fprintf(c.stderr, "plugwit run: --invoke %s: %v\n", expr, err)
		return exitFail
	}
	res, err := funcs[wf.Name].Call(ctx, args...)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	out, err := wave.FormatResult(comp.Types(), wf, res)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: formatting the result of %s: %v\n", wf.Name, err)
		return exitFail
	}
	if out != "" {
		fmt.Fprintln(c.stdout, out)
	}
	return exitOK
}

var errNoFunc = errors.New("no such function")

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/sys"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/internal/wave"
	"github.com/plugwit/plugwit/wasi"
	"github.com/plugwit/plugwit/wit"
)

// The `run` command: instantiate a component and call its exports.

const runUsage = `usage: plugwit run [flags] FILE [--invoke EXPR]... [-- ARG...]

Instantiate the component FILE over plugwit's WASI 0.2 host and run it.
FILE may also be a core-module plugin (a core module with its world in a
component-type custom section): its wasi_snapshot_preview1 imports get
wazero's preview1, granted the same as a component by the flags below.

Without --invoke, a component that exports wasi:cli/run runs as a command:
plugwit calls its run function and exits with its status (0 for ok, 1 for
err, or the code the component passes to wasi:cli/exit). A component
without wasi:cli/run is only instantiated, and the command exits 0.

With --invoke, plugwit calls the export named by each EXPR, a call in WAVE
syntax (greet({content: "hi", name: "x"})), and prints each result in WAVE.
A call to wasi:cli/exit ends the command with that code.

The component gets plugwit's standard input, output and error, the program
name FILE and the arguments ARG after --, and nothing else: no environment
variable unless granted by --env or --env-inherit, no directory unless
granted by --dir, no network unless granted by --allow-net, --allow-bind,
--allow-lookup or (for HTTP requests) --allow-http.

Flags:
` + grantFlagsUsage + `  --stub-imports   satisfy every non-WASI function import with a stub that
                   logs the call to stderr and returns the zero value of its
                   result
  --invoke EXPR    call an export; may be repeated, calls run in order
  -h, --help       print this help
`

func runCommand() *command {
	return &command{name: "run", summary: "run a component, or call its exports", usage: runUsage, run: runRun}
}

func runRun(c *cli, args []string) int {
	fs := newFlagSet(c, "run")
	stub := fs.Bool("stub-imports", false, "")
	var invokes listFlag
	fs.Func("invoke", "", func(s string) error { invokes = append(invokes, s); return nil })
	grants := addGrantFlags(fs)
	own, guestArgs := splitGuestArgs(fs, args)
	pos, code, ok := parseArgs(c, fs, runUsage, own)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(c.stderr, "plugwit run: expected one FILE before --, got %d\n\n%s", len(pos), runUsage)
		return exitUsage
	}
	file := pos[0]
	ctx := context.Background()
	rt, comp, _, err := compileFile(ctx, c, file)
	if rt != nil {
		defer rt.Close(ctx)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	l := component.NewLinker(rt)
	cfg := wasi.NewConfig().WithStdin(c.stdin).WithStdout(c.stdout).WithStderr(c.stderr).
		WithArgs(append([]string{file}, guestArgs...)...)
	cfg = grants.apply(cfg)
	if err := wasi.Instantiate(l, cfg); err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	if *stub {
		l.StubImports(comp, func(name string) bool { return !strings.HasPrefix(name, "wasi:") }, c.stderr)
	}
	inst, err := l.Instantiate(ctx, comp)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	defer inst.Close(ctx)
	if len(invokes) == 0 {
		return runCommandExport(c, ctx, inst)
	}
	for _, expr := range invokes {
		if code, stop := invoke(c, ctx, comp, inst, expr); stop {
			return code
		}
	}
	return exitOK
}

// splitGuestArgs splits the command line at the first `--` that is not
// the value of a flag: plugwit's arguments before it, the component's
// after it.
func splitGuestArgs(fs *flag.FlagSet, args []string) (own, guest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args[:i], args[i+1:]
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if len(a) > 1 && a[0] == '-' && !strings.Contains(name, "=") {
			if f := fs.Lookup(name); f != nil && !isBoolFlag(f) {
				i++ // the flag's value
			}
		}
	}
	return args, nil
}

// runCommandExport runs the component's wasi:cli/run export, if it has one
// (at any 0.2.x version), and returns the exit code.
func runCommandExport(c *cli, ctx context.Context, inst *component.Instance) int {
	var run *component.Func
	for _, name := range inst.Exports() {
		if strings.HasPrefix(name, "wasi:cli/run@0.2.") && strings.HasSuffix(name, "#run") {
			run = inst.Func(name)
			break
		}
	}
	if run == nil {
		return exitOK
	}
	res, err := run.Call(ctx)
	if code, exited := exitCode(err); exited {
		return code
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail
	}
	if r, ok := res.(component.Result); ok && r.IsErr {
		return exitFail
	}
	return exitOK
}

// exitCode reports whether err is the component's call to wasi:cli/exit,
// and with which code.
func exitCode(err error) (int, bool) {
	var exit *wasi.ExitError
	if errors.As(err, &exit) {
		return int(exit.Code), true
	}
	var p1 *sys.ExitError // proc_exit of a core module's preview1
	if errors.As(err, &p1) {
		return int(p1.ExitCode()), true
	}
	return 0, false
}

// invoke calls the export expr names. It reports whether the command must
// stop, and with which code: after a failure, or a call to wasi:cli/exit.
func invoke(c *cli, ctx context.Context, comp *component.Compiled, inst *component.Instance, expr string) (code int, stop bool) {
	funcs := map[string]*component.Func{}
	unknown := false
	lookupFn := func(name string) (*wit.Function, bool) {
		f := inst.Func(name)
		if f == nil {
			unknown = true
			return nil, false
		}
		funcs[name] = f
		wf := f.Type()
		wf.Name = name
		return wf, true
	}
	wf, args, err := wave.ParseCall(comp.Types(), lookupFn, expr)
	if err != nil {
		if unknown {
			fmt.Fprintf(c.stderr, "plugwit run: --invoke %s: %v (exports: %s)\n", expr, err, strings.Join(inst.Exports(), ", "))
			return exitFail, true
		}
		fmt.Fprintf(c.stderr, "plugwit run: --invoke %s: %v\n", expr, err)
		return exitFail, true
	}
	res, err := funcs[wf.Name].Call(ctx, args...)
	if code, exited := exitCode(err); exited {
		return code, true
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: %v\n", err)
		return exitFail, true
	}
	out, err := wave.FormatResult(comp.Types(), wf, res)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit run: formatting the result of %s: %v\n", wf.Name, err)
		return exitFail, true
	}
	if out != "" {
		fmt.Fprintln(c.stdout, out)
	}
	return exitOK, false
}

package main

import (
	"flag"
	"fmt"

	"github.com/plugwit/plugwit/wit"
)

// The `wit` command group: check, print and encode WIT packages.

const witUsage = `usage: plugwit wit <command> [--features a,b] [--all-features] PATH...

Check, print and encode WIT packages. PATH is a .wit file or a directory of
.wit files, whose deps/ folder holds the packages it depends on.

Commands:
  check  report whether each PATH is a valid WIT package
  print  print the package at PATH as WIT text
  json   print the resolved packages as JSON

Run 'plugwit wit help <command>' for details.
`

const witFlagsUsage = `
Flags:
  --features a,b   enable @unstable items gated on these features
                   (comma-separated; the flag may be repeated)
  --all-features   enable every @unstable item
  -h, --help       print this help
`

const witCheckUsage = `usage: plugwit wit check [--features a,b] [--all-features] PATH...

Parse and resolve each PATH on its own. Print nothing and exit 0 when every
PATH is a valid WIT package; otherwise print each error, with its
file:line:col and the offending line, to stderr and exit 1.
` + witFlagsUsage

const witPrintUsage = `usage: plugwit wit print [--features a,b] [--all-features] PATH...

Print the WIT package at PATH as wasm-tools component wit does: the package
itself, then every package it depends on as a nested package { … } block.

Several PATHs are loaded in order into one set of packages, so a PATH may use
the packages of the PATHs before it; the last PATH is the one printed first.
` + witFlagsUsage

const witJSONUsage = `usage: plugwit wit json [--features a,b] [--all-features] PATH...

Print every package loaded from PATH (its dependencies included) as the JSON
of wit-parser's Resolve, byte for byte what wasm-tools component wit --json
prints: worlds, interfaces, types and packages, referring to each other by
index. Like wasm-tools it writes no newline after the final brace.

Several PATHs are loaded in order into one set of packages, as for print.
` + witFlagsUsage

func witCommand() *command {
	return &command{
		name:    "wit",
		summary: "check, print and encode WIT packages",
		usage:   witUsage,
		run: func(c *cli, args []string) int {
			return dispatch(c, "plugwit wit", witCommands(), args)
		},
	}
}

func witCommands() []*command {
	return []*command{
		{name: "check", summary: "report whether each PATH is a valid WIT package", usage: witCheckUsage, run: witCheck},
		{name: "print", summary: "print the package at PATH as WIT text", usage: witPrintUsage, run: witPrint},
		{name: "json", summary: "print the resolved packages as JSON", usage: witJSONUsage, run: witJSON},
	}
}

// witOptions are the flags every wit subcommand takes.
type witOptions struct {
	features    listFlag
	allFeatures bool
}

func (o *witOptions) register(fs *flag.FlagSet) {
	fs.Var(&o.features, "features", "enable @unstable items gated on these comma-separated features")
	fs.BoolVar(&o.allFeatures, "all-features", false, "enable every @unstable item")
}

func (o *witOptions) newResolve() *wit.Resolve {
	r := wit.NewResolve(o.features...)
	r.AllFeatures = o.allFeatures
	return r
}

// parseWitArgs parses the flags and PATHs of `plugwit wit name`. ok is false
// when the command should exit with code right away.
func parseWitArgs(c *cli, name, usage string, args []string) (opts *witOptions, paths []string, code int, ok bool) {
	opts = &witOptions{}
	fs := newFlagSet(c, "plugwit wit "+name)
	opts.register(fs)
	paths, code, ok = parseArgs(c, fs, usage, args)
	if !ok {
		return nil, nil, code, false
	}
	if len(paths) == 0 {
		fmt.Fprintf(c.stderr, "plugwit wit %s: missing PATH\n\n%s", name, usage)
		return nil, nil, exitUsage, false
	}
	return opts, paths, 0, true
}

// reportError prints a command failure to stderr in the form wasm-tools
// uses; a WIT error carries its own location and caret snippet.
func reportError(c *cli, err error) {
	fmt.Fprintf(c.stderr, "error: %v\n", err)
}

func witCheck(c *cli, args []string) int {
	opts, paths, code, ok := parseWitArgs(c, "check", witCheckUsage, args)
	if !ok {
		return code
	}
	code = exitOK
	for _, p := range paths {
		if _, err := c.pushPath(opts.newResolve(), p); err != nil {
			reportError(c, err)
			code = exitFail
		}
	}
	return code
}

// loadAll pushes paths in order into one Resolve and returns it with the ID
// of the last path's package.
func loadAll(c *cli, opts *witOptions, paths []string) (*wit.Resolve, wit.PackageID, bool) {
	r := opts.newResolve()
	var main wit.PackageID
	for _, p := range paths {
		id, err := c.pushPath(r, p)
		if err != nil {
			reportError(c, err)
			return nil, 0, false
		}
		main = id
	}
	return r, main, true
}

func witPrint(c *cli, args []string) int {
	opts, paths, code, ok := parseWitArgs(c, "print", witPrintUsage, args)
	if !ok {
		return code
	}
	r, main, ok := loadAll(c, opts, paths)
	if !ok {
		return exitFail
	}
	return write(c, []byte(r.PrintAll(main)))
}

func witJSON(c *cli, args []string) int {
	opts, paths, code, ok := parseWitArgs(c, "json", witJSONUsage, args)
	if !ok {
		return code
	}
	r, _, ok := loadAll(c, opts, paths)
	if !ok {
		return exitFail
	}
	b, err := r.MarshalJSON()
	if err != nil {
		reportError(c, err)
		return exitFail
	}
	return write(c, b)
}

// write writes a command's output to stdout.
func write(c *cli, b []byte) int {
	if _, err := c.stdout.Write(b); err != nil {
		reportError(c, fmt.Errorf("write output: %w", err))
		return exitFail
	}
	return exitOK
}

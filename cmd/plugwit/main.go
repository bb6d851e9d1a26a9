// Command plugwit is the plugwit command-line tool.
//
// Usage:
//
//	plugwit <command> [arguments]
//
// The commands are:
//
//	wit      check, print and encode WIT packages
//	inspect  print a component's imports, exports and modules
//	run      run a component, or call its exports
//	serve    serve HTTP with a wasi:http/proxy component
//
// Run `plugwit help <command>` for the arguments of a command.
//
// Exit status: 0 on success, 1 when the command ran and failed (an invalid
// WIT package, an unreadable file), 2 on a usage error.
//
// inspect, run and serve keep the machine code they compile in a cache
// directory, so that a plugin compiles once: $PLUGWIT_CACHE if set (`off`
// disables the cache), else plugwit/ in the user's cache directory
// (os.UserCacheDir). Without a usable directory they compile every time.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/plugwit/plugwit/wit"
)

// Exit codes.
const (
	exitOK    = 0 // success
	exitFail  = 1 // the command ran and failed
	exitUsage = 2 // bad command line
)

// cli is what a command may touch of the outside world. Commands take it as
// an argument, never use os.Stdout or os.Exit, so tests run them in process.
type cli struct {
	stdin          io.Reader // nil: empty (what a component run reads as its stdin)
	stdout, stderr io.Writer

	// stop, when not nil, ends a long-running command (serve) as an
	// interrupt would: tests run such commands in process.
	stop <-chan struct{}

	// pushPath loads a WIT package into a Resolve: (*wit.Resolve).PushPath,
	// replaced in tests that must not depend on the parser.
	pushPath func(r *wit.Resolve, path string) (wit.PackageID, error)

	// cacheDir is where compiled code is cached; "" for no cache.
	cacheDir string
}

// defaultCacheDir is the compilation cache directory: $PLUGWIT_CACHE
// (`off`: none), else plugwit/ in the user's cache directory.
func defaultCacheDir() string {
	if d, ok := os.LookupEnv("PLUGWIT_CACHE"); ok {
		if d == "off" {
			return ""
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "plugwit")
}

// command is a command or a subcommand of a group. A group (such as `wit`)
// is a command whose run dispatches to its own table with dispatch.
type command struct {
	name    string
	summary string // one line, for the list of commands
	usage   string // full help, printed by -h and `help <name>`
	run     func(c *cli, args []string) int
}

// commands lists the top-level commands. Each command group lives in its own
// file (wit.go, later inspect.go, run.go, serve.go, bindgen.go, new.go,
// build.go) and adds one entry here.
func commands() []*command {
	return []*command{
		witCommand(),
		inspectCommand(),
		runCommand(),
		serveCommand(),
	}
}

func main() {
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, pushPath: (*wit.Resolve).PushPath,
		cacheDir: defaultCacheDir()}
	os.Exit(c.main(os.Args[1:]))
}

// run executes the plugwit command line args (without the program name) and
// returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, pushPath: (*wit.Resolve).PushPath}
	return c.main(args)
}

// main runs the command line args with c.
func (c *cli) main(args []string) int {
	return dispatch(c, "plugwit", commands(), args)
}

// dispatch runs the command named by args[0] from cmds, or handles help:
// `prog`, `prog -h`, `prog help` and `prog help NAME`.
func dispatch(c *cli, prog string, cmds []*command, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(c.stderr, "%s: missing command\n\n", prog)
		writeGroupUsage(c.stderr, prog, cmds)
		return exitUsage
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		writeGroupUsage(c.stdout, prog, cmds)
		return exitOK
	case "help":
		if len(args) == 1 {
			writeGroupUsage(c.stdout, prog, cmds)
			return exitOK
		}
		cmd := lookup(cmds, args[1])
		if cmd == nil || len(args) > 2 {
			fmt.Fprintf(c.stderr, "%s help: unknown command %q\n\n", prog, strings.Join(args[1:], " "))
			writeGroupUsage(c.stderr, prog, cmds)
			return exitUsage
		}
		io.WriteString(c.stdout, cmd.usage)
		return exitOK
	default:
		cmd := lookup(cmds, name)
		if cmd == nil {
			fmt.Fprintf(c.stderr, "%s: unknown command %q\n\n", prog, name)
			writeGroupUsage(c.stderr, prog, cmds)
			return exitUsage
		}
		return cmd.run(c, args[1:])
	}
}

func lookup(cmds []*command, name string) *command {
	for _, cmd := range cmds {
		if cmd.name == name {
			return cmd
		}
	}
	return nil
}

// writeGroupUsage writes the usage of prog, a program or command group: a
// synopsis and the list of its commands.
func writeGroupUsage(w io.Writer, prog string, cmds []*command) {
	fmt.Fprintf(w, "usage: %s <command> [arguments]\n\nCommands:\n", prog)
	width := 0
	for _, cmd := range cmds {
		width = max(width, len(cmd.name))
	}
	for _, cmd := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, cmd.name, cmd.summary)
	}
	fmt.Fprintf(w, "\nRun '%s help <command>' for details.\n", prog)
}

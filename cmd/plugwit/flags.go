package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// newFlagSet returns a flag set that reports errors but leaves printing the
// usage to parseArgs, so that -h goes to stdout and mistakes to stderr.
func newFlagSet(c *cli, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses args with fs, letting flags and positional arguments mix
// (`check a.wit --all-features b.wit`) and treating everything after `--`
// as positional. It returns the positional arguments, or an exit code of 0
// after -h and 2 after a bad flag, having printed usage to the right stream.
func parseArgs(c *cli, fs *flag.FlagSet, usage string, args []string) (pos []string, code int, ok bool) {
	pos, err := parseInterspersed(fs, args)
	switch {
	case err == nil:
		return pos, 0, true
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(c.stdout, usage)
		return nil, exitOK, false
	default:
		// The flag package has already printed the error.
		fmt.Fprintf(c.stderr, "\n%s", usage)
		return nil, exitUsage, false
	}
}

// parseInterspersed is flag.FlagSet.Parse without the rule that flags end at
// the first positional argument. Each flag (with its value, when the flag is
// not boolean and not written `-name=value`) is handed to fs.Parse on its
// own, so fs reports errors in its usual words.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		chunk := []string{a}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if !strings.Contains(name, "=") && i+1 < len(args) {
			if f := fs.Lookup(name); f != nil && !isBoolFlag(f) {
				chunk = append(chunk, args[i+1])
				i++
			}
		}
		if err := fs.Parse(chunk); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// listFlag is a flag holding a list, given comma-separated, repeated, or
// both: `--features a,b --features c`.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

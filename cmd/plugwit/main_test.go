package main

import (
	"bytes"
	"flag"
	"reflect"
	"strings"
	"testing"
)

// runCLI runs the command line in process and returns its exit code, stdout
// and stderr.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		wantStderr []string
	}{
		{nil, []string{"plugwit: missing command", "usage: plugwit <command>", "wit "}},
		{[]string{"frob"}, []string{`plugwit: unknown command "frob"`, "usage: plugwit <command>"}},
		{[]string{"help", "frob"}, []string{`plugwit help: unknown command "frob"`}},
		{[]string{"wit"}, []string{"plugwit wit: missing command", "usage: plugwit wit <command>", "check", "print", "json"}},
		{[]string{"wit", "frob"}, []string{`plugwit wit: unknown command "frob"`, "usage: plugwit wit <command>"}},
		{[]string{"wit", "check"}, []string{"plugwit wit check: missing PATH", "usage: plugwit wit check"}},
		{[]string{"wit", "print", "--all-features"}, []string{"plugwit wit print: missing PATH", "usage: plugwit wit print"}},
		{[]string{"wit", "json", "--features", "a"}, []string{"plugwit wit json: missing PATH", "usage: plugwit wit json"}},
		{[]string{"wit", "check", "--bogus", "x.wit"}, []string{"flag provided but not defined: -bogus", "usage: plugwit wit check"}},
		{[]string{"wit", "check", "x.wit", "--features"}, []string{"flag needs an argument: -features", "usage: plugwit wit check"}},
		{[]string{"wit", "check", "--all-features=maybe", "x.wit"}, []string{"invalid boolean value", "usage: plugwit wit check"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout not empty:\n%s", stdout)
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "usage: plugwit <command>"},
		{[]string{"--help"}, "usage: plugwit <command>"},
		{[]string{"help"}, "usage: plugwit <command>"},
		{[]string{"help", "wit"}, "usage: plugwit wit <command>"},
		{[]string{"wit", "-h"}, "usage: plugwit wit <command>"},
		{[]string{"wit", "help"}, "usage: plugwit wit <command>"},
		{[]string{"wit", "help", "json"}, "usage: plugwit wit json"},
		{[]string{"wit", "check", "-h"}, "usage: plugwit wit check"},
		{[]string{"wit", "print", "--help"}, "usage: plugwit wit print"},
		{[]string{"wit", "json", "x.wit", "-help"}, "usage: plugwit wit json"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitOK {
				t.Errorf("exit code %d, want 0", code)
			}
			if !strings.HasPrefix(stdout, tc.want) {
				t.Errorf("stdout does not start with %q:\n%s", tc.want, stdout)
			}
			if stderr != "" {
				t.Errorf("stderr not empty:\n%s", stderr)
			}
		})
	}
}

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		pos      []string
		features []string
		all      bool
	}{
		{[]string{"a.wit"}, []string{"a.wit"}, nil, false},
		{[]string{"a", "--features", "x,y", "b", "--all-features"}, []string{"a", "b"}, []string{"x", "y"}, true},
		{[]string{"-features=x", "--features", "y", "--features=z, w", "a"}, []string{"a"}, []string{"x", "y", "z", "w"}, false},
		{[]string{"--all-features=false", "a", "--", "--features", "-"}, []string{"a", "--features", "-"}, nil, false},
		{[]string{"-", "a"}, []string{"-", "a"}, nil, false},
		{[]string{"--features", "--all-features"}, nil, []string{"--all-features"}, false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			var opts witOptions
			opts.register(fs)
			pos, err := parseInterspersed(fs, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pos, tc.pos) {
				t.Errorf("positional %q, want %q", pos, tc.pos)
			}
			if !reflect.DeepEqual([]string(opts.features), tc.features) {
				t.Errorf("features %q, want %q", opts.features, tc.features)
			}
			if opts.allFeatures != tc.all {
				t.Errorf("all-features %v, want %v", opts.allFeatures, tc.all)
			}
		})
	}
}

// TestCommandsDocumented checks that every command has a summary and a usage
// that starts with its own synopsis, so a new command cannot ship without
// help.
func TestCommandsDocumented(t *testing.T) {
	var walk func(prog string, cmds []*command)
	walk = func(prog string, cmds []*command) {
		for _, cmd := range cmds {
			full := prog + " " + cmd.name
			if cmd.summary == "" {
				t.Errorf("%s: no summary", full)
			}
			if !strings.HasPrefix(cmd.usage, "usage: "+full+" ") {
				t.Errorf("%s: usage does not start with %q:\n%s", full, "usage: "+full, cmd.usage)
			}
			if cmd.run == nil {
				t.Errorf("%s: no run function", full)
			}
		}
	}
	walk("plugwit", commands())
	walk("plugwit wit", witCommands())
}

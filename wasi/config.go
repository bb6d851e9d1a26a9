package wasi

import (
	"io"
	"os"
	"time"
)

// Config is what a guest may reach through WASI: its arguments, its
// environment, its standard streams, its clocks and its source of
// randomness. It is immutable: every With method returns a changed copy,
// and none fails; Instantiate validates the result.
//
// The zero Config (and NewConfig) grants nothing: no arguments, no
// environment variables, an empty stdin (reads report the end of the
// stream), stdout and stderr that accept and discard every byte, no
// terminal, no directories, no network. Clocks read the host's clocks and
// random numbers come from crypto/rand, unless replaced.
//
// Directories are granted one by one with WithPreopen; the network with
// WithAllowConnect, WithAllowBind and WithAllowNameLookup (netpolicy.go);
// outgoing HTTP requests host by host with WithAllowHTTP (http_config.go).
type Config struct {
	args       []string
	env        []envVar
	envInherit bool

	stdin          io.Reader
	stdout, stderr io.Writer

	wallClock func() time.Time
	monotonic func() uint64
	random    io.Reader

	preopens []preopenConfig

	net  netConfig  // network grants (netpolicy.go)
	http httpConfig // outgoing HTTP: http_config.go
}

// preopenConfig is one directory granted with WithPreopen.
type preopenConfig struct {
	hostDir, guestPath string
	readOnly           bool
}

type envVar struct{ key, value string }

// NewConfig returns a configuration that grants nothing (see Config).
func NewConfig() Config { return Config{} }

// WithArgs sets the arguments `wasi:cli/environment.get-arguments` returns.
// By convention the first is the program's name.
func (c Config) WithArgs(args ...string) Config {
	c.args = append([]string(nil), args...)
	return c
}

// WithEnv adds the environment variable key=value. A later WithEnv of the
// same key replaces the earlier value; an explicit variable replaces an
// inherited one (WithEnvInherit). Instantiate rejects an empty key and keys
// or values with `=` (in the key) or NUL.
func (c Config) WithEnv(key, value string) Config {
	env := make([]envVar, 0, len(c.env)+1)
	for _, e := range c.env {
		if e.key != key {
			env = append(env, e)
		}
	}
	c.env = append(env, envVar{key, value})
	return c
}

// WithEnvInherit gives the guest the host process's environment, as it is
// when Instantiate runs, in addition to the variables set with WithEnv.
func (c Config) WithEnvInherit() Config {
	c.envInherit = true
	return c
}

// WithStdin makes r the guest's standard input. A reader that may block
// (a pipe, a terminal, a network connection) is read by a goroutine, so
// that the guest's non-blocking reads and polls work as WASI specifies; an
// in-memory reader (*bytes.Reader, *strings.Reader, *bytes.Buffer) is read
// directly. nil means an empty stdin.
func (c Config) WithStdin(r io.Reader) Config {
	c.stdin = r
	return c
}

// WithStdout makes w the guest's standard output. Writes reach w in the
// guest's call, in order with whatever the host writes to w itself: the
// host buffers nothing (each write is at most the budget that
// `check-write` grants, 64 KiB), and a w that blocks blocks the guest. If
// w has a `Flush() error` method, the guest's flushes call it. nil means
// output is discarded.
func (c Config) WithStdout(w io.Writer) Config {
	c.stdout = w
	return c
}

// WithStderr makes w the guest's standard error, as WithStdout does for
// standard output.
func (c Config) WithStderr(w io.Writer) Config {
	c.stderr = w
	return c
}

// WithInheritStdio gives the guest the host process's standard streams:
// os.Stdin, os.Stdout and os.Stderr. None of them is reported as a
// terminal.
func (c Config) WithInheritStdio() Config {
	c.stdin, c.stdout, c.stderr = os.Stdin, os.Stdout, os.Stderr
	return c
}

// WithClock replaces the wall clock (`wasi:clocks/wall-clock.now`). Times
// before 1970 read as 1970-01-01T00:00:00Z.
func (c Config) WithClock(now func() time.Time) Config {
	c.wallClock = now
	return c
}

// WithMonotonic replaces the monotonic clock: now returns nanoseconds from
// an arbitrary origin and must never go backwards. Pollables of
// `subscribe-instant` and `subscribe-duration` are ready once it reaches
// their instant; while a guest waits for one, the host sleeps for the
// remaining nanoseconds as if they were real time, then reads the clock
// again.
func (c Config) WithMonotonic(now func() uint64) Config {
	c.monotonic = now
	return c
}

// WithRandom makes r the source of every random byte the guest gets:
// `wasi:random/random`, `wasi:random/insecure` and
// `wasi:random/insecure-seed`. It is meant for deterministic tests; the
// default is crypto/rand for `random` and math/rand/v2 for the insecure
// interfaces. An error reading r traps the guest.
func (c Config) WithRandom(r io.Reader) Config {
	c.random = r
	return c
}

// WithPreopen grants the guest the host directory hostDir, which it sees
// (in `wasi:filesystem/preopens.get-directories`) under the name
// guestPath. The guest reaches only what is below hostDir: every path
// goes through an os.Root, so `..`, absolute paths and symbolic links
// that lead out of hostDir are refused with the error-code
// `not-permitted`. With readOnly, every change (opening for writing,
// creating, truncating, removing, renaming, linking, resizing) fails with
// `read-only`. Instantiate opens hostDir and fails if it cannot.
//
// A core-module plugin (WASI preview1) gets the same directory, through
// the same os.Root: an escape fails with EPERM, a change to a read-only
// preopen with EROFS.
//
// Preopens are listed in the order they were granted; granting the same
// guestPath again replaces the earlier grant.
func (c Config) WithPreopen(hostDir, guestPath string, readOnly bool) Config {
	ps := make([]preopenConfig, 0, len(c.preopens)+1)
	for _, p := range c.preopens {
		if p.guestPath != guestPath {
			ps = append(ps, p)
		}
	}
	c.preopens = append(ps, preopenConfig{hostDir, guestPath, readOnly})
	return c
}

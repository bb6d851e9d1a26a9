package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// The `serve` command: serve HTTP with a wasi:http/proxy component.

const serveUsage = `usage: plugwit serve [flags] FILE

Serve HTTP with the component FILE, which exports
wasi:http/incoming-handler (the wasi:http/proxy world), over plugwit's
WASI 0.2 host. Every request gets a new instance of the component; its
response streams to the client as the component writes it.

plugwit prints the address it listens on to standard error, and stops on
an interrupt (Ctrl-C) or SIGTERM after the requests in progress end (at
most 10 seconds).

The component gets plugwit's standard output and error, an empty standard
input, the program name FILE, and nothing else: no environment variable
unless granted by --env or --env-inherit, no directory unless granted by
--dir, no network unless granted by --allow-net, --allow-bind,
--allow-lookup or (for HTTP requests) --allow-http.

Flags:
  --addr HOST:PORT listen on HOST:PORT (default 127.0.0.1:8080; port 0
                   picks a free port)
` + grantFlagsUsage + `  -h, --help       print this help
`

func serveCommand() *command {
	return &command{name: "serve", summary: "serve HTTP with a wasi:http/proxy component", usage: serveUsage, run: serveRun}
}

func serveRun(c *cli, args []string) int {
	fs := newFlagSet(c, "serve")
	addr := fs.String("addr", "127.0.0.1:8080", "")
	grants := addGrantFlags(fs)
	pos, code, ok := parseArgs(c, fs, serveUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(c.stderr, "plugwit serve: expected one FILE, got %d\n\n%s", len(pos), serveUsage)
		return exitUsage
	}
	file := pos[0]
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.stop != nil {
		go func() {
			select {
			case <-c.stop:
				stop()
			case <-ctx.Done():
			}
		}()
	}

	rt, comp, _, err := compileFile(ctx, c, file)
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	}
	l := component.NewLinker(rt)
	cfg := grants.apply(wasi.NewConfig().WithStdout(c.stdout).WithStderr(c.stderr).WithArgs(file))
	defs, err := wasi.Define(l, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	}
	pre, err := l.InstantiatePre(ctx, comp)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	}
	handler, err := defs.NewHTTPHandler(pre, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit serve: %s: %v\n", file, err)
		return exitFail
	}
	logger := log.New(c.stderr, "", 0)
	handler.ErrorLog = logger

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	}
	srv := &http.Server{Handler: handler, ErrorLog: logger, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.stderr, "plugwit serve: listening on http://%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(c.stderr, "plugwit serve: %v\n", err)
		return exitFail
	}
	return exitOK
}

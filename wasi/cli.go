package wasi

import (
	"context"
	"fmt"

	"github.com/plugwit/plugwit/component"
)

// ExitError is the error a call ends with when the guest calls
// `wasi:cli/exit.exit` (Code 0 for `ok`, 1 for `err`) or `exit-with-code`.
// It reaches the caller wrapped in a *component.Trap: use errors.As.
//
// The exit ends the call, not the host: what to do with the code (and
// with the instance, which should not be called again) is the caller's
// choice.
type ExitError struct {
	Code uint32
}

// Error formats the exit as `exit status N`.
func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

func (h *host) cliEnvironment() *iface {
	in := h.newIface("wasi:cli/environment")
	in.funcs["get-environment"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		out := make(component.List, len(h.env))
		for i, kv := range h.env {
			out[i] = component.Tuple{component.String(kv[0]), component.String(kv[1])}
		}
		return out, nil
	}
	in.funcs["get-arguments"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		out := make(component.List, len(h.args))
		for i, a := range h.args {
			out[i] = component.String(a)
		}
		return out, nil
	}
	// No directory is granted yet, so there is no working directory.
	in.funcs["initial-cwd"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return component.None, nil
	}
	return in
}

func (h *host) cliExit() *iface {
	in := h.newIface("wasi:cli/exit")
	in.funcs["exit"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("expected 1 argument, got %d", len(args))
		}
		r, ok := args[0].(component.Result)
		if !ok {
			return nil, fmt.Errorf("argument 0: expected a result, got %T", args[0])
		}
		if r.IsErr {
			return nil, &ExitError{Code: 1}
		}
		return nil, &ExitError{Code: 0}
	}
	in.funcs["exit-with-code"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("expected 1 argument, got %d", len(args))
		}
		c, ok := args[0].(component.U8)
		if !ok {
			return nil, fmt.Errorf("argument 0: expected a u8, got %T", args[0])
		}
		return nil, &ExitError{Code: uint32(c)}
	}
	return in
}

func (h *host) cliStdin() *iface {
	in := h.newIface("wasi:cli/stdin", kindInputStream)
	in.funcs["get-stdin"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindInputStream, &inputStream{src: h.stdin})
	}
	return in
}

func (h *host) cliStdout() *iface {
	in := h.newIface("wasi:cli/stdout", kindOutputStream)
	in.funcs["get-stdout"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindOutputStream, &outputStream{dst: h.stdout})
	}
	return in
}

func (h *host) cliStderr() *iface {
	in := h.newIface("wasi:cli/stderr", kindOutputStream)
	in.funcs["get-stderr"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindOutputStream, &outputStream{dst: h.stderr})
	}
	return in
}

// No stream is a terminal: the terminal resources exist for their types,
// and the getters return none.

func (h *host) cliTerminalInput() *iface {
	return h.newIface("wasi:cli/terminal-input", kindTerminalInput)
}

func (h *host) cliTerminalOutput() *iface {
	return h.newIface("wasi:cli/terminal-output", kindTerminalOutput)
}

func noTerminal(ctx context.Context, args []component.Value) (component.Value, error) {
	return component.None, nil
}

func (h *host) cliTerminalStdin() *iface {
	in := h.newIface("wasi:cli/terminal-stdin", kindTerminalInput)
	in.funcs["get-terminal-stdin"] = noTerminal
	return in
}

func (h *host) cliTerminalStdout() *iface {
	in := h.newIface("wasi:cli/terminal-stdout", kindTerminalOutput)
	in.funcs["get-terminal-stdout"] = noTerminal
	return in
}

func (h *host) cliTerminalStderr() *iface {
	in := h.newIface("wasi:cli/terminal-stderr", kindTerminalOutput)
	in.funcs["get-terminal-stderr"] = noTerminal
	return in
}

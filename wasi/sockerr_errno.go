//go:build !plan9

package wasi

import (
	"errors"
	"syscall"
)

// errnoNetCode maps the system error in err to the name of a
// wasi:sockets error-code, "" when there is none.
func errnoNetCode(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection-refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection-reset"
	case errors.Is(err, syscall.ECONNABORTED):
		return "connection-aborted"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.ENETDOWN):
		return "remote-unreachable"
	case errors.Is(err, syscall.EADDRINUSE):
		return "address-in-use"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "address-not-bindable"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return "access-denied"
	case errors.Is(err, syscall.ETIMEDOUT):
		return "timeout"
	case errors.Is(err, syscall.EMSGSIZE):
		return "datagram-too-large"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "new-socket-limit"
	case errors.Is(err, syscall.ENOMEM), errors.Is(err, syscall.ENOBUFS):
		return "out-of-memory"
	case errors.Is(err, syscall.EAFNOSUPPORT):
		return "not-supported"
	case errors.Is(err, syscall.EINVAL):
		return "invalid-argument"
	}
	return ""
}

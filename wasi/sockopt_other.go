//go:build !unix

package wasi

import (
	"errors"
	"syscall"
)

// setHopLimit is not supported where syscall has no portable setsockopt:
// set-hop-limit fails with `not-supported` once the socket exists.
func setHopLimit(rc syscall.RawConn, ipv6 bool, n int) error {
	return &sockErr{code: "not-supported", err: errors.ErrUnsupported}
}

// getBufSize is not supported here: the value set (or the default) is
// reported instead.
func getBufSize(rc syscall.RawConn, recv bool) (int, error) {
	return 0, errors.ErrUnsupported
}

//go:build unix

package wasi

import "syscall"

// setHopLimit sets IP_TTL or IPV6_UNICAST_HOPS.
func setHopLimit(rc syscall.RawConn, ipv6 bool, n int) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		if ipv6 {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_UNICAST_HOPS, n)
		} else {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TTL, n)
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// getBufSize reads SO_RCVBUF or SO_SNDBUF.
func getBufSize(rc syscall.RawConn, recv bool) (int, error) {
	opt := syscall.SO_SNDBUF
	if recv {
		opt = syscall.SO_RCVBUF
	}
	var n int
	var serr error
	err := rc.Control(func(fd uintptr) {
		n, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, opt)
	})
	if err != nil {
		return 0, err
	}
	return n, serr
}

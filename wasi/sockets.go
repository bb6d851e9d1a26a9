package wasi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"

	"github.com/plugwit/plugwit/component"
)

// wasi:sockets over Go's net package, within the grants of the Config
// (netpolicy.go): a guest connects only to what WithAllowConnect matches,
// binds only to what WithAllowBind matches, resolves only the names
// WithAllowNameLookup matches; everything else fails with
// `access-denied`. With no connect or bind grant, creating a socket fails
// with `access-denied` too, so a guest that was granted nothing never
// holds a socket.
//
// This file is the network, its error codes and addresses, and name
// lookup; tcp.go and udp.go are the sockets. Every socket is a Go object
// in the context's table; the blocking work Go's net package does (dial,
// accept, read, write, receive, lookup) runs on one goroutine per
// operation in flight, which ends when it completes or when the guest
// drops the handle (the socket is closed, the dial or lookup cancelled).
// A guest waits for them with pollables; a cancelled ctx ends its wait.

// maxSockets bounds the sockets (TCP, UDP, accepted connections) and
// name lookups in flight a WASI context holds at once. Beyond it, creating
// a socket, accepting a connection and resolving a name fail with
// `new-socket-limit`.
const maxSockets = 1024

// network is the object behind a network handle: the capability every
// bind, connect and lookup takes. Every network handle grants the same:
// the context's netPolicy.
type network struct{}

// netErrorCode is an io error a socket stream reports: its
// wasi:sockets/network.error-code, as network-error-code returns it.
type netErrorCode interface{ netErrorCode() string }

// sockErr is a failed socket operation: its error-code, and the Go error
// behind it if any.
type sockErr struct {
	code string
	err  error
}

func (e *sockErr) Error() string {
	if e.err != nil {
		return e.code + ": " + e.err.Error()
	}
	return e.code
}
func (e *sockErr) Unwrap() error        { return e.err }
func (e *sockErr) netErrorCode() string { return e.code }

// sockCode is the error-code code, without a Go error behind it.
func sockCode(code string) error { return &sockErr{code: code} }

// netFail turns a Go error of a socket operation into its error-code.
func netFail(err error) error {
	var se *sockErr
	if errors.As(err, &se) {
		return se
	}
	return &sockErr{code: netErrorCodeOf(err), err: err}
}

// netErrorCodeOf maps a Go error to the name of a wasi:sockets error-code.
func netErrorCodeOf(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return "name-unresolvable"
		case dns.IsTemporary, dns.IsTimeout:
			return "temporary-resolver-failure"
		}
		return "permanent-resolver-failure"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	}
	if c := errnoNetCode(err); c != "" {
		return c
	}
	return "unknown"
}

// sockMethod defines a function that returns result<T, error-code>: a
// *sockErr of fn is the error-code, another error traps.
func sockMethod(fn func(ctx context.Context, args []component.Value) (component.Value, error)) component.HostFunc {
	return func(ctx context.Context, args []component.Value) (component.Value, error) {
		v, err := fn(ctx, args)
		var se *sockErr
		if errors.As(err, &se) {
			return component.Err(component.Enum(se.code)), nil
		}
		if err != nil {
			return nil, err
		}
		return component.Ok(v), nil
	}
}

// takeSocket takes one of the context's maxSockets slots.
func (h *host) takeSocket() error {
	if h.sockets.Add(1) > maxSockets {
		h.sockets.Add(-1)
		return &sockErr{code: "new-socket-limit", err: fmt.Errorf("more than %d sockets and name lookups", maxSockets)}
	}
	return nil
}

func (h *host) putSocket() { h.sockets.Add(-1) }

// ---- addresses ----

// sockAddr is an ip-socket-address: the address (with the scope-id as
// its zone), the port, and the family the guest named it in.
type sockAddr struct {
	ap   netip.AddrPort
	ipv6 bool // the ipv6 case (an IPv4-mapped address keeps its ipv6 form)
}

// sockAddrArg reads the ip-socket-address args[i].
func sockAddrArg(args []component.Value, i int) (sockAddr, error) {
	if i >= len(args) {
		return sockAddr{}, fmt.Errorf("missing argument %d", i)
	}
	return sockAddrOf(args[i])
}

func sockAddrOf(v component.Value) (sockAddr, error) {
	bad := func() (sockAddr, error) {
		return sockAddr{}, fmt.Errorf("expected an ip-socket-address, got %v", v)
	}
	vr, ok := v.(component.Variant)
	if !ok {
		return bad()
	}
	r, ok := vr.Value.(component.Record)
	switch {
	case !ok:
		return bad()
	case vr.Case == "ipv4" && len(r) == 2:
		port, ok1 := r[0].Value.(component.U16)
		t, ok2 := r[1].Value.(component.Tuple)
		if !ok1 || !ok2 || len(t) != 4 {
			return bad()
		}
		var b [4]byte
		for j := range b {
			u, ok := t[j].(component.U8)
			if !ok {
				return bad()
			}
			b[j] = byte(u)
		}
		return sockAddr{ap: netip.AddrPortFrom(netip.AddrFrom4(b), uint16(port))}, nil
	case vr.Case == "ipv6" && len(r) == 4:
		port, ok1 := r[0].Value.(component.U16)
		t, ok2 := r[2].Value.(component.Tuple)
		scope, ok3 := r[3].Value.(component.U32)
		if !ok1 || !ok2 || !ok3 || len(t) != 8 {
			return bad()
		}
		var b [16]byte
		for j := 0; j < 8; j++ {
			u, ok := t[j].(component.U16)
			if !ok {
				return bad()
			}
			b[2*j], b[2*j+1] = byte(u>>8), byte(u)
		}
		a := netip.AddrFrom16(b)
		if scope != 0 {
			a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
		return sockAddr{ap: netip.AddrPortFrom(a, uint16(port)), ipv6: true}, nil
	}
	return bad()
}

// ipAddrValue is the ip-address a.
func ipAddrValue(a netip.Addr) component.Value {
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		return component.Variant{Case: "ipv4", Value: component.Tuple{
			component.U8(b[0]), component.U8(b[1]), component.U8(b[2]), component.U8(b[3])}}
	}
	b := a.As16()
	t := make(component.Tuple, 8)
	for j := range t {
		t[j] = component.U16(uint16(b[2*j])<<8 | uint16(b[2*j+1]))
	}
	return component.Variant{Case: "ipv6", Value: t}
}

// sockAddrValue is the ip-socket-address ap, in the family of the socket
// (ipv6): an IPv6 socket's addresses are all IPv6.
func sockAddrValue(ap netip.AddrPort, ipv6 bool) component.Value {
	a := ap.Addr()
	if !ipv6 {
		a = a.Unmap()
		if a.Is4() {
			return component.Variant{Case: "ipv4", Value: component.Record{
				{Name: "port", Value: component.U16(ap.Port())},
				{Name: "address", Value: ipAddrValue(a).(component.Variant).Value},
			}}
		}
	}
	var scope uint64
	if z := a.Zone(); z != "" {
		if n, err := strconv.ParseUint(z, 10, 32); err == nil {
			scope = n
		} else if ifi, err := net.InterfaceByName(z); err == nil {
			scope = uint64(ifi.Index)
		}
	}
	b := a.As16()
	t := make(component.Tuple, 8)
	for j := range t {
		t[j] = component.U16(uint16(b[2*j])<<8 | uint16(b[2*j+1]))
	}
	return component.Variant{Case: "ipv6", Value: component.Record{
		{Name: "port", Value: component.U16(ap.Port())},
		{Name: "flow-info", Value: component.U32(0)},
		{Name: "address", Value: t},
		{Name: "scope-id", Value: component.U32(scope)},
	}}
}

// addrPortOf is the address of a Go net.Addr (a *net.TCPAddr or
// *net.UDPAddr).
func addrPortOf(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.AddrPort()
	case *net.UDPAddr:
		return a.AddrPort()
	}
	return netip.AddrPort{}
}

// checkFamily checks that the guest's address a suits a socket of the
// family ipv6: the family matches, and it is not an IPv4-mapped IPv6
// address (which would sidestep the socket's family and the grants).
func checkFamily(a sockAddr, ipv6 bool) error {
	if a.ipv6 != ipv6 {
		return &sockErr{code: "invalid-argument", err: errors.New("address of the other family")}
	}
	if a.ap.Addr().Is4In6() {
		return &sockErr{code: "invalid-argument", err: errors.New("IPv4-mapped IPv6 address")}
	}
	return nil
}

// checkRemote checks a remote address to connect or send to: of the
// socket's family, specified, with a port.
func checkRemote(a sockAddr, ipv6 bool) error {
	if err := checkFamily(a, ipv6); err != nil {
		return err
	}
	if a.ap.Addr().IsUnspecified() || a.ap.Port() == 0 {
		return &sockErr{code: "invalid-argument", err: errors.New("unspecified address or port 0")}
	}
	return nil
}

// isUnicast reports whether a is neither multicast nor the IPv4 broadcast
// address.
func isUnicast(a netip.Addr) bool {
	return !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

func familyValue(ipv6 bool) component.Value {
	if ipv6 {
		return component.Enum("ipv6")
	}
	return component.Enum("ipv4")
}

func familyArg(args []component.Value, i int) (ipv6 bool, err error) {
	if i >= len(args) {
		return false, fmt.Errorf("missing argument %d", i)
	}
	switch args[i] {
	case component.Enum("ipv4"):
		return false, nil
	case component.Enum("ipv6"):
		return true, nil
	}
	return false, fmt.Errorf("argument %d: expected an ip-address-family, got %v", i, args[i])
}

// netnet is the Go network name of a socket: tcp4, tcp6, udp4, udp6.
func netnet(proto string, ipv6 bool) string {
	if ipv6 {
		return proto + "6"
	}
	return proto + "4"
}

// ---- interfaces ----

func (h *host) socketsNetwork() *iface {
	in := h.newIface("wasi:sockets/network", kindNetwork, kindError)
	in.funcs["network-error-code"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		e, err := resourceArg[*ioErrorObj](h, args, 0, kindError)
		if err != nil {
			return nil, err
		}
		if c, ok := e.err.(netErrorCode); ok {
			return component.Some(component.Enum(c.netErrorCode())), nil
		}
		return component.None, nil
	}
	return in
}

func (h *host) socketsInstanceNetwork() *iface {
	in := h.newIface("wasi:sockets/instance-network", kindNetwork)
	in.funcs["instance-network"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindNetwork, &network{})
	}
	return in
}

// ---- ip-name-lookup ----

// resolveStream is the object behind a resolve-address-stream handle: the
// addresses of one lookup, which a goroutine fills in.
type resolveStream struct {
	h      *host
	cancel context.CancelFunc // nil once done

	mu    sync.Mutex
	done  bool
	addrs []netip.Addr
	err   error
	sig   signal
}

func (s *resolveStream) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

func (s *resolveStream) watch(ch chan struct{}) (stop func()) { return s.sig.watch(ch) }

// finish records the lookup's result.
func (s *resolveStream) finish(addrs []netip.Addr, err error) {
	s.mu.Lock()
	if !s.done {
		s.done = true
		seen := map[netip.Addr]bool{}
		for _, a := range addrs {
			a = a.Unmap().WithZone("")
			if !seen[a] {
				seen[a] = true
				s.addrs = append(s.addrs, a)
			}
		}
		s.err = err
		if s.cancel != nil {
			s.cancel()
			s.cancel = nil
			s.h.putSocket()
		}
	}
	s.mu.Unlock()
	s.sig.notify()
}

// release cancels a lookup in flight when the guest drops the stream.
func (s *resolveStream) release() {
	s.finish(nil, sockCode("unknown"))
}

func (h *host) socketsIPNameLookup() *iface {
	in := h.newIface("wasi:sockets/ip-name-lookup", kindResolveAddressStream, kindPollable, kindNetwork)
	in.funcs["resolve-addresses"] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*network](h, args, 0, kindNetwork); err != nil {
			return nil, err
		}
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		s := &resolveStream{h: h}
		if a, err := netip.ParseAddr(name); err == nil && a.Zone() == "" {
			s.finish([]netip.Addr{a}, nil) // a literal: no lookup, no grant needed
			return h.newResource(kindResolveAddressStream, s)
		}
		norm, ok := normalizeName(name)
		if !ok {
			return nil, &sockErr{code: "invalid-argument", err: fmt.Errorf("%q is not a host name", name)}
		}
		if !h.net.mayLookup(norm) {
			return nil, &sockErr{code: "access-denied", err: fmt.Errorf("looking up %q is not granted", name)}
		}
		if err := h.takeSocket(); err != nil {
			return nil, err
		}
		lctx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		v, err := h.newResource(kindResolveAddressStream, s)
		if err != nil {
			s.finish(nil, err)
			return nil, err
		}
		go func() {
			addrs, err := net.DefaultResolver.LookupNetIP(lctx, "ip", norm)
			if err != nil {
				err = netFail(err)
			}
			s.finish(addrs, err)
		}()
		return v, nil
	})
	in.funcs["[method]resolve-address-stream.resolve-next-address"] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*resolveStream](h, args, 0, kindResolveAddressStream)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case !s.done:
			return nil, sockCode("would-block")
		case s.err != nil:
			return nil, s.err
		case len(s.addrs) == 0:
			return component.None, nil
		}
		a := s.addrs[0]
		s.addrs = s.addrs[1:]
		return component.Some(ipAddrValue(a)), nil
	})
	in.funcs["[method]resolve-address-stream.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*resolveStream](h, args, 0, kindResolveAddressStream)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(s)
	}
	return in
}

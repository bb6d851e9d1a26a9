package wasi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/plugwit/plugwit/component"
)

// wasi:sockets/tcp and tcp-create-socket over net.Dialer and
// net.ListenConfig.
//
// The state machine is the spec's (TcpSocketOperationalSemantics.md):
// unbound → bind-in-progress → bound → listen-in-progress → listening, and
// unbound or bound → connect-in-progress → connected or closed. A method
// called in the wrong state fails with `invalid-state` (with
// `concurrency-conflict` while another start-/finish- pair is in
// progress), a finish- without its start- with `not-in-progress`, and a
// finish-connect or accept that would wait with `would-block`.
//
// Go's net package binds and listens in one step, so finish-bind makes
// the listening socket (with the local address and port the system chose)
// and start-listen only changes the state: between the two, the system
// already queues incoming connections, which accept hands out once the
// guest listens. A bound socket that then connects closes that listener
// and dials from its address. See RATIONALE.md, "Why do sockets go
// through Go's net package?".

// tcpState is the state of a TCP socket (the spec's names).
type tcpState uint8

const (
	tcpUnbound tcpState = iota
	tcpBindStarted
	tcpBound
	tcpListenStarted
	tcpListening
	tcpConnectStarted
	tcpConnected
	tcpClosed
)

// inProgress reports whether a start-/finish- pair is under way.
func (s tcpState) inProgress() bool {
	return s == tcpBindStarted || s == tcpListenStarted || s == tcpConnectStarted
}

// sockOpts are the options a guest set on a socket, applied to its
// connections when they exist. Zero means the system's default.
type sockOpts struct {
	keepAlive           bool
	keepIdle, keepIntvl time.Duration
	keepCount           uint32
	hopLimit            uint8
	rcvBuf, sndBuf      uint64
	backlog             uint64
}

// Defaults reported for options the guest has not set and the host does
// not read from the system: Linux's defaults.
const (
	defaultKeepIdle  = 7200 * time.Second
	defaultKeepIntvl = 75 * time.Second
	defaultKeepCount = 9
	defaultHopLimit  = 64
	defaultBufSize   = 64 << 10
)

func (o *sockOpts) keepAliveConfig() net.KeepAliveConfig {
	c := net.KeepAliveConfig{Enable: o.keepAlive, Idle: o.keepIdle, Interval: o.keepIntvl, Count: int(o.keepCount)}
	if c.Idle == 0 {
		c.Idle = -1 // the system's
	}
	if c.Interval == 0 {
		c.Interval = -1
	}
	if c.Count == 0 {
		c.Count = -1
	}
	return c
}

// control sets the options that must be set before bind or connect.
func (o *sockOpts) control(ipv6 bool) func(network, address string, rc syscall.RawConn) error {
	return func(_, _ string, rc syscall.RawConn) error {
		if o.hopLimit != 0 {
			if err := setHopLimit(rc, ipv6, int(o.hopLimit)); err != nil {
				return err
			}
		}
		return nil
	}
}

// applyConn sets the options of a new connection.
func (o *sockOpts) applyConn(c *net.TCPConn, ipv6 bool) error {
	if err := c.SetKeepAliveConfig(o.keepAliveConfig()); err != nil {
		return err
	}
	if o.rcvBuf != 0 {
		if err := c.SetReadBuffer(clampInt(o.rcvBuf)); err != nil {
			return err
		}
	}
	if o.sndBuf != 0 {
		if err := c.SetWriteBuffer(clampInt(o.sndBuf)); err != nil {
			return err
		}
	}
	if o.hopLimit != 0 {
		if rc, err := c.SyscallConn(); err == nil {
			return setHopLimit(rc, ipv6, int(o.hopLimit))
		}
	}
	return nil
}

func clampInt(n uint64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}

// tcpSocket is the object behind a tcp-socket handle.
type tcpSocket struct {
	h    *host
	ipv6 bool

	mu    sync.Mutex
	state tcpState
	opts  sockOpts
	sig   signal // a dial or accept completed

	bindAddr netip.AddrPort   // during bind-in-progress
	ln       *net.TCPListener // bound, listening
	local    netip.AddrPort   // the bound address, once bound

	// connect-in-progress
	dialCancel context.CancelFunc
	dialDone   bool
	dialConn   *net.TCPConn
	dialErr    error

	// connected
	conn *net.TCPConn
	in   *sockSource
	out  *connSink

	// listening: one accept in flight at a time, its result kept until the
	// guest takes it.
	accepting bool
	accepted  *net.TCPConn
	acceptErr error

	released bool
}

func (s *tcpSocket) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case tcpConnectStarted:
		return s.dialDone
	case tcpListening:
		s.startAcceptLocked()
		return s.accepted != nil || s.acceptErr != nil
	}
	return true
}

func (s *tcpSocket) watch(ch chan struct{}) (stop func()) { return s.sig.watch(ch) }

// release closes the socket when the guest drops its handle.
func (s *tcpSocket) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return
	}
	s.released = true
	s.state = tcpClosed
	if s.dialCancel != nil {
		s.dialCancel()
	}
	if s.dialConn != nil {
		s.dialConn.Close()
	}
	if s.ln != nil {
		s.ln.Close()
	}
	if s.conn != nil {
		s.conn.Close()
	}
	if s.accepted != nil {
		s.accepted.Close()
		s.accepted = nil
	}
	s.h.putSocket()
	s.sig.notify()
}

// startAcceptLocked starts accepting the next connection, unless one is
// being accepted or waits for the guest.
func (s *tcpSocket) startAcceptLocked() {
	if s.accepting || s.accepted != nil || s.acceptErr != nil || s.released {
		return
	}
	s.accepting = true
	ln := s.ln
	go func() {
		c, err := ln.AcceptTCP()
		s.mu.Lock()
		s.accepting = false
		if s.released {
			if c != nil {
				c.Close()
			}
		} else {
			s.accepted, s.acceptErr = c, err
		}
		s.mu.Unlock()
		s.sig.notify()
	}()
}

// connected makes the streams of the connection c.
func (s *tcpSocket) connectedLocked(c *net.TCPConn) {
	s.state, s.conn = tcpConnected, c
	s.in = &sockSource{source: newReaderSource(connReader{c})}
	s.out = newConnSink(c)
}

// streams returns new handles to the streams of a connected socket.
func (h *host) tcpStreams(s *tcpSocket) (in, out component.Value, err error) {
	if in, err = h.newResource(kindInputStream, &inputStream{src: s.in}); err != nil {
		return nil, nil, err
	}
	if out, err = h.newResource(kindOutputStream, &outputStream{dst: s.out}); err != nil {
		return nil, nil, err
	}
	return in, out, nil
}

func (h *host) socketsTCPCreate() *iface {
	in := h.newIface("wasi:sockets/tcp-create-socket", kindNetwork, kindTCPSocket)
	in.funcs["create-tcp-socket"] = h.socketCreator(kindTCPSocket, func(ipv6 bool) any { return &tcpSocket{h: h, ipv6: ipv6} })
	return in
}

// socketCreator is create-tcp-socket or create-udp-socket: a socket of
// kind k, made by mk for the address family asked, within the network
// grants and the context's socket limit.
func (h *host) socketCreator(k kind, mk func(ipv6 bool) any) component.HostFunc {
	return sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		ipv6, err := familyArg(args, 0)
		if err != nil {
			return nil, err
		}
		if !h.net.sockets() {
			return nil, &sockErr{code: "access-denied", err: errors.New("no network is granted")}
		}
		if err := h.takeSocket(); err != nil {
			return nil, err
		}
		v, err := h.newResource(k, mk(ipv6))
		if err != nil {
			h.putSocket()
		}
		return v, err
	})
}

func (h *host) socketsTCP() *iface {
	in := h.newIface("wasi:sockets/tcp", kindTCPSocket, kindInputStream, kindOutputStream, kindPollable, kindNetwork)
	// def defines a method that returns result<T, error-code> and runs
	// with the socket locked.
	def := func(name string, fn func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error)) {
		in.funcs["[method]tcp-socket."+name] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*tcpSocket](h, args, 0, kindTCPSocket)
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			return fn(ctx, s, args)
		})
	}
	wrongState := func(s *tcpSocket) error {
		if s.state.inProgress() {
			return sockCode("concurrency-conflict")
		}
		return sockCode("invalid-state")
	}

	def("start-bind", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*network](h, args, 1, kindNetwork); err != nil {
			return nil, err
		}
		a, err := sockAddrArg(args, 2)
		if err != nil {
			return nil, err
		}
		if s.state != tcpUnbound {
			return nil, wrongState(s)
		}
		if err := checkFamily(a, s.ipv6); err != nil {
			return nil, err
		}
		if !isUnicast(a.ap.Addr()) {
			return nil, &sockErr{code: "invalid-argument", err: errors.New("not a unicast address")}
		}
		if !h.net.mayBind(a.ap) {
			return nil, &sockErr{code: "access-denied", err: fmt.Errorf("binding to %s is not granted", a.ap)}
		}
		s.state, s.bindAddr = tcpBindStarted, a.ap
		return nil, nil
	})
	def("finish-bind", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpBindStarted {
			return nil, sockCode("not-in-progress")
		}
		lc := net.ListenConfig{KeepAlive: -1, Control: s.opts.control(s.ipv6)}
		ln, err := lc.Listen(ctx, netnet("tcp", s.ipv6), s.bindAddr.String())
		if err != nil {
			s.state = tcpUnbound
			return nil, netFail(err)
		}
		s.state, s.ln = tcpBound, ln.(*net.TCPListener)
		s.local = addrPortOf(ln.Addr())
		return nil, nil
	})
	def("start-connect", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*network](h, args, 1, kindNetwork); err != nil {
			return nil, err
		}
		a, err := sockAddrArg(args, 2)
		if err != nil {
			return nil, err
		}
		if s.state != tcpUnbound && s.state != tcpBound {
			return nil, wrongState(s)
		}
		if err := checkRemote(a, s.ipv6); err != nil {
			return nil, err
		}
		if !isUnicast(a.ap.Addr()) {
			return nil, &sockErr{code: "invalid-argument", err: errors.New("not a unicast address")}
		}
		if !h.net.mayConnect(a.ap) {
			return nil, &sockErr{code: "access-denied", err: fmt.Errorf("connecting to %s is not granted", a.ap)}
		}
		d := net.Dialer{KeepAliveConfig: s.opts.keepAliveConfig(), KeepAlive: -1, Control: s.opts.control(s.ipv6)}
		if s.ln != nil {
			// Bound: dial from the bound address, which the listener
			// standing for the binding gives up.
			d.LocalAddr = net.TCPAddrFromAddrPort(s.local)
			s.ln.Close()
			s.ln = nil
		}
		dctx, cancel := context.WithCancel(context.Background())
		s.state, s.dialCancel, s.dialDone = tcpConnectStarted, cancel, false
		network, addr := netnet("tcp", s.ipv6), a.ap.String()
		go func() {
			c, err := d.DialContext(dctx, network, addr)
			s.mu.Lock()
			s.dialDone = true
			if err != nil {
				s.dialErr = err
			} else if s.released {
				c.Close()
			} else {
				s.dialConn = c.(*net.TCPConn)
			}
			s.mu.Unlock()
			s.sig.notify()
		}()
		return nil, nil
	})
	def("finish-connect", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpConnectStarted {
			return nil, sockCode("not-in-progress")
		}
		if !s.dialDone {
			return nil, sockCode("would-block")
		}
		s.dialCancel()
		s.dialCancel = nil
		if s.dialErr != nil {
			s.state = tcpClosed
			return nil, netFail(s.dialErr)
		}
		c := s.dialConn
		s.dialConn = nil
		if err := s.opts.applyConn(c, s.ipv6); err != nil {
			c.Close()
			s.state = tcpClosed
			return nil, netFail(err)
		}
		s.connectedLocked(c)
		inV, outV, err := h.tcpStreams(s)
		if err != nil {
			return nil, err
		}
		return component.Tuple{inV, outV}, nil
	})
	def("start-listen", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpBound {
			return nil, wrongState(s)
		}
		s.state = tcpListenStarted
		return nil, nil
	})
	def("finish-listen", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpListenStarted {
			return nil, sockCode("not-in-progress")
		}
		s.state = tcpListening
		s.startAcceptLocked()
		return nil, nil
	})
	def("accept", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpListening {
			return nil, sockCode("invalid-state")
		}
		s.startAcceptLocked()
		c, err := s.accepted, s.acceptErr
		if c == nil && err == nil {
			return nil, sockCode("would-block")
		}
		s.accepted, s.acceptErr = nil, nil
		s.startAcceptLocked()
		if err != nil {
			return nil, netFail(err)
		}
		if err := h.takeSocket(); err != nil {
			c.Close()
			return nil, err
		}
		child := &tcpSocket{h: h, ipv6: s.ipv6, opts: s.opts}
		child.opts.backlog = 0
		if err := child.opts.applyConn(c, s.ipv6); err != nil {
			c.Close()
			h.putSocket()
			return nil, netFail(err)
		}
		child.local = addrPortOf(c.LocalAddr())
		child.connectedLocked(c)
		sv, err := h.newResource(kindTCPSocket, child)
		if err != nil {
			child.release()
			return nil, err
		}
		inV, outV, err := h.tcpStreams(child)
		if err != nil {
			return nil, err
		}
		return component.Tuple{sv, inV, outV}, nil
	})
	def("local-address", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		switch {
		case s.state == tcpConnected:
			return sockAddrValue(addrPortOf(s.conn.LocalAddr()), s.ipv6), nil
		case s.state == tcpBound || s.state == tcpListenStarted || s.state == tcpListening ||
			s.state == tcpConnectStarted && s.local.IsValid():
			return sockAddrValue(s.local, s.ipv6), nil
		}
		return nil, sockCode("invalid-state")
	})
	def("remote-address", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.state != tcpConnected {
			return nil, sockCode("invalid-state")
		}
		return sockAddrValue(addrPortOf(s.conn.RemoteAddr()), s.ipv6), nil
	})
	in.funcs["[method]tcp-socket.is-listening"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*tcpSocket](h, args, 0, kindTCPSocket)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return component.Bool(s.state == tcpListening), nil
	}
	in.funcs["[method]tcp-socket.address-family"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*tcpSocket](h, args, 0, kindTCPSocket)
		if err != nil {
			return nil, err
		}
		return familyValue(s.ipv6), nil
	}
	def("set-listen-backlog-size", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		n, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		switch {
		case n == 0:
			return nil, sockCode("invalid-argument")
		case s.state == tcpConnectStarted || s.state == tcpConnected:
			return nil, sockCode("invalid-state")
		}
		// Go's listeners take the system's maximum backlog; the hint is
		// kept (the spec lets implementations ignore it).
		s.opts.backlog = n
		return nil, nil
	})

	// Keep-alive: kept in the socket, applied to its connection.
	applyKeepAlive := func(s *tcpSocket) error {
		if s.conn != nil {
			if err := s.conn.SetKeepAliveConfig(s.opts.keepAliveConfig()); err != nil {
				return netFail(err)
			}
		}
		return nil
	}
	def("keep-alive-enabled", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		return component.Bool(s.opts.keepAlive), nil
	})
	def("set-keep-alive-enabled", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		b, err := boolArg(args, 1)
		if err != nil {
			return nil, err
		}
		s.opts.keepAlive = b
		return nil, applyKeepAlive(s)
	})
	for _, o := range []struct {
		name string
		p    func(*sockOpts) *time.Duration
		def  time.Duration
	}{
		{"keep-alive-idle-time", func(o *sockOpts) *time.Duration { return &o.keepIdle }, defaultKeepIdle},
		{"keep-alive-interval", func(o *sockOpts) *time.Duration { return &o.keepIntvl }, defaultKeepIntvl},
	} {
		def(o.name, func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
			if d := *o.p(&s.opts); d != 0 {
				return component.U64(d), nil
			}
			return component.U64(o.def), nil
		})
		def("set-"+o.name, func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
			n, err := u64Arg(args, 1)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, sockCode("invalid-argument")
			}
			// The system counts in whole seconds, up to 2¹⁵-1 of them on
			// Linux: round up and clamp, as the spec allows.
			d := time.Duration(min(n, uint64(math.MaxInt64)))
			d = min(max(d.Round(time.Second), time.Second), 32767*time.Second)
			*o.p(&s.opts) = d
			return nil, applyKeepAlive(s)
		})
	}
	def("keep-alive-count", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if s.opts.keepCount != 0 {
			return component.U32(s.opts.keepCount), nil
		}
		return component.U32(defaultKeepCount), nil
	})
	def("set-keep-alive-count", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		n, err := u32Arg(args, 1)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, sockCode("invalid-argument")
		}
		s.opts.keepCount = min(n, 127) // Linux's maximum
		return nil, applyKeepAlive(s)
	})
	defineHopLimit(def, "hop-limit")
	defineBufferSizes(def)
	in.funcs["[method]tcp-socket.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*tcpSocket](h, args, 0, kindTCPSocket)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(s)
	}
	def("shutdown", func(ctx context.Context, s *tcpSocket, args []component.Value) (component.Value, error) {
		if len(args) < 2 {
			return nil, errors.New("missing argument 1")
		}
		how, ok := args[1].(component.Enum)
		if !ok || how != "receive" && how != "send" && how != "both" {
			return nil, fmt.Errorf("argument 1: expected a shutdown-type, got %v", args[1])
		}
		if s.state != tcpConnected {
			return nil, sockCode("invalid-state")
		}
		if how != "send" {
			s.in.shutdown()
			if err := s.conn.CloseRead(); err != nil && !errors.Is(err, net.ErrClosed) {
				return nil, netFail(err)
			}
		}
		if how != "receive" {
			s.out.shutdown()
		}
		return nil, nil
	})
	return in
}

// optionSocket is what the options TCP and UDP sockets share need of a
// socket: its options as set, its system socket once it has one, and its
// address family.
type optionSocket interface {
	options() *sockOpts
	rawConn() (syscall.RawConn, error) // nil, nil before there is one
	buffers() bufferSetter             // nil before there is a system socket
	isIPv6() bool
}

// bufferSetter sets a system socket's buffer sizes (*net.TCPConn,
// *net.UDPConn).
type bufferSetter interface {
	SetReadBuffer(int) error
	SetWriteBuffer(int) error
}

func (s *tcpSocket) options() *sockOpts { return &s.opts }
func (s *tcpSocket) buffers() bufferSetter {
	if s.conn == nil {
		return nil
	}
	return s.conn
}
func (s *tcpSocket) isIPv6() bool { return s.ipv6 }
func (s *tcpSocket) rawConn() (syscall.RawConn, error) {
	if s.conn == nil {
		return nil, nil
	}
	return s.conn.SyscallConn()
}

func (s *udpSocket) options() *sockOpts { return &s.opts }
func (s *udpSocket) buffers() bufferSetter {
	if s.conn == nil {
		return nil
	}
	return s.conn
}
func (s *udpSocket) isIPv6() bool { return s.ipv6 }
func (s *udpSocket) rawConn() (syscall.RawConn, error) {
	if s.conn == nil {
		return nil, nil
	}
	return s.conn.SyscallConn()
}

// defineHopLimit defines with def the getter get (hop-limit,
// unicast-hop-limit) and its setter.
func defineHopLimit[S optionSocket](def func(string, func(context.Context, S, []component.Value) (component.Value, error)), get string) {
	def(get, func(ctx context.Context, s S, args []component.Value) (component.Value, error) {
		if n := s.options().hopLimit; n != 0 {
			return component.U8(n), nil
		}
		return component.U8(defaultHopLimit), nil
	})
	def("set-"+get, func(ctx context.Context, s S, args []component.Value) (component.Value, error) {
		n, err := u8Arg(args, 1)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, sockCode("invalid-argument")
		}
		rc, err := s.rawConn()
		if err == nil && rc != nil {
			err = setHopLimit(rc, s.isIPv6(), int(n))
		}
		if err != nil {
			return nil, netFail(err)
		}
		s.options().hopLimit = n
		return nil, nil
	})
}

// defineBufferSizes defines with def receive-buffer-size and
// send-buffer-size — the system's value once there is a socket, else the
// value set or the default — and their setters, which set the system
// socket's when there is one and remember the value for the socket to come
// (or an accepted one).
func defineBufferSizes[S optionSocket](def func(string, func(context.Context, S, []component.Value) (component.Value, error))) {
	for _, recv := range []bool{true, false} {
		name := "send-buffer-size"
		if recv {
			name = "receive-buffer-size"
		}
		def(name, func(ctx context.Context, s S, args []component.Value) (component.Value, error) {
			if rc, err := s.rawConn(); err == nil && rc != nil {
				if n, err := getBufSize(rc, recv); err == nil {
					return component.U64(n), nil
				}
			}
			return component.U64(s.options().bufSize(recv)), nil
		})
		def("set-"+name, func(ctx context.Context, s S, args []component.Value) (component.Value, error) {
			n, err := u64Arg(args, 1)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, sockCode("invalid-argument")
			}
			if b := s.buffers(); b != nil {
				set := b.SetWriteBuffer
				if recv {
					set = b.SetReadBuffer
				}
				if err := set(clampInt(n)); err != nil {
					return nil, netFail(err)
				}
			}
			if recv {
				s.options().rcvBuf = n
			} else {
				s.options().sndBuf = n
			}
			return nil, nil
		})
	}
}

func (o *sockOpts) bufSize(recv bool) uint64 {
	n := o.sndBuf
	if recv {
		n = o.rcvBuf
	}
	if n == 0 {
		return defaultBufSize
	}
	return n
}

func boolArg(args []component.Value, i int) (bool, error) {
	if i >= len(args) {
		return false, fmt.Errorf("missing argument %d", i)
	}
	b, ok := args[i].(component.Bool)
	if !ok {
		return false, fmt.Errorf("argument %d: expected a bool, got %T", i, args[i])
	}
	return bool(b), nil
}

func u32Arg(args []component.Value, i int) (uint32, error) {
	if i >= len(args) {
		return 0, fmt.Errorf("missing argument %d", i)
	}
	v, ok := args[i].(component.U32)
	if !ok {
		return 0, fmt.Errorf("argument %d: expected a u32, got %T", i, args[i])
	}
	return uint32(v), nil
}

func u8Arg(args []component.Value, i int) (uint8, error) {
	if i >= len(args) {
		return 0, fmt.Errorf("missing argument %d", i)
	}
	v, ok := args[i].(component.U8)
	if !ok {
		return 0, fmt.Errorf("argument %d: expected a u8, got %T", i, args[i])
	}
	return uint8(v), nil
}

// ---- the streams of a connection ----

// connReader reads a connection, with its errors as error-codes (a closed
// connection reads as closed).
type connReader struct{ c net.Conn }

func (r connReader) Read(b []byte) (int, error) {
	n, err := r.c.Read(b)
	switch {
	case err == nil, err == io.EOF:
	case errors.Is(err, net.ErrClosed):
		err = errClosed
	default:
		err = netFail(err)
	}
	return n, err
}

// sockSource is the input of a connection: a read-ahead source (one
// chunk, read by one goroutine at a time) that shutdown ends.
type sockSource struct {
	source
	mu   sync.Mutex
	shut bool
}

func (s *sockSource) isShut() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shut
}

func (s *sockSource) shutdown() {
	s.mu.Lock()
	s.shut = true
	s.mu.Unlock()
}

func (s *sockSource) ready() bool { return s.isShut() || s.source.ready() }

func (s *sockSource) take(ctx context.Context, n int, block, discard bool) ([]byte, int, error) {
	if s.isShut() {
		return nil, 0, io.EOF // what was received and not read is discarded
	}
	b, k, err := s.source.take(ctx, n, block, discard)
	if s.isShut() {
		return nil, 0, io.EOF
	}
	return b, k, err
}

// connSink is the output of a connection. A write returns at once: it
// copies the bytes into a buffer of at most maxChunk (check-write grants
// what is free of it), which one goroutine at a time writes to the
// connection. A flush waits until the buffer is written.
type connSink struct {
	c *net.TCPConn

	mu       sync.Mutex
	pending  []byte // not yet handed to the writer
	inflight int    // bytes the writer is writing
	writing  bool
	err      error // the first write error; the stream has failed
	closing  bool  // shutdown(send): no more writes; the side closes once drained
	closed   bool
	sig      signal
}

func newConnSink(c *net.TCPConn) *connSink { return &connSink{c: c} }

func (s *connSink) freeLocked() int { return maxChunk - len(s.pending) - s.inflight }

func (s *connSink) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil || s.closing || s.freeLocked() > 0
}

func (s *connSink) watch(ch chan struct{}) (stop func()) { return s.sig.watch(ch) }

func (s *connSink) checkWrite() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return 0, s.err
	case s.closing:
		return 0, errClosed
	}
	return s.freeLocked(), nil
}

func (s *connSink) write(ctx context.Context, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var wake chan struct{}
	stop := func() {}
	defer func() { stop() }()
	for len(b) > 0 {
		switch {
		case s.err != nil:
			return s.err
		case s.closing:
			return errClosed
		}
		if n := min(s.freeLocked(), len(b)); n > 0 {
			s.pending = append(s.pending, b[:n]...)
			b = b[n:]
			s.kickLocked()
			continue
		}
		// Only a blocking write gets here (a write within its permit fits).
		if err := s.waitLocked(ctx, &wake, &stop); err != nil {
			return err
		}
	}
	return nil
}

func (s *connSink) flush(ctx context.Context, block bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var wake chan struct{}
	stop := func() {}
	defer func() { stop() }()
	for block && s.err == nil && (len(s.pending) > 0 || s.inflight > 0) {
		if err := s.waitLocked(ctx, &wake, &stop); err != nil {
			return err
		}
	}
	if s.err != nil {
		return s.err
	}
	if s.closing && !block {
		return errClosed
	}
	return nil
}

// waitLocked waits (unlocked) until the writer makes progress or ctx is
// done; the first wait starts watching, until the caller's stop.
func (s *connSink) waitLocked(ctx context.Context, wake *chan struct{}, stop *func()) error {
	if *wake == nil {
		*wake = make(chan struct{}, 1)
		*stop = s.sig.watch(*wake)
		return nil // look again: the writer may have finished before the watch began
	}
	s.mu.Unlock()
	select {
	case <-*wake:
	case <-ctx.Done():
	}
	s.mu.Lock()
	return ctx.Err()
}

// kickLocked starts the writer on what is pending, or closes the sending
// side once everything is written after a shutdown.
func (s *connSink) kickLocked() {
	if s.writing || s.err != nil {
		return
	}
	if len(s.pending) == 0 {
		if s.closing && !s.closed {
			s.closed = true
			s.c.CloseWrite()
		}
		return
	}
	chunk := s.pending
	s.pending, s.inflight, s.writing = nil, len(chunk), true
	go func() {
		_, err := s.c.Write(chunk)
		s.mu.Lock()
		s.writing, s.inflight = false, 0
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				s.err = errClosed
			} else {
				s.err = netFail(err)
			}
		}
		s.kickLocked()
		s.mu.Unlock()
		s.sig.notify()
	}()
}

func (s *connSink) shutdown() {
	s.mu.Lock()
	s.closing = true
	s.kickLocked()
	s.mu.Unlock()
	s.sig.notify()
}

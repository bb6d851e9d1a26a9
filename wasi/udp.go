package wasi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/plugwit/plugwit/component"
)

// wasi:sockets/udp and udp-create-socket over net.UDPConn.
//
// finish-bind binds (net.ListenUDP). `stream` with a remote address does
// not connect the Go socket (net cannot connect a bound UDP socket): the
// host enforces what a connected socket means — datagrams are sent only
// to that address, datagrams from other sources are dropped on receipt —
// so errors the system reports only to connected sockets (an ICMP port
// unreachable as `connection-refused`) are not reported. Each destination
// is checked against the connect grants; receiving needs only the bind
// grant.
//
// One goroutine at a time reads datagrams ahead into a queue of at most
// udpQueue of them; incoming-datagram-stream.receive takes from it without
// blocking.

// udpQueue bounds the datagrams received and not yet taken by the guest;
// beyond it the system's buffer holds them, then drops them.
const udpQueue = 16

// maxDatagram is the largest UDP payload (over IPv6 with jumbograms
// aside, 65535 − 8 bytes of UDP header).
const maxDatagram = 65527

// udpSendPermit is what check-send grants: datagrams are sent in the
// guest's call, so any number is fine; this bounds one send.
const udpSendPermit = 64

type udpState uint8

const (
	udpUnbound udpState = iota
	udpBindStarted
	udpBound
)

// datagram is one received datagram.
type datagram struct {
	data []byte
	from netip.AddrPort
}

// udpSocket is the object behind a udp-socket handle.
type udpSocket struct {
	h    *host
	ipv6 bool

	mu       sync.Mutex
	state    udpState
	opts     sockOpts
	bindAddr netip.AddrPort
	conn     *net.UDPConn
	remote   netip.AddrPort // the stream's remote address, if any
	streams  int            // live datagram streams (of the last `stream`)

	queue   []datagram
	reading bool  // a goroutine is in ReadFromUDPAddrPort
	rerr    error // a receive error, reported once
	sig     signal

	released bool
}

// release closes the socket when the guest drops its handle.
func (s *udpSocket) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return
	}
	s.released = true
	if s.conn != nil {
		s.conn.Close()
	}
	s.queue = nil
	s.h.putSocket()
	s.sig.notify()
}

// startReadLocked reads the next datagram ahead, if the queue has room.
func (s *udpSocket) startReadLocked() {
	if s.reading || s.released || s.conn == nil || len(s.queue) >= udpQueue || s.rerr != nil {
		return
	}
	s.reading = true
	c := s.conn
	go func() {
		buf := make([]byte, maxDatagram)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			s.mu.Lock()
			if s.released {
				s.reading = false
				s.mu.Unlock()
				return
			}
			if err != nil {
				s.rerr = netFail(err)
			} else {
				from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
				if !s.remote.IsValid() || sameAddrPort(from, s.remote) {
					s.queue = append(s.queue, datagram{data: append([]byte(nil), buf[:n]...), from: from})
				}
			}
			more := err == nil && len(s.queue) < udpQueue
			if !more {
				s.reading = false
			}
			s.mu.Unlock()
			s.sig.notify()
			if !more {
				return
			}
		}
	}()
}

// sameAddrPort compares addresses as the guest named them (a zone given as
// an interface name and one given as its index differ; both come from the
// system here, so they agree).
func sameAddrPort(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().Unmap().WithZone("") == b.Addr().Unmap().WithZone("")
}

// udpStream is the object behind an incoming- or outgoing-datagram-stream
// handle.
type udpStream struct {
	s      *udpSocket
	permit uint64 // outgoing: what check-send granted and send has not used
	gone   bool
}

func (st *udpStream) release() {
	st.s.mu.Lock()
	if !st.gone {
		st.gone = true
		st.s.streams--
	}
	st.s.mu.Unlock()
}

// incoming is the waitable of an incoming-datagram-stream.
type incoming struct{ s *udpSocket }

func (w incoming) ready() bool {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startReadLocked()
	return len(s.queue) > 0 || s.rerr != nil || s.released
}

func (w incoming) watch(ch chan struct{}) (stop func()) { return w.s.sig.watch(ch) }

func (h *host) socketsUDPCreate() *iface {
	in := h.newIface("wasi:sockets/udp-create-socket", kindNetwork, kindUDPSocket)
	in.funcs["create-udp-socket"] = h.socketCreator(kindUDPSocket, func(ipv6 bool) any { return &udpSocket{h: h, ipv6: ipv6} })
	return in
}

func (h *host) socketsUDP() *iface {
	in := h.newIface("wasi:sockets/udp", kindUDPSocket, kindIncomingDatagramStream, kindOutgoingDatagramStream,
		kindPollable, kindNetwork)
	def := func(name string, fn func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error)) {
		in.funcs["[method]udp-socket."+name] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
			s, err := resourceArg[*udpSocket](h, args, 0, kindUDPSocket)
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			return fn(ctx, s, args)
		})
	}
	def("start-bind", func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*network](h, args, 1, kindNetwork); err != nil {
			return nil, err
		}
		a, err := sockAddrArg(args, 2)
		if err != nil {
			return nil, err
		}
		switch s.state {
		case udpBindStarted:
			return nil, sockCode("concurrency-conflict")
		case udpBound:
			return nil, sockCode("invalid-state")
		}
		if err := checkFamily(a, s.ipv6); err != nil {
			return nil, err
		}
		if !h.net.mayBind(a.ap) {
			return nil, &sockErr{code: "access-denied", err: fmt.Errorf("binding to %s is not granted", a.ap)}
		}
		s.state, s.bindAddr = udpBindStarted, a.ap
		return nil, nil
	})
	def("finish-bind", func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error) {
		if s.state != udpBindStarted {
			return nil, sockCode("not-in-progress")
		}
		lc := net.ListenConfig{Control: s.opts.control(s.ipv6)}
		pc, err := lc.ListenPacket(ctx, netnet("udp", s.ipv6), s.bindAddr.String())
		if err != nil {
			s.state = udpUnbound
			return nil, netFail(err)
		}
		c := pc.(*net.UDPConn)
		if err := s.opts.applyUDP(c); err != nil {
			c.Close()
			s.state = udpUnbound
			return nil, netFail(err)
		}
		s.state, s.conn = udpBound, c
		return nil, nil
	})
	def("stream", func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error) {
		if len(args) < 2 {
			return nil, errors.New("missing argument 1")
		}
		opt, ok := args[1].(component.Option)
		if !ok {
			return nil, fmt.Errorf("argument 1: expected an option<ip-socket-address>, got %T", args[1])
		}
		var remote netip.AddrPort
		if opt.Value != nil {
			a, err := sockAddrOf(opt.Value)
			if err != nil {
				return nil, fmt.Errorf("argument 1: %w", err)
			}
			if err := checkRemote(a, s.ipv6); err != nil {
				return nil, err
			}
			if !h.net.mayConnect(a.ap) {
				return nil, &sockErr{code: "access-denied", err: fmt.Errorf("sending to %s is not granted", a.ap)}
			}
			remote = a.ap
		}
		if s.state != udpBound {
			return nil, sockCode("invalid-state")
		}
		if s.streams > 0 {
			return nil, errors.New("udp-socket.stream: the streams of the previous call are not dropped")
		}
		s.remote = remote
		// Datagrams queued from other sources are no longer for this
		// association.
		q := s.queue[:0]
		for _, d := range s.queue {
			if !remote.IsValid() || sameAddrPort(d.from, remote) {
				q = append(q, d)
			}
		}
		s.queue = q
		inV, err := h.newResource(kindIncomingDatagramStream, &udpStream{s: s})
		if err != nil {
			return nil, err
		}
		s.streams++
		outV, err := h.newResource(kindOutgoingDatagramStream, &udpStream{s: s})
		if err != nil {
			return nil, err
		}
		s.streams++
		return component.Tuple{inV, outV}, nil
	})
	def("local-address", func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error) {
		if s.state != udpBound {
			return nil, sockCode("invalid-state")
		}
		return sockAddrValue(addrPortOf(s.conn.LocalAddr()), s.ipv6), nil
	})
	def("remote-address", func(ctx context.Context, s *udpSocket, args []component.Value) (component.Value, error) {
		if s.state != udpBound || !s.remote.IsValid() {
			return nil, sockCode("invalid-state")
		}
		return sockAddrValue(s.remote, s.ipv6), nil
	})
	in.funcs["[method]udp-socket.address-family"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*udpSocket](h, args, 0, kindUDPSocket)
		if err != nil {
			return nil, err
		}
		return familyValue(s.ipv6), nil
	}
	defineHopLimit(def, "unicast-hop-limit")
	defineBufferSizes(def)
	in.funcs["[method]udp-socket.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*udpSocket](h, args, 0, kindUDPSocket); err != nil {
			return nil, err
		}
		return h.pollableValue(always{}) // bind completes in finish-bind
	}

	// incoming-datagram-stream
	in.funcs["[method]incoming-datagram-stream.receive"] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		st, err := resourceArg[*udpStream](h, args, 0, kindIncomingDatagramStream)
		if err != nil {
			return nil, err
		}
		max, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		s := st.s
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.released {
			return nil, sockCode("invalid-state")
		}
		out := component.List{}
		for max > 0 && len(s.queue) > 0 {
			d := s.queue[0]
			s.queue[0] = datagram{}
			s.queue = s.queue[1:]
			out = append(out, component.Record{
				{Name: "data", Value: bytesValue(d.data)},
				{Name: "remote-address", Value: sockAddrValue(d.from, s.ipv6)},
			})
			max--
		}
		if len(out) == 0 && s.rerr != nil {
			err := s.rerr
			s.rerr = nil
			s.startReadLocked()
			return nil, err
		}
		s.startReadLocked()
		return out, nil
	})
	in.funcs["[method]incoming-datagram-stream.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		st, err := resourceArg[*udpStream](h, args, 0, kindIncomingDatagramStream)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(incoming{st.s})
	}

	// outgoing-datagram-stream
	in.funcs["[method]outgoing-datagram-stream.check-send"] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		st, err := resourceArg[*udpStream](h, args, 0, kindOutgoingDatagramStream)
		if err != nil {
			return nil, err
		}
		st.s.mu.Lock()
		defer st.s.mu.Unlock()
		if st.s.released {
			return nil, sockCode("invalid-state")
		}
		st.permit = udpSendPermit
		return component.U64(st.permit), nil
	})
	in.funcs["[method]outgoing-datagram-stream.send"] = sockMethod(func(ctx context.Context, args []component.Value) (component.Value, error) {
		st, err := resourceArg[*udpStream](h, args, 0, kindOutgoingDatagramStream)
		if err != nil {
			return nil, err
		}
		if len(args) < 2 {
			return nil, errors.New("missing argument 1")
		}
		list, ok := args[1].(component.List)
		if !ok {
			return nil, fmt.Errorf("argument 1: expected a list<outgoing-datagram>, got %T", args[1])
		}
		s := st.s
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(list) == 0 {
			return component.U64(0), nil
		}
		if uint64(len(list)) > st.permit {
			return nil, fmt.Errorf("send of %d datagrams exceeds the %d permitted by check-send", len(list), st.permit)
		}
		st.permit = 0
		var sent uint64
		for _, v := range list {
			if err := s.sendLocked(v); err != nil {
				var se *sockErr
				if sent > 0 && errors.As(err, &se) {
					break
				}
				return nil, err
			}
			sent++
		}
		return component.U64(sent), nil
	})
	in.funcs["[method]outgoing-datagram-stream.subscribe"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*udpStream](h, args, 0, kindOutgoingDatagramStream); err != nil {
			return nil, err
		}
		return h.pollableValue(always{}) // a send never waits
	}
	return in
}

// sendLocked sends the outgoing-datagram v. A *sockErr is the guest's
// error-code; another error traps.
func (s *udpSocket) sendLocked(v component.Value) error {
	r, ok := v.(component.Record)
	if !ok || len(r) != 2 {
		return fmt.Errorf("expected an outgoing-datagram, got %v", v)
	}
	data, err := bytesArg([]component.Value{r[0].Value}, 0)
	if err != nil {
		return err
	}
	opt, ok := r[1].Value.(component.Option)
	if !ok {
		return fmt.Errorf("expected an option<ip-socket-address>, got %v", r[1].Value)
	}
	if s.released {
		return sockCode("invalid-state")
	}
	to := s.remote
	if opt.Value != nil {
		a, err := sockAddrOf(opt.Value)
		if err != nil {
			return err
		}
		if err := checkRemote(a, s.ipv6); err != nil {
			return err
		}
		if s.remote.IsValid() && !sameAddrPort(a.ap, s.remote) {
			return &sockErr{code: "invalid-argument", err: errors.New("the stream sends only to its remote address")}
		}
		to = a.ap
	}
	if !to.IsValid() {
		return &sockErr{code: "invalid-argument", err: errors.New("no remote address")}
	}
	if !s.h.net.mayConnect(to) {
		return &sockErr{code: "access-denied", err: fmt.Errorf("sending to %s is not granted", to)}
	}
	if len(data) > maxDatagram {
		return sockCode("datagram-too-large")
	}
	if _, err := s.conn.WriteToUDPAddrPort(data, to); err != nil {
		return netFail(err)
	}
	return nil
}

// applyUDP sets the buffer sizes of a bound UDP socket.
func (o *sockOpts) applyUDP(c *net.UDPConn) error {
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
	return nil
}

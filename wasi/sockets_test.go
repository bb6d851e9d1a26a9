package wasi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
)

// sockTest is a host with network grants and its network handle.
type sockTest struct {
	*testHost
	net component.Value
}

func newSockTest(t *testing.T, cfg Config) *sockTest {
	t.Helper()
	st := &sockTest{testHost: newTestHost(t, cfg)}
	st.net = st.call("wasi:sockets/instance-network#instance-network")
	return st
}

// addrValue is the ip-socket-address of s ("127.0.0.1:80", "[::1]:80").
func addrValue(s string) component.Value {
	ap := netip.MustParseAddrPort(s)
	return sockAddrValue(ap, ap.Addr().Is6())
}

// tcp calls a tcp-socket method.
func (st *sockTest) tcp(m string, args ...component.Value) component.Value {
	st.t.Helper()
	return st.call("wasi:sockets/tcp#[method]tcp-socket."+m, args...)
}

func (st *sockTest) udp(m string, args ...component.Value) component.Value {
	st.t.Helper()
	return st.call("wasi:sockets/udp#[method]udp-socket."+m, args...)
}

func (st *sockTest) ok(v component.Value) component.Value {
	st.t.Helper()
	r, isResult := v.(component.Result)
	if !isResult || r.IsErr {
		st.t.Fatalf("got %#v, want ok", v)
	}
	return r.Value
}

func (st *sockTest) newTCP(family string) component.Resource {
	st.t.Helper()
	return st.ok(st.call("wasi:sockets/tcp-create-socket#create-tcp-socket", component.Enum(family))).(component.Resource)
}

func (st *sockTest) newUDP(family string) component.Resource {
	st.t.Helper()
	return st.ok(st.call("wasi:sockets/udp-create-socket#create-udp-socket", component.Enum(family))).(component.Resource)
}

// wait blocks on the pollable of subscribe(r).
func (st *sockTest) wait(subscribe string, r component.Value) {
	st.t.Helper()
	p := st.call(subscribe, r)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := st.callErr(ctx, "wasi:io/poll#[method]pollable.block", p); err != nil {
		st.t.Fatal(err)
	}
}

// connect connects a new socket to addr and returns it with its streams.
func (st *sockTest) connect(family, addr string) (sock, in, out component.Resource) {
	st.t.Helper()
	sock = st.newTCP(family)
	st.ok(st.tcp("start-connect", sock, st.net, addrValue(addr)))
	st.wait("wasi:sockets/tcp#[method]tcp-socket.subscribe", sock)
	tup := st.ok(st.tcp("finish-connect", sock)).(component.Tuple)
	return sock, tup[0].(component.Resource), tup[1].(component.Resource)
}

// echoServer accepts connections on 127.0.0.1 and answers each line with
// "echo: " and the line.
func echoServer(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("no %s listener: %v", network, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					fmt.Fprintf(c, "echo: %s", line)
				}
			}()
		}
	}()
	return ln
}

// writeAll writes s to the output stream and flushes.
func (st *sockTest) writeAll(out component.Resource, s string) {
	st.t.Helper()
	st.ok(st.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", out, u8s(s)))
}

// readLine reads from the input stream until a newline.
func (st *sockTest) readLine(in component.Resource) string {
	st.t.Helper()
	var b strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !strings.HasSuffix(b.String(), "\n") {
		v, err := st.callErr(ctx, "wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(100))
		if err != nil {
			st.t.Fatal(err)
		}
		b.WriteString(okBytes(st.t, v))
	}
	return b.String()
}

func TestTCPConnectAllowed(t *testing.T) {
	ln := echoServer(t, "tcp4", "127.0.0.1:0")
	addr := ln.Addr().String()
	st := newSockTest(t, NewConfig().WithAllowConnect(addr))
	sock, in, out := st.connect("ipv4", addr)
	st.writeAll(out, "hello\n")
	if got := st.readLine(in); got != "echo: hello\n" {
		t.Errorf("read %q", got)
	}
	// A write of more than one permit: check-write, write, flush.
	okU64(t, st.call("wasi:io/streams#[method]output-stream.check-write", out))
	st.writeAll(out, strings.Repeat("x", 200000)+"\n")
	got := st.readLine(in)
	if want := "echo: " + strings.Repeat("x", 200000) + "\n"; got != want {
		t.Errorf("long line: read %d bytes, want %d", len(got), len(want))
	}

	if r := st.ok(st.tcp("remote-address", sock)); !equalValues(r, addrValue(addr)) {
		t.Errorf("remote-address = %v, want %v", r, addrValue(addr))
	}
	local := st.ok(st.tcp("local-address", sock)).(component.Variant)
	if local.Case != "ipv4" {
		t.Errorf("local-address = %v", local)
	}
	if got := st.tcp("address-family", sock); got != component.Enum("ipv4") {
		t.Errorf("address-family = %v", got)
	}
	if got := st.tcp("is-listening", sock); got != component.Bool(false) {
		t.Errorf("is-listening = %v", got)
	}

	// Options.
	st.ok(st.tcp("set-keep-alive-enabled", sock, component.Bool(true)))
	if got := st.ok(st.tcp("keep-alive-enabled", sock)); got != component.Bool(true) {
		t.Errorf("keep-alive-enabled = %v", got)
	}
	st.ok(st.tcp("set-keep-alive-idle-time", sock, component.U64(30*time.Second)))
	if got := st.ok(st.tcp("keep-alive-idle-time", sock)); got != component.U64(30*time.Second) {
		t.Errorf("keep-alive-idle-time = %v", got)
	}
	st.ok(st.tcp("set-keep-alive-count", sock, component.U32(3)))
	st.ok(st.tcp("set-hop-limit", sock, component.U8(17)))
	if got := st.ok(st.tcp("hop-limit", sock)); got != component.U8(17) {
		t.Errorf("hop-limit = %v", got)
	}
	st.ok(st.tcp("set-receive-buffer-size", sock, component.U64(1<<16)))
	if got := st.ok(st.tcp("receive-buffer-size", sock)).(component.U64); got == 0 {
		t.Errorf("receive-buffer-size = %v", got)
	}
	for m, arg := range map[string]component.Value{
		"set-keep-alive-idle-time": component.U64(0), "set-keep-alive-interval": component.U64(0),
		"set-keep-alive-count": component.U32(0), "set-hop-limit": component.U8(0),
		"set-receive-buffer-size": component.U64(0), "set-send-buffer-size": component.U64(0),
		"set-listen-backlog-size": component.U64(0),
	} {
		if got := errCode(st.tcp(m, sock, arg)); got != "invalid-argument" {
			t.Errorf("%s(0) = %q, want invalid-argument", m, got)
		}
	}
	if got := errCode(st.tcp("set-listen-backlog-size", sock, component.U64(10))); got != "invalid-state" {
		t.Errorf("set-listen-backlog-size when connected = %q", got)
	}

	// shutdown(send): the server sees the end and closes; the input ends.
	st.ok(st.tcp("shutdown", sock, component.Enum("send")))
	st.ok(st.tcp("shutdown", sock, component.Enum("send"))) // idempotent
	if c, _ := streamErrCase(t, st.call("wasi:io/streams#[method]output-stream.check-write", out)); c != "closed" {
		t.Errorf("check-write after shutdown(send) = %s", c)
	}
	v, err := st.callErr(context.Background(), "wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(10))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := streamErrCase(t, v); c != "closed" {
		t.Errorf("read after the server closed = %s", c)
	}

	// Dropping the socket frees its slot.
	before := st.sockets.Load()
	if err := sock.Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.sockets.Load() != before-1 {
		t.Errorf("sockets %d after a drop, want %d", st.sockets.Load(), before-1)
	}
}

func TestTCPIPv6(t *testing.T) {
	ln := echoServer(t, "tcp6", "[::1]:0")
	addr := ln.Addr().String()
	st := newSockTest(t, NewConfig().WithAllowConnect(addr))
	_, in, out := st.connect("ipv6", addr)
	st.writeAll(out, "six\n")
	if got := st.readLine(in); got != "echo: six\n" {
		t.Errorf("read %q", got)
	}
}

// TestTCPDenied tries the ways around a connect grant.
func TestTCPDenied(t *testing.T) {
	ln := echoServer(t, "tcp4", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	addr := ln.Addr().String()

	// Nothing granted: no socket at all.
	none := newSockTest(t, NewConfig())
	for _, f := range []string{"wasi:sockets/tcp-create-socket#create-tcp-socket", "wasi:sockets/udp-create-socket#create-udp-socket"} {
		if got := errCode(none.call(f, component.Enum("ipv4"))); got != "access-denied" {
			t.Errorf("%s without a grant = %q", f, got)
		}
	}

	st := newSockTest(t, NewConfig().WithAllowConnect(addr, "[::1]:1"))
	for _, tc := range []struct {
		family, addr, want string
	}{
		{"ipv4", fmt.Sprintf("127.0.0.1:%d", port+1), "access-denied"}, // another port
		{"ipv4", fmt.Sprintf("127.0.0.2:%d", port), "access-denied"},   // another host
		{"ipv4", fmt.Sprintf("10.0.0.1:%d", port), "access-denied"},
		{"ipv6", fmt.Sprintf("[::1]:%d", port), "access-denied"},                 // the same port over IPv6
		{"ipv6", fmt.Sprintf("[::ffff:127.0.0.1]:%d", port), "invalid-argument"}, // mapped IPv4
		{"ipv6", fmt.Sprintf("[::ffff:7f00:1]:%d", port), "invalid-argument"},    // the same, written in hex
		{"ipv6", fmt.Sprintf("[::127.0.0.1]:%d", port), "access-denied"},         // IPv4-compatible: another address
		{"ipv6", fmt.Sprintf("[64:ff9b::7f00:1]:%d", port), "access-denied"},     // NAT64
		{"ipv4", fmt.Sprintf("[::1]:%d", port), "invalid-argument"},              // wrong family
		{"ipv6", addr, "invalid-argument"},                                       // wrong family
		{"ipv4", fmt.Sprintf("0.0.0.0:%d", port), "invalid-argument"},            // reaches the host itself
		{"ipv6", fmt.Sprintf("[::]:%d", port), "invalid-argument"},               // likewise
		{"ipv4", "127.0.0.1:0", "invalid-argument"},                              // port 0
		{"ipv4", fmt.Sprintf("255.255.255.255:%d", port), "invalid-argument"},    // broadcast
		{"ipv4", fmt.Sprintf("224.0.0.1:%d", port), "invalid-argument"},          // multicast
		{"ipv6", fmt.Sprintf("[::1%%1]:%d", port), "access-denied"},              // a scope does not help
		{"ipv6", "[::1%1]:1", "ok"},                                              // nor hinder
	} {
		s := st.newTCP(tc.family)
		got := errCode(st.tcp("start-connect", s, st.net, addrValue(tc.addr)))
		if got == "" {
			got = "ok"
		}
		if got != tc.want {
			t.Errorf("connect %s socket to %s = %q, want %q", tc.family, tc.addr, got, tc.want)
		}
		// A refused start leaves the socket unbound: it can still bind
		// (and be refused again) and connect.
		if tc.want != "ok" && errCode(st.tcp("finish-connect", s)) != "not-in-progress" {
			t.Errorf("finish-connect after a refused start-connect to %s is not not-in-progress", tc.addr)
		}
	}

	// Binding needs its own grant.
	s := st.newTCP("ipv4")
	if got := errCode(st.tcp("start-bind", s, st.net, addrValue("127.0.0.1:0"))); got != "access-denied" {
		t.Errorf("bind without a bind grant = %q", got)
	}
	// Name lookup too.
	if got := errCode(st.call("wasi:sockets/ip-name-lookup#resolve-addresses", st.net, component.String("localhost"))); got != "access-denied" {
		t.Errorf("resolve-addresses without a grant = %q", got)
	}
}

func TestTCPStateMachine(t *testing.T) {
	ln := echoServer(t, "tcp4", "127.0.0.1:0")
	addr := ln.Addr().String()
	st := newSockTest(t, NewConfig().WithAllowConnect(addr).WithAllowBind("127.0.0.1:0"))
	s := st.newTCP("ipv4")
	for m, want := range map[string]string{
		"finish-bind": "not-in-progress", "finish-connect": "not-in-progress", "finish-listen": "not-in-progress",
		"start-listen": "invalid-state", "accept": "invalid-state", "local-address": "invalid-state",
		"remote-address": "invalid-state",
	} {
		if got := errCode(st.tcp(m, s)); got != want {
			t.Errorf("%s on an unbound socket = %q, want %q", m, got, want)
		}
	}
	if got := errCode(st.tcp("shutdown", s, component.Enum("both"))); got != "invalid-state" {
		t.Errorf("shutdown unbound = %q", got)
	}
	st.ok(st.tcp("start-bind", s, st.net, addrValue("127.0.0.1:0")))
	if got := errCode(st.tcp("start-bind", s, st.net, addrValue("127.0.0.1:0"))); got != "concurrency-conflict" {
		t.Errorf("start-bind twice = %q", got)
	}
	if got := errCode(st.tcp("start-connect", s, st.net, addrValue(addr))); got != "concurrency-conflict" {
		t.Errorf("start-connect during a bind = %q", got)
	}
	st.ok(st.tcp("finish-bind", s))
	if got := errCode(st.tcp("start-bind", s, st.net, addrValue("127.0.0.1:0"))); got != "invalid-state" {
		t.Errorf("start-bind when bound = %q", got)
	}
	local := st.ok(st.tcp("local-address", s)).(component.Variant).Value.(component.Record)
	if local[0].Value == component.U16(0) {
		t.Error("bound to port 0: the system did not pick a port")
	}
	// Bound, then connected: from the bound address.
	st.ok(st.tcp("start-connect", s, st.net, addrValue(addr)))
	if got := errCode(st.tcp("start-connect", s, st.net, addrValue(addr))); got != "concurrency-conflict" {
		t.Errorf("start-connect twice = %q", got)
	}
	st.wait("wasi:sockets/tcp#[method]tcp-socket.subscribe", s)
	tup := st.ok(st.tcp("finish-connect", s)).(component.Tuple)
	if got := errCode(st.tcp("finish-connect", s)); got != "not-in-progress" {
		t.Errorf("finish-connect twice = %q", got)
	}
	if l2 := st.ok(st.tcp("local-address", s)); !equalValues(l2, component.Variant{Case: "ipv4", Value: local}) {
		t.Errorf("local address after connect %v, bound %v", l2, local)
	}
	for _, m := range []string{"start-listen", "accept"} {
		if got := errCode(st.tcp(m, s)); got != "invalid-state" {
			t.Errorf("%s when connected = %q", m, got)
		}
	}
	st.writeAll(tup[1].(component.Resource), "bound\n")
	if got := st.readLine(tup[0].(component.Resource)); got != "echo: bound\n" {
		t.Errorf("read %q", got)
	}

	// A refused connection closes the socket.
	free, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := free.Addr().String()
	free.Close()
	st2 := newSockTest(t, NewConfig().WithAllowConnect(refused))
	s2 := st2.newTCP("ipv4")
	st2.ok(st2.tcp("start-connect", s2, st2.net, addrValue(refused)))
	st2.wait("wasi:sockets/tcp#[method]tcp-socket.subscribe", s2)
	if got := errCode(st2.tcp("finish-connect", s2)); got != "connection-refused" {
		t.Errorf("finish-connect to a closed port = %q", got)
	}
	if got := errCode(st2.tcp("start-connect", s2, st2.net, addrValue(refused))); got != "invalid-state" {
		t.Errorf("start-connect after a failed connect = %q", got)
	}
}

func TestTCPServer(t *testing.T) {
	st := newSockTest(t, NewConfig().WithAllowBind("127.0.0.1:0"))
	s := st.newTCP("ipv4")
	st.ok(st.tcp("set-listen-backlog-size", s, component.U64(5)))
	st.ok(st.tcp("start-bind", s, st.net, addrValue("127.0.0.1:0")))
	st.ok(st.tcp("finish-bind", s))
	st.ok(st.tcp("start-listen", s))
	st.ok(st.tcp("finish-listen", s))
	if got := st.tcp("is-listening", s); got != component.Bool(true) {
		t.Errorf("is-listening = %v", got)
	}
	if got := errCode(st.tcp("accept", s)); got != "would-block" {
		t.Errorf("accept with nobody connecting = %q", got)
	}
	local := st.ok(st.tcp("local-address", s)).(component.Variant).Value.(component.Record)
	port := local[0].Value.(component.U16)

	done := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			done <- err.Error()
			return
		}
		defer c.Close()
		fmt.Fprintf(c, "ping\n")
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			line = err.Error()
		}
		done <- line
	}()
	st.wait("wasi:sockets/tcp#[method]tcp-socket.subscribe", s)
	tup := st.ok(st.tcp("accept", s)).(component.Tuple)
	child, in, out := tup[0].(component.Resource), tup[1].(component.Resource), tup[2].(component.Resource)
	if got := st.readLine(in); got != "ping\n" {
		t.Errorf("server read %q", got)
	}
	st.writeAll(out, "pong\n")
	if got := <-done; got != "pong\n" {
		t.Errorf("client read %q", got)
	}
	if r := st.ok(st.tcp("remote-address", child)).(component.Variant); r.Case != "ipv4" {
		t.Errorf("remote-address of the accepted socket = %v", r)
	}
	if got := st.tcp("is-listening", child); got != component.Bool(false) {
		t.Errorf("accepted socket is-listening = %v", got)
	}
	if got := st.sockets.Load(); got != 2 {
		t.Errorf("%d sockets, want 2", got)
	}
}

func TestUDPRoundTrip(t *testing.T) {
	peer, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	go func() {
		buf := make([]byte, 2000)
		for {
			n, from, err := peer.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			peer.WriteToUDPAddrPort(append([]byte("echo: "), buf[:n]...), from)
		}
	}()
	paddr := peer.LocalAddr().String()
	st := newSockTest(t, NewConfig().WithAllowBind("127.0.0.1:0").WithAllowConnect(paddr))
	s := st.newUDP("ipv4")
	if got := errCode(st.udp("stream", s, component.None)); got != "invalid-state" {
		t.Errorf("stream before bind = %q", got)
	}
	if got := errCode(st.udp("start-bind", s, st.net, addrValue("127.0.0.1:9"))); got != "access-denied" {
		t.Errorf("bind to a port not granted = %q", got)
	}
	st.ok(st.udp("start-bind", s, st.net, addrValue("127.0.0.1:0")))
	st.ok(st.udp("finish-bind", s))

	// Unconnected: each datagram names its destination, which must be granted.
	tup := st.ok(st.udp("stream", s, component.None)).(component.Tuple)
	inS, outS := tup[0].(component.Resource), tup[1].(component.Resource)
	const send = "wasi:sockets/udp#[method]outgoing-datagram-stream.send"
	const checkSend = "wasi:sockets/udp#[method]outgoing-datagram-stream.check-send"
	dg := func(data string, to component.Value) component.Value {
		return component.Record{{Name: "data", Value: u8s(data)}, {Name: "remote-address", Value: to}}
	}
	st.mustTrap("exceeds the 0 permitted", send, outS, component.List{dg("x", component.Some(addrValue(paddr)))})
	if n := okU64(t, st.call(checkSend, outS)); n == 0 {
		t.Fatal("check-send = 0")
	}
	if got := errCode(st.call(send, outS, component.List{dg("x", component.Some(addrValue("127.0.0.1:53")))})); got != "access-denied" {
		t.Errorf("send to a destination not granted = %q", got)
	}
	okU64(t, st.call(checkSend, outS))
	if got := errCode(st.call(send, outS, component.List{dg("x", component.None)})); got != "invalid-argument" {
		t.Errorf("send without a destination = %q", got)
	}
	okU64(t, st.call(checkSend, outS))
	// The first datagram goes; the second is refused: the count is 1.
	if n := okU64(t, st.call(send, outS, component.List{dg("one", component.Some(addrValue(paddr))), dg("x", component.Some(addrValue("10.0.0.1:1")))})); n != 1 {
		t.Errorf("send = %d, want 1", n)
	}
	st.wait("wasi:sockets/udp#[method]incoming-datagram-stream.subscribe", inS)
	got := st.ok(st.call("wasi:sockets/udp#[method]incoming-datagram-stream.receive", inS, component.U64(10))).(component.List)
	if len(got) != 1 {
		t.Fatalf("received %v", got)
	}
	rec := got[0].(component.Record)
	if d, _ := bytesArg([]component.Value{rec[0].Value}, 0); string(d) != "echo: one" || !equalValues(rec[1].Value, addrValue(paddr)) {
		t.Errorf("received %q from %v", d, rec[1].Value)
	}
	if got := st.ok(st.call("wasi:sockets/udp#[method]incoming-datagram-stream.receive", inS, component.U64(10))).(component.List); len(got) != 0 {
		t.Errorf("receive with nothing queued = %v", got)
	}

	// A second stream while the first pair lives traps; after the drops, a
	// connected stream.
	st.mustTrap("not dropped", "wasi:sockets/udp#[method]udp-socket.stream", s, component.Some(addrValue(paddr)))
	for _, r := range []component.Resource{inS, outS} {
		if err := r.Drop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := errCode(st.udp("stream", s, component.Some(addrValue("127.0.0.1:53")))); got != "access-denied" {
		t.Errorf("stream to a remote not granted = %q", got)
	}
	tup = st.ok(st.udp("stream", s, component.Some(addrValue(paddr)))).(component.Tuple)
	inS, outS = tup[0].(component.Resource), tup[1].(component.Resource)
	if r := st.ok(st.udp("remote-address", s)); !equalValues(r, addrValue(paddr)) {
		t.Errorf("remote-address = %v", r)
	}
	okU64(t, st.call(checkSend, outS))
	if got := errCode(st.call(send, outS, component.List{dg("x", component.Some(addrValue("127.0.0.1:1")))})); got != "invalid-argument" {
		t.Errorf("send elsewhere on a connected stream = %q", got)
	}
	okU64(t, st.call(checkSend, outS))
	if n := okU64(t, st.call(send, outS, component.List{dg("two", component.None)})); n != 1 {
		t.Errorf("send = %d", n)
	}
	st.wait("wasi:sockets/udp#[method]incoming-datagram-stream.subscribe", inS)
	got = st.ok(st.call("wasi:sockets/udp#[method]incoming-datagram-stream.receive", inS, component.U64(10))).(component.List)
	if len(got) != 1 {
		t.Fatalf("received %v", got)
	}
	if d, _ := bytesArg([]component.Value{got[0].(component.Record)[0].Value}, 0); string(d) != "echo: two" {
		t.Errorf("received %q", d)
	}
}

func TestNameLookup(t *testing.T) {
	resolve := func(st *sockTest, name string) ([]string, string) {
		t.Helper()
		v := st.call("wasi:sockets/ip-name-lookup#resolve-addresses", st.net, component.String(name))
		if c := errCode(v); c != "" {
			return nil, c
		}
		s := st.ok(v).(component.Resource)
		st.wait("wasi:sockets/ip-name-lookup#[method]resolve-address-stream.subscribe", s)
		var out []string
		for {
			v := st.call("wasi:sockets/ip-name-lookup#[method]resolve-address-stream.resolve-next-address", s)
			if c := errCode(v); c != "" {
				return out, c
			}
			o := st.ok(v).(component.Option)
			if o.Value == nil {
				return out, ""
			}
			out = append(out, fmt.Sprint(o.Value))
		}
	}
	denied := newSockTest(t, NewConfig().WithAllowNameLookup("*.example.com"))
	if _, c := resolve(denied, "localhost"); c != "access-denied" {
		t.Errorf("localhost not granted = %q", c)
	}
	// Literals need no grant, and come back as they are.
	none := newSockTest(t, NewConfig())
	if got, c := resolve(none, "127.0.0.1"); c != "" || len(got) != 1 || got[0] != "{ipv4 [127 0 0 1]}" {
		t.Errorf("127.0.0.1 = %v, %q", got, c)
	}
	if got, c := resolve(none, "::ffff:10.0.0.1"); c != "" || len(got) != 1 || got[0] != "{ipv4 [10 0 0 1]}" {
		t.Errorf("a mapped literal = %v, %q (never a mapped address)", got, c)
	}
	for _, bad := range []string{"", "a..b", "bad name", "[::1]", "bücher.de"} {
		if _, c := resolve(none, bad); c != "invalid-argument" {
			t.Errorf("resolve %q = %q, want invalid-argument", bad, c)
		}
	}

	st := newSockTest(t, NewConfig().WithAllowNameLookup("localhost"))
	got, c := resolve(st, "LocalHost.")
	if c != "" || len(got) == 0 {
		t.Fatalf("localhost = %v, %q", got, c)
	}
	for _, a := range got {
		if a != "{ipv4 [127 0 0 1]}" && a != "{ipv6 [0 0 0 0 0 0 0 1]}" {
			t.Errorf("localhost resolved to %s", a)
		}
	}
	if got := st.sockets.Load(); got != 0 {
		t.Errorf("%d lookups still hold a slot", got)
	}
}

func TestSocketLimit(t *testing.T) {
	st := newSockTest(t, NewConfig().WithAllowConnect("127.0.0.1:1"))
	st.sockets.Store(maxSockets - 1)
	s := st.newTCP("ipv4")
	if got := errCode(st.call("wasi:sockets/udp-create-socket#create-udp-socket", component.Enum("ipv4"))); got != "new-socket-limit" {
		t.Errorf("a socket beyond the limit = %q", got)
	}
	if err := s.Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.newUDP("ipv4")
}

// TestSocketReadCancel: a guest blocked reading a silent connection, or
// polling it, is released by its ctx.
func TestSocketReadCancel(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			time.Sleep(5 * time.Second)
			c.Close()
		}
	}()
	st := newSockTest(t, NewConfig().WithAllowConnect(ln.Addr().String()))
	_, in, _ := st.connect("ipv4", ln.Addr().String())
	p := st.call("wasi:io/streams#[method]input-stream.subscribe", in)
	for _, call := range []struct {
		fn   string
		args []component.Value
	}{
		{"wasi:io/streams#[method]input-stream.blocking-read", []component.Value{in, component.U64(10)}},
		{"wasi:io/poll#poll", []component.Value{component.List{p}}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		_, err := st.callErr(ctx, call.fn, call.args...)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v after %v, want the deadline", call.fn, err, time.Since(start))
		}
	}
}

// equalValues compares two values by their printed form.
func equalValues(a, b component.Value) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

package wasi

import (
	"context"

	"github.com/plugwit/plugwit/component"
)

// wasi:sockets with no network access. The guest gets a network handle
// from `instance-network` (the capability every socket operation takes),
// but creating a TCP or UDP socket and resolving a name fail with
// `access-denied`, so it never holds a socket: every method of a socket or
// of a datagram or address stream finds no object behind its handle and
// traps. This is where network grants (a later session) plug in.

var (
	tcpSocketMethods = []string{
		"start-bind", "finish-bind", "start-connect", "finish-connect", "start-listen",
		"finish-listen", "accept", "local-address", "remote-address", "is-listening",
		"address-family", "set-listen-backlog-size", "keep-alive-enabled",
		"set-keep-alive-enabled", "keep-alive-idle-time", "set-keep-alive-idle-time",
		"keep-alive-interval", "set-keep-alive-interval", "keep-alive-count",
		"set-keep-alive-count", "hop-limit", "set-hop-limit", "receive-buffer-size",
		"set-receive-buffer-size", "send-buffer-size", "set-send-buffer-size", "subscribe",
		"shutdown",
	}
	udpSocketMethods = []string{
		"start-bind", "finish-bind", "stream", "local-address", "remote-address",
		"address-family", "unicast-hop-limit", "set-unicast-hop-limit", "receive-buffer-size",
		"set-receive-buffer-size", "send-buffer-size", "set-send-buffer-size", "subscribe",
	}
	incomingDatagramStreamMethods = []string{"receive", "subscribe"}
	outgoingDatagramStreamMethods = []string{"check-send", "send", "subscribe"}
	resolveAddressStreamMethods   = []string{"resolve-next-address", "subscribe"}
)

// network is the object behind a network handle. It grants nothing yet.
type network struct{}

// netErrorCode is an io error a socket stream reports: its
// wasi:sockets/network.error-code, as network-error-code returns it.
type netErrorCode interface{ netErrorCode() string }

func accessDenied(ctx context.Context, args []component.Value) (component.Value, error) {
	return component.Err(component.Enum("access-denied")), nil
}

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

func (h *host) socketsTCP() *iface {
	in := h.newIface("wasi:sockets/tcp", kindTCPSocket, kindInputStream, kindOutputStream, kindPollable, kindNetwork)
	h.unreachable(in, kindTCPSocket, tcpSocketMethods)
	return in
}

func (h *host) socketsTCPCreate() *iface {
	in := h.newIface("wasi:sockets/tcp-create-socket", kindNetwork, kindTCPSocket)
	in.funcs["create-tcp-socket"] = accessDenied
	return in
}

func (h *host) socketsUDP() *iface {
	in := h.newIface("wasi:sockets/udp", kindUDPSocket, kindIncomingDatagramStream, kindOutgoingDatagramStream,
		kindPollable, kindNetwork)
	h.unreachable(in, kindUDPSocket, udpSocketMethods)
	h.unreachable(in, kindIncomingDatagramStream, incomingDatagramStreamMethods)
	h.unreachable(in, kindOutgoingDatagramStream, outgoingDatagramStreamMethods)
	return in
}

func (h *host) socketsUDPCreate() *iface {
	in := h.newIface("wasi:sockets/udp-create-socket", kindNetwork, kindUDPSocket)
	in.funcs["create-udp-socket"] = accessDenied
	return in
}

func (h *host) socketsIPNameLookup() *iface {
	in := h.newIface("wasi:sockets/ip-name-lookup", kindResolveAddressStream, kindPollable, kindNetwork)
	h.unreachable(in, kindResolveAddressStream, resolveAddressStreamMethods)
	in.funcs["resolve-addresses"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*network](h, args, 0, kindNetwork); err != nil {
			return nil, err
		}
		return component.Err(component.Enum("access-denied")), nil
	}
	return in
}

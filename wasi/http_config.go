package wasi

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// httpConfig is what Config grants of outgoing HTTP (wasi:http/outgoing-handler).
type httpConfig struct {
	allow     []string // patterns, as given; parsed by newHost
	transport http.RoundTripper
	timeouts  HTTPTimeouts
}

// HTTPTimeouts bound the phases of an outgoing HTTP request. A guest may
// ask for shorter ones in its `request-options`, never longer ones: the
// host's values are both the defaults and the maximums. A zero field
// means the default of DefaultHTTPTimeouts.
type HTTPTimeouts struct {
	// Connect bounds establishing the connection (TCP and TLS), which
	// fails with the error-code `connection-timeout`.
	Connect time.Duration
	// FirstByte bounds the wait for the response's status and headers
	// once the request is sent; it fails with `HTTP-response-timeout`.
	FirstByte time.Duration
	// BetweenBytes bounds each wait for more of the response body; the
	// body's stream then fails with `connection-read-timeout`.
	BetweenBytes time.Duration
}

// DefaultHTTPTimeouts are the timeouts of outgoing HTTP requests unless
// Config.WithHTTPTimeouts changes them.
var DefaultHTTPTimeouts = HTTPTimeouts{Connect: 30 * time.Second, FirstByte: 60 * time.Second, BetweenBytes: 60 * time.Second}

// WithAllowHTTP grants the guest outgoing HTTP requests
// (`wasi:http/outgoing-handler.handle`) to the hosts that patterns name.
// By default no host is allowed, and a request fails with the error-code
// `HTTP-request-denied`. The grants of several calls add up.
//
// A pattern is `[SCHEME://]HOST[:PORT]`:
//
//   - HOST is a host name (matched without regard to case), an IPv4
//     address, an IPv6 address in brackets (`[::1]`), `*.NAME` for any
//     name below NAME (but not NAME itself), or `*` for any host;
//   - PORT is a port number or `*`; without it, any port is allowed;
//   - SCHEME is `http` or `https`; without it, both are allowed.
//
// So `api.example.com` allows https://api.example.com/… and
// http://api.example.com:8080/…, `https://api.example.com:443` only the
// first, and `127.0.0.1:8080` only that port of the loopback address.
// Hosts are matched as the request names them, before name resolution.
// Redirects are not followed: the guest sees them as responses and its
// next request is checked again. Instantiate rejects a malformed pattern.
func (c Config) WithAllowHTTP(patterns ...string) Config {
	c.http.allow = append(append([]string(nil), c.http.allow...), patterns...)
	return c
}

// WithHTTPTransport makes rt carry the guest's outgoing HTTP requests
// (after the allowlist of WithAllowHTTP let them through) instead of
// plugwit's own transport, an http.Transport that dials with the
// connect timeout and honours the proxy environment variables. The
// Connect timeout is then rt's business; FirstByte and BetweenBytes still
// apply. rt must not follow redirects.
func (c Config) WithHTTPTransport(rt http.RoundTripper) Config {
	c.http.transport = rt
	return c
}

// WithHTTPTimeouts sets the timeouts of outgoing HTTP requests (see
// HTTPTimeouts); its zero fields keep their defaults.
func (c Config) WithHTTPTimeouts(t HTTPTimeouts) Config {
	c.http.timeouts = t
	return c
}

// timeouts returns the configured timeouts with the defaults filled in.
func (hc httpConfig) effectiveTimeouts() HTTPTimeouts {
	t := hc.timeouts
	if t.Connect <= 0 {
		t.Connect = DefaultHTTPTimeouts.Connect
	}
	if t.FirstByte <= 0 {
		t.FirstByte = DefaultHTTPTimeouts.FirstByte
	}
	if t.BetweenBytes <= 0 {
		t.BetweenBytes = DefaultHTTPTimeouts.BetweenBytes
	}
	return t
}

// hostPattern is one parsed WithAllowHTTP pattern.
type hostPattern struct {
	scheme string // "", "http" or "https"
	host   string // lower case; "*" any; "*.x" any name below x; IPv6 without brackets
	port   string // "" or "*": any
}

// parseHostPattern parses a pattern of WithAllowHTTP.
func parseHostPattern(s string) (hostPattern, error) {
	var p hostPattern
	bad := func(why string) (hostPattern, error) {
		return hostPattern{}, fmt.Errorf("wasi: HTTP allow pattern %q: %s", s, why)
	}
	rest := s
	if scheme, after, ok := strings.Cut(rest, "://"); ok {
		switch strings.ToLower(scheme) {
		case "http", "https":
			p.scheme = strings.ToLower(scheme)
		default:
			return bad("the scheme must be http or https")
		}
		rest = after
	}
	if rest == "" {
		return bad("no host")
	}
	if strings.ContainsAny(rest, "/?#@ \t") {
		return bad("want [SCHEME://]HOST[:PORT], without path, query or user")
	}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if end < 0 {
			return bad("unclosed [")
		}
		host = rest[1:end]
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return bad("not an IPv6 address in brackets")
		}
		switch after := rest[end+1:]; {
		case after == "":
		case strings.HasPrefix(after, ":"):
			port = after[1:]
		default:
			return bad("junk after ]")
		}
	} else if h, pt, ok := strings.Cut(rest, ":"); ok {
		host, port = h, pt
		if strings.Contains(port, ":") {
			return bad("an IPv6 address must be in brackets")
		}
	}
	if port == "" && strings.HasSuffix(rest, ":") {
		return bad("empty port")
	}
	if port != "" && port != "*" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return bad("the port must be a number from 1 to 65535, or *")
		}
		port = strconv.FormatUint(n, 10)
	}
	host = strings.ToLower(host)
	name := strings.TrimPrefix(host, "*.")
	switch {
	case host == "*":
	case name == "" || strings.Contains(name, "*"):
		return bad("* may only be the whole host or its first label (*.example.com)")
	case net.ParseIP(name) != nil:
		if name != host {
			return bad("*. before an IP address")
		}
	default:
		for _, label := range strings.Split(name, ".") {
			if label == "" || len(label) > 63 || strings.IndexFunc(label, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
			}) >= 0 {
				return bad("not a host name")
			}
		}
	}
	p.host, p.port = host, port
	return p, nil
}

// match reports whether the pattern allows scheme://host:port (scheme and
// host in lower case, host an IPv6 address without brackets).
func (p hostPattern) match(scheme, host, port string) bool {
	if p.scheme != "" && p.scheme != scheme {
		return false
	}
	if p.port != "" && p.port != "*" && p.port != port {
		return false
	}
	switch {
	case p.host == "*":
		return true
	case strings.HasPrefix(p.host, "*."):
		return net.ParseIP(host) == nil && strings.HasSuffix(host, p.host[1:]) && len(host) > len(p.host)-1
	case net.ParseIP(p.host) != nil:
		a, b := net.ParseIP(p.host), net.ParseIP(host)
		return b != nil && a.Equal(b)
	}
	return p.host == host
}

// httpAllow is the parsed allowlist of a host.
type httpAllow []hostPattern

func parseHTTPAllow(patterns []string) (httpAllow, error) {
	var a httpAllow
	for _, s := range patterns {
		p, err := parseHostPattern(s)
		if err != nil {
			return nil, err
		}
		a = append(a, p)
	}
	return a, nil
}

func (a httpAllow) allows(scheme, host, port string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range a {
		if p.match(scheme, host, port) {
			return true
		}
	}
	return false
}

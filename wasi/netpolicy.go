package wasi

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Network grants: which addresses a guest may connect to, which it may
// bind to, which names it may look up. See RATIONALE.md, "Why three
// network grants, of addresses and not names?".

// netConfig is what the Config grants of the network, as given: patterns
// are parsed (and rejected) by Instantiate.
type netConfig struct {
	connect, bind, lookup []string
}

// WithAllowConnect lets the guest open TCP connections to, and send UDP
// datagrams to, the addresses the patterns match. A pattern is HOST:PORTS:
//
//	127.0.0.1:8080     one IPv4 address, one port
//	10.0.0.0/8:443     an IPv4 network (CIDR), one port
//	[::1]:1-65535      an IPv6 address (in brackets), a range of ports
//	[fd00::/8]:*       an IPv6 network, every port
//	*:80               every address of both families, one port
//
// HOST is `*`, an IPv4 address or network, or an IPv6 address or network
// in brackets; it is never a host name (grant names with
// WithAllowNameLookup, then the addresses they resolve to here). PORTS is
// `*`, a port, or a range LOW-HIGH; it is required. IPv4-mapped IPv6
// addresses (::ffff:a.b.c.d) and zones are rejected: write the IPv4
// address. A guest's own use of a mapped address fails with
// `invalid-argument`, as the WASI spec asks, before any grant is checked.
//
// Every operation outside the grants fails with the error-code
// `access-denied`. Patterns accumulate over calls; Instantiate rejects a
// malformed one.
func (c Config) WithAllowConnect(patterns ...string) Config {
	c.net.connect = append(append([]string(nil), c.net.connect...), patterns...)
	return c
}

// WithAllowBind lets the guest bind TCP and UDP sockets to the local
// addresses the patterns match (the syntax of WithAllowConnect), and so
// listen and accept connections from anyone on a bound TCP socket, and
// receive datagrams from anyone on a bound UDP socket. A bind to port 0
// (a port the system picks) is checked as port 0: grant it with `:0`, a
// range from 0, or `:*`. Binding to the unspecified address (0.0.0.0,
// ::) needs a pattern that matches it, such as `0.0.0.0:8080` or `*:8080`.
//
// A UDP client must bind before it sends, so it needs a bind grant too,
// typically `0.0.0.0:0` (any interface, a port the system picks).
func (c Config) WithAllowBind(patterns ...string) Config {
	c.net.bind = append(append([]string(nil), c.net.bind...), patterns...)
	return c
}

// WithAllowNameLookup lets the guest resolve the host names the patterns
// match with wasi:sockets/ip-name-lookup: `localhost` or `example.com`
// (that name only), `*.example.com` (its subdomains, not example.com
// itself), or `*` (every name). Matching ignores case and a final dot.
// Resolving an IP address literal needs no grant: it is parsed, not
// looked up. A lookup grant gives no right to connect to the addresses it
// returns.
func (c Config) WithAllowNameLookup(patterns ...string) Config {
	c.net.lookup = append(append([]string(nil), c.net.lookup...), patterns...)
	return c
}

// CheckAddrPattern reports whether s is a valid pattern of
// WithAllowConnect and WithAllowBind, and why not: for checking grants
// where they are written (flags, manifests) rather than at Instantiate.
func CheckAddrPattern(s string) error {
	_, err := parseAddrPattern(s)
	return err
}

// CheckNamePattern reports whether s is a valid pattern of
// WithAllowNameLookup, and why not.
func CheckNamePattern(s string) error {
	_, err := parseNamePattern(s)
	return err
}

// addrPattern is one parsed address grant.
type addrPattern struct {
	any    bool         // `*`: every address of both families
	prefix netip.Prefix // otherwise: the addresses (a single one is a /32 or /128)
	lo, hi uint16       // the ports, inclusive
}

// parseAddrPattern parses HOST:PORTS (see Config.WithAllowConnect).
func parseAddrPattern(s string) (addrPattern, error) {
	var p addrPattern
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return p, errors.New("missing :PORTS (write HOST:PORT, HOST:LOW-HIGH or HOST:*)")
	}
	host, ports := s[:i], s[i+1:]
	if strings.HasPrefix(host, "[") {
		if !strings.HasSuffix(host, "]") {
			return p, errors.New("unclosed [ in an IPv6 address")
		}
		host = host[1 : len(host)-1]
		if !strings.Contains(host, ":") {
			return p, fmt.Errorf("%q in brackets is not an IPv6 address", host)
		}
	} else if strings.Contains(host, ":") {
		return p, errors.New("an IPv6 address must be in brackets: [::1]:80")
	}
	switch {
	case host == "*":
		p.any = true
	case host == "":
		return p, errors.New("missing address (use * for every address)")
	default:
		var err error
		if strings.Contains(host, "/") {
			p.prefix, err = netip.ParsePrefix(host)
			if err == nil && p.prefix != p.prefix.Masked() {
				err = fmt.Errorf("%s has bits set beyond the /%d (the network is %s)", host, p.prefix.Bits(), p.prefix.Masked())
			}
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(host); err == nil {
				if a.Zone() != "" {
					return p, fmt.Errorf("%s: zones are not supported", host)
				}
				p.prefix = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			if !strings.ContainsAny(host, "/:") && strings.ContainsFunc(host, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) {
				return p, fmt.Errorf("%q is not an IP address: host names are granted with name lookups, addresses here", host)
			}
			return p, err
		}
		if p.prefix.Addr().Is4In6() {
			return p, fmt.Errorf("%s is an IPv4-mapped IPv6 address: write the IPv4 address", host)
		}
	}
	lo, hi, err := parsePorts(ports)
	if err != nil {
		return p, err
	}
	p.lo, p.hi = lo, hi
	return p, nil
}

func parsePorts(s string) (lo, hi uint16, err error) {
	if s == "*" {
		return 0, 65535, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	port := func(s string) (uint16, error) {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil || s == "" || s[0] == '+' {
			return 0, fmt.Errorf("bad port %q (want 0 to 65535)", s)
		}
		return uint16(n), nil
	}
	if lo, err = port(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if isRange {
		if hi, err = port(b); err != nil {
			return 0, 0, err
		}
		if hi < lo {
			return 0, 0, fmt.Errorf("empty port range %s", s)
		}
	}
	return lo, hi, nil
}

func (p addrPattern) match(ap netip.AddrPort) bool {
	port := ap.Port()
	if port < p.lo || port > p.hi {
		return false
	}
	if p.any {
		return true
	}
	// A zone (an IPv6 scope) does not change which address it is.
	return p.prefix.Contains(ap.Addr().WithZone(""))
}

// namePattern is one parsed name grant: a name, `*.suffix` or `*`.
type namePattern struct {
	any     bool
	name    string // the exact name, or the suffix without `*.`
	subOnly bool   // *.name
}

func parseNamePattern(s string) (namePattern, error) {
	var p namePattern
	if s == "*" {
		p.any = true
		return p, nil
	}
	if rest, ok := strings.CutPrefix(s, "*."); ok {
		p.subOnly, s = true, rest
	}
	name, ok := normalizeName(s)
	if !ok {
		return p, fmt.Errorf("%q is not a host name (letters, digits, '-', '_' and '.'; `*` or `*.` only in front)", s)
	}
	p.name = name
	return p, nil
}

func (p namePattern) match(name string) bool {
	switch {
	case p.any:
		return true
	case p.subOnly:
		return strings.HasSuffix(name, "."+p.name)
	}
	return name == p.name
}

// normalizeName lower-cases an ASCII host name and drops a final dot; it
// reports false for what is not a syntactically valid name.
func normalizeName(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return "", false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return "", false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
			case c == '-' && i > 0 && i < len(label)-1:
			default:
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

// netPolicy is the parsed network grants of a WASI context.
type netPolicy struct {
	connect, bind []addrPattern
	lookup        []namePattern
}

func parseNetPolicy(c netConfig) (*netPolicy, error) {
	p := &netPolicy{}
	for _, s := range c.connect {
		ap, err := parseAddrPattern(s)
		if err != nil {
			return nil, fmt.Errorf("wasi: connect grant %q: %w", s, err)
		}
		p.connect = append(p.connect, ap)
	}
	for _, s := range c.bind {
		ap, err := parseAddrPattern(s)
		if err != nil {
			return nil, fmt.Errorf("wasi: bind grant %q: %w", s, err)
		}
		p.bind = append(p.bind, ap)
	}
	for _, s := range c.lookup {
		np, err := parseNamePattern(s)
		if err != nil {
			return nil, fmt.Errorf("wasi: name lookup grant %q: %w", s, err)
		}
		p.lookup = append(p.lookup, np)
	}
	return p, nil
}

// sockets reports whether the policy grants any socket at all.
func (p *netPolicy) sockets() bool { return len(p.connect) > 0 || len(p.bind) > 0 }

func (p *netPolicy) mayConnect(ap netip.AddrPort) bool { return matchAny(p.connect, ap) }

func (p *netPolicy) mayBind(ap netip.AddrPort) bool { return matchAny(p.bind, ap) }

// mayLookup reports whether the normalized name may be resolved.
func (p *netPolicy) mayLookup(name string) bool {
	for _, np := range p.lookup {
		if np.match(name) {
			return true
		}
	}
	return false
}

func matchAny(ps []addrPattern, ap netip.AddrPort) bool {
	for _, p := range ps {
		if p.match(ap) {
			return true
		}
	}
	return false
}

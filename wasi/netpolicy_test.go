package wasi

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAddrPatternParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		match   []string // addresses it matches
		noMatch []string // addresses it does not
	}{
		{"127.0.0.1:8080", []string{"127.0.0.1:8080"}, []string{"127.0.0.1:8081", "127.0.0.2:8080", "[::1]:8080", "[::ffff:127.0.0.1]:8080", "0.0.0.0:8080"}},
		{"10.0.0.0/8:443", []string{"10.0.0.1:443", "10.255.255.255:443"}, []string{"11.0.0.1:443", "10.0.0.1:80", "[::ffff:10.0.0.1]:443"}},
		{"*:80", []string{"1.2.3.4:80", "[2001:db8::1]:80", "0.0.0.0:80"}, []string{"1.2.3.4:81", "1.2.3.4:0"}},
		{"[::1]:1-65535", []string{"[::1]:1", "[::1]:65535", "[::1%1]:22"}, []string{"[::1]:0", "127.0.0.1:22", "[::2]:22"}},
		{"[fd00::/8]:*", []string{"[fd12::1]:0", "[fdff::]:65535"}, []string{"[fe80::1]:80", "10.0.0.1:80"}},
		{"0.0.0.0:0", []string{"0.0.0.0:0"}, []string{"0.0.0.0:1", "127.0.0.1:0"}},
		{"127.0.0.1:*", []string{"127.0.0.1:0", "127.0.0.1:65535"}, []string{"127.0.0.2:1"}},
		{"[::]:0-1023", []string{"[::]:0", "[::]:1023"}, []string{"[::]:1024", "0.0.0.0:80"}},
		{"0.0.0.0/0:53", []string{"8.8.8.8:53"}, []string{"[::1]:53"}},
	} {
		p, err := parseAddrPattern(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		for _, s := range tc.match {
			if !p.match(netip.MustParseAddrPort(s)) {
				t.Errorf("%s does not match %s", tc.in, s)
			}
		}
		for _, s := range tc.noMatch {
			if p.match(netip.MustParseAddrPort(s)) {
				t.Errorf("%s matches %s", tc.in, s)
			}
		}
	}
}

func TestAddrPatternErrors(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1":            "missing :PORTS",
		"localhost:80":         "not an IP address",
		"example.com:443":      "not an IP address",
		"::1:80":               "must be in brackets",
		"[::1:80":              "unclosed [",
		"[127.0.0.1]:80":       "not an IPv6 address",
		":80":                  "missing address",
		"1.2.3.4:":             "bad port",
		"1.2.3.4:65536":        "bad port",
		"1.2.3.4:-1":           "bad port",
		"1.2.3.4:+80":          "bad port",
		"1.2.3.4:90-80":        "empty port range",
		"1.2.3.4:80-":          "bad port",
		"10.0.0.1/8:80":        "bits set beyond",
		"10.0.0.0/33:80":       "out of range",
		"[::ffff:1.2.3.4]:80":  "IPv4-mapped",
		"[::ffff:0:0/96]:80":   "IPv4-mapped",
		"[fe80::1%eth0]:80":    "zones",
		"1.2.3.4.5:80":         "ParseAddr",
		"[*]:80":               "not an IPv6 address",
		"1.2.3.4:80,1.2.3.5:1": "brackets",
	} {
		_, err := parseAddrPattern(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", in, err, want)
		}
	}
}

func TestNamePatterns(t *testing.T) {
	p, err := parseNetPolicy(netConfig{lookup: []string{"localhost", "*.Example.COM", "exact.org."}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "a.example.com": true, "a.b.example.com": true,
		"example.com": false, "badexample.com": false, "exact.org": true, "sub.exact.org": false,
		"localhost.evil.com": false, "other": false,
	} {
		norm, ok := normalizeName(name)
		if !ok {
			t.Fatalf("normalizeName(%q) failed", name)
		}
		if got := p.mayLookup(norm); got != want {
			t.Errorf("mayLookup(%q) = %v, want %v", name, got, want)
		}
	}
	all, _ := parseNetPolicy(netConfig{lookup: []string{"*"}})
	if !all.mayLookup("anything.at.all") {
		t.Error("* does not match every name")
	}
	for _, bad := range []string{"", "*.", "a..b", "-a.com", "a b", "ex*ample.com", "é.com", "*.*.com"} {
		if _, err := parseNamePattern(bad); err == nil {
			t.Errorf("parseNamePattern(%q) succeeded", bad)
		}
	}
	for _, bad := range []string{"", "a..b", "bücher.de", "a/b", strings.Repeat("a", 64) + ".com"} {
		if _, ok := normalizeName(bad); ok {
			t.Errorf("normalizeName(%q) succeeded", bad)
		}
	}
}

func TestNetPolicyErrorsAtInstantiate(t *testing.T) {
	for cfg, want := range map[*Config]string{
		ptr(NewConfig().WithAllowConnect("127.0.0.1:80", "nope")): `wasi: connect grant "nope"`,
		ptr(NewConfig().WithAllowBind("[::1]")):                   `wasi: bind grant "[::1]"`,
		ptr(NewConfig().WithAllowNameLookup("a b")):               `wasi: name lookup grant "a b"`,
	} {
		d := &Definitions{}
		d.types = testTypes()
		if _, err := d.newHost(*cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
	// Grants accumulate, and the Config stays immutable.
	base := NewConfig().WithAllowConnect("1.2.3.4:1")
	a := base.WithAllowConnect("1.2.3.4:2")
	b := base.WithAllowConnect("1.2.3.4:3")
	if len(base.net.connect) != 1 || a.net.connect[1] != "1.2.3.4:2" || b.net.connect[1] != "1.2.3.4:3" {
		t.Errorf("grants: base %v, a %v, b %v", base.net.connect, a.net.connect, b.net.connect)
	}
}

func ptr[T any](v T) *T { return &v }

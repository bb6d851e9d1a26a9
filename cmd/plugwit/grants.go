package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/plugwit/plugwit/wasi"
)

// The capability flags that `run` and `serve` share: what a component may
// reach through WASI beyond its stdio.

// grantFlagsUsage documents the flags addGrantFlags defines, in the usage
// texts of run and serve.
const grantFlagsUsage = `  --env K=V        give the component the environment variable K=V; --env K
                   passes K from plugwit's environment (repeatable)
  --env-inherit    give the component plugwit's whole environment
  --dir HOST[::GUEST][:ro]
                   give the component the host directory HOST, under the
                   name GUEST (default: HOST); with :ro, read-only. The
                   component cannot reach out of HOST: not with .., nor
                   absolute paths, nor symbolic links (repeatable)
  --allow-net HOST:PORTS
                   let the component open TCP connections to, and send UDP
                   datagrams to, the addresses HOST:PORTS matches (repeatable).
                   HOST is *, an IPv4 address or network, or an IPv6 address
                   or network in brackets, never a name; PORTS is *, a port
                   or a range LOW-HIGH:
                     127.0.0.1:8080  10.0.0.0/8:443  *:80  [::1]:1-65535
                     [fd00::/8]:*
                   Anything else fails with access-denied
  --allow-bind HOST:PORTS
                   let the component bind TCP and UDP sockets to the local
                   addresses HOST:PORTS matches, and so listen, accept and
                   receive from anyone there (repeatable). Port 0, a port the
                   system picks, must be granted too: 127.0.0.1:0, 0.0.0.0:0
  --allow-lookup NAME
                   let the component resolve the host name NAME (repeatable):
                   localhost, example.com, *.example.com (subdomains only) or
                   * (every name). IP address literals need no grant
  --allow-http [SCHEME://]HOST[:PORT]
                   let the component send HTTP requests (wasi:http) to HOST:
                   a name, an IP address ([::1] for IPv6), *.NAME for the
                   names below NAME, or * for any; without PORT or SCHEME,
                   any port, http and https (repeatable)
`

// grants are the capability flags of one command line.
type grants struct {
	envInherit bool
	env        [][2]string
	dirs       []dirGrant
	allowNet   []string // --allow-net
	allowBind  []string // --allow-bind
	allowLook  []string // --allow-lookup
	allowHTTP  []string
}

// addGrantFlags defines --env, --env-inherit, --dir, --allow-net,
// --allow-bind, --allow-lookup and --allow-http in fs.
func addGrantFlags(fs *flag.FlagSet) *grants {
	g := &grants{}
	fs.BoolVar(&g.envInherit, "env-inherit", false, "")
	fs.Func("env", "", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			v, ok = os.LookupEnv(k)
			if !ok {
				return nil // --env K of an unset variable sets nothing
			}
		}
		if k == "" {
			return fmt.Errorf("empty variable name in %q", s)
		}
		g.env = append(g.env, [2]string{k, v})
		return nil
	})
	fs.Func("dir", "", func(s string) error {
		d, err := parseDir(s)
		if err != nil {
			return err
		}
		g.dirs = append(g.dirs, d)
		return nil
	})
	grant := func(list *[]string, check func(string) error) func(string) error {
		return func(s string) error {
			if err := check(s); err != nil {
				return err
			}
			*list = append(*list, s)
			return nil
		}
	}
	fs.Func("allow-net", "", grant(&g.allowNet, wasi.CheckAddrPattern))
	fs.Func("allow-bind", "", grant(&g.allowBind, wasi.CheckAddrPattern))
	fs.Func("allow-lookup", "", grant(&g.allowLook, wasi.CheckNamePattern))
	fs.Func("allow-http", "", func(s string) error {
		if s == "" {
			return fmt.Errorf("empty host")
		}
		g.allowHTTP = append(g.allowHTTP, s)
		return nil
	})
	return g
}

// apply grants to cfg what the flags grant.
func (g *grants) apply(cfg wasi.Config) wasi.Config {
	if g.envInherit {
		cfg = cfg.WithEnvInherit()
	}
	for _, kv := range g.env {
		cfg = cfg.WithEnv(kv[0], kv[1])
	}
	for _, d := range g.dirs {
		cfg = cfg.WithPreopen(d.host, d.guest, d.readOnly)
	}
	cfg = cfg.WithAllowConnect(g.allowNet...).WithAllowBind(g.allowBind...).WithAllowNameLookup(g.allowLook...)
	if len(g.allowHTTP) > 0 {
		cfg = cfg.WithAllowHTTP(g.allowHTTP...)
	}
	return cfg
}

// dirGrant is one --dir flag.
type dirGrant struct {
	host, guest string
	readOnly    bool
}

// parseDir parses the value of --dir: HOST[::GUEST][:ro].
func parseDir(s string) (dirGrant, error) {
	var d dirGrant
	if rest, ok := strings.CutSuffix(s, ":ro"); ok {
		s, d.readOnly = rest, true
	}
	host, guest, ok := strings.Cut(s, "::")
	if !ok {
		guest = host
	}
	if host == "" || guest == "" {
		return d, fmt.Errorf("--dir %q: want HOST[::GUEST][:ro]", s)
	}
	d.host, d.guest = host, guest
	return d, nil
}

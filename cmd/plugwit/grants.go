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

package wasi

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/plugwit/plugwit/component"
)

// WASI for core-module plugins: their wasi_snapshot_preview1 imports are
// served by wazero's own implementation (imports/wasi_snapshot_preview1),
// configured from the same Config as WASI 0.2. wazero's preview1 functions
// read everything a guest may reach — arguments, environment, stdio,
// directories, clocks, randomness — from the calling module's
// wazero.ModuleConfig, so one anonymous instance of the preview1 host module
// serves every plugin, and each plugin instance gets a ModuleConfig made
// from its WASI context: the Linker's default, or its own (ForInstance).
// See RATIONALE.md, "Why does WASI preview1 for core modules come from
// wazero?".

// definePreview1 defines wasi_snapshot_preview1 for core-module plugins
// linked by l.
func (d *Definitions) definePreview1(l *component.Linker) {
	rt := l.Runtime()
	l.DefineCoreModule(wasi_snapshot_preview1.ModuleName, func(ctx context.Context) (api.Module, error) {
		compiled, err := wasi_snapshot_preview1.NewBuilder(rt.Wazero()).Compile(ctx)
		if err != nil {
			return nil, err
		}
		return rt.Wazero().InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	})
	l.CoreModuleConfig(func(ctx context.Context) (wazero.ModuleConfig, error) {
		return d.pick(ctx).moduleConfig()
	})
}

// moduleConfig is the wazero configuration that grants a core module what
// the context's Config grants: nothing unless granted (Config). Preopens,
// read-only or read-write, are their os.Root (rootFS).
func (h *host) moduleConfig() (wazero.ModuleConfig, error) {
	cfg := h.cfg
	mc := wazero.NewModuleConfig().WithArgs(cfg.args...)
	for _, kv := range h.env {
		mc = mc.WithEnv(kv[0], kv[1])
	}
	if cfg.stdin != nil {
		mc = mc.WithStdin(cfg.stdin)
	}
	if cfg.stdout != nil {
		mc = mc.WithStdout(cfg.stdout)
	}
	if cfg.stderr != nil {
		mc = mc.WithStderr(cfg.stderr)
	}
	if cfg.wallClock != nil {
		now := cfg.wallClock
		mc = mc.WithWalltime(func() (int64, int32) {
			t := now()
			if t.Before(time.Unix(0, 0)) {
				return 0, 0
			}
			return t.Unix(), int32(t.Nanosecond())
		}, 1)
	} else {
		mc = mc.WithSysWalltime()
	}
	if cfg.monotonic != nil {
		mono := cfg.monotonic
		mc = mc.WithNanotime(func() int64 { return int64(mono()) }, 1)
	} else {
		mc = mc.WithSysNanotime()
	}
	mc = mc.WithSysNanosleep()
	if cfg.random != nil {
		mc = mc.WithRandSource(cfg.random)
	} else {
		mc = mc.WithRandSource(rand.Reader)
	}
	if len(h.preopens) > 0 {
		fsc := wazero.NewFSConfig()
		for _, p := range h.preopens {
			// The preopen's os.Root as a wazero file system (preview1_fs.go):
			// sandboxed like the WASI 0.2 preopens (no escape through `..`,
			// absolute paths or links); a read-only one refuses every change.
			// Open files count against the context's maxOpenFiles.
			fsc = fsc.(sysfs.FSConfig).WithSysFSMount(newRootFS(p.root, p.readOnly, &h.openFiles), p.guest)
		}
		mc = mc.WithFSConfig(fsc)
	}
	return mc, nil
}

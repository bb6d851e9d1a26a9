package wasi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plugwit/plugwit/component"
)

// Version is the version of the WASI 0.2 interfaces Instantiate defines
// (the WIT of WebAssembly/WASI v0.2.12). The linker satisfies an import of
// any 0.2.x version with them (semver-compatible lookup), so components
// built against WASI 0.2.0 … 0.2.12 all link.
const Version = "0.2.12"

// Instantiate defines the WASI 0.2 interfaces in l, as cfg grants them:
//
//   - wasi:io/error, wasi:io/poll, wasi:io/streams
//   - wasi:cli/environment, exit, stdin, stdout, stderr, terminal-input,
//     terminal-output, terminal-stdin, terminal-stdout, terminal-stderr
//   - wasi:clocks/monotonic-clock, wasi:clocks/wall-clock
//   - wasi:random/random, insecure, insecure-seed
//   - wasi:filesystem/types and wasi:filesystem/preopens, over the
//     directories cfg preopens (Config.WithPreopen), sandboxed in an
//     os.Root each; with none, a guest links and runs but reaches no file;
//   - wasi:sockets/network, instance-network, tcp, tcp-create-socket, udp,
//     udp-create-socket, ip-name-lookup, over Go's net package, within
//     the grants of cfg: connections and datagrams only to the addresses
//     and ports of Config.WithAllowConnect, bind and listen only on those
//     of WithAllowBind, lookups only of the names of WithAllowNameLookup;
//     anything else fails with `access-denied`. With no grant, creating a
//     socket or resolving a name fails with `access-denied`. A context
//     holds at most 1024 sockets and lookups in flight;
//   - wasi:http/types and wasi:http/outgoing-handler, over net/http, for
//     the hosts cfg allows (Config.WithAllowHTTP); a request to any other
//     host fails with the error-code `HTTP-request-denied`.
//
// wasi:http/incoming-handler is an export, not an import: serve it with
// Definitions.NewHTTPHandler. Not defined yet: the unstable
// wasi:clocks/timezone. A component importing it needs other definitions
// in l.
//
// By default the definitions share one WASI context, configured by cfg:
// every component instance made from l sees the same streams and the same
// table of resources. To give an instance a context of its own, use
// Define and Definitions.ForInstance.
//
// A guest that calls `wasi:cli/exit` ends the call in progress with an
// error that wraps an *ExitError.
func Instantiate(l *component.Linker, cfg Config) error {
	_, err := Define(l, cfg)
	return err
}

// Definitions are the WASI definitions Define put in a Linker: one set of
// resource types and functions, which run in the calling instance's WASI
// context — its own (ForInstance) or the Linker's default.
type Definitions struct {
	types    [kindCount]*component.ResourceType
	defaults *host
}

// Define defines WASI in l as Instantiate does, with cfg as the default
// context, and returns the definitions for per-instance contexts.
func Define(l *component.Linker, cfg Config) (*Definitions, error) {
	d := &Definitions{}
	for k := kindPollable; k < kindCount; k++ {
		d.types[k] = component.NewResourceType(k.String(), d.dropper(k))
	}
	h, err := d.newHost(cfg)
	if err != nil {
		return nil, err
	}
	d.defaults = h
	d.definePreview1(l) // for core-module plugins (preview1.go)
	for _, in := range h.interfaces() {
		li := l.Instance(in.name + "@" + Version)
		for name, rt := range in.resources {
			li.Resource(name, rt)
		}
		for name := range in.funcs {
			iface, fn := in.name, name
			li.Func(name, func(ctx context.Context, args []component.Value) (component.Value, error) {
				return d.pick(ctx).fns[iface][fn](ctx, args)
			})
		}
	}
	if err := d.defineTypedStreams(l.Instance("wasi:io/streams@" + Version)); err != nil {
		return nil, err
	}
	return d, nil
}

// ForInstance returns the option that gives one instance (made from the
// Linker of d) its own WASI context configured by cfg — its own args,
// environment, stdio, clocks, random source and resource table:
//
//	opt, err := defs.ForInstance(wasi.NewConfig().WithStdout(&buf))
//	inst, err := pre.Instantiate(ctx, opt)
//
// The context belongs to that one instance: closing the instance releases
// it — the files, directories, sockets, streams and requests its guest
// still holds, and the preopened directories. Make one option per
// instance.
func (d *Definitions) ForInstance(cfg Config) (component.InstantiateOption, error) {
	h, err := d.newHost(cfg)
	if err != nil {
		return nil, err
	}
	return d.instanceOption(h), nil
}

// instanceOption gives an instance the context h, closed with it.
func (d *Definitions) instanceOption(h *host) component.InstantiateOption {
	return component.JoinOptions(
		component.WithHostData(hostKey{d}, h),
		component.OnClose(func(context.Context) error { h.close(); return nil }),
	)
}

// hostKey finds an instance's own context for the definitions d.
type hostKey struct{ d *Definitions }

// pick returns the WASI context of the calling instance.
func (d *Definitions) pick(ctx context.Context) *host {
	if h, ok := component.HostData(ctx, hostKey{d}).(*host); ok {
		return h
	}
	return d.defaults
}

// dropper is the destructor of a resource type: the guest dropped its
// owned handle, so its context forgets the object.
func (d *Definitions) dropper(k kind) func(ctx context.Context, rep uint32) error {
	return func(ctx context.Context, rep uint32) error {
		obj, err := d.pick(ctx).t.remove(k, rep)
		if err == nil {
			// A parent resource dropped before its children (an HTTP body
			// before its stream) traps, after it is released.
			if c, ok := obj.(interface{ dropErr() error }); ok {
				err = c.dropErr()
			}
		}
		if r, ok := obj.(interface{ release() }); ok {
			r.release()
		}
		return err
	}
}

// newHost makes a WASI context over the definitions' resource types, with
// its table of functions.
func (d *Definitions) newHost(cfg Config) (*host, error) {
	h, err := newHost(cfg, d.types)
	if err != nil {
		return nil, err
	}
	h.fns = map[string]map[string]component.HostFunc{}
	for _, in := range h.interfaces() {
		h.fns[in.name] = in.funcs
	}
	return h, nil
}

// host is one WASI context: the configuration, the standard streams, and
// the table of the resources handed to guests.
type host struct {
	t     *table
	types [kindCount]*component.ResourceType
	fns   map[string]map[string]component.HostFunc // interface -> function -> implementation

	args []string
	env  [][2]string

	stdin          source
	stdout, stderr sink

	wallClock func() time.Time
	monotonic func() uint64
	injected  bool // monotonic is the host's, not time's

	random   io.Reader // for wasi:random/random
	insecure io.Reader // for wasi:random/insecure and insecure-seed

	seedOnce sync.Once
	seed     [2]uint64
	seedErr  error

	preopens []*preopen

	cfg Config // as given, for the preview1 configuration of core modules

	net       *netPolicy   // the network grants
	sockets   atomic.Int32 // live sockets and name lookups in flight (maxSockets)
	openFiles atomic.Int32 // descriptors open-at opened and the guest holds (maxOpenFiles)

	http *httpClient // outgoing HTTP: the allowlist, transport and timeouts
}

func newHost(cfg Config, types [kindCount]*component.ResourceType) (*host, error) {
	h := &host{t: newTable(), args: cfg.args, types: types, cfg: cfg}
	env, err := environment(cfg)
	if err != nil {
		return nil, err
	}
	h.env = env
	if h.net, err = parseNetPolicy(cfg.net); err != nil {
		return nil, err
	}
	if h.http, err = newHTTPClient(cfg.http); err != nil {
		return nil, err
	}
	if h.preopens, err = openPreopens(cfg); err != nil {
		return nil, err
	}

	h.stdin = newReaderSource(cfg.stdin)
	h.stdout = newWriterSink(cfg.stdout)
	h.stderr = newWriterSink(cfg.stderr)
	if cfg.stdout != nil && cfg.stdout == cfg.stderr {
		h.stderr = h.stdout // one writer, one lock
	}

	h.wallClock = cfg.wallClock
	if h.wallClock == nil {
		h.wallClock = time.Now
	}
	h.monotonic = cfg.monotonic
	h.injected = h.monotonic != nil
	if h.monotonic == nil {
		start := time.Now()
		h.monotonic = func() uint64 { return uint64(time.Since(start)) }
	}

	h.random, h.insecure = cfg.random, cfg.random
	if h.random == nil {
		h.random, h.insecure = rand.Reader, mathRandReader{}
	}
	return h, nil
}

// environment returns the guest's environment: the inherited variables
// (if granted), then the explicit ones, which replace inherited ones of the
// same name.
func environment(cfg Config) ([][2]string, error) {
	var env [][2]string
	index := map[string]int{}
	set := func(k, v string) {
		if i, ok := index[k]; ok {
			env[i][1] = v
			return
		}
		index[k] = len(env)
		env = append(env, [2]string{k, v})
	}
	if cfg.envInherit {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
				set(k, v)
			}
		}
	}
	for _, e := range cfg.env {
		switch {
		case e.key == "":
			return nil, errors.New("wasi: environment variable with an empty name")
		case strings.ContainsAny(e.key, "=\x00"):
			return nil, fmt.Errorf("wasi: environment variable name %q contains '=' or NUL", e.key)
		case strings.ContainsRune(e.value, 0):
			return nil, fmt.Errorf("wasi: environment variable %s: value contains NUL", e.key)
		}
		set(e.key, e.value)
	}
	return env, nil
}

// iface is the definitions of one interface.
type iface struct {
	name      string // without version: "wasi:io/streams"
	resources map[string]*component.ResourceType
	funcs     map[string]component.HostFunc
}

// interfaces lists every interface the host defines.
func (h *host) interfaces() []*iface {
	return []*iface{
		h.ioError(), h.ioPoll(), h.ioStreams(),
		h.cliEnvironment(), h.cliExit(),
		h.cliStdin(), h.cliStdout(), h.cliStderr(),
		h.cliTerminalInput(), h.cliTerminalOutput(),
		h.cliTerminalStdin(), h.cliTerminalStdout(), h.cliTerminalStderr(),
		h.clocksMonotonic(), h.clocksWall(),
		h.randomRandom(), h.randomInsecure(), h.randomInsecureSeed(),
		h.filesystemTypes(), h.filesystemPreopens(),
		h.socketsNetwork(), h.socketsInstanceNetwork(),
		h.socketsTCP(), h.socketsTCPCreate(), h.socketsUDP(), h.socketsUDPCreate(),
		h.socketsIPNameLookup(),
		h.httpTypes(), h.httpOutgoingHandler(),
	}
}

// close releases what the context holds: every resource still in its
// table (open files, HTTP requests and bodies) and its preopened
// directories. The context must not be used afterwards.
func (h *host) close() {
	for _, obj := range h.t.drain() {
		if d, ok := obj.(*descriptor); ok && d.shared {
			continue
		}
		if r, ok := obj.(interface{ release() }); ok {
			r.release()
		}
	}
	for _, p := range h.preopens {
		p.desc.f.Close()
		p.root.Close()
	}
}

// newIface starts an interface that defines (or re-exports, through `use`)
// the resource types of kinds.
func (h *host) newIface(name string, kinds ...kind) *iface {
	in := &iface{name: name, resources: map[string]*component.ResourceType{}, funcs: map[string]component.HostFunc{}}
	for _, k := range kinds {
		in.resources[k.String()] = h.types[k]
	}
	return in
}

// unreachable defines the methods of a resource type whose objects the
// host never makes (yet): the guest cannot hold a handle of it, so a call
// can only name an unknown rep, and traps.
func (h *host) unreachable(in *iface, k kind, methods []string) {
	for _, m := range methods {
		in.funcs["[method]"+k.String()+"."+m] = func(ctx context.Context, args []component.Value) (component.Value, error) {
			if _, err := resourceArg[any](h, args, 0, k); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%s.%s: not implemented", k, m)
		}
	}
}

// ---- values ----

// newResource puts obj in the table and returns an owned handle to it.
func (h *host) newResource(k kind, obj any) (component.Value, error) {
	rep, err := h.t.add(k, obj)
	if err != nil {
		return nil, err
	}
	return component.Resource{Type: h.types[k], Rep: rep, Own: true}, nil
}

// resourceArg returns the object behind the handle args[i], of kind k.
func resourceArg[T any](h *host, args []component.Value, i int, k kind) (T, error) {
	var zero T
	if i >= len(args) {
		return zero, fmt.Errorf("missing argument %d", i)
	}
	r, ok := args[i].(component.Resource)
	if !ok {
		return zero, fmt.Errorf("argument %d: expected a %s handle, got %T", i, k, args[i])
	}
	if r.Type != h.types[k] {
		name := "foreign"
		if r.Type != nil {
			name = "foreign " + r.Type.Name()
		}
		return zero, fmt.Errorf("argument %d: expected a %s handle of this WASI host, got a %s handle", i, k, name)
	}
	v, err := tableObj[T](h, k, r.Rep)
	if err != nil {
		return zero, fmt.Errorf("argument %d: %w", i, err)
	}
	return v, nil
}

// tableObj returns the object of kind k behind rep in h's table.
func tableObj[T any](h *host, k kind, rep uint32) (T, error) {
	obj, err := h.t.get(k, rep)
	if err != nil {
		var zero T
		return zero, err
	}
	v, ok := obj.(T)
	if !ok {
		return v, fmt.Errorf("%s handle (rep %d) holds a %T", k, rep, obj)
	}
	return v, nil
}

func u64Arg(args []component.Value, i int) (uint64, error) {
	if i >= len(args) {
		return 0, fmt.Errorf("missing argument %d", i)
	}
	v, ok := args[i].(component.U64)
	if !ok {
		return 0, fmt.Errorf("argument %d: expected a u64, got %T", i, args[i])
	}
	return uint64(v), nil
}

func bytesArg(args []component.Value, i int) ([]byte, error) {
	if i >= len(args) {
		return nil, fmt.Errorf("missing argument %d", i)
	}
	if b, ok := args[i].(component.Bytes); ok {
		return b, nil
	}
	l, ok := args[i].(component.List)
	if !ok {
		return nil, fmt.Errorf("argument %d: expected a list<u8>, got %T", i, args[i])
	}
	b := make([]byte, len(l))
	for j, e := range l {
		u, ok := e.(component.U8)
		if !ok {
			return nil, fmt.Errorf("argument %d: expected a list<u8>, got an element %T", i, e)
		}
		b[j] = byte(u)
	}
	return b, nil
}

// bytesValue is a list<u8> for the guest: Bytes, lowered in one copy.
func bytesValue(b []byte) component.Value {
	return component.Bytes(append([]byte(nil), b...)) // b may be a source's buffer
}

// clampLen turns a length a guest asked for into one the host accepts.
func clampLen(n uint64, limit int) int {
	if n > uint64(limit) {
		return limit
	}
	return int(n)
}

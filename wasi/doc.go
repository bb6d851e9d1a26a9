// Package wasi is a WASI 0.2 host for the components of package component:
// it defines the WASI interfaces in a component.Linker, so that components
// built by the usual toolchains (wasm32-wasip2 Rust, wasi-libc C, Go,
// componentize-js, componentize-py, …) link and run.
//
// It is capability-based and denies by default: a Config grants a guest
// its arguments, environment variables, standard streams, directories
// (WithPreopen, each confined to its os.Root), network (WithAllowConnect,
// WithAllowBind, WithAllowNameLookup: allowlists of addresses, ports and
// names) and the hosts it may send HTTP requests to (WithAllowHTTP) one
// by one; NewConfig grants none of them, no directory and no network.
//
//	l := component.NewLinker(rt)
//	err := wasi.Instantiate(l, wasi.NewConfig().WithInheritStdio().WithArgs("plugin").
//		WithAllowConnect("10.0.0.0/8:443", "[::1]:8080").WithAllowNameLookup("*.internal.example"))
//
// Sockets are Go's net package behind the spec's non-blocking interface:
// the work that blocks (dial, accept, read, write, receive, lookup) runs
// on a goroutine per operation in flight, every buffer is bounded (64 KiB
// per stream direction, 16 datagrams per UDP socket), and a guest waits
// with pollables, which its call's ctx interrupts.
//
// wasi:http goes both ways. A guest's outgoing requests
// (wasi:http/outgoing-handler) go through net/http, bodies streamed both
// ways through bounded buffers, with the timeouts of HTTPTimeouts. A
// component of the wasi:http/proxy world serves HTTP through an
// HTTPHandler, an http.Handler that gives every request a new instance:
//
//	defs, err := wasi.Define(l, cfg)
//	pre, err := l.InstantiatePre(ctx, c)
//	h, err := defs.NewHTTPHandler(pre, cfg)
//	err = http.ListenAndServe("127.0.0.1:8080", h)
//
// The resources a guest holds (streams, pollables, errors, descriptors,
// HTTP requests and bodies) are Go objects in a table of the host, keyed
// by the rep the component runtime stores in the guest's handle; a rep
// the host does not know traps the guest.
//
// It is written from the WIT of WebAssembly/WASI v0.2.12 (the Version
// constant); the linker matches it to imports of any 0.2.x version.
package wasi

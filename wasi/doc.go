// Package wasi is a WASI 0.2 host for the components of package component:
// it defines the WASI interfaces in a component.Linker, so that components
// built by the usual toolchains (wasm32-wasip2 Rust, wasi-libc C, Go,
// componentize-js, componentize-py, …) link and run.
//
// It is capability-based and denies by default: a Config grants a guest
// its arguments, environment variables, standard streams and directories
// (WithPreopen, each confined to its os.Root) one by one; NewConfig grants
// none of them, no directory and no network.
//
//	l := component.NewLinker(rt)
//	err := wasi.Instantiate(l, wasi.NewConfig().WithInheritStdio().WithArgs("plugin"))
//
// The resources a guest holds (streams, pollables, errors, descriptors) are Go objects
// in a table of the host, keyed by the rep the component runtime stores in
// the guest's handle; a rep the host does not know traps the guest.
//
// It is written from the WIT of WebAssembly/WASI v0.2.12 (the Version
// constant); the linker matches it to imports of any 0.2.x version.
package wasi

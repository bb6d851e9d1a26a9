// Package component runs WebAssembly components — and core modules that
// follow the Component Model's naming conventions — on wazero, in pure Go.
//
// # Compiling and linking
//
// A Runtime owns a wazero runtime. Runtime.Compile decodes, validates and
// compiles a component binary once (errors name the section and offset);
// Compiled.World describes it as WIT, Compiled.Imports and Exports list
// its items. A Linker holds what the host provides for imports: functions
// at the root or in instances named by interface (`wasi:cli/stdout@0.2.0`,
// matched semver-compatibly), and resource types. Linking checks every
// import against its definition; Linker.InstantiatePre links once, and
// InstancePre.Instantiate makes as many instances as needed.
//
// A core module carrying a `component-type` custom section (or given a
// world with WithWorld) compiles too, and runs through the same Linker;
// its WASI preview1 imports come from package wasi.
//
// # Calling
//
// Instance.Func returns an export, Func.Call calls it with dynamic Values
// (Bool, U32, String, Record, List, Bytes, Option, Result, Resource …).
// Func.Begin starts the typed path, which writes parameters and reads
// results in their flattened order without Values, reflection or, for
// scalars, allocation: what generated bindings emit. A trap is returned as
// a *Trap naming the component, the function and the reason; the instance
// stays usable.
//
// # Host functions
//
// LinkerInstance.Func defines an import with Values; FuncOf adds a
// declared WIT type that linking checks; TypedFunc defines one that reads
// its arguments and writes its result on the guest's stack (HostCall),
// the host side of the typed path. A host function finds per-instance
// state with HostData, attached by WithHostData; OnClose releases it with
// the instance.
//
// # Limits and concurrency
//
// A guest's values are checked as the Canonical ABI prescribes (bounds,
// alignment, UTF-8, discriminants, handles) and a call's lifted values are
// bounded by RuntimeConfig.WithMaxLiftBytes. An Instance, and the Funcs it
// returned, must not be used by several goroutines at once; make one
// instance per goroutine from an InstancePre.
package component

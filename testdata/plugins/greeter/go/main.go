//go:build wasip1

// Command greeter is the greeter plugin (../wit/greeter.wit) in plain Go:
// a wasip1 reactor built with the standard toolchain
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared) that exports the
// world's core-ABI functions by hand. scripts/build-plugins.sh embeds the
// world with `wasm-tools component embed` and makes a component of it with
// the WASI preview1 adapter.
//
// The core ABI of world alez:api/api (canonical ABI, 32-bit):
//
//	import "$root" "cool-print"   func()
//	export "init-plugin"          func()
//	export "greet"                func(content_ptr, content_len, name_ptr, name_len i32)
//	export "cabi_export_realloc"  func(old_ptr, old_size, align, new_size i32) i32
//	export "cabi_realloc_adapter" func(old_ptr, old_size, align, new_size i32) i32 (added by the build)
//	export "memory"
//
// # Guest allocation
//
// Before calling greet, the host lowers the message's two strings into
// memory it obtains from the realloc of greet's `canon lift`; greet then
// owns them. Go's memory is garbage collected, so the realloc allocates
// ordinary Go byte slices and keeps them reachable in [pinned] until greet
// is done with them (Go's collector does not move objects, so the addresses
// stay valid while pinned).
//
// The realloc is exported as cabi_export_realloc, not cabi_realloc, on
// purpose: wit-component uses it only for lifting exports, which the host
// does between calls, when no Go code is running.
//
// # The adapter's memory
//
// The WASI preview1 adapter that turns the module's wasi_snapshot_preview1
// imports into WASI 0.2 needs two pages of its own (its state and its
// stack), which it allocates on its first WASI call: during _initialize,
// from inside the Go runtime's first wasmimport (random_get), before the Go
// runtime is initialised. Neither usual source of memory works there:
//
//   - a Go cabi_realloc (or cabi_realloc_adapter) would re-enter Go before
//     the runtime is up ("runtime: wasmexport function called before
//     runtime initialization", then badsystemstack: DESIGN.md);
//   - without one, wit-component gives the adapter a memory.grow allocator,
//     but Go's sbrk ignores what memory.grow returns and assumes nobody
//     else grows memory (runtime/mem_wasm.go), so its heap later overlays
//     the adapter's pages: the adapter's state is overwritten and fd_write
//     fails its canary assertion.
//
// So the adapter gets [adapterArena], static memory that Go's heap never
// touches, through cabi_realloc_adapter, a 30-instruction bump allocator
// that scripts/build-plugins.sh adds to the built module (it is not Go: it
// must run before the Go runtime does). The build finds the arena by the
// signature it starts with.
//
// # The GC stall
//
// A reactor driven only through its exports stops completing GC cycles
// after about a hundred of them unless the scheduler gets to run
// (DESIGN.md, "Go guest GC stall"); release yields with runtime.Gosched
// after every call, which lets the background mark workers finish.
// component/plugins_test.go proves it with a long allocation-heavy run.
package main

import (
	"os"
	"runtime"
	"unsafe"
)

// adapterArena is the adapter's memory (see the package comment): three
// pages and its signature, `plugwit:adapter-arena:<size>;`, which is all
// that is initialised (the rest costs the binary nothing).
var adapterArena = [3<<16 + 64]byte{
	'p', 'l', 'u', 'g', 'w', 'i', 't', ':', 'a', 'd', 'a', 'p', 't', 'e', 'r', '-', 'a', 'r', 'e', 'n', 'a', ':',
	'1', '9', '6', '6', '7', '2', ';',
}

// arenaKeep keeps the linker from dropping adapterArena.
var arenaKeep *[3<<16 + 64]byte

func init() { arenaKeep = &adapterArena }

//go:wasmimport $root cool-print
func coolPrint()

func main() {}

// pinned keeps the memory handed out by cabi_export_realloc reachable
// until the call it was lowered for is over.
var pinned [][]byte

//go:wasmexport cabi_export_realloc
func cabiExportRealloc(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	if newSize == 0 {
		newSize = 1
	}
	if align == 0 {
		align = 1
	}
	buf := make([]byte, newSize+align-1)
	off := uint32(0)
	if a := uint32(uintptr(unsafe.Pointer(&buf[0]))) & (align - 1); a != 0 {
		off = align - a
	}
	p := unsafe.Pointer(&buf[off])
	if oldPtr != nil && oldSize > 0 {
		copy(unsafe.Slice((*byte)(p), newSize), unsafe.Slice((*byte)(oldPtr), min(oldSize, newSize)))
	}
	pinned = append(pinned, buf)
	return p
}

// release drops what cabi_export_realloc pinned and lets the scheduler run.
func release() {
	clear(pinned)
	pinned = pinned[:0]
	runtime.Gosched()
}

//go:wasmexport init-plugin
func initPlugin() {}

var out []byte

//go:wasmexport greet
func greet(contentPtr unsafe.Pointer, contentLen uint32, namePtr unsafe.Pointer, nameLen uint32) {
	content := unsafe.String((*byte)(contentPtr), contentLen)
	name := unsafe.String((*byte)(namePtr), nameLen)
	out = append(out[:0], "Oh! "...)
	out = append(out, content...)
	out = append(out, ", my name is "...)
	out = append(out, name...)
	out = append(out, '\n')
	os.Stdout.Write(out)
	coolPrint()
	release()
}

// wasiprog in Go: the same command as ../c/wasiprog.c, written with the
// standard library and built with GOOS=wasip1 GOARCH=wasm (a preview1
// command), then adapted to WASI 0.2 by the preview1 command adapter (see
// scripts/build-wasi-programs.sh). Same subcommands, same output; the
// error messages are Go's.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	a := os.Args[2:]
	switch cmd := os.Args[1]; {
	case cmd == "echo":
		fmt.Println(strings.Join(a, " "))
	case cmd == "args":
		fmt.Print(len(os.Args))
		for _, s := range os.Args {
			fmt.Printf(" [%s]", s)
		}
		fmt.Println()
	case cmd == "env" && len(a) == 1:
		v, ok := os.LookupEnv(a[0])
		if !ok {
			os.Exit(1)
		}
		fmt.Println(v)
	case cmd == "env":
		for _, kv := range os.Environ() {
			fmt.Println(kv)
		}
	case cmd == "cat":
		_, err := io.Copy(os.Stdout, os.Stdin)
		check(err)
	case cmd == "ls" && len(a) == 1:
		entries, err := os.ReadDir(a[0]) // sorted by name
		check(err)
		for _, e := range entries {
			if e.IsDir() {
				fmt.Println(e.Name() + "/")
			} else {
				fmt.Println(e.Name())
			}
		}
	case cmd == "read" && len(a) == 1:
		f, err := os.Open(a[0])
		check(err)
		_, err = io.Copy(os.Stdout, f)
		check(err)
		f.Close()
	case cmd == "write" && len(a) == 2:
		writeFile(a[0], a[1], os.O_TRUNC)
	case cmd == "append" && len(a) == 2:
		writeFile(a[0], a[1], os.O_APPEND)
	case cmd == "mkdir" && len(a) == 1:
		check(os.Mkdir(a[0], 0o755))
	case cmd == "rm" && len(a) == 1:
		check(os.Remove(a[0]))
	case cmd == "mv" && len(a) == 2:
		check(os.Rename(a[0], a[1]))
	case cmd == "stat" && len(a) == 1:
		fi, err := os.Stat(a[0])
		check(err)
		if fi.IsDir() {
			fmt.Println("dir")
		} else {
			fmt.Println("file", fi.Size())
		}
	case cmd == "sleep" && len(a) == 1:
		ms, err := strconv.Atoi(a[0])
		check(err)
		start := time.Now()
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Printf("slept %d ms\n", time.Since(start).Milliseconds())
	case cmd == "clock":
		m1 := time.Now()
		m2 := time.Now()
		if m2.Sub(m1) >= 0 {
			fmt.Println("monotonic ok")
		} else {
			fmt.Println("monotonic bad")
		}
		var res uint64
		clockResGet(1, &res) // CLOCK_MONOTONIC
		fmt.Println("resolution", res)
		fmt.Println("realtime", time.Now().Unix())
		fmt.Println("time", time.Now().Unix())
	case cmd == "exit" && len(a) == 1:
		code, err := strconv.Atoi(a[0])
		check(err)
		os.Exit(code)
	default:
		usage()
	}
}

// adapterArena is the preview1 adapter's memory. The adapter allocates its
// state (two pages) on the program's first WASI call; without an allocator
// from the module, wit-component gives it one that grows the memory, and
// Go's heap, which assumes it alone grows the memory, later takes those
// pages over and overwrites the adapter's descriptor table (found by
// listing a directory of 600 entries). scripts/build-wasi-programs.sh
// therefore adds cabi_realloc_adapter, a bump allocator over this arena,
// found by the signature it starts with (scripts/adapter-arena.py; the same
// as testdata/plugins/greeter/go).
var adapterArena = [3<<16 + 64]byte{
	'p', 'l', 'u', 'g', 'w', 'i', 't', ':', 'a', 'd', 'a', 'p', 't', 'e', 'r', '-', 'a', 'r', 'e', 'n', 'a', ':',
	'1', '9', '6', '6', '7', '2', ';',
}

// arenaKeep keeps the linker from dropping adapterArena.
var arenaKeep *[3<<16 + 64]byte

func init() { arenaKeep = &adapterArena }

//go:wasmimport wasi_snapshot_preview1 clock_res_get
func clockResGet(id uint32, res *uint64) uint32

func writeFile(path, text string, flag int) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|flag, 0o644)
	check(err)
	_, err = f.WriteString(text)
	check(err)
	check(f.Close())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasiprog:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: wasiprog echo|args|env|cat|ls|read|write|append|mkdir|rm|mv|stat|sleep|clock|exit ...")
	os.Exit(2)
}

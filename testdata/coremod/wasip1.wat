;; build-fixtures: skip (built by scripts/build-coremod.sh, which embeds its world)
;; A core-module plugin that uses WASI preview1 (world
;; plugwit:coremod/wasip1 in wit/coremod.wit): it counts its environment
;; variables, arguments and preopened directories, and writes to stdout.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from preview1\n")

  (func (export "env-count") (result i32)
    (if (call $environ_sizes_get (i32.const 0) (i32.const 4)) (then unreachable))
    (i32.load (i32.const 0)))

  (func (export "args-count") (result i32)
    (if (call $args_sizes_get (i32.const 0) (i32.const 4)) (then unreachable))
    (i32.load (i32.const 0)))

  ;; preopens are numbered from fd 3 up; fd_prestat_get fails past the last.
  (func (export "preopen-count") (result i32)
    (local $fd i32)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (call $fd_prestat_get (local.get $fd) (i32.const 8)))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $fd) (i32.const 3)))

  ;; hello writes a line to stdout and returns the errno.
  (func (export "hello") (result i32)
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 20))
    (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
)

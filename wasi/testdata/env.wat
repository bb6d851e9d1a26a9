;; Returns what wasi:cli/environment gives the guest: env() the
;; environment variables, args() the arguments, cwd() the initial working
;; directory. Each export passes the host's result straight back.
(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-environment" (func (result (list (tuple string string)))))
    (export "get-arguments" (func (result (list string))))
    (export "initial-cwd" (func (result (option string))))))

  (core module $libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; A bump allocator that grows memory as needed and never frees.
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32) (local $end i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (local.set $end (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
        (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
      (global.set $bump (local.get $end))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (core func $get-environment (canon lower (func $env "get-environment") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $get-arguments (canon lower (func $env "get-arguments") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $initial-cwd (canon lower (func $env "initial-cwd") (memory $mem) (realloc $realloc) string-encoding=utf8))

  (core module $main
    (import "wasi" "get-environment" (func $get-environment (param i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "initial-cwd" (func $initial-cwd (param i32)))
    (func (export "env") (result i32) (call $get-environment (i32.const 16)) (i32.const 16))
    (func (export "args") (result i32) (call $get-arguments (i32.const 32)) (i32.const 32))
    (func (export "cwd") (result i32) (call $initial-cwd (i32.const 48)) (i32.const 48)))
  (core instance $i (instantiate $main
    (with "wasi" (instance
      (export "get-environment" (func $get-environment))
      (export "get-arguments" (func $get-arguments))
      (export "initial-cwd" (func $initial-cwd))))))
  (func (export "env") (result (list (tuple string string)))
    (canon lift (core func $i "env") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func (export "args") (result (list string))
    (canon lift (core func $i "args") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func (export "cwd") (result (option string))
    (canon lift (core func $i "cwd") (memory $mem) (realloc $realloc) string-encoding=utf8))
)

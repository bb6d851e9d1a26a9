;; The reference scenario's world (alez:api) as a hand-written component:
;; greet(msg) builds "Oh! <content>, my name is <name>", passes it to the
;; imported log function, then calls cool-print. Memory and the allocator
;; live in their own core module so that `log` can be lowered before the main
;; module is instantiated.
(component
  (type $message (record (field "content" string) (field "name" string)))
  (import "message" (type $msg (eq $message)))
  (import "cool-print" (func $cool-print))
  (import "log" (func $log (param "line" string)))

  (core module $libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 4096))
    (data (i32.const 16) "Oh! ")
    (data (i32.const 32) ", my name is ")
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (global.set $bump (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                                 (i32.sub (i32.const 0) (local.get 2))))
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (core module $main
    (import "host" "cool-print" (func $cool))
    (import "host" "log" (func $log (param i32 i32)))
    (import "libc" "memory" (memory 1))
    (import "libc" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (func $copy (param $dst i32) (param $src i32) (param $n i32) (result i32)
      (memory.copy (local.get $dst) (local.get $src) (local.get $n))
      (i32.add (local.get $dst) (local.get $n)))
    (func (export "init-plugin"))
    (func (export "greet") (param $cp i32) (param $cl i32) (param $np i32) (param $nl i32)
      (local $buf i32) (local $end i32)
      (local.set $buf (call $realloc (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.add (i32.add (local.get $cl) (local.get $nl)) (i32.const 17))))
      (local.set $end (call $copy (local.get $buf) (i32.const 16) (i32.const 4)))
      (local.set $end (call $copy (local.get $end) (local.get $cp) (local.get $cl)))
      (local.set $end (call $copy (local.get $end) (i32.const 32) (i32.const 13)))
      (local.set $end (call $copy (local.get $end) (local.get $np) (local.get $nl)))
      (call $log (local.get $buf) (i32.sub (local.get $end) (local.get $buf)))
      (call $cool)))

  (core func $cool-print (canon lower (func $cool-print)))
  (core func $log-lowered (canon lower (func $log) (memory $memory) string-encoding=utf8))
  (core instance $main (instantiate $main
    (with "host" (instance
      (export "cool-print" (func $cool-print))
      (export "log" (func $log-lowered))))
    (with "libc" (instance $libc))))
  (type $greet-t (func (param "msg" $msg)))
  (alias core export $main "greet" (core func $greet-core))
  (alias core export $main "init-plugin" (core func $init-core))
  (func $init-plugin (canon lift (core func $init-core)))
  (func $greet (type $greet-t) (canon lift (core func $greet-core) (memory $memory) (realloc $realloc) string-encoding=utf8))
  (export "init-plugin" (func $init-plugin))
  (export "greet" (func $greet))
)

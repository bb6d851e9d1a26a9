;; Two components composed in a third: $A works on UTF-16 strings, $B on
;; UTF-8 ones and imports A's function; the outer component instantiates A,
;; passes its export to B and exports B's function. A call goes host → B
;; (utf8) → A (utf16) → B → host, transcoding at each boundary.
(component
  (component $A
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (global.set $bump (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                                   (i32.sub (i32.const 0) (local.get 2))))
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p))
      ;; upper(ptr, units) -> ptr of (ptr, units): ASCII a-z upper-cased in place
      (func (export "upper") (param $p i32) (param $n i32) (result i32)
        (local $i i32) (local $c i32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c (i32.load16_u (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1)))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (i32.store16 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1)))
                                 (i32.sub (local.get $c) (i32.const 32)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store (i32.const 16) (local.get $p))
        (i32.store (i32.const 20) (local.get $n))
        (i32.const 16)))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $re))
    (alias core export $i "upper" (core func $up))
    (type $t (func (param "s" string) (result string)))
    (func $upper (type $t) (canon lift (core func $up) (memory $mem) (realloc $re) string-encoding=utf16))
    (export "upper" (func $upper)))

  (component $B
    (import "upper" (func $up (param "s" string) (result string)))
    (core module $libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (global.set $bump (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                                   (i32.sub (i32.const 0) (local.get 2))))
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "mem" (core memory $mem))
    (alias core export $libc "realloc" (core func $re))
    (core func $up-low (canon lower (func $up) (memory $mem) (realloc $re) string-encoding=utf8))
    (core module $main
      (import "env" "upper" (func $upper (param i32 i32 i32)))
      ;; shout(ptr, len) -> ptr of (ptr, len): the result of upper, written at 8
      (func (export "shout") (param i32 i32) (result i32)
        (call $upper (local.get 0) (local.get 1) (i32.const 8))
        (i32.const 8)))
    (core instance $main (instantiate $main (with "env" (instance (export "upper" (func $up-low))))))
    (alias core export $main "shout" (core func $shout))
    (type $t (func (param "s" string) (result string)))
    (func $f (type $t) (canon lift (core func $shout) (memory $mem) (realloc $re) string-encoding=utf8))
    (export "shout" (func $f)))

  (instance $a (instantiate $A))
  (alias export $a "upper" (func $upper))
  (instance $b (instantiate $B (with "upper" (func $upper))))
  (alias export $b "shout" (func $shout))
  (export "shout" (func $shout)))

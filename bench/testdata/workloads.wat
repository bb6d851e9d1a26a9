;; The benchmark workloads as a component. The core module is the same text
;; as workloads-core.wat (the raw-wazero baseline); keep them identical. It
;; holds its own memory and allocator: host-nop is lowered without memory
;; options, so nothing needs the memory before the module is instantiated.
;;
;;   record message { content: string, name: string }
;;   import host-nop: func();
;;   export nop: func();
;;   export add: func(a: u32, b: u32) -> u32;
;;   export echo-string: func(s: string) -> string;
;;   export greet: func(msg: message);
;;   export last-greet: func() -> u32;   // for the tests: greet's byte sum
;;   export list-u8-64k: func(data: list<u8>) -> u32;   // the byte sum
;;   export callback: func();             // calls host-nop once
(component
  (type $message' (record (field "content" string) (field "name" string)))
  (import "message" (type $message (eq $message')))
  (import "host-nop" (func $host-nop))

  (core module $workloads
    (import "host" "host-nop" (func $host-nop))
    (memory (export "memory") 2)
    ;; Bytes 8..15 are the return area of echo-string; the heap starts at 1024.
    (global $bump (mut i32) (i32.const 1024))
    (global $last-greet (mut i32) (i32.const 0))
  
    ;; A bump allocator: realloc(old, old-size, align, size) grows memory as
    ;; needed; free-all releases everything (the guest's "drop" of its
    ;; arguments, and the post-return of echo-string).
    (func $realloc (export "cabi_realloc")
      (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32) (local $end i32) (local $have i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $p) (local.get $size)))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have))
                                                       (i32.const 65535))
                                              (i32.const 16)))
                      (i32.const -1))
            (then unreachable))))
      (if (local.get $old)
        (then (memory.copy (local.get $p) (local.get $old)
                (select (local.get $old-size) (local.get $size)
                        (i32.lt_u (local.get $old-size) (local.get $size))))))
      (global.set $bump (local.get $end))
      (local.get $p))
    (func $free-all (global.set $bump (i32.const 1024)))
  
    ;; sum returns the sum of the n bytes at p, reading eight at a time.
    (func $sum (param $p i32) (param $n i32) (result i32)
      (local $end i32) (local $acc i64) (local $x i64)
      (local.set $end (i32.add (local.get $p) (i32.and (local.get $n) (i32.const -8))))
      (block $done
        (loop $words
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $x (i64.load (local.get $p)))
          ;; four 16-bit lanes of pairwise byte sums, then the lanes summed
          (local.set $x (i64.add (i64.and (local.get $x) (i64.const 0x00ff00ff00ff00ff))
                                 (i64.and (i64.shr_u (local.get $x) (i64.const 8))
                                          (i64.const 0x00ff00ff00ff00ff))))
          (local.set $acc (i64.add (local.get $acc)
            (i64.shr_u (i64.mul (local.get $x) (i64.const 0x0001000100010001)) (i64.const 48))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br $words)))
      (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 7))))
      (block $tail-done
        (loop $bytes
          (br_if $tail-done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $bytes)))
      (i32.wrap_i64 (local.get $acc)))
  
    (func (export "nop"))
    (func (export "add") (param $a i32) (param $b i32) (result i32)
      (i32.add (local.get $a) (local.get $b)))
    ;; echo-string returns its argument (ownership moves back to the caller,
    ;; which frees it with the post-return function).
    (func (export "echo-string") (param $p i32) (param $n i32) (result i32)
      (i32.store (i32.const 8) (local.get $p))
      (i32.store (i32.const 12) (local.get $n))
      (i32.const 8))
    (func (export "cabi_post_echo-string") (param i32)
      (call $free-all))
    ;; greet reads both strings of the message, then drops them.
    (func (export "greet") (param $cp i32) (param $cl i32) (param $np i32) (param $nl i32)
      (global.set $last-greet (i32.add (call $sum (local.get $cp) (local.get $cl))
                                       (call $sum (local.get $np) (local.get $nl))))
      (call $free-all))
    (func (export "last-greet") (result i32) (global.get $last-greet))
    ;; list-u8-64k sums its bytes, then drops them.
    (func (export "list-u8-64k") (param $p i32) (param $n i32) (result i32)
      (call $sum (local.get $p) (local.get $n))
      (call $free-all))
    (func (export "callback") (call $host-nop))
  )
  (core func $host-nop-lowered (canon lower (func $host-nop)))
  (core instance $m (instantiate $workloads
    (with "host" (instance (export "host-nop" (func $host-nop-lowered))))))
  (alias core export $m "memory" (core memory $memory))
  (alias core export $m "cabi_realloc" (core func $realloc))
  (alias core export $m "cabi_post_echo-string" (core func $post-echo-string))

  (func $nop (canon lift (core func $m "nop")))
  (func $add (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
  (func $echo-string (param "s" string) (result string)
    (canon lift (core func $m "echo-string") (memory $memory) (realloc $realloc)
      string-encoding=utf8 (post-return $post-echo-string)))
  (func $greet (param "msg" $message)
    (canon lift (core func $m "greet") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (func $last-greet (result u32) (canon lift (core func $m "last-greet")))
  (func $list-u8-64k (param "data" (list u8)) (result u32)
    (canon lift (core func $m "list-u8-64k") (memory $memory) (realloc $realloc)))
  (func $callback (canon lift (core func $m "callback")))

  (export "nop" (func $nop))
  (export "add" (func $add))
  (export "echo-string" (func $echo-string))
  (export "greet" (func $greet))
  (export "last-greet" (func $last-greet))
  (export "list-u8-64k" (func $list-u8-64k))
  (export "callback" (func $callback))
)

;; build-fixtures: skip (built by scripts/build-coremod.sh, which embeds its world)
;; A core-module plugin written by hand: its imports and exports follow the
;; Component Model's core naming conventions for world plugwit:coremod/plugin
;; (wit/coremod.wit); scripts/build-coremod.sh embeds the world.
(module
  (import "plugwit:coremod/host@0.1.0" "log" (func $log (param i32 i32)))
  (import "plugwit:coremod/host@0.1.0" "scale" (func $scale (param i32 i32 i32 i32)))
  (import "$root" "name" (func $name (param i32)))
  (import "[export]plugwit:coremod/counters@0.1.0" "[resource-new]counter" (func $counter_new (param i32) (result i32)))
  (import "[export]plugwit:coremod/counters@0.1.0" "[resource-rep]counter" (func $counter_rep (param i32) (result i32)))
  (import "[export]plugwit:coremod/counters@0.1.0" "[resource-drop]counter" (func $counter_drop (param i32)))

  (memory (export "memory") 1)
  ;; 16: "hello ", 32: " from ", 64: greet's result, 80: name's result,
  ;; 96: scale's result; the heap starts at 1024.
  (data (i32.const 16) "hello ")
  (data (i32.const 32) " from ")
  (global $heap (mut i32) (i32.const 1024))
  (global $inited (mut i32) (i32.const 0))
  (global $posts (mut i32) (i32.const 0))
  (global $drops (mut i32) (i32.const 0))

  ;; alloc: a bump allocator that grows memory as needed.
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p
      (i32.and
        (i32.sub (i32.add (global.get $heap) (local.get $align)) (i32.const 1))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.add
                  (i32.shr_u
                    (i32.sub (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
                    (i32.const 16))
                  (i32.const 1)))
              (i32.const -1))
          (then unreachable))))
    (local.get $p))

  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $align) (local.get $size)))
    (if (local.get $old)
      (then
        (memory.copy (local.get $p) (local.get $old)
          (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))

  (func (export "_initialize")
    (global.set $inited (i32.const 1)))

  ;; greet(who) logs who and returns "hello <who> from <name()>"; it traps
  ;; unless _initialize ran.
  (func (export "greet") (param $who i32) (param $who_len i32) (result i32)
    (local $n i32) (local $n_len i32) (local $out i32) (local $len i32)
    (if (i32.eqz (global.get $inited)) (then unreachable))
    (call $log (local.get $who) (local.get $who_len))
    (call $name (i32.const 80))
    (local.set $n (i32.load (i32.const 80)))
    (local.set $n_len (i32.load (i32.const 84)))
    (local.set $len (i32.add (i32.add (i32.const 12) (local.get $who_len)) (local.get $n_len)))
    (local.set $out (call $alloc (i32.const 1) (local.get $len)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 6))
    (memory.copy (i32.add (local.get $out) (i32.const 6)) (local.get $who) (local.get $who_len))
    (memory.copy (i32.add (i32.add (local.get $out) (i32.const 6)) (local.get $who_len)) (i32.const 32) (i32.const 6))
    (memory.copy (i32.add (i32.add (local.get $out) (i32.const 12)) (local.get $who_len)) (local.get $n) (local.get $n_len))
    (i32.store (i32.const 64) (local.get $out))
    (i32.store (i32.const 68) (local.get $len))
    (i32.const 64))

  ;; post-return of greet: counts the calls (posts).
  (func (export "cabi_post_greet") (param i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1))))

  (func (export "sum") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; move(p, d) returns the host's scale(p, d).
  (func (export "move") (param $x i32) (param $y i32) (param $d i32) (result i32)
    (call $scale (local.get $x) (local.get $y) (local.get $d) (i32.const 96))
    (i32.const 96))

  (func (export "posts") (result i32) (global.get $posts))
  (func (export "drops") (result i32) (global.get $drops))

  ;; counter: its rep is the address of its u32 value.
  (func (export "plugwit:coremod/counters@0.1.0#[constructor]counter") (param $start i32) (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 4) (i32.const 4)))
    (i32.store (local.get $rep) (local.get $start))
    (call $counter_new (local.get $rep)))
  (func (export "plugwit:coremod/counters@0.1.0#[method]counter.add") (param $self i32) (param $n i32) (result i32)
    (i32.store (local.get $self) (i32.add (i32.load (local.get $self)) (local.get $n)))
    (i32.load (local.get $self)))
  (func (export "plugwit:coremod/counters@0.1.0#[method]counter.get") (param $self i32) (result i32)
    (i32.load (local.get $self)))
  (func (export "plugwit:coremod/counters@0.1.0#[dtor]counter") (param $rep i32)
    (global.set $drops (i32.add (global.get $drops) (i32.const 1))))
)

;; Canonical ABI resources fixture: a resource the component defines
;; (`counter`, whose rep is the number it counts from), a resource the host
;; defines (`hres`), handles passed in both directions as own and borrow,
;; reentrance and the may_leave rule.
;;
;; The raw exports take handle indices from the host (as u32) so the test can
;; forge, reuse and mix them up.
;;
;; Memory map (the libc module): 912 realloc mode (4: drop the hres handle
;; stored at 916, then act normally), 920 counter destructor calls, 924 the
;; rep it last destroyed, 1024 RET, heap from 4096.
(component
  (import "hres" (type $hres (sub resource)))
  (import "host-make" (func $host-make (param "n" u32) (result (own $hres))))
  (import "host-read" (func $host-read (param "r" (borrow $hres)) (result u32)))
  (import "host-take" (func $host-take (param "r" (own $hres)) (result u32)))
  (import "host-lend-own" (func $host-lend-own (param "b" (borrow $hres)) (param "o" (own $hres))))
  (import "host-string" (func $host-string (result string)))
  (import "reenter" (func $reenter))
  (import "host-echo-u32" (func $host-echo-u32 (param "x" u32) (result u32)))

  (core func $hres-drop (canon resource.drop $hres))
  (core module $libc
    (import "canon" "hres-drop" (func $hres-drop (param i32)))
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 4096))
    (func (export "cabi_realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (if (i32.eq (i32.load (i32.const 912)) (i32.const 4))
        (then
          (i32.store (i32.const 912) (i32.const 0))
          (call $hres-drop (i32.load (i32.const 916)))))
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (local.get $p))
    (func (export "counter-dtor") (param $rep i32)
      (i32.store (i32.const 920) (i32.add (i32.load (i32.const 920)) (i32.const 1)))
      (i32.store (i32.const 924) (local.get $rep))))
  (core instance $libc (instantiate $libc (with "canon" (instance (export "hres-drop" (func $hres-drop))))))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (type $counter (resource (rep i32) (dtor (core func $libc "counter-dtor"))))
  (export $counter-e "counter" (type $counter))
  (core func $counter-new (canon resource.new $counter))
  (core func $counter-rep (canon resource.rep $counter))
  (core func $counter-drop (canon resource.drop $counter))

  (core func $l-host-make (canon lower (func $host-make)))
  (core func $l-host-read (canon lower (func $host-read)))
  (core func $l-host-take (canon lower (func $host-take)))
  (core func $l-host-lend-own (canon lower (func $host-lend-own)))
  (core func $l-host-string (canon lower (func $host-string) (memory $mem) (realloc $realloc)))
  (core func $l-reenter (canon lower (func $reenter)))
  (core func $l-host-echo-u32 (canon lower (func $host-echo-u32)))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "canon" "counter-new" (func $counter-new (param i32) (result i32)))
    (import "canon" "counter-rep" (func $counter-rep (param i32) (result i32)))
    (import "canon" "counter-drop" (func $counter-drop (param i32)))
    (import "canon" "hres-drop" (func $hres-drop (param i32)))
    (import "host" "make" (func $host-make (param i32) (result i32)))
    (import "host" "read" (func $host-read (param i32) (result i32)))
    (import "host" "take" (func $host-take (param i32) (result i32)))
    (import "host" "lend-own" (func $host-lend-own (param i32 i32)))
    (import "host" "string" (func $host-string (param i32)))
    (import "host" "reenter" (func $reenter))
    (import "host" "echo-u32" (func $host-echo-u32 (param i32) (result i32)))

    (func (export "echo-u32") (param i32) (result i32) (call $host-echo-u32 (local.get 0)))
    (func (export "id") (param i32) (result i32) (local.get 0))
    (func (export "make-counter") (param i32) (result i32) (call $counter-new (local.get 0)))
    ;; the handle's rep, then drop the handle: the destructor runs
    (func (export "consume-counter") (param $h i32) (result i32)
      (local $rep i32)
      (local.set $rep (call $counter-rep (local.get $h)))
      (call $counter-drop (local.get $h))
      (local.get $rep))
    (func (export "counter-rep") (param i32) (result i32) (call $counter-rep (local.get 0)))
    (func (export "counter-drop") (param i32) (call $counter-drop (local.get 0)))
    (func (export "hres-drop") (param i32) (call $hres-drop (local.get 0)))
    (func (export "dtor-log") (result i32) (i32.const 920))
    ;; read through a borrow of the handle, then drop it (owned: the host's
    ;; destructor runs; borrowed: the borrow ends)
    (func (export "read-and-drop") (param $h i32) (result i32)
      (local $v i32)
      (local.set $v (call $host-read (local.get $h)))
      (call $hres-drop (local.get $h))
      (local.get $v))
    (func (export "read") (param i32) (result i32) (call $host-read (local.get 0)))
    (func (export "make-hres") (param i32) (result i32) (call $host-make (local.get 0)))
    (func (export "give-hres") (param i32) (result i32) (call $host-take (local.get 0)))
    (func (export "lend-own") (param i32) (call $host-lend-own (local.get 0) (local.get 0)))
    (func (export "call-reenter") (call $reenter))
    ;; realloc (for the import's string result) drops a handle
    (func (export "drop-in-realloc") (param $h i32) (result i32)
      (i32.store (i32.const 916) (local.get $h))
      (i32.store (i32.const 912) (i32.const 4))
      (call $host-string (i32.const 1024))
      (i32.const 1024))
    (func (export "post-return-import") (param i32) (drop (call $host-echo-u32 (local.get 0))))
    (func (export "post-return-new") (param i32) (drop (call $counter-new (local.get 0)))))

  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "canon" (instance
      (export "counter-new" (func $counter-new)) (export "counter-rep" (func $counter-rep))
      (export "counter-drop" (func $counter-drop)) (export "hres-drop" (func $hres-drop))))
    (with "host" (instance
      (export "make" (func $l-host-make)) (export "read" (func $l-host-read)) (export "take" (func $l-host-take))
      (export "lend-own" (func $l-host-lend-own)) (export "string" (func $l-host-string))
      (export "reenter" (func $l-reenter)) (export "echo-u32" (func $l-host-echo-u32))))))

  (func (export "echo-u32") (param "x" u32) (result u32) (canon lift (core func $main "echo-u32")))
  ;; component-defined resource
  (func (export "make-counter") (param "n" u32) (result (own $counter-e)) (canon lift (core func $main "make-counter")))
  ;; a borrow of the component's own resource arrives as the rep itself
  (func (export "counter-get") (param "c" (borrow $counter-e)) (result u32) (canon lift (core func $main "id")))
  (func (export "consume-counter") (param "c" (own $counter-e)) (result u32) (canon lift (core func $main "consume-counter")))
  ;; the guest keeps the handle and returns its index
  (func (export "keep-counter") (param "c" (own $counter-e)) (result u32) (canon lift (core func $main "id")))
  (func (export "counter-rep-raw") (param "h" u32) (result u32) (canon lift (core func $main "counter-rep")))
  (func (export "counter-drop-raw") (param "h" u32) (canon lift (core func $main "counter-drop")))
  (func (export "counter-own-raw") (param "h" u32) (result (own $counter-e)) (canon lift (core func $main "id")))
  (func (export "dtor-log") (result (tuple u32 u32)) (canon lift (core func $main "dtor-log") (memory $mem)))
  ;; host-defined resource
  (func (export "take-hres") (param "r" (own $hres)) (result u32) (canon lift (core func $main "read-and-drop")))
  (func (export "borrow-hres") (param "r" (borrow $hres)) (result u32) (canon lift (core func $main "read-and-drop")))
  (func (export "borrow-hres-keep") (param "r" (borrow $hres)) (result u32) (canon lift (core func $main "read")))
  (func (export "keep-hres") (param "r" (own $hres)) (result u32) (canon lift (core func $main "id")))
  (func (export "make-hres") (param "n" u32) (result u32) (canon lift (core func $main "make-hres")))
  (func (export "hres-read-raw") (param "h" u32) (result u32) (canon lift (core func $main "read")))
  (func (export "hres-drop-raw") (param "h" u32) (canon lift (core func $main "hres-drop")))
  (func (export "hres-read-and-drop-raw") (param "h" u32) (result u32) (canon lift (core func $main "read-and-drop")))
  (func (export "hres-give-raw") (param "h" u32) (result u32) (canon lift (core func $main "give-hres")))
  (func (export "hres-lend-own-raw") (param "h" u32) (canon lift (core func $main "lend-own")))
  (func (export "hres-own-raw") (param "h" u32) (result (own $hres)) (canon lift (core func $main "id")))
  ;; a borrowed handle returned as owned
  (func (export "borrow-to-own") (param "r" (borrow $hres)) (result (own $hres)) (canon lift (core func $main "id")))
  ;; reentrance and may_leave
  (func (export "call-reenter") (canon lift (core func $main "call-reenter")))
  (func (export "drop-in-realloc") (param "h" u32) (result string)
    (canon lift (core func $main "drop-in-realloc") (memory $mem)))
  (func (export "post-return-import") (param "x" u32) (result u32)
    (canon lift (core func $main "id") (post-return (core func $main "post-return-import"))))
  (func (export "post-return-new") (param "x" u32) (result u32)
    (canon lift (core func $main "id") (post-return (core func $main "post-return-new"))))
)

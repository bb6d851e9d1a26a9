;; Every component type kind: primitive value types, every defined value
;; type, function types (sync and async), component and instance types with
;; all their declarators, and resource types with and without destructors.
(component $types
  ;; 0-13: the primitive value types as defined types
  (type $bool bool)
  (type $s8 s8)
  (type $u8 u8)
  (type $s16 s16)
  (type $u16 u16)
  (type $s32 s32)
  (type $u32 u32)
  (type $s64 s64)
  (type $u64 u64)
  (type $f32 f32)
  (type $f64 f64)
  (type $char char)
  (type $string string)
  (type $ec error-context)
  ;; 14: record
  (type $point (record (field "x" s32) (field "y" s32) (field "label" string)))
  ;; 15: variant, with and without payloads
  (type $shape (variant (case "none") (case "circle" f64) (case "poly" (list $point))))
  ;; 16: list of a type index
  (type $points (list $point))
  ;; 17: fixed-size list
  (type $rgb (list u8 3))
  ;; 18: tuple
  (type $pair (tuple u32 string))
  ;; 19: flags
  (type $perms (flags "read" "write" "exec"))
  ;; 20: enum
  (type $color (enum "red" "green" "blue"))
  ;; 21: option
  (type $maybe (option $string))
  ;; 22-25: results, all four shapes
  (type $r0 (result))
  (type $r1 (result u32))
  (type $r2 (result (error string)))
  (type $r3 (result u32 (error $color)))
  ;; 26: a resource with a destructor, 27: without
  (core module $m
    (func (export "dtor") (param i32))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "dtor" (core func $dtor))
  (type $res (resource (rep i32) (dtor (core func $dtor))))
  (type $plain (resource (rep i32)))
  ;; 28-29: handles
  (type $own (own $res))
  (type $borrow (borrow $res))
  ;; 30-33: streams and futures, with and without payloads
  (type $stream (stream u8))
  (type $stream0 (stream))
  (type $future (future $string))
  (type $future0 (future))
  ;; 34: map
  (type $map (map string u32))
  ;; 35-37: function types
  (type $f0 (func))
  (type $f1 (func (param "p" $point) (param "b" $borrow) (result $r3)))
  (type $fa (func async (param "s" $stream) (result $future)))
  ;; 38: instance type with every instance declarator
  (type $it (instance
    (core type (func (param i32) (result i32)))
    (type $t u64)
    (alias outer $types $point (type $pt))
    (export "point" (type $pte (eq $pt)))
    (export "res" (type $r (sub resource)))
    (export "same" (type (eq $t)))
    (type $rf (func (param "self" (borrow $r)) (result $pte)))
    (export "[method]res.get" (func (type $rf)))
  ))
  ;; 39: component type with every component declarator
  (type $ct (component
    (core type $cmft (func (param i64)))
    (core type $cm (module
      (import "env" "mem" (memory 1))
      (type $ft (func (param i32)))
      (alias outer $ct $cmft (type $ft2))
      (export "f" (func (type $ft)))
      (export "g" (func (type $ft2)))
    ))
    (type $s string)
    (import "in" (instance (type $it)))
    (import "m" (core module (type $cm)))
    (alias export 0 "res" (type $ir))
    (export "out" (func (type $f0)))
  ))
)

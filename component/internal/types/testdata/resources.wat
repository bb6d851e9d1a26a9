;; Resources through component instantiation: every instantiation of $C
;; makes a fresh resource type "r"; $D, instantiated with $a's "r" and
;; "consume", re-exports "consume" in terms of $a's "r".
(component
  (component $C
    (type $r (resource (rep i32)))
    (export $re "r" (type $r))
    (core module $m
      (func (export "consume") (param i32))
      (func (export "make") (result i32) i32.const 7))
    (core instance $i (instantiate $m))
    (alias core export $i "consume" (core func $consume))
    (alias core export $i "make" (core func $make))
    (type $consume-t (func (param "x" (own $re))))
    (func $consume (type $consume-t) (canon lift (core func $consume)))
    (export "consume" (func $consume))
    (type $make-t (func (result (own $re))))
    (func $make (type $make-t) (canon lift (core func $make)))
    (export "make" (func $make))
  )
  (component $D
    (import "r" (type $r (sub resource)))
    (import "consume" (func $consume (param "x" (own $r))))
    (export "consume-again" (func $consume))
  )
  (instance $a (instantiate $C))
  (instance $b (instantiate $C))
  (alias export $a "r" (type $ar))
  (alias export $a "consume" (func $aconsume))
  (instance $d (instantiate $D (with "r" (type $ar)) (with "consume" (func $aconsume))))
  (export "a" (instance $a))
  (export "b" (instance $b))
  (export "d" (instance $d))
)

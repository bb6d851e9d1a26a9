;; build-fixtures: no-validate
;; error: resource types are not the same
;; Two instances of $C have distinct resource types: $a's "r" cannot stand
;; for the resource of $b's "consume".
(component
  (component $C
    (type $r (resource (rep i32)))
    (export $re "r" (type $r))
    (core module $m (func (export "consume") (param i32)))
    (core instance $i (instantiate $m))
    (alias core export $i "consume" (core func $consume))
    (type $consume-t (func (param "x" (own $re))))
    (func $consume (type $consume-t) (canon lift (core func $consume)))
    (export "consume" (func $consume))
  )
  (component $D
    (import "r" (type $r (sub resource)))
    (import "consume" (func (param "x" (own $r))))
  )
  (instance $a (instantiate $C))
  (instance $b (instantiate $C))
  (alias export $a "r" (type $ar))
  (alias export $b "consume" (func $bconsume))
  (instance (instantiate $D (with "r" (type $ar)) (with "consume" (func $bconsume))))
)

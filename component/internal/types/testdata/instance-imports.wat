;; Two imports of the same instance type: each gets its own resource, so
;; "x"'s and "y"'s "r" are distinct types.
(component
  (type $it (instance
    (export "r" (type $r (sub resource)))
    (export "make" (func (result (own $r))))
  ))
  (import "x" (instance $x (type $it)))
  (import "y" (instance $y (type $it)))
  (alias export $x "r" (type $xr))
  (alias export $y "r" (type $yr))
  (alias export $x "make" (func $xmake))
  (component $C
    (import "r" (type $r (sub resource)))
    (import "make" (func (result (own $r))))
  )
  (instance (instantiate $C (with "r" (type $xr)) (with "make" (func $xmake))))
)

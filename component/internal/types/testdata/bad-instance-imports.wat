;; build-fixtures: no-validate
;; error: resource types are not the same
;; The invalid form of instance-imports.wat: "y"'s "r" cannot stand for the
;; resource "x"'s "make" returns.
(component
  (type $it (instance
    (export "r" (type $r (sub resource)))
    (export "make" (func (result (own $r))))
  ))
  (import "x" (instance $x (type $it)))
  (import "y" (instance $y (type $it)))
  (alias export $y "r" (type $yr))
  (alias export $x "make" (func $xmake))
  (component $C
    (import "r" (type $r (sub resource)))
    (import "make" (func (result (own $r))))
  )
  (instance (instantiate $C (with "r" (type $yr)) (with "make" (func $xmake))))
)

;; Outer aliases of types (not resources), core modules and components into
;; nested components.
(component $outer
  (type $rec (record (field "a" u32) (field "b" string)))
  (core module $m (func (export "f")))
  (component $inner
    (alias outer $outer $rec (type $rec))
    (alias outer $outer $m (core module $m))
    (core instance $i (instantiate $m))
    (import "rec" (type $r (eq $rec)))
    (import "get" (func (result $r)))
  )
  (component $wrapper
    (alias outer $outer $inner (component $inner))
    (alias outer $outer $rec (type $rec))
    (import "rec" (type $r (eq $rec)))
    (import "get" (func $get (result $r)))
    (instance (instantiate $inner (with "rec" (type $r)) (with "get" (func $get))))
  )
)

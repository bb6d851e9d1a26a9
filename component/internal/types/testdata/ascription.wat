;; Exports with type ascriptions: the same function type, and an instance
;; seen through a type with fewer exports.
(component
  (core module $m (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $ft (func (param "x" u32) (result u32)))
  (func $f (type $ft) (canon lift (core func $cf)))
  (export "f" (func $f) (func (type $ft)))
  (instance $inst (export "f" (func $f)) (export "g" (func $f)))
  (export "inst" (instance $inst) (instance (export "g" (func (type $ft)))))
)

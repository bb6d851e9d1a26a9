;; build-fixtures: no-validate
;; error: lowered parameter types
;; A u64 parameter lowers to i64, but the core function takes an i32.
(component
  (core module $m (func (export "f") (param i32)))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $ft (func (param "x" u64)))
  (func (type $ft) (canon lift (core func $cf)))
)

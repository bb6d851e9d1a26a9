;; build-fixtures: no-validate
;; error: func not valid to be used as export
;; An exported function may only use records that are exported too.
(component
  (core module $m (func (export "f") (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $rec (record (field "a" u32)))
  (type $ft (func (result $rec)))
  (func $f (type $ft) (canon lift (core func $cf)))
  (export "f" (func $f))
)

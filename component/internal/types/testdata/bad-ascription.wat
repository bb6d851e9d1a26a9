;; build-fixtures: no-validate
;; error: ascribed type of export is not compatible with item's type
(component
  (core module $m (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $ft (func (param "x" u32) (result u32)))
  (type $other (func (param "x" s32) (result u32)))
  (func $f (type $ft) (canon lift (core func $cf)))
  (export "f" (func $f) (func (type $other)))
)

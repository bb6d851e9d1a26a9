;; The valid form of bad-unnamed-export-type.wat: the record is exported
;; first and the function type refers to the export.
(component
  (core module $m (func (export "f") (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $rec (record (field "a" u32)))
  (export $rec-e "rec" (type $rec))
  (type $ft (func (result $rec-e)))
  (func $f (type $ft) (canon lift (core func $cf)))
  (export "f" (func $f))
)

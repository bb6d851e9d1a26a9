;; build-fixtures: no-validate
;; error: canonical option `memory` is required
;; A string parameter needs a memory (and a realloc) to be lifted.
(component
  (core module $m (func (export "f") (param i32 i32)))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (type $ft (func (param "s" string)))
  (func (type $ft) (canon lift (core func $cf)))
)

;; build-fixtures: no-validate
;; error: canonical option `realloc` is required
;; A lifted function receives a string in memory the callee allocates.
(component
  (core module $m
    (memory (export "mem") 1)
    (func (export "f") (param i32 i32)))
  (core instance $i (instantiate $m))
  (alias core export $i "f" (core func $cf))
  (alias core export $i "mem" (core memory $mem))
  (type $ft (func (param "s" string)))
  (func (type $ft) (canon lift (core func $cf) (memory $mem)))
)

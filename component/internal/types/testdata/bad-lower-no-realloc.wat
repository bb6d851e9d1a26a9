;; build-fixtures: no-validate
;; error: canonical option `realloc` is required
;; A lowered function returning a string writes it to memory the caller
;; allocates with realloc.
(component
  (import "f" (func $f (result string)))
  (core module $m (memory (export "mem") 1))
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (core func (canon lower (func $f) (memory $mem)))
)

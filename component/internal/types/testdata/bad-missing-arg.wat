;; build-fixtures: no-validate
;; error: missing import named `f`
(component
  (component $C (import "f" (func)))
  (instance (instantiate $C))
)

;; build-fixtures: no-validate
;; error: is not a valid extern name
(component
  (import "a_b" (func))
)

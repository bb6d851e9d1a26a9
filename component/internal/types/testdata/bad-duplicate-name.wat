;; build-fixtures: no-validate
;; error: conflicts with previous name
;; Names are strongly unique: `a-b` and `A-B` differ only in case.
(component
  (import "a-b" (func))
  (import "A-B" (func))
)

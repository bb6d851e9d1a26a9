;; build-fixtures: no-validate
;; error: function does not match expected resource name `r`
;; `[method]s.m` must borrow the resource exported as `s`.
(component
  (import "r" (type $r (sub resource)))
  (import "s" (type $s (sub resource)))
  (import "[method]s.m" (func (param "self" (borrow $r))))
)

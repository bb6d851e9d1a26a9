;; build-fixtures: no-validate
;; error: function result cannot contain a `borrow` type
(component
  (import "r" (type $r (sub resource)))
  (type $b (borrow $r))
  (type (func (result $b)))
)

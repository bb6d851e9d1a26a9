;; build-fixtures: no-validate
;; error: cannot alias outer type which transitively refers to resources
;; A nested component may not alias a resource type of its parent.
(component $outer
  (type $r (resource (rep i32)))
  (type $own (own $r))
  (component
    (alias outer $outer $own (type $o))
  )
)

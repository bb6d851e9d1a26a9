;; build-fixtures: no-validate
;; error: type mismatch for export `f` of module instantiation argument `host`
;; A lowered func(x: u64) is a core (func (param i64)); the module imports
;; it as (func (param i32)).
(component
  (import "f" (func $f (param "x" u64)))
  (core func $lowered (canon lower (func $f)))
  (core instance $host (export "f" (func $lowered)))
  (core module $m (import "host" "f" (func (param i32))))
  (core instance (instantiate $m (with "host" (instance $host))))
)

;; A core module (not a component): Decode rejects it with ErrCoreModule and
;; DecodeCoreModule lists its imports and exports with their types.
(module $core
  (type $ft (func (param i32 i64) (result f64)))
  (type $tag (func (param i32)))
  (import "env" "f" (func $f (type $ft)))
  (import "env" "tbl" (table 2 10 funcref))
  (import "env" "mem" (memory i64 1 2))
  (import "env" "shm" (memory 1 4 shared))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "tag" (tag (type $tag)))
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func (export "v") (param v128 externref) (result (ref null func)) ref.null func)
  (export "f2" (func $f))
  (export "g" (global $g))
  (export "t" (table 0))
)

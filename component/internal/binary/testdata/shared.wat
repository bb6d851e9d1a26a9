;; Shared-everything-threads built-ins (🧵②) and the core-type and gc
;; canonical options, which wasm-tools encodes ahead of Binary.md.
(component $shared
  (core type $sft (shared (func (param i32))))
  (core module $m
    (table (export "table") shared 1 (ref null (shared func)))
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
  )
  (core instance $i (instantiate $m))
  (alias core export $i "table" (core table $tbl))
  (alias core export $i "memory" (core memory $mem))
  (core func $spawn-ref (canon thread.spawn-ref $sft))
  (core func $spawn-indirect (canon thread.spawn-indirect $sft (core table $tbl)))
  (core func $parallelism (canon thread.available_parallelism))

  (type $f (func (param "x" u32) (result u32)))
  (import "f" (func $f (type $f)))
  (core type $lowered (func (param i32) (result i32)))
  (core func $gc (canon lower (func $f) gc (core-type $lowered)))
)

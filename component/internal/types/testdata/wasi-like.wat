;; What wit-component emits for a plugin using an imported interface with a
;; resource: an instance import with `(sub resource)`, methods lowered with
;; memory and realloc, resource.drop, and an export lifted with post-return.
(component
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type $os (sub resource)))
    (type $bos (borrow $os))
    (type $bytes (list u8))
    (type $err (result (error string)))
    (export "[method]output-stream.write"
      (func (param "self" $bos) (param "contents" $bytes) (result $err)))
  ))
  (alias export $streams "output-stream" (type $os))
  (alias export $streams "[method]output-stream.write" (func $write))
  (core module $libc
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))
  (core func $write-lowered (canon lower (func $write) (memory $mem) (realloc $realloc)))
  (core func $drop (canon resource.drop $os))
  (core instance $imports
    (export "[method]output-stream.write" (func $write-lowered))
    (export "[resource-drop]output-stream" (func $drop)))
  (core module $main
    (import "wasi:io/streams@0.2.0" "[method]output-stream.write" (func (param i32 i32 i32 i32)))
    (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func (param i32)))
    (import "env" "memory" (memory 1))
    (func (export "greet") (param i32 i32) (result i32) i32.const 0)
    (func (export "cabi_post_greet") (param i32)))
  (core instance $env (export "memory" (memory $mem)))
  (core instance $main (instantiate $main
    (with "wasi:io/streams@0.2.0" (instance $imports))
    (with "env" (instance $env))))
  (alias core export $main "greet" (core func $greet))
  (alias core export $main "cabi_post_greet" (core func $post))
  (type $greet-t (func (param "name" string) (result string)))
  (func $greet (type $greet-t)
    (canon lift (core func $greet) (memory $mem) (realloc $realloc) (post-return $post)))
  (export "greet" (func $greet))
)

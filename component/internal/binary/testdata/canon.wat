;; Lifting and lowering with every canonical option, and the resource
;; built-ins on a resource type with a destructor.
(component $canon
  (@producers (processed-by "plugwit-fixtures" "1.0") (language "WAT" "1"))
  (@custom "plugwit:note" "kept raw")
  (type $greet (func (param "who" string) (result string)))
  (import "host:log/logger@1.0.0" (instance $log
    (export "log" (func (param "msg" string)))
  ))
  (import "greet-host" (func $host-greet (type $greet)))
  (type $agreet (func async (param "who" string) (result string)))
  (import "greet-host-async" (func $host-greet-async (type $agreet)))
  (alias export $log "log" (func $log-f))

  (core module $libc
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
    (func (export "dtor") (param i32))
  )
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  ;; lowerings with each string encoding
  (core func $log-utf8 (canon lower (func $log-f) string-encoding=utf8 (memory $mem)))
  (core func $log-utf16 (canon lower (func $log-f) string-encoding=utf16 (memory $mem)))
  (core func $greet-latin1 (canon lower (func $host-greet) string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  ;; an async lowering
  (core func $greet-async (canon lower (func $host-greet-async) async (memory $mem) (realloc $realloc)))

  (core module $main
    (import "host" "log8" (func $log8 (param i32 i32)))
    (import "host" "log16" (func $log16 (param i32 i32)))
    (import "host" "greet" (func $greet (param i32 i32 i32)))
    (import "host" "greet-async" (func $greet-async (param i32 i32 i32) (result i32)))
    (import "host" "res-new" (func $res-new (param i32) (result i32)))
    (import "host" "res-rep" (func $res-rep (param i32) (result i32)))
    (import "host" "res-drop" (func $res-drop (param i32)))
    (import "libc" "memory" (memory 1))
    (func (export "greet") (param i32 i32) (result i32) i32.const 0)
    (func (export "post-greet") (param i32))
  )

  (alias core export $libc "dtor" (core func $dtor))
  (type $counter (resource (rep i32) (dtor (core func $dtor))))
  (core func $res-new (canon resource.new $counter))
  (core func $res-rep (canon resource.rep $counter))
  (core func $res-drop (canon resource.drop $counter))

  (core instance $main (instantiate $main
    (with "host" (instance
      (export "log8" (func $log-utf8))
      (export "log16" (func $log-utf16))
      (export "greet" (func $greet-latin1))
      (export "greet-async" (func $greet-async))
      (export "res-new" (func $res-new))
      (export "res-rep" (func $res-rep))
      (export "res-drop" (func $res-drop))
    ))
    (with "libc" (instance $libc))
  ))

  ;; a lifting with memory, realloc and post-return
  (func $greet (type $greet)
    (canon lift (core func $main "greet") (memory $mem) (realloc $realloc)
      (post-return (core func $main "post-greet"))))
  (export "greet" (func $greet))
  (export "counter" (type $counter))
)

;; Nested components, component and core instances of both kinds, aliases of
;; all three kinds, core types (function, GC and module types), versioned and
;; attributed import/export names, export type ascriptions and a start
;; function.
(component $outer
  (core type $cft (func (param i32 i64) (result f32)))
  (core type $base (sub (func (param i32))))
  (core rec
    (type $node (sub (struct (field i32) (field (mut (ref null $node))))))
    (type $arr (array (mut i8)))
  )
  (core type $sub (sub final $base (func (param i32))))
  (core type $mt (module
    (type (func (param i32)))
    (type (sub (func)))
    (import "" "f" (func (type 0)))
    (export "g" (global (mut i64)))
    (export "t" (table 1 funcref))
  ))

  (type $greet (func (param "name" string) (result string)))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (export "print" (func (param "s" string)))
  ))
  (import "plain-f" (func $plainf (type $greet)))
  (import "nm" (value $onm string))
  (import "a:b/c@0.2" (version-suffix ".1") (instance $versioned))
  (import "store" (implements "wasi:keyvalue/store@0.2.0") (external-id "db-1") (instance $kv))

  ;; alias export
  (alias export $stdout "print" (func $print))

  (core module $m0)
  (component $leaf)

  (component $inner
    (import "greet" (func $g (type $greet)))
    (import "name" (value $nm string))
    (core module $im
      (func (export "f") (param i32 i64) (result f32) f32.const 0)
      (global (export "g") (mut i64) (i64.const 0))
      (table (export "t") 1 funcref)
      (func (export "h") (param i32))
    )
    (core instance $ii (instantiate $im))
    ;; core instance from exports, core export aliases of several sorts
    (core instance $bundle
      (export "f" (func $ii "f"))
      (export "g" (global $ii "g"))
      (export "t" (table $ii "t"))
    )
    (alias core export $ii "g" (core global $g2))
    ;; outer aliases: type, core type, core module, component
    (alias outer $outer $greet (type $greet2))
    (alias outer $outer $cft (core type $cft2))
    (alias outer $outer $m0 (core module $m0a))
    (component $deepest
      (import "x" (func (param "v" u8)))
    )
    (alias outer $outer $leaf (component $leafa))
    (func $extra (param "v" u8) (canon lift (core func $ii "h")))
    (instance $d (instantiate $deepest (with "x" (func $extra))))
    (start $g (value $nm) (result (value $out)))
    (export "out" (value $out))
    (export "g" (func $g) (func (type $greet2)))
  )

  (instance $inst (instantiate $inner
    (with "greet" (func $plainf))
    (with "name" (value $onm))
  ))
  (instance $bag
    (export "p" (func $print))
    (export "i" (instance $inst))
    (export "c" (component $leaf))
    (export "m" (core module $m0))
    (export "t" (type $greet))
  )
  (alias export $inst "g" (func $ig))
  (export "wasi:demo/api@1.2.3" (instance $bag))
  (export "run" (func $ig) (func (type $greet)))
)

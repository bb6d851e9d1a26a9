;; A plug for the greeter plugin: world cool of wit/compose.wit. Its
;; cool-print calls the imported log with a fixed message.
(module
  (import "$root" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "cool-print from a composed plug")
  (func (export "cool-print")
    (call $log (i32.const 16) (i32.const 31))))

;; A command that exits: its wasi:cli/run#run calls
;; wasi:cli/exit.exit-with-code(7); exit-ok, exit-err and exit-with(code)
;; call exit(ok), exit(err) and exit-with-code(code). Each traps (unreachable)
;; if the host returns from the exit call.
(component
  (import "wasi:cli/exit@0.2.12" (instance $exit
    (export "exit" (func (param "status" (result))))
    (export "exit-with-code" (func (param "status-code" u8)))))
  (core func $exit (canon lower (func $exit "exit")))
  (core func $exit-with-code (canon lower (func $exit "exit-with-code")))
  (core module $m
    (import "wasi" "exit" (func $exit (param i32)))
    (import "wasi" "exit-with-code" (func $code (param i32)))
    (func (export "run") (result i32) (call $code (i32.const 7)) unreachable)
    (func (export "exit-ok") (call $exit (i32.const 0)) unreachable)
    (func (export "exit-err") (call $exit (i32.const 1)) unreachable)
    (func (export "exit-with") (param i32) (call $code (local.get 0)) unreachable))
  (core instance $i (instantiate $m
    (with "wasi" (instance
      (export "exit" (func $exit))
      (export "exit-with-code" (func $exit-with-code))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst))
  (func (export "exit-ok") (canon lift (core func $i "exit-ok")))
  (func (export "exit-err") (canon lift (core func $i "exit-err")))
  (func (export "exit-with") (param "code" u8) (canon lift (core func $i "exit-with")))
)

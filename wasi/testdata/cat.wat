;; `cat` as a WASI 0.2 command: its wasi:cli/run#run copies stdin to stdout
;; with blocking-read (up to 64 KiB) and blocking-write-and-flush until a
;; stream reports an error, drops both streams and returns ok; `fail` is
;; another run function, which returns err at once.
(component
  (import "wasi:io/error@0.2.0" (instance $error
    (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error-t (type $error-outer))
    (export "error" (type $err (eq $error-outer)))
    (type $se (variant (case "last-operation-failed" (own $err)) (case "closed")))
    (export "stream-error" (type $stream-error (eq $se)))
    (export "input-stream" (type $in (sub resource)))
    (export "output-stream" (type $out (sub resource)))
    (export "[method]input-stream.blocking-read"
      (func (param "self" (borrow $in)) (param "len" u64) (result (result (list u8) (error $stream-error)))))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $out)) (param "contents" (list u8)) (result (result (error $stream-error)))))))
  (alias export $streams "input-stream" (type $input-stream))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdin@0.2.0" (instance $stdin
    (alias outer 1 $input-stream (type $in-outer))
    (export "input-stream" (type $in (eq $in-outer)))
    (export "get-stdin" (func (result (own $in))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (export "get-stdout" (func (result (own $out))))))

  ;; One buffer: every list the host returns goes to 4096, and is used
  ;; before the next call.
  (core module $libc
    (memory (export "memory") 2)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (core func $get-stdin (canon lower (func $stdin "get-stdin")))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read") (memory $mem) (realloc $realloc)))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $mem)))
  (core func $drop-in (canon resource.drop $input-stream))
  (core func $drop-out (canon resource.drop $output-stream))

  (core module $main
    (import "libc" "memory" (memory 2))
    (import "wasi" "get-stdin" (func $get-stdin (result i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "drop-in" (func $drop-in (param i32)))
    (import "wasi" "drop-out" (func $drop-out (param i32)))
    (func (export "run") (result i32)
      (local $in i32) (local $out i32)
      (local.set $in (call $get-stdin))
      (local.set $out (call $get-stdout))
      (block $done
        (loop $copy
          ;; result<list<u8>, stream-error> at 16: tag, then ptr and len at 20, 24
          (call $read (local.get $in) (i64.const 65536) (i32.const 16))
          (br_if $done (i32.load8_u (i32.const 16)))
          ;; result<_, stream-error> at 32
          (call $write (local.get $out) (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 32))
          (br_if $done (i32.load8_u (i32.const 32)))
          (br $copy)))
      (call $drop-in (local.get $in))
      (call $drop-out (local.get $out))
      (i32.const 0))
    (func (export "fail") (result i32) (i32.const 1)))
  (core instance $i (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-stdin" (func $get-stdin))
      (export "get-stdout" (func $get-stdout))
      (export "read" (func $read))
      (export "write" (func $write))
      (export "drop-in" (func $drop-in))
      (export "drop-out" (func $drop-out))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst))
  (func (export "fail") (result (result)) (canon lift (core func $i "fail")))
)

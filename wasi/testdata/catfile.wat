;; `catfile` reads a file of its first preopened directory: its
;; wasi:cli/run#run opens "hello.txt" there (get-directories, open-at,
;; read-via-stream) and copies it to stdout, returning err if the open
;; fails; `open-code(path)` opens path in the first preopen and returns 0,
;; or 1 + the index of the error-code (so `not-permitted` is 32).
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
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (export "get-stdout" (func (result (own $out))))))
  (import "wasi:filesystem/types@0.2.0" (instance $types
    (alias outer 1 $input-stream (type $in-outer))
    (export "input-stream" (type $in (eq $in-outer)))
    (export "descriptor" (type $d (sub resource)))
    (type $ec (enum "access" "would-block" "already" "bad-descriptor" "busy" "deadlock" "quota" "exist"
      "file-too-large" "illegal-byte-sequence" "in-progress" "interrupted" "invalid" "io" "is-directory"
      "loop" "too-many-links" "message-size" "name-too-long" "no-device" "no-entry" "no-lock"
      "insufficient-memory" "insufficient-space" "not-directory" "not-empty" "not-recoverable"
      "unsupported" "no-tty" "no-such-device" "overflow" "not-permitted" "pipe" "read-only"
      "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $error-code (eq $ec)))
    (type $pf (flags "symlink-follow"))
    (export "path-flags" (type $path-flags (eq $pf)))
    (type $of (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $open-flags (eq $of)))
    (type $df (flags "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $descriptor-flags (eq $df)))
    (export "[method]descriptor.open-at"
      (func (param "self" (borrow $d)) (param "path-flags" $path-flags) (param "path" string)
        (param "open-flags" $open-flags) (param "flags" $descriptor-flags)
        (result (result (own $d) (error $error-code)))))
    (export "[method]descriptor.read-via-stream"
      (func (param "self" (borrow $d)) (param "offset" u64) (result (result (own $in) (error $error-code)))))))
  (alias export $types "descriptor" (type $descriptor))
  (import "wasi:filesystem/preopens@0.2.0" (instance $preopens
    (alias outer 1 $descriptor (type $d-outer))
    (export "descriptor" (type $d (eq $d-outer)))
    (export "get-directories" (func (result (list (tuple (own $d) string)))))))

  ;; A bump allocator from 4096; main resets it before each call that
  ;; returns a list.
  (core module $libc
    (memory (export "memory") 4)
    (global $next (export "next") (mut i32) (i32.const 4096))
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and
        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read") (memory $mem) (realloc $realloc)))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $mem)))
  (core func $get-dirs (canon lower (func $preopens "get-directories") (memory $mem) (realloc $realloc)))
  (core func $open-at (canon lower (func $types "[method]descriptor.open-at") (memory $mem) (realloc $realloc)))
  (core func $read-via-stream (canon lower (func $types "[method]descriptor.read-via-stream") (memory $mem)))

  (core module $main
    (import "libc" "memory" (memory 4))
    (import "libc" "next" (global $next (mut i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "get-dirs" (func $get-dirs (param i32)))
    (import "wasi" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "read-via-stream" (func $read-via-stream (param i32 i64 i32)))
    (data (i32.const 256) "hello.txt")
    ;; open opens path (ptr, len) for reading in the first preopen; the
    ;; result<own<descriptor>, error-code> is at 48.
    (func $open (param $ptr i32) (param $len i32)
      ;; list<tuple<own<descriptor>, string>> at 16: ptr, len
      (call $get-dirs (i32.const 16))
      ;; first element: handle at offset 0
      (call $open-at (i32.load (i32.load (i32.const 16)))
        (i32.const 1) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const 1) (i32.const 48)))
    (func (export "run") (result i32)
      (local $out i32) (local $in i32)
      (global.set $next (i32.const 4096))
      (call $open (i32.const 256) (i32.const 9))
      (if (i32.load8_u (i32.const 48)) (then (return (i32.const 1))))
      (call $read-via-stream (i32.load (i32.const 52)) (i64.const 0) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then (return (i32.const 1))))
      (local.set $in (i32.load (i32.const 68)))
      (local.set $out (call $get-stdout))
      (block $done
        (loop $copy
          (global.set $next (i32.const 4096))
          (call $read (local.get $in) (i64.const 65536) (i32.const 80))
          (br_if $done (i32.load8_u (i32.const 80)))
          (call $write (local.get $out) (i32.load (i32.const 84)) (i32.load (i32.const 88)) (i32.const 96))
          (br_if $done (i32.load8_u (i32.const 96)))
          (br $copy)))
      (i32.const 0))
    (func (export "open-code") (param $ptr i32) (param $len i32) (result i32)
      (call $open (local.get $ptr) (local.get $len))
      (if (result i32) (i32.load8_u (i32.const 48))
        (then (i32.add (i32.load8_u (i32.const 52)) (i32.const 1)))
        (else (i32.const 0)))))
  (core instance $i (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout))
      (export "read" (func $read))
      (export "write" (func $write))
      (export "get-dirs" (func $get-dirs))
      (export "open-at" (func $open-at))
      (export "read-via-stream" (func $read-via-stream))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst))
  (func (export "open-code") (param "path" string) (result u32)
    (canon lift (core func $i "open-code") (memory $mem) (realloc $realloc)))
)

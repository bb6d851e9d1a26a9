;; `streams` moves bytes through WASI streams, for the stream benchmarks
;; (BenchmarkStreams) and their tests. Every call drops every handle it gets,
;; so it can be called any number of times.
;;
;;   write-stdout(n, chunk) -> u64   writes n bytes (the byte i is i mod 251)
;;                                   to stdout with blocking-write-and-flush,
;;                                   chunk bytes at a time (chunk <= 4096, as
;;                                   the spec allows); returns the bytes written
;;   read-file(path, chunk, checksum) -> u64
;;                                   reads the file path of the first preopen to
;;                                   its end with blocking-read of chunk bytes;
;;                                   returns 2^32 times the bytes read, plus,
;;                                   with checksum, the sum of their values; or
;;                                   2^64-1 if the open or read-via-stream fails
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

  ;; Memory: 0..4096 scratch (results), 4096.. the bump allocator's arena,
  ;; reset once what was allocated there has been used; 1 MiB..1 MiB+4352 the
  ;; bytes write-stdout sends (4096 + 251 of them, filled by its first call).
  (core module $libc
    (memory (export "memory") 20)
    (global $next (export "next") (mut i32) (i32.const 4096))
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and
        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $next) (i32.const 0x100000)) (then unreachable))
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
  (core func $drop-in (canon resource.drop $input-stream))
  (core func $drop-out (canon resource.drop $output-stream))
  (core func $drop-d (canon resource.drop $descriptor))
  (core func $drop-err (canon resource.drop $error-t))

  (core module $main
    (import "libc" "memory" (memory 20))
    (import "libc" "next" (global $next (mut i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "get-dirs" (func $get-dirs (param i32)))
    (import "wasi" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "read-via-stream" (func $read-via-stream (param i32 i64 i32)))
    (import "wasi" "drop-in" (func $drop-in (param i32)))
    (import "wasi" "drop-out" (func $drop-out (param i32)))
    (import "wasi" "drop-d" (func $drop-d (param i32)))
    (import "wasi" "drop-err" (func $drop-err (param i32)))
    (global $filled (mut i32) (i32.const 0))

    ;; drop-stream-error drops the error of a result<_, stream-error> at p
    ;; when it is last-operation-failed.
    (func $drop-stream-error (param $p i32)
      (if (i32.eqz (i32.load8_u offset=4 (local.get $p)))
        (then (call $drop-err (i32.load offset=8 (local.get $p))))))

    (func (export "write-stdout") (param $n i32) (param $chunk i32) (result i64)
      (local $out i32) (local $i i32) (local $k i32)
      (if (i32.eqz (global.get $filled))
        (then
          (loop $fill
            (i32.store8 (i32.add (i32.const 0x100000) (local.get $i)) (i32.rem_u (local.get $i) (i32.const 251)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $fill (i32.lt_u (local.get $i) (i32.const 4352))))
          (global.set $filled (i32.const 1))))
      (local.set $out (call $get-stdout))
      (local.set $i (i32.const 0))
      (block $done
        (loop $copy
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $k (local.get $chunk))
          (if (i32.gt_u (local.get $k) (i32.sub (local.get $n) (local.get $i)))
            (then (local.set $k (i32.sub (local.get $n) (local.get $i)))))
          ;; the pattern repeats every 251 bytes: start each chunk at i mod 251
          (call $write (local.get $out)
            (i32.add (i32.const 0x100000) (i32.rem_u (local.get $i) (i32.const 251))) (local.get $k) (i32.const 96))
          (if (i32.load8_u (i32.const 96))
            (then (call $drop-stream-error (i32.const 96)) (br $done)))
          (local.set $i (i32.add (local.get $i) (local.get $k)))
          (br $copy)))
      (call $drop-out (local.get $out))
      (i64.extend_i32_u (local.get $i)))

    (func (export "read-file") (param $ptr i32) (param $len i32) (param $chunk i32) (param $checksum i32) (result i64)
      (local $dir i32) (local $file i32) (local $in i32) (local $sum i64) (local $p i32) (local $end i32)
      ;; the path was allocated from the arena just before the call: the
      ;; arena is reset only once the path has been used
      ;; list<tuple<own<descriptor>, string>> at 16: ptr, len; the test
      ;; grants exactly one directory.
      (call $get-dirs (i32.const 16))
      (local.set $dir (i32.load (i32.load (i32.const 16))))
      (call $open-at (local.get $dir) (i32.const 1) (local.get $ptr) (local.get $len)
        (i32.const 0) (i32.const 1) (i32.const 48))
      (call $drop-d (local.get $dir))
      (global.set $next (i32.const 4096))
      (if (i32.load8_u (i32.const 48)) (then (return (i64.const -1))))
      (local.set $file (i32.load (i32.const 52)))
      (call $read-via-stream (local.get $file) (i64.const 0) (i32.const 64))
      (if (i32.load8_u (i32.const 64))
        (then (call $drop-d (local.get $file)) (return (i64.const -1))))
      (local.set $in (i32.load (i32.const 68)))
      (block $done
        (loop $copy
          (global.set $next (i32.const 4096))
          (call $read (local.get $in) (i64.extend_i32_u (local.get $chunk)) (i32.const 80))
          (if (i32.load8_u (i32.const 80))
            (then (call $drop-stream-error (i32.const 80)) (br $done)))
          (local.set $p (i32.load (i32.const 84)))
          (local.set $end (i32.add (local.get $p) (i32.load (i32.const 88))))
          (local.set $sum (i64.add (local.get $sum)
            (i64.shl (i64.extend_i32_u (i32.load (i32.const 88))) (i64.const 32))))
          (if (i32.eqz (local.get $checksum)) (then (br $copy)))
          (block $summed
            (loop $sum
              (br_if $summed (i32.ge_u (local.get $p) (local.get $end)))
              (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $sum)))
          (br $copy)))
      (call $drop-in (local.get $in))
      (call $drop-d (local.get $file))
      (local.get $sum)))
  (core instance $i (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout))
      (export "read" (func $read))
      (export "write" (func $write))
      (export "get-dirs" (func $get-dirs))
      (export "open-at" (func $open-at))
      (export "read-via-stream" (func $read-via-stream))
      (export "drop-in" (func $drop-in))
      (export "drop-out" (func $drop-out))
      (export "drop-d" (func $drop-d))
      (export "drop-err" (func $drop-err))))))
  (func (export "write-stdout") (param "n" u32) (param "chunk" u32) (result u64)
    (canon lift (core func $i "write-stdout")))
  (func (export "read-file") (param "path" string) (param "chunk" u32) (param "checksum" bool) (result u64)
    (canon lift (core func $i "read-file") (memory $mem) (realloc $realloc)))
)

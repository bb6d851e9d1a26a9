;; `tcpclient` is a TCP client: its wasi:cli/run#run takes the address
;; `A.B.C.D:PORT` (IPv4) and a line from its arguments, connects
;; (create-tcp-socket, start-connect, subscribe + block, finish-connect),
;; writes the line and a newline, copies the reply to stdout up to the
;; first newline (or the end of the stream), and returns ok. When the
;; connection fails it prints `tcpclient: ERROR-CODE` to stderr and
;; returns err.
;;
;; Its other exports, for tests:
;;   dial(a, b, c, d, port) -> u32        connects to a.b.c.d:port: 0, or 1 +
;;                                        the index of the error-code
;;   lookup(name: string) -> u32          resolves name: 0 if it has an
;;                                        address, 1 + the error-code's
;;                                        index, or 100 for none
(component
  (import "wasi:io/error@0.2.0" (instance $error
    (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))))
  (alias export $poll "pollable" (type $pollable-t))
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
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (export "get-stdout" (func (result (own $out))))))
  (import "wasi:cli/stderr@0.2.0" (instance $stderr
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (export "get-stderr" (func (result (own $out))))))
  (import "wasi:sockets/network@0.2.0" (instance $network
    (export "network" (type (sub resource)))
    (type $ec (enum "unknown" "access-denied" "not-supported" "invalid-argument" "out-of-memory" "timeout" "concurrency-conflict" "not-in-progress" "would-block" "invalid-state" "new-socket-limit" "address-not-bindable" "address-in-use" "remote-unreachable" "connection-refused" "connection-reset" "connection-aborted" "datagram-too-large" "name-unresolvable" "temporary-resolver-failure" "permanent-resolver-failure"))
    (export "error-code" (type (eq $ec)))
    (type $fam (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type (eq $fam)))
    (type $ipa (variant (case "ipv4" (tuple u8 u8 u8 u8)) (case "ipv6" (tuple u16 u16 u16 u16 u16 u16 u16 u16))))
    (export "ip-address" (type (eq $ipa)))
    (type $v4 (record (field "port" u16) (field "address" (tuple u8 u8 u8 u8))))
    (export "ipv4-socket-address" (type $ipv4-sa (eq $v4)))
    (type $v6 (record (field "port" u16) (field "flow-info" u32)
      (field "address" (tuple u16 u16 u16 u16 u16 u16 u16 u16)) (field "scope-id" u32)))
    (export "ipv6-socket-address" (type $ipv6-sa (eq $v6)))
    (type $sa (variant (case "ipv4" $ipv4-sa) (case "ipv6" $ipv6-sa)))
    (export "ip-socket-address" (type (eq $sa)))))
  (alias export $network "network" (type $network-t))
  (alias export $network "error-code" (type $error-code-t))
  (alias export $network "ip-address-family" (type $family-t))
  (alias export $network "ip-address" (type $ip-address-t))
  (alias export $network "ip-socket-address" (type $sockaddr-t))
  (import "wasi:sockets/instance-network@0.2.0" (instance $instance-network
    (alias outer 1 $network-t (type $n-outer))
    (export "network" (type $n (eq $n-outer)))
    (export "instance-network" (func (result (own $n))))))
  (import "wasi:sockets/tcp@0.2.0" (instance $tcp
    (alias outer 1 $network-t (type $n-outer))
    (export "network" (type $n (eq $n-outer)))
    (alias outer 1 $error-code-t (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $sockaddr-t (type $sa-outer))
    (export "ip-socket-address" (type $sa (eq $sa-outer)))
    (alias outer 1 $input-stream (type $in-outer))
    (export "input-stream" (type $in (eq $in-outer)))
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (alias outer 1 $pollable-t (type $p-outer))
    (export "pollable" (type $p (eq $p-outer)))
    (export "tcp-socket" (type $s (sub resource)))
    (export "[method]tcp-socket.start-connect"
      (func (param "self" (borrow $s)) (param "network" (borrow $n)) (param "remote-address" $sa)
        (result (result (error $ec)))))
    (export "[method]tcp-socket.finish-connect"
      (func (param "self" (borrow $s)) (result (result (tuple (own $in) (own $out)) (error $ec)))))
    (export "[method]tcp-socket.subscribe" (func (param "self" (borrow $s)) (result (own $p))))))
  (alias export $tcp "tcp-socket" (type $tcp-socket-t))
  (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $tcp-create
    (alias outer 1 $error-code-t (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $family-t (type $fam-outer))
    (export "ip-address-family" (type $fam (eq $fam-outer)))
    (alias outer 1 $tcp-socket-t (type $s-outer))
    (export "tcp-socket" (type $s (eq $s-outer)))
    (export "create-tcp-socket" (func (param "address-family" $fam) (result (result (own $s) (error $ec)))))))
  (import "wasi:sockets/ip-name-lookup@0.2.0" (instance $lookup
    (alias outer 1 $network-t (type $n-outer))
    (export "network" (type $n (eq $n-outer)))
    (alias outer 1 $error-code-t (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $ip-address-t (type $ipa-outer))
    (export "ip-address" (type $ipa (eq $ipa-outer)))
    (alias outer 1 $pollable-t (type $p-outer))
    (export "pollable" (type $p (eq $p-outer)))
    (export "resolve-address-stream" (type $rs (sub resource)))
    (export "[method]resolve-address-stream.resolve-next-address"
      (func (param "self" (borrow $rs)) (result (result (option $ipa) (error $ec)))))
    (export "[method]resolve-address-stream.subscribe" (func (param "self" (borrow $rs)) (result (own $p))))
    (export "resolve-addresses"
      (func (param "network" (borrow $n)) (param "name" string) (result (result (own $rs) (error $ec)))))))

  ;; A bump allocator from 4096; the exports reset it before each call
  ;; that returns a list.
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

  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read") (memory $mem) (realloc $realloc)))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $mem)))
  (core func $get-args (canon lower (func $env "get-arguments") (memory $mem) (realloc $realloc)))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $get-stderr (canon lower (func $stderr "get-stderr")))
  (core func $instance-network (canon lower (func $instance-network "instance-network")))
  (core func $create-tcp (canon lower (func $tcp-create "create-tcp-socket") (memory $mem)))
  (core func $start-connect (canon lower (func $tcp "[method]tcp-socket.start-connect") (memory $mem)))
  (core func $finish-connect (canon lower (func $tcp "[method]tcp-socket.finish-connect") (memory $mem)))
  (core func $tcp-subscribe (canon lower (func $tcp "[method]tcp-socket.subscribe")))
  (core func $resolve (canon lower (func $lookup "resolve-addresses") (memory $mem) (realloc $realloc)))
  (core func $resolve-next (canon lower (func $lookup "[method]resolve-address-stream.resolve-next-address") (memory $mem)))
  (core func $resolve-subscribe (canon lower (func $lookup "[method]resolve-address-stream.subscribe")))

  (core module $main
    (import "libc" "memory" (memory 4))
    (import "libc" "next" (global $next (mut i32)))
    (import "wasi" "block" (func $block (param i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "get-args" (func $get-args (param i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "get-stderr" (func $get-stderr (result i32)))
    (import "wasi" "instance-network" (func $instance-network (result i32)))
    (import "wasi" "create-tcp" (func $create-tcp (param i32 i32)))
    (import "wasi" "start-connect" (func $start-connect
      (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "finish-connect" (func $finish-connect (param i32 i32)))
    (import "wasi" "tcp-subscribe" (func $tcp-subscribe (param i32) (result i32)))
    (import "wasi" "resolve" (func $resolve (param i32 i32 i32 i32)))
    (import "wasi" "resolve-next" (func $resolve-next (param i32 i32)))
    (import "wasi" "resolve-subscribe" (func $resolve-subscribe (param i32) (result i32)))

    ;; The names of the error-codes, 32 bytes each, NUL-padded.
    (data (i32.const 1024) "unknown\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00access-denied\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00not-supported\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00invalid-argument\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00out-of-memory\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00timeout\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00concurrency-conflict\00\00\00\00\00\00\00\00\00\00\00\00not-in-progress\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00would-block\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00invalid-state\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00new-socket-limit\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00address-not-bindable\00\00\00\00\00\00\00\00\00\00\00\00address-in-use\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00remote-unreachable\00\00\00\00\00\00\00\00\00\00\00\00\00\00connection-refused\00\00\00\00\00\00\00\00\00\00\00\00\00\00connection-reset\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00connection-aborted\00\00\00\00\00\00\00\00\00\00\00\00\00\00datagram-too-large\00\00\00\00\00\00\00\00\00\00\00\00\00\00name-unresolvable\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00temporary-resolver-failure\00\00\00\00\00\00permanent-resolver-failure\00\00\00\00\00\00")
    (data (i32.const 3000) "tcpclient: ")
    (data (i32.const 3016) "\n")
    (data (i32.const 3020) "bad address (want A.B.C.D:PORT)")
    (data (i32.const 3060) "usage: tcpclient A.B.C.D:PORT LINE")

    ;; The address to dial, and the streams of the connection.
    (global $a (mut i32) (i32.const 0))
    (global $b (mut i32) (i32.const 0))
    (global $c (mut i32) (i32.const 0))
    (global $d (mut i32) (i32.const 0))
    (global $port (mut i32) (i32.const 0))
    (global $in (mut i32) (i32.const 0))
    (global $out (mut i32) (i32.const 0))

    ;; dial connects to the address in the globals; it returns 0 (and sets
    ;; $in and $out), or 1 + the error-code.
    (func $dial (result i32)
      (local $net i32) (local $sock i32)
      (local.set $net (call $instance-network))
      (call $create-tcp (i32.const 0) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.add (i32.load8_u (i32.const 36)) (i32.const 1)))))
      (local.set $sock (i32.load (i32.const 36)))
      ;; ip-socket-address ipv4 {port, (a, b, c, d)}, padded to the ipv6 case
      (call $start-connect (local.get $sock) (local.get $net)
        (i32.const 0) (global.get $port) (global.get $a) (global.get $b) (global.get $c) (global.get $d)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.add (i32.load8_u (i32.const 33)) (i32.const 1)))))
      (call $block (call $tcp-subscribe (local.get $sock)))
      (call $finish-connect (local.get $sock) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.add (i32.load8_u (i32.const 36)) (i32.const 1)))))
      (global.set $in (i32.load (i32.const 36)))
      (global.set $out (i32.load (i32.const 40)))
      (i32.const 0))

    ;; parse reads A.B.C.D:PORT at (ptr, len) into the globals; it
    ;; returns 1 on success.
    (func $parse (param $ptr i32) (param $len i32) (result i32)
      (local $end i32) (local $i i32) (local $n i32) (local $ch i32) (local $digits i32)
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
      (block $fail
        (loop $field
          (local.set $n (i32.const 0))
          (local.set $digits (i32.const 0))
          (block $sep
            (loop $digit
              (br_if $sep (i32.ge_u (local.get $ptr) (local.get $end)))
              (local.set $ch (i32.load8_u (local.get $ptr)))
              (br_if $sep (i32.or (i32.lt_u (local.get $ch) (i32.const 48)) (i32.gt_u (local.get $ch) (i32.const 57))))
              (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (local.get $ch) (i32.const 48))))
              (br_if $fail (i32.gt_u (local.get $n) (i32.const 65535)))
              (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
              (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
              (br $digit)))
          (br_if $fail (i32.eqz (local.get $digits)))
          (if (i32.eq (local.get $i) (i32.const 4))
            (then
              (br_if $fail (i32.ne (local.get $ptr) (local.get $end)))
              (global.set $port (local.get $n))
              (return (i32.const 1))))
          (br_if $fail (i32.gt_u (local.get $n) (i32.const 255)))
          (if (i32.eq (local.get $i) (i32.const 0)) (then (global.set $a (local.get $n))))
          (if (i32.eq (local.get $i) (i32.const 1)) (then (global.set $b (local.get $n))))
          (if (i32.eq (local.get $i) (i32.const 2)) (then (global.set $c (local.get $n))))
          (if (i32.eq (local.get $i) (i32.const 3)) (then (global.set $d (local.get $n))))
          ;; the separator: '.' after A, B and C, ':' after D
          (br_if $fail (i32.ge_u (local.get $ptr) (local.get $end)))
          (br_if $fail (i32.ne (i32.load8_u (local.get $ptr))
            (select (i32.const 58) (i32.const 46) (i32.eq (local.get $i) (i32.const 3)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $field)))
      (i32.const 0))

    ;; say writes "tcpclient: " MSG "\n" to stderr.
    (func $say (param $ptr i32) (param $len i32)
      (local $err i32)
      (local.set $err (call $get-stderr))
      (call $write (local.get $err) (i32.const 3000) (i32.const 11) (i32.const 48))
      (call $write (local.get $err) (local.get $ptr) (local.get $len) (i32.const 48))
      (call $write (local.get $err) (i32.const 3016) (i32.const 1) (i32.const 48)))

    ;; say-code says the name of the error-code code.
    (func $say-code (param $code i32)
      (local $p i32) (local $n i32)
      (local.set $p (i32.add (i32.const 1024) (i32.mul (local.get $code) (i32.const 32))))
      (block $done
        (loop $scan
          (br_if $done (i32.eq (local.get $n) (i32.const 32)))
          (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $scan)))
      (call $say (local.get $p) (local.get $n)))

    (func (export "run") (result i32)
      (local $args i32) (local $code i32) (local $stdout i32) (local $len i32) (local $buf i32)
      (global.set $next (i32.const 4096))
      (call $get-args (i32.const 16))
      (if (i32.lt_u (i32.load (i32.const 20)) (i32.const 3))
        (then (call $say (i32.const 3060) (i32.const 34)) (return (i32.const 1))))
      (local.set $args (i32.load (i32.const 16)))
      (if (i32.eqz (call $parse (i32.load offset=8 (local.get $args)) (i32.load offset=12 (local.get $args))))
        (then (call $say (i32.const 3020) (i32.const 31)) (return (i32.const 1))))
      (local.set $code (call $dial))
      (if (local.get $code)
        (then (call $say-code (i32.sub (local.get $code) (i32.const 1))) (return (i32.const 1))))
      (call $write (global.get $out) (i32.load offset=16 (local.get $args)) (i32.load offset=20 (local.get $args)) (i32.const 48))
      (call $write (global.get $out) (i32.const 3016) (i32.const 1) (i32.const 48))
      (if (i32.load8_u (i32.const 48)) (then (return (i32.const 1))))
      (local.set $stdout (call $get-stdout))
      (block $done
        (loop $copy
          (call $read (global.get $in) (i64.const 65536) (i32.const 80))
          (br_if $done (i32.load8_u (i32.const 80)))
          (local.set $buf (i32.load (i32.const 84)))
          (local.set $len (i32.load (i32.const 88)))
          (call $write (local.get $stdout) (local.get $buf) (local.get $len) (i32.const 96))
          (br_if $done (i32.load8_u (i32.const 96)))
          (if (local.get $len)
            (then (br_if $done (i32.eq (i32.load8_u (i32.add (local.get $buf) (i32.sub (local.get $len) (i32.const 1))))
              (i32.const 10)))))
          (br $copy)))
      (i32.const 0))

    (func (export "dial") (param i32 i32 i32 i32 i32) (result i32)
      (global.set $a (local.get 0))
      (global.set $b (local.get 1))
      (global.set $c (local.get 2))
      (global.set $d (local.get 3))
      (global.set $port (local.get 4))
      (call $dial))

    (func (export "lookup") (param $ptr i32) (param $len i32) (result i32)
      (local $stream i32)
      (call $resolve (call $instance-network) (local.get $ptr) (local.get $len) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.add (i32.load8_u (i32.const 36)) (i32.const 1)))))
      (local.set $stream (i32.load (i32.const 36)))
      (call $block (call $resolve-subscribe (local.get $stream)))
      (call $resolve-next (local.get $stream) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.add (i32.load8_u (i32.const 34)) (i32.const 1)))))
      (if (result i32) (i32.load8_u (i32.const 34)) (then (i32.const 0)) (else (i32.const 100)))))
  (core instance $i (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "block" (func $block))
      (export "read" (func $read))
      (export "write" (func $write))
      (export "get-args" (func $get-args))
      (export "get-stdout" (func $get-stdout))
      (export "get-stderr" (func $get-stderr))
      (export "instance-network" (func $instance-network))
      (export "create-tcp" (func $create-tcp))
      (export "start-connect" (func $start-connect))
      (export "finish-connect" (func $finish-connect))
      (export "tcp-subscribe" (func $tcp-subscribe))
      (export "resolve" (func $resolve))
      (export "resolve-next" (func $resolve-next))
      (export "resolve-subscribe" (func $resolve-subscribe))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst))
  (func (export "dial") (param "a" u8) (param "b" u8) (param "c" u8) (param "d" u8) (param "port" u16) (result u32)
    (canon lift (core func $i "dial")))
  (func (export "lookup") (param "name" string) (result u32)
    (canon lift (core func $i "lookup") (memory $mem) (realloc $realloc)))
)

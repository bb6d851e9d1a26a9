;; `proxy` is a wasi:http/proxy component: its incoming-handler answers
;; every request 200 with the headers content-type: text/plain,
;; x-plugwit: proxy, x-echo-back (the request's x-echo, if any) and
;; x-immutable (what appending to the request's headers returned, as a
;; digit: 0 for ok, else 1 + the header-error case, so 3 for immutable), and the body "METHOD PATH\n"
;; followed by the request's body.
;;
;; Paths /x/C make it misbehave, to test the host: /x/t traps before it
;; sets the response, /x/n returns without setting one, /x/s sets the
;; error-code HTTP-request-denied, /x/f finishes the body while its stream
;; is alive (a trap after the status was sent), /x/d drops the body
;; without finishing it, /x/u traps in the middle of the body.
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
  (import "wasi:http/types@0.2.0" (instance $http
    (alias outer 1 $error-t (type $ioe-outer))
    (export "io-error" (type $io-error (eq $ioe-outer)))
    (alias outer 1 $input-stream (type $in-outer))
    (export "input-stream" (type $in (eq $in-outer)))
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (type $m (variant (case "get") (case "head") (case "post") (case "put") (case "delete") (case "connect")
      (case "options") (case "trace") (case "patch") (case "other" string)))
    (export "method" (type $method (eq $m)))
    (type $s (variant (case "HTTP") (case "HTTPS") (case "other" string)))
    (export "scheme" (type $scheme (eq $s)))
    (type $dnsp (record (field "rcode" (option string)) (field "info-code" (option u16))))
    (export "DNS-error-payload" (type $dns-payload (eq $dnsp)))
    (type $tlsp (record (field "alert-id" (option u8)) (field "alert-message" (option string))))
    (export "TLS-alert-received-payload" (type $tls-payload (eq $tlsp)))
    (type $fsp (record (field "field-name" (option string)) (field "field-size" (option u32))))
    (export "field-size-payload" (type $field-size-payload (eq $fsp)))
    (type $ec (variant
      (case "DNS-timeout") (case "DNS-error" $dns-payload) (case "destination-not-found")
      (case "destination-unavailable") (case "destination-IP-prohibited") (case "destination-IP-unroutable")
      (case "connection-refused") (case "connection-terminated") (case "connection-timeout")
      (case "connection-read-timeout") (case "connection-write-timeout") (case "connection-limit-reached")
      (case "TLS-protocol-error") (case "TLS-certificate-error") (case "TLS-alert-received" $tls-payload)
      (case "HTTP-request-denied") (case "HTTP-request-length-required") (case "HTTP-request-body-size" (option u64))
      (case "HTTP-request-method-invalid") (case "HTTP-request-URI-invalid") (case "HTTP-request-URI-too-long")
      (case "HTTP-request-header-section-size" (option u32)) (case "HTTP-request-header-size" (option $field-size-payload))
      (case "HTTP-request-trailer-section-size" (option u32)) (case "HTTP-request-trailer-size" $field-size-payload)
      (case "HTTP-response-incomplete") (case "HTTP-response-header-section-size" (option u32))
      (case "HTTP-response-header-size" $field-size-payload) (case "HTTP-response-body-size" (option u64))
      (case "HTTP-response-trailer-section-size" (option u32)) (case "HTTP-response-trailer-size" $field-size-payload)
      (case "HTTP-response-transfer-coding" (option string)) (case "HTTP-response-content-coding" (option string))
      (case "HTTP-response-timeout") (case "HTTP-upgrade-failed") (case "HTTP-protocol-error")
      (case "loop-detected") (case "configuration-error") (case "internal-error" (option string))))
    (export "error-code" (type $error-code (eq $ec)))
    (type $he (variant (case "invalid-syntax") (case "forbidden") (case "immutable")))
    (export "header-error" (type $header-error (eq $he)))
    (export "fields" (type $fields (sub resource)))
    (export "incoming-request" (type $incoming-request (sub resource)))
    (export "response-outparam" (type $response-outparam (sub resource)))
    (export "incoming-body" (type $incoming-body (sub resource)))
    (export "outgoing-response" (type $outgoing-response (sub resource)))
    (export "outgoing-body" (type $outgoing-body (sub resource)))
    (export "[constructor]fields" (func (result (own $fields))))
    (export "[method]fields.get" (func (param "self" (borrow $fields)) (param "name" string) (result (list (list u8)))))
    (export "[method]fields.append"
      (func (param "self" (borrow $fields)) (param "name" string) (param "value" (list u8)) (result (result (error $header-error)))))
    (export "[method]incoming-request.method" (func (param "self" (borrow $incoming-request)) (result $method)))
    (export "[method]incoming-request.path-with-query" (func (param "self" (borrow $incoming-request)) (result (option string))))
    (export "[method]incoming-request.headers" (func (param "self" (borrow $incoming-request)) (result (own $fields))))
    (export "[method]incoming-request.consume"
      (func (param "self" (borrow $incoming-request)) (result (result (own $incoming-body)))))
    (export "[method]incoming-body.stream"
      (func (param "self" (borrow $incoming-body)) (result (result (own $in)))))
    (export "[constructor]outgoing-response" (func (param "headers" (own $fields)) (result (own $outgoing-response))))
    (export "[method]outgoing-response.body"
      (func (param "self" (borrow $outgoing-response)) (result (result (own $outgoing-body)))))
    (export "[method]outgoing-body.write"
      (func (param "self" (borrow $outgoing-body)) (result (result (own $out)))))
    (export "[static]outgoing-body.finish"
      (func (param "this" (own $outgoing-body)) (param "trailers" (option (own $fields))) (result (result (error $error-code)))))
    (export "[static]response-outparam.set"
      (func (param "param" (own $response-outparam)) (param "response" (result (own $outgoing-response) (error $error-code)))))))
  (alias export $http "fields" (type $fields))
  (alias export $http "incoming-request" (type $incoming-request))
  (alias export $http "response-outparam" (type $response-outparam))
  (alias export $http "incoming-body" (type $incoming-body))
  (alias export $http "outgoing-body" (type $outgoing-body))

  ;; A bump allocator from 4096 (reset by main); the first line of the
  ;; body is put together at 1 MiB.
  (core module $libc
    (memory (export "memory") 32)
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

  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read") (memory $mem) (realloc $realloc)))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $mem)))
  (core func $fields (canon lower (func $http "[constructor]fields")))
  (core func $fields-get (canon lower (func $http "[method]fields.get") (memory $mem) (realloc $realloc)))
  (core func $fields-append (canon lower (func $http "[method]fields.append") (memory $mem)))
  (core func $method (canon lower (func $http "[method]incoming-request.method") (memory $mem) (realloc $realloc)))
  (core func $path (canon lower (func $http "[method]incoming-request.path-with-query") (memory $mem) (realloc $realloc)))
  (core func $headers (canon lower (func $http "[method]incoming-request.headers")))
  (core func $consume (canon lower (func $http "[method]incoming-request.consume") (memory $mem)))
  (core func $stream (canon lower (func $http "[method]incoming-body.stream") (memory $mem)))
  (core func $response (canon lower (func $http "[constructor]outgoing-response")))
  (core func $response-body (canon lower (func $http "[method]outgoing-response.body") (memory $mem)))
  (core func $body-write (canon lower (func $http "[method]outgoing-body.write") (memory $mem)))
  (core func $body-finish (canon lower (func $http "[static]outgoing-body.finish") (memory $mem) (realloc $realloc)))
  (core func $set (canon lower (func $http "[static]response-outparam.set") (memory $mem)))
  (core func $drop-in (canon resource.drop $input-stream))
  (core func $drop-out (canon resource.drop $output-stream))
  (core func $drop-fields (canon resource.drop $fields))
  (core func $drop-request (canon resource.drop $incoming-request))
  (core func $drop-in-body (canon resource.drop $incoming-body))
  (core func $drop-out-body (canon resource.drop $outgoing-body))

  (core module $main
    (import "libc" "memory" (memory 32))
    (import "libc" "next" (global $next (mut i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "fields" (func $fields (result i32)))
    (import "wasi" "fields-get" (func $fields-get (param i32 i32 i32 i32)))
    (import "wasi" "fields-append" (func $fields-append (param i32 i32 i32 i32 i32 i32)))
    (import "wasi" "method" (func $method (param i32 i32)))
    (import "wasi" "path" (func $path (param i32 i32)))
    (import "wasi" "headers" (func $headers (param i32) (result i32)))
    (import "wasi" "consume" (func $consume (param i32 i32)))
    (import "wasi" "stream" (func $stream (param i32 i32)))
    (import "wasi" "response" (func $response (param i32) (result i32)))
    (import "wasi" "response-body" (func $response-body (param i32 i32)))
    (import "wasi" "body-write" (func $body-write (param i32 i32)))
    (import "wasi" "body-finish" (func $body-finish (param i32 i32 i32 i32)))
    (import "wasi" "set" (func $set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
    (import "wasi" "drop-in" (func $drop-in (param i32)))
    (import "wasi" "drop-out" (func $drop-out (param i32)))
    (import "wasi" "drop-fields" (func $drop-fields (param i32)))
    (import "wasi" "drop-request" (func $drop-request (param i32)))
    (import "wasi" "drop-in-body" (func $drop-in-body (param i32)))
    (import "wasi" "drop-out-body" (func $drop-out-body (param i32)))

    (data (i32.const 256) "content-type")
    (data (i32.const 272) "text/plain")
    (data (i32.const 288) "x-plugwit")
    (data (i32.const 304) "proxy")
    (data (i32.const 320) "x-echo")
    (data (i32.const 336) "x-echo-back")
    (data (i32.const 352) "x-immutable")
    (data (i32.const 368) "0123")
    ;; method names in 8-byte slots, in the order of the method variant,
    ;; and their lengths
    (data (i32.const 400) "GET\00\00\00\00\00HEAD\00\00\00\00POST\00\00\00\00PUT\00\00\00\00\00DELETE\00\00CONNECT\00OPTIONS\00TRACE\00\00\00PATCH\00\00\00")
    (data (i32.const 480) "\03\04\04\03\06\07\07\05\05")

    (global $line i32 (i32.const 1048576))

    ;; check traps unless the result<_, E> at 64 is ok.
    (func $check
      (if (i32.load8_u (i32.const 64)) (then unreachable)))

    (func (export "handle") (param $req i32) (param $out i32)
      (local $h i32) (local $rh i32) (local $resp i32) (local $ob i32) (local $os i32)
      (local $ib i32) (local $in i32) (local $fault i32) (local $n i32)
      (local $mp i32) (local $ml i32) (local $pp i32) (local $pl i32)
      (global.set $next (i32.const 4096))
      ;; the response's headers
      (local.set $h (call $fields))
      (call $fields-append (local.get $h) (i32.const 256) (i32.const 12) (i32.const 272) (i32.const 10) (i32.const 64))
      (call $check)
      (call $fields-append (local.get $h) (i32.const 288) (i32.const 9) (i32.const 304) (i32.const 5) (i32.const 64))
      (call $check)
      (local.set $rh (call $headers (local.get $req)))
      (call $fields-get (local.get $rh) (i32.const 320) (i32.const 6) (i32.const 64))
      (if (i32.load (i32.const 68)) (then
        ;; the first value: (ptr, len) at the list's start
        (local.set $n (i32.load (i32.const 64)))
        (call $fields-append (local.get $h) (i32.const 336) (i32.const 11)
          (i32.load (local.get $n)) (i32.load offset=4 (local.get $n)) (i32.const 64))
        (call $check)))
      ;; appending to the request's headers fails: the case in a digit
      (call $fields-append (local.get $rh) (i32.const 288) (i32.const 9) (i32.const 304) (i32.const 5) (i32.const 80))
      (call $fields-append (local.get $h) (i32.const 352) (i32.const 11)
        (i32.add (i32.const 368)
          (select (i32.add (i32.load8_u (i32.const 81)) (i32.const 1)) (i32.const 0) (i32.load8_u (i32.const 80))))
        (i32.const 1) (i32.const 64))
      (call $check)
      (call $drop-fields (local.get $rh))

      ;; "METHOD PATH\n" at $line
      (call $method (local.get $req) (i32.const 64))
      (if (i32.eq (i32.load8_u (i32.const 64)) (i32.const 9))
        (then
          (local.set $mp (i32.load (i32.const 68)))
          (local.set $ml (i32.load (i32.const 72))))
        (else
          (local.set $mp (i32.add (i32.const 400) (i32.mul (i32.load8_u (i32.const 64)) (i32.const 8))))
          (local.set $ml (i32.load8_u (i32.add (i32.const 480) (i32.load8_u (i32.const 64)))))))
      (call $path (local.get $req) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then
        (local.set $pp (i32.load (i32.const 68)))
        (local.set $pl (i32.load (i32.const 72)))))
      (if (i32.gt_u (local.get $pl) (i32.const 60000)) (then unreachable))
      (memory.copy (global.get $line) (local.get $mp) (local.get $ml))
      (i32.store8 (i32.add (global.get $line) (local.get $ml)) (i32.const 32))
      (memory.copy (i32.add (global.get $line) (i32.add (local.get $ml) (i32.const 1))) (local.get $pp) (local.get $pl))
      (local.set $n (i32.add (i32.add (local.get $ml) (local.get $pl)) (i32.const 2)))
      (i32.store8 (i32.add (global.get $line) (i32.sub (local.get $n) (i32.const 1))) (i32.const 10))

      ;; /x/C: misbehave as C says
      (if (i32.and (i32.ge_u (local.get $pl) (i32.const 4))
            (i32.and (i32.eq (i32.load8_u (local.get $pp)) (i32.const 47))
              (i32.and (i32.eq (i32.load8_u offset=1 (local.get $pp)) (i32.const 120))
                (i32.eq (i32.load8_u offset=2 (local.get $pp)) (i32.const 47)))))
        (then (local.set $fault (i32.load8_u offset=3 (local.get $pp)))))
      (if (i32.eq (local.get $fault) (i32.const 116)) (then unreachable)) ;; t
      (if (i32.eq (local.get $fault) (i32.const 110)) (then return)) ;; n
      (if (i32.eq (local.get $fault) (i32.const 115)) (then ;; s: err(HTTP-request-denied)
        (call $set (local.get $out) (i32.const 1) (i32.const 15) (i32.const 0) (i64.const 0)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
        (return)))

      (local.set $resp (call $response (local.get $h)))
      (call $response-body (local.get $resp) (i32.const 64))
      (call $check)
      (local.set $ob (i32.load (i32.const 68)))
      (call $set (local.get $out) (i32.const 0) (local.get $resp) (i32.const 0) (i64.const 0)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      (call $body-write (local.get $ob) (i32.const 64))
      (call $check)
      (local.set $os (i32.load (i32.const 68)))
      (call $write (local.get $os) (global.get $line) (local.get $n) (i32.const 64))
      (call $check)
      (if (i32.eq (local.get $fault) (i32.const 102)) (then ;; f: finish with the stream alive
        (call $body-finish (local.get $ob) (i32.const 0) (i32.const 0) (i32.const 64))
        (return)))
      (if (i32.eq (local.get $fault) (i32.const 100)) (then ;; d: drop the body unfinished
        (call $drop-out (local.get $os))
        (call $drop-out-body (local.get $ob))
        (return)))
      (if (i32.eq (local.get $fault) (i32.const 117)) (then unreachable)) ;; u

      ;; the request's body
      (call $consume (local.get $req) (i32.const 64))
      (call $check)
      (local.set $ib (i32.load (i32.const 68)))
      (call $stream (local.get $ib) (i32.const 64))
      (call $check)
      (local.set $in (i32.load (i32.const 68)))
      (block $done
        (loop $copy
          (global.set $next (i32.const 4096))
          (call $read (local.get $in) (i64.const 65536) (i32.const 64))
          (br_if $done (i32.load8_u (i32.const 64)))
          (call $write (local.get $os) (i32.load (i32.const 68)) (i32.load (i32.const 72)) (i32.const 64))
          (call $check)
          (br $copy)))
      (call $drop-in (local.get $in))
      (call $drop-in-body (local.get $ib))
      (call $drop-request (local.get $req))
      (call $drop-out (local.get $os))
      (call $body-finish (local.get $ob) (i32.const 0) (i32.const 0) (i32.const 64))
      (call $check)))
  (core instance $i (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "read" (func $read))
      (export "write" (func $write))
      (export "fields" (func $fields))
      (export "fields-get" (func $fields-get))
      (export "fields-append" (func $fields-append))
      (export "method" (func $method))
      (export "path" (func $path))
      (export "headers" (func $headers))
      (export "consume" (func $consume))
      (export "stream" (func $stream))
      (export "response" (func $response))
      (export "response-body" (func $response-body))
      (export "body-write" (func $body-write))
      (export "body-finish" (func $body-finish))
      (export "set" (func $set))
      (export "drop-in" (func $drop-in))
      (export "drop-out" (func $drop-out))
      (export "drop-fields" (func $drop-fields))
      (export "drop-request" (func $drop-request))
      (export "drop-in-body" (func $drop-in-body))
      (export "drop-out-body" (func $drop-out-body))))))
  (func $handle (param "request" (own $incoming-request)) (param "response-out" (own $response-outparam))
    (canon lift (core func $i "handle")))
  (instance $handler (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.0" (instance $handler))
)

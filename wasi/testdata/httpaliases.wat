;; httpaliases: imports wasi:http/types the way wit-component writes it for
;; componentize-js (and any component whose WIT uses them): with `headers`
;; and `trailers`, the WIT's `type headers = fields`, exported from the
;; instance type as resource types equal to fields. Exports
;; `new-headers() -> u32`, which makes a fields resource through the
;; constructor, drops it and returns 1 if the handle was valid.
(component
  (import "wasi:http/types@0.2.0" (instance $http
    (export "fields" (type $fields (sub resource)))
    (export "headers" (type $headers (eq $fields)))
    (export "trailers" (type $trailers (eq $fields)))
    (export "[constructor]fields" (func (result (own $fields))))))
  (alias export $http "fields" (type $fields))
  (core func $new (canon lower (func $http "[constructor]fields")))
  (core func $drop (canon resource.drop $fields))
  (core module $m
    (import "http" "new" (func $new (result i32)))
    (import "http" "drop" (func $drop (param i32)))
    (func (export "new-headers") (result i32)
      (local $h i32)
      (local.set $h (call $new))
      (call $drop (local.get $h))
      (i32.ne (local.get $h) (i32.const 0))))
  (core instance $i (instantiate $m
    (with "http" (instance (export "new" (func $new)) (export "drop" (func $drop))))))
  (func (export "new-headers") (result u32) (canon lift (core func $i "new-headers"))))

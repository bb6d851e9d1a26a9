;; Nested-component patterns that wit-component and wac emit, written by
;; hand (scripts/build-composed.sh assembles it):
;; - an imported instance re-exported unchanged (text), and one passed to a
;;   nested component (counters);
;; - outer aliases of types: $User takes the instance type of the
;;   counters from its parent, $Wrap the function type of upper;
;; - a resource crossing components: the host's counter, used by $User
;;   through own and borrow handles and resource.drop;
;; - instances of nested components whose exports are aliased and exported,
;;   and an exported instance made of another instance's exports.
(component
  (import "plugwit:compose/text@0.1.0" (instance $text
    (export "upper" (func (param "s" string) (result string)))))
  (type $counters (instance
    (export "counter" (type $c (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
    (export "[method]counter.add" (func (param "self" (borrow $c)) (param "n" u32) (result u32)))
    (export "[method]counter.get" (func (param "self" (borrow $c)) (result u32)))))
  (import "plugwit:coremod/counters@0.1.0" (instance $ctrs (type $counters)))
  (type $ft (func (param "s" string) (result string)))

  ;; $User: tally(start, n) through the counters it imports.
  (component $User
    (alias outer 1 $counters (type $ct))
    (import "ctrs" (instance $c (type $ct)))
    (alias export $c "counter" (type $r))
    (alias export $c "[constructor]counter" (func $new))
    (alias export $c "[method]counter.add" (func $add))
    (alias export $c "[method]counter.get" (func $get))
    (core func $new-low (canon lower (func $new)))
    (core func $add-low (canon lower (func $add)))
    (core func $get-low (canon lower (func $get)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "c" "new" (func $new (param i32) (result i32)))
      (import "c" "add" (func $add (param i32 i32) (result i32)))
      (import "c" "get" (func $get (param i32) (result i32)))
      (import "c" "drop" (func $drop (param i32)))
      (func (export "tally") (param $start i32) (param $n i32) (result i32)
        (local $h i32) (local $v i32)
        (local.set $h (call $new (local.get $start)))
        (drop (call $add (local.get $h) (local.get $n)))
        (local.set $v (call $get (local.get $h)))
        (call $drop (local.get $h))
        (local.get $v)))
    (core instance $ci (export "new" (func $new-low)) (export "add" (func $add-low))
                       (export "get" (func $get-low)) (export "drop" (func $drop)))
    (core instance $mi (instantiate $m (with "c" (instance $ci))))
    (type $tt (func (param "start" u32) (param "n" u32) (result u32)))
    (func $tally (type $tt) (canon lift (core func $mi "tally")))
    (export "tally" (func $tally)))

  ;; $Wrap re-exports the function it imports under another name.
  (component $Wrap
    (alias outer 1 $ft (type $f))
    (import "f" (func $f (type $f)))
    (export "again" (func $f)))

  (instance $u (instantiate $User (with "ctrs" (instance $ctrs))))
  (alias export $text "upper" (func $upper))
  (instance $w (instantiate $Wrap (with "f" (func $upper))))
  (alias export $u "tally" (func $tally))
  (alias export $w "again" (func $again))
  (export "tally" (func $tally))
  (export "plugwit:compose/text@0.1.0" (instance $text))
  (instance $tools (export "tally" (func $tally)) (export "upper" (func $again)))
  (export "tools" (instance $tools)))

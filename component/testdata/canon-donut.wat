;; Reentrance through a child component ("donut wrapping", CanonicalABI.md
;; "Component Instances"): the parent's export calls the child, whose import
;; is the parent's own lifted function. Entering the parent from its child
;; is allowed; entering the child again from the parent is not.
;;
;;   host -> parent.run (core $main) -> child.run -> child's import cb
;;        -> parent.cb (core $cb-mod, lifted in the parent) -> host-log
;;
;; With again=1, cb calls back into child.run (through a lowered function of
;; the parent): child is on the stack, so that traps.
(component
  (import "host-log" (func $host-log (param "x" u32)))

  (component $child
    (import "cb" (func $cb (param "x" u32) (result u32)))
    (core func $cb-lowered (canon lower (func $cb)))
    (core module $m
      (import "parent" "cb" (func $cb (param i32) (result i32)))
      (func (export "run") (param i32) (result i32)
        (i32.add (call $cb (local.get 0)) (i32.const 1000))))
    (core instance $i (instantiate $m (with "parent" (instance (export "cb" (func $cb-lowered))))))
    (func (export "run") (param "x" u32) (result u32) (canon lift (core func $i "run"))))

  ;; the parent's cb: logs through the host, and with x = 1 calls the child
  ;; again through its own lowered import (a table slot filled later).
  (core func $log (canon lower (func $host-log)))
  (core module $cb-mod
    (import "host" "log" (func $log (param i32)))
    (table (export "t") 1 funcref)
    (type $run (func (param i32) (result i32)))
    (func (export "cb") (param i32) (result i32)
      (call $log (local.get 0))
      (if (i32.eq (local.get 0) (i32.const 1))
        (then (return (call_indirect (type $run) (i32.const 2) (i32.const 0)))))
      (i32.add (local.get 0) (i32.const 1))))
  (core instance $cb-inst (instantiate $cb-mod (with "host" (instance (export "log" (func $log))))))
  (func $cb (param "x" u32) (result u32) (canon lift (core func $cb-inst "cb")))

  (instance $c (instantiate $child (with "cb" (func $cb))))
  (alias export $c "run" (func $child-run))
  (core func $child-run-lowered (canon lower (func $child-run)))
  (core module $main
    (import "child" "run" (func $run (param i32) (result i32)))
    (import "cb" "t" (table 1 funcref))
    (elem (i32.const 0) func $run)
    (func (export "run") (param i32) (result i32) (call $run (local.get 0))))
  (core instance $main (instantiate $main
    (with "child" (instance (export "run" (func $child-run-lowered))))
    (with "cb" (instance $cb-inst))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $main "run")))
  (export "child-run" (func $child-run))
)

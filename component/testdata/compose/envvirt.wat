;; World envvirt of wit/compose.wit: wasi:cli/environment@0.2.0 answered
;; from constant data — the environment PLUGWIT=composed MODE=virtual, the
;; arguments [virt] and the working directory /virt.
(module
  (memory (export "memory") 1)
  (data (i32.const 100) "PLUGWIT")
  (data (i32.const 110) "composed")
  (data (i32.const 120) "MODE")
  (data (i32.const 130) "virtual")
  (data (i32.const 140) "virt")
  (data (i32.const 150) "/virt")
  ;; list<tuple<string, string>> at 200: (100, 7, 110, 8), (120, 4, 130, 7)
  (data (i32.const 200) "\64\00\00\00\07\00\00\00\6e\00\00\00\08\00\00\00\78\00\00\00\04\00\00\00\82\00\00\00\07\00\00\00")
  ;; list<string> at 300: (140, 4)
  (data (i32.const 300) "\8c\00\00\00\04\00\00\00")
  ;; return areas: 16 environment (200, 2), 24 arguments (300, 1),
  ;; 32 cwd (some, 150, 5)
  (data (i32.const 16) "\c8\00\00\00\02\00\00\00\2c\01\00\00\01\00\00\00\01\00\00\00\96\00\00\00\05\00\00\00")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
  (func (export "wasi:cli/environment@0.2.0#get-environment") (result i32) (i32.const 16))
  (func (export "wasi:cli/environment@0.2.0#get-arguments") (result i32) (i32.const 24))
  (func (export "wasi:cli/environment@0.2.0#initial-cwd") (result i32) (i32.const 32)))

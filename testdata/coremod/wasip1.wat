;; build-fixtures: skip (built by scripts/build-coremod.sh, which embeds its world)
;; A core-module plugin that uses WASI preview1 (world
;; plugwit:coremod/wasip1 in wit/coremod.wit): it counts its environment
;; variables, arguments and preopened directories, writes to stdout, and
;; creates, writes, reads, lists, renames, links and removes files and
;; directories of its preopens.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from preview1\n")

  (func (export "env-count") (result i32)
    (if (call $environ_sizes_get (i32.const 0) (i32.const 4)) (then unreachable))
    (i32.load (i32.const 0)))

  (func (export "args-count") (result i32)
    (if (call $args_sizes_get (i32.const 0) (i32.const 4)) (then unreachable))
    (i32.load (i32.const 0)))

  ;; preopens are numbered from fd 3 up; fd_prestat_get fails past the last.
  (func (export "preopen-count") (result i32)
    (local $fd i32)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (call $fd_prestat_get (local.get $fd) (i32.const 8)))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $fd) (i32.const 3)))

  ;; hello writes a line to stdout and returns the errno.
  (func (export "hello") (result i32)
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 20))
    (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))

  ;; The file system through preview1 (for wasi/preview1_test.go): each
  ;; function works in the directory descriptor dir (preopens are 3, 4, …)
  ;; and returns the errno, or sets it for last-errno. Memory below 1024 is
  ;; scratch space (the greeting is at 64, a filestat at 128); the bump
  ;; allocator hands out what is above.
  (global $heap (mut i32) (i32.const 1024))
  (global $errno (mut i32) (i32.const 0))

  (func $alloc (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.add
                  (i32.shr_u (i32.sub (global.get $heap) (i32.shl (memory.size) (i32.const 16))) (i32.const 16))
                  (i32.const 1)))
              (i32.const -1))
          (then unreachable))))
    (local.get $p))

  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $size)))
    (if (local.get $old)
      (then
        (memory.copy (local.get $p) (local.get $old)
          (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))

  ;; $open opens path (following links) and returns its descriptor, or -1
  ;; with $errno set.
  (func $open (param $dir i32) (param $p i32) (param $len i32) (param $oflags i32) (param $rights i64) (param $fdflags i32) (result i32)
    (global.set $errno
      (call $path_open (local.get $dir) (i32.const 1) (local.get $p) (local.get $len)
        (local.get $oflags) (local.get $rights) (i64.const 0) (local.get $fdflags) (i32.const 0)))
    (if (result i32) (global.get $errno)
      (then (i32.const -1))
      (else (i32.load (i32.const 0)))))

  ;; $string returns a string result: a pointer to its pointer and length.
  (func $string (param $p i32) (param $len i32) (result i32)
    (i32.store (i32.const 32) (local.get $p))
    (i32.store (i32.const 36) (local.get $len))
    (i32.const 32))

  (func (export "last-errno") (result i32) (global.get $errno))

  ;; open-write opens path with oflags (creat 1, directory 2, excl 4,
  ;; trunc 8) and fdflags (append 1) to read and write, and writes data.
  (func (export "open-write") (param $dir i32) (param $p i32) (param $len i32) (param $data i32) (param $dlen i32) (param $oflags i32) (param $fdflags i32) (result i32)
    (local $fd i32) (local $errno i32)
    (local.set $fd (call $open (local.get $dir) (local.get $p) (local.get $len) (local.get $oflags)
      (i64.const 0x42) (local.get $fdflags)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (global.get $errno))))
    (i32.store (i32.const 16) (local.get $data))
    (i32.store (i32.const 20) (local.get $dlen))
    (local.set $errno (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $fd_close (local.get $fd)))
    (local.get $errno))

  ;; read-file returns up to 4096 bytes of path ("" and last-errno on error).
  (func (export "read-file") (param $dir i32) (param $p i32) (param $len i32) (result i32)
    (local $fd i32) (local $buf i32) (local $n i32)
    (local.set $fd (call $open (local.get $dir) (local.get $p) (local.get $len) (i32.const 0) (i64.const 0x2) (i32.const 0)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (call $string (i32.const 0) (i32.const 0)))))
    (local.set $buf (call $alloc (i32.const 4096)))
    (block $done
      (loop $more
        (i32.store (i32.const 16) (i32.add (local.get $buf) (local.get $n)))
        (i32.store (i32.const 20) (i32.sub (i32.const 4096) (local.get $n)))
        (global.set $errno (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
        (br_if $done (global.get $errno))
        (br_if $done (i32.eqz (i32.load (i32.const 24))))
        (local.set $n (i32.add (local.get $n) (i32.load (i32.const 24))))
        (br_if $more (i32.lt_u (local.get $n) (i32.const 4096)))))
    (drop (call $fd_close (local.get $fd)))
    (call $string (local.get $buf) (local.get $n)))

  ;; list-dir returns the names fd_readdir gives for the directory path,
  ;; each followed by "\n", as they come ("" and last-errno on error).
  (func (export "list-dir") (param $dir i32) (param $p i32) (param $len i32) (result i32)
    (local $fd i32) (local $buf i32) (local $out i32) (local $n i32) (local $off i32) (local $used i32) (local $namlen i32)
    (local.set $fd (call $open (local.get $dir) (local.get $p) (local.get $len) (i32.const 2) (i64.const 0x4002) (i32.const 0)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (call $string (i32.const 0) (i32.const 0)))))
    (local.set $buf (call $alloc (i32.const 4096)))
    (local.set $out (call $alloc (i32.const 4096)))
    (global.set $errno (call $fd_readdir (local.get $fd) (local.get $buf) (i32.const 4096) (i64.const 0) (i32.const 24)))
    (drop (call $fd_close (local.get $fd)))
    (if (global.get $errno) (then (return (call $string (i32.const 0) (i32.const 0)))))
    (local.set $used (i32.load (i32.const 24)))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $off) (i32.const 24)) (local.get $used)))
        (local.set $namlen (i32.load (i32.add (local.get $buf) (i32.add (local.get $off) (i32.const 16)))))
        (br_if $done (i32.gt_u (i32.add (i32.add (local.get $off) (i32.const 24)) (local.get $namlen)) (local.get $used)))
        (memory.copy (i32.add (local.get $out) (local.get $n))
          (i32.add (local.get $buf) (i32.add (local.get $off) (i32.const 24))) (local.get $namlen))
        (local.set $n (i32.add (local.get $n) (local.get $namlen)))
        (i32.store8 (i32.add (local.get $out) (local.get $n)) (i32.const 10))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $off (i32.add (local.get $off) (i32.add (i32.const 24) (local.get $namlen))))
        (br $next)))
    (call $string (local.get $out) (local.get $n)))

  ;; file-size returns the size path_filestat_get gives (0 and last-errno
  ;; on error).
  (func (export "file-size") (param $dir i32) (param $p i32) (param $len i32) (result i64)
    (global.set $errno (call $path_filestat_get (local.get $dir) (i32.const 1) (local.get $p) (local.get $len) (i32.const 128)))
    (if (result i64) (global.get $errno)
      (then (i64.const 0))
      (else (i64.load (i32.const 160)))))

  (func (export "mkdir") (param $dir i32) (param $p i32) (param $len i32) (result i32)
    (call $path_create_directory (local.get $dir) (local.get $p) (local.get $len)))

  (func (export "rmdir") (param $dir i32) (param $p i32) (param $len i32) (result i32)
    (call $path_remove_directory (local.get $dir) (local.get $p) (local.get $len)))

  (func (export "unlink") (param $dir i32) (param $p i32) (param $len i32) (result i32)
    (call $path_unlink_file (local.get $dir) (local.get $p) (local.get $len)))

  (func (export "rename") (param $dir i32) (param $from i32) (param $flen i32) (param $to i32) (param $tlen i32) (result i32)
    (call $path_rename (local.get $dir) (local.get $from) (local.get $flen) (local.get $dir) (local.get $to) (local.get $tlen)))

  (func (export "link") (param $dir i32) (param $from i32) (param $flen i32) (param $to i32) (param $tlen i32) (result i32)
    (call $path_link (local.get $dir) (i32.const 0) (local.get $from) (local.get $flen) (local.get $dir) (local.get $to) (local.get $tlen)))

  (func (export "symlink") (param $dir i32) (param $target i32) (param $tlen i32) (param $p i32) (param $len i32) (result i32)
    (call $path_symlink (local.get $target) (local.get $tlen) (local.get $dir) (local.get $p) (local.get $len)))
)

#!/usr/bin/env python3
# adapter-arena.py WASM WAT OUT: gives the WASI preview1 adapter memory of
# its own in a Go (GOOS=wasip1) module. It finds the arena that starts with
# `plugwit:adapter-arena:<size>;` in WASM's data segments (a Go array the
# program reserves, see testdata/plugins/greeter/go/main.go) and writes OUT,
# the module's text WAT plus an exported cabi_realloc_adapter that
# bump-allocates from the arena. wit-component hands that export to the
# adapter instead of its memory.grow fallback, whose pages Go's heap would
# later take over (Go's sbrk assumes nobody else grows memory).
#
# Used by scripts/build-plugins.sh and scripts/build-wasi-programs.sh.
import re, sys

wasm, wat, out = sys.argv[1:]
b = open(wasm, "rb").read()

def uleb(i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i

def sleb(i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            if x & 0x40:
                r -= 1 << s
            return r, i

found = []
i = 8
while i < len(b):
    sid = b[i]
    size, i = uleb(i + 1)
    end = i + size
    if sid == 11:  # data section: Go emits active segments of memory 0 only
        n, j = uleb(i)
        for _ in range(n):
            flag, j = uleb(j)
            if flag != 0 or b[j] != 0x41:
                sys.exit("unexpected data segment form")
            off, j = sleb(j + 1)
            if b[j] != 0x0B:
                sys.exit("unexpected data segment offset")
            ln, j = uleb(j + 1)
            for m in re.finditer(rb"plugwit:adapter-arena:(\d+);", b[j:j + ln]):
                found.append((off + m.start(), int(m.group(1))))
            j += ln
    i = end
if len(found) != 1:
    sys.exit(f"expected one adapter arena in {wasm}, found {len(found)}")
base, size = found[0]
first, limit = base + 64, base + size  # the signature's line is not used

text = open(wat).read()
k = text.rstrip().rfind(")")
func = f"""  (global $plugwit_arena_next (mut i32) (i32.const {first}))
  (func $plugwit_cabi_realloc_adapter (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    ;; the adapter only ever asks for new memory
    local.get $old
    if
      unreachable
    end
    ;; p = next rounded up to align
    global.get $plugwit_arena_next
    local.get $align
    i32.add
    i32.const 1
    i32.sub
    i32.const 0
    local.get $align
    i32.sub
    i32.and
    local.tee $p
    local.get $size
    i32.add
    i32.const {limit}
    i32.gt_u
    if
      unreachable
    end
    local.get $p
    local.get $size
    i32.add
    global.set $plugwit_arena_next
    local.get $p
  )
  (export "cabi_realloc_adapter" (func $plugwit_cabi_realloc_adapter))
"""
open(out, "w").write(text[:k] + func + text[k:])
print(f"adapter-arena: adapter arena at 0x{base:x}, {size} bytes", file=sys.stderr)

#!/usr/bin/env bash
# Builds the all-types plugin, testdata/plugins/alltypes/alltypes-c.wasm,
# from its sources (testdata/plugins/alltypes/{wit,c}) with wit-bindgen C,
# Debian clang 14 (--target=wasm32-wasi, a reactor) and wasi-libc, then
# `wasm-tools component new`; checks it with `wasm-tools validate` and
# saves its world (`wasm-tools component wit`) as alltypes-c.wit.expected.
#
# The plugin calls no WASI function, so its core module imports none and
# needs no preview1 adapter; the script fails if that ever changes.
#
#   scripts/build-alltypes.sh          rebuild the committed component
#   scripts/build-alltypes.sh -o DIR   build into DIR instead (the build is
#                                      reproducible: TestAlltypesRebuild
#                                      compares the two)
#
# Toolchains: scripts/toolchains.sh (apt clang lld wasi-libc
# libclang-rt-dev-wasm32; cargo wasm-tools wit-bindgen-cli).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
dir=testdata/plugins/alltypes
outdir=$dir
if [ "${1:-}" = "-o" ]; then
	outdir=$2
fi
out=$outdir/alltypes-c.wasm

for t in wit-bindgen clang wasm-tools; do
	command -v "$t" >/dev/null || { echo "build-alltypes: $t not found (run scripts/toolchains.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wit-bindgen c "$dir/wit" --world alltypes --out-dir "$tmp" >&2
# -Wl,--strip-debug drops wasi-libc's DWARF; the name section stays.
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror -Wl,--strip-debug \
	-I"$tmp" -o "$tmp/core.wasm" "$dir/c/alltypes.c" "$tmp/alltypes.c" "$tmp/alltypes_component_type.o"
if wasm-tools print "$tmp/core.wasm" | grep -q '(import "wasi_snapshot_preview1"'; then
	echo "build-alltypes: the core module imports WASI: it would need the preview1 adapter" >&2
	wasm-tools print "$tmp/core.wasm" | grep '(import "wasi_snapshot_preview1"' >&2
	exit 1
fi
wasm-tools component new "$tmp/core.wasm" -o "$out"
wasm-tools validate "$out"
wasm-tools component wit "$out" >"${out%.wasm}.wit.expected"
echo "build-alltypes: built $out ($(stat -c %s "$out") bytes)" >&2

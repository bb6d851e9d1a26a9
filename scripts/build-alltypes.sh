#!/usr/bin/env bash
# Builds the all-types plugin from its sources (testdata/plugins/alltypes:
# wit/, c/, rust/), in two implementations of the same world:
#
#   c     alltypes-c.wasm: wit-bindgen C, Debian clang 14
#         (--target=wasm32-wasi, a reactor) and wasi-libc, then
#         `wasm-tools component new`. The plugin calls no WASI function, so
#         its core module imports none and needs no preview1 adapter; the
#         script fails if that ever changes.
#   rust  alltypes-rust.wasm: the wit-bindgen crate and cargo for
#         wasm32-wasip2 (cargo links the component). Rust's std and the
#         target's wasi-libc import WASI 0.2 directly (wasi:cli, wasi:io:
#         stdio, panics, exit), though the plugin calls none of it, so
#         this component's world has WASI imports the C one has not.
#
# Each is checked with `wasm-tools validate` and its world
# (`wasm-tools component wit`) saved as alltypes-<impl>.wit.expected.
#
#   scripts/build-alltypes.sh [c] [rust]          rebuild the committed
#                                                 components (both by default)
#   scripts/build-alltypes.sh -o DIR [c] [rust]   build into DIR instead
#                                                 (TestAlltypesRebuild
#                                                 compares the builds)
#
# The C build is reproducible (byte for byte); the Rust one depends on the
# Rust toolchain's version (std is linked in), so only its world is
# compared.
#
# Toolchains: scripts/toolchains.sh (apt clang lld wasi-libc
# libclang-rt-dev-wasm32; cargo wasm-tools wit-bindgen-cli; rust: rustup
# target add wasm32-wasip2).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
dir=testdata/plugins/alltypes
outdir=$dir
if [ "${1:-}" = "-o" ]; then
	outdir=$2
	shift 2
fi
impls=("$@")
if [ ${#impls[@]} -eq 0 ]; then
	impls=(c rust)
fi

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "build-alltypes: $t not found (run scripts/toolchains.sh)" >&2; exit 1; }
	done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

finish() { # the component: validate, save its world
	local out=$1
	wasm-tools validate "$out"
	wasm-tools component wit "$out" >"${out%.wasm}.wit.expected"
	echo "build-alltypes: built $out ($(stat -c %s "$out") bytes)" >&2
}

build_c() {
	need wit-bindgen clang wasm-tools
	local out=$outdir/alltypes-c.wasm
	wit-bindgen c "$dir/wit" --world alltypes --out-dir "$tmp/c" >&2
	# -Wl,--strip-debug drops wasi-libc's DWARF; the name section stays.
	clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror -Wl,--strip-debug \
		-I"$tmp/c" -o "$tmp/c/core.wasm" "$dir/c/alltypes.c" "$tmp/c/alltypes.c" "$tmp/c/alltypes_component_type.o"
	if wasm-tools print "$tmp/c/core.wasm" | grep -q '(import "wasi_snapshot_preview1"'; then
		echo "build-alltypes: the core module imports WASI: it would need the preview1 adapter" >&2
		wasm-tools print "$tmp/c/core.wasm" | grep '(import "wasi_snapshot_preview1"' >&2
		exit 1
	fi
	wasm-tools component new "$tmp/c/core.wasm" -o "$out"
	finish "$out"
}

build_rust() {
	need cargo rustup wasm-tools
	if ! rustup target list --installed | grep -qx wasm32-wasip2; then
		echo "build-alltypes: the Rust target wasm32-wasip2 is not installed (rustup target add wasm32-wasip2)" >&2
		exit 1
	fi
	local out=$outdir/alltypes-rust.wasm
	# Cargo.toml's release profile: opt-level "s", lto, strip, panic=abort.
	(cd "$dir/rust" && cargo build --locked --release --target wasm32-wasip2 --target-dir "$tmp/rust" >&2)
	cp "$tmp/rust/wasm32-wasip2/release/alltypes_rust.wasm" "$out"
	finish "$out"
}

for impl in "${impls[@]}"; do
	case $impl in
	c) build_c ;;
	rust) build_rust ;;
	*) echo "build-alltypes: unknown implementation $impl (c, rust)" >&2; exit 2 ;;
	esac
done

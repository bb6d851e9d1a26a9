#!/usr/bin/env bash
# Builds the WASI programs under testdata/wasi-programs/ (see its README)
# from their sources in this repository with real guest toolchains, for the
# WASI host's tests (wasi/programs_test.go):
#
#   c    wasiprog.c: Debian clang + wasi-libc, a preview1 *command*, made a
#        component with the wasmtime preview1 command adapter   (committed)
#   go   main.go: GOOS=wasip1 go build, the same command adapter
#                                                               (committed)
#   js   fetch.js, serve.js: componentize-js (SpiderMonkey), ~12 MB each
#                                                               (gitignored)
#   rust fetch/, proxy/: cargo --target wasm32-wasip2 with the `wasi` crate's
#        wasi:http bindings: a command and a wasi:http/proxy   (committed)
#
#   scripts/build-wasi-programs.sh [c|go|js|rust]...   (default: all)
#
# Each component is validated with wasm-tools. Toolchains come from
# scripts/toolchains.sh; the WASI WIT the JS worlds name from
# scripts/fetch-wasi-wit.sh (run here when missing). A program whose
# toolchain is missing is skipped with a message, and the script fails at
# the end. scripts/wasi-programs.sh runs the built programs end to end
# through `plugwit run` and `plugwit serve`.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
node_modules=$root/.tools/node/node_modules
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The wasmtime preview1 adapter, command flavour (exports wasi:cli/run and
# calls the module's _start), from jco's npm package: a build input, never
# committed by itself.
adapter=${WASI_COMMAND_ADAPTER:-$node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm}
dir=testdata/wasi-programs

log() { echo "build-wasi-programs: $*" >&2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

missing=()
need() { # tool-path-or-command what
	if [ -e "$1" ] || command -v "$1" >/dev/null 2>&1; then
		return 0
	fi
	log "skipping $2: $1 not found (run scripts/toolchains.sh)"
	missing+=("$2")
	return 1
}

built() {
	wasm-tools validate "$1"
	log "built $1 ($(stat -c %s "$1") bytes)"
}

build_c() {
	need clang c || return 0
	need "$adapter" c || return 0
	# Debian's clang 14 has no wasm32-wasip2 target: a preview1 command
	# (crt1-command.o: _start calls main and then exit) adapted to 0.2.
	# --strip-debug drops wasi-libc's DWARF; the name section stays, for
	# readable traps.
	clang --target=wasm32-wasi -O2 -Wall -Werror -Wl,--strip-debug \
		-o "$tmp/wasiprog-c.core.wasm" "$dir/c/wasiprog.c"
	wasm-tools component new "$tmp/wasiprog-c.core.wasm" \
		--adapt "wasi_snapshot_preview1=$adapter" -o "$dir/c/wasiprog-c.wasm"
	built "$dir/c/wasiprog-c.wasm"
}

build_go() {
	need go go || return 0
	need "$adapter" go || return 0
	need python3 go || return 0
	# A plain wasip1 command: the adapter's _start runs the Go runtime's
	# _start, which runs main and calls proc_exit.
	(cd "$dir/go" && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false \
		-ldflags=-s -o "$tmp/go.wasm" .)
	# Give the adapter the program's static arena (see main.go).
	wasm-tools print "$tmp/go.wasm" -o "$tmp/go.wat"
	python3 scripts/adapter-arena.py "$tmp/go.wasm" "$tmp/go.wat" "$tmp/core.wat"
	wasm-tools parse "$tmp/core.wat" -o "$tmp/wasiprog-go.core.wasm"
	wasm-tools component new "$tmp/wasiprog-go.core.wasm" \
		--adapt "wasi_snapshot_preview1=$adapter" -o "$dir/go/wasiprog-go.wasm"
	built "$dir/go/wasiprog-go.wasm"
}

build_js() {
	local cli=$node_modules/@bytecodealliance/componentize-js/src/cli.js
	need "$cli" js || return 0
	need node js || return 0
	[ -d testdata/wasi-0.2/deps ] || scripts/fetch-wasi-wit.sh
	# The world file and the WASI packages, as one WIT package directory.
	local w=$tmp/js-wit
	mkdir -p "$w"
	cp "$dir/js/wit/world.wit" "$w/"
	cp -r testdata/wasi-0.2/deps "$w/deps"
	# fetch.js: fetch() needs the http feature; no incoming handler.
	node "$cli" "$dir/js/fetch.js" --wit "$w" --world-name fetch \
		-d fetch-event -o "$dir/js/fetch-js.wasm"
	built "$dir/js/fetch-js.wasm"
	# serve.js: exports incomingHandler itself (so no fetch event).
	node "$cli" "$dir/js/serve.js" --wit "$w" --world-name serve \
		-o "$dir/js/serve-js.wasm"
	built "$dir/js/serve-js.wasm"
}

build_rust() {
	need cargo rust || return 0
	need rustup rust || return 0
	if ! rustup target list --installed | grep -qx wasm32-wasip2; then
		log "skipping rust: target wasm32-wasip2 not installed (rustup target add wasm32-wasip2)"
		missing+=(rust)
		return 0
	fi
	local p
	for p in fetch proxy; do
		(cd "$dir/rust/$p" && cargo build --locked --release --target wasm32-wasip2 \
			--target-dir "$tmp/rust" >&2)
	done
	cp "$tmp/rust/wasm32-wasip2/release/fetch-rust.wasm" "$dir/rust/fetch-rust.wasm"
	built "$dir/rust/fetch-rust.wasm"
	cp "$tmp/rust/wasm32-wasip2/release/proxy_rust.wasm" "$dir/rust/proxy-rust.wasm"
	built "$dir/rust/proxy-rust.wasm"
}

need wasm-tools wasm-tools || exit 1
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(c go js rust)
for p in "${programs[@]}"; do
	case $p in
	c | go | js | rust) "build_$p" ;;
	*) echo "usage: $0 [c|go|js|rust]..." >&2; exit 2 ;;
	esac
done

if [ ${#missing[@]} -gt 0 ]; then
	log "not built: ${missing[*]}"
	exit 1
fi

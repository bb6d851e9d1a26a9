#!/usr/bin/env bash
# Builds the plugin fixtures under testdata/plugins/ from their sources in
# this repository with the standard guest toolchains, then checks each one:
#
#   wasm-tools validate            the component is valid
#   wasm-tools component wit       its world, saved beside it as
#                                  NAME.wit.expected (the golden that
#                                  `plugwit inspect --wit` must print)
#   jco transpile, node            the plugin, run in Node with jco's WASI
#                                  shim and a cool-print, prints the two
#                                  lines of the reference scenario
#
#   scripts/build-plugins.sh [PLUGIN...]       PLUGIN: js qjs c go py rust (default: all)
#   scripts/build-plugins.sh -run [PLUGIN...]  only run the built components in Node
#
# Toolchains come from scripts/toolchains.sh (run it first; it is
# idempotent). A plugin whose toolchain is missing is skipped with a
# message, and the script fails at the end.
#
# Which built components are committed (see testdata/plugins/README.md): the
# small ones, qjs (both runtimes), c, go and rust (both builds). js
# (componentize-js, ~12 MB) and py
# (componentize-py, ~18 MB) are gitignored; the tests skip them when absent.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
tools=$root/.tools
node_modules=$tools/node/node_modules
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

adapter=$node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm
greeter=testdata/plugins/greeter
wit=$greeter/wit

log() { echo "build-plugins: $*" >&2; }

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

# check OUT: validate, save the world, run the scenario in Node.
check() {
	local out=$1
	wasm-tools validate "$out"
	wasm-tools component wit "$out" >"${out%.wasm}.wit.expected"
	log "built $out ($(stat -c %s "$out") bytes)"
	run_in_node "$out"
}

# run_in_node OUT: transpiles the component with jco into .tools/node/run
# (so that it finds the preview2 shim) and runs init-plugin and greet with
# a cool-print that prints the reference line. wasmtime is no use here: it
# has no host for cool-print, and with -W unknown-imports-trap=y it fails
# to link the adapter's wasi:io@0.2.12 imports.
run_in_node() {
	local out=$1 name
	name=$(basename "${out%.wasm}")
	if [[ $name == *-async ]] && ! node -e 'process.exit(typeof WebAssembly.Suspending === "function" ? 0 : 1)'; then
		log "  not run: jco runs async-ABI components with JSPI (WebAssembly.Suspending), which Node $(node --version) lacks"
		return
	fi
	if [ ! -e "$node_modules/@bytecodealliance/jco/dist/jco.js" ]; then
		log "  not run: jco not found (run scripts/toolchains.sh npm)"
		missing+=("$out (run)")
		return
	fi
	local dir=$tools/node/run/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	echo '{"type": "module"}' >"$tools/node/run/package.json"
	node --import "$tools/node/preload.mjs" "$node_modules/@bytecodealliance/jco/dist/jco.js" \
		transpile "$root/$out" -o "$dir" --name plugin --map 'cool-print=./cool.mjs' --quiet
	cat >"$dir/cool.mjs" <<'JS'
export default function coolPrint() {
  console.log('This cool print is running natively and has been called from wasm!');
}
JS
	cat >"$dir/run.mjs" <<'JS'
import { initPlugin, greet } from './plugin.js';
initPlugin();
greet({ content: 'hello world from wasm!', name: 'alez' });
JS
	local got want
	# QuickJS and CPython use extended-const, which Node 20 leaves off.
	got=$(cd "$dir" && node --experimental-wasm-extended-const run.mjs 2>&1) || true
	want=$'Oh! hello world from wasm!, my name is alez\nThis cool print is running natively and has been called from wasm!'
	if [ "$got" = "$want" ]; then
		log "  jco transpile + node: prints the greeting, then the cool print"
	else
		log "  jco transpile + node: unexpected output:"
		sed 's/^/    /' <<<"$got" >&2
		missing+=("$out (run)")
	fi
}

# adapt CORE OUT: a component from an embedded wasip1 reactor.
adapt() {
	wasm-tools component new "$1" --adapt "wasi_snapshot_preview1=$adapter" -o "$2"
}

build_js() { # componentize-js (SpiderMonkey): large, not committed
	need "$node_modules/@bytecodealliance/componentize-js/src/cli.js" js || return 0
	local out=$greeter/js/greeter-js.wasm
	node "$node_modules/@bytecodealliance/componentize-js/src/cli.js" "$greeter/js/greeter.js" \
		--wit "$wit" --world-name api -d random clocks http fetch-event -o "$out"
	check "$out"
}

build_qjs() { # componentize-qjs (QuickJS), synchronous ABI, size-optimised runtime
	need "$node_modules/componentize-qjs/cli.mjs" qjs || return 0
	local w=$tmp/qjs-wit
	mkdir -p "$w/deps/alez-api"
	cp "$greeter/qjs/world.wit" "$w/"
	cp "$wit/greeter.wit" "$w/deps/alez-api/"
	cp -r testdata/plugins/wit-deps/. "$w/deps/"
	local out=$greeter/qjs/greeter-qjs.wasm
	node "$node_modules/componentize-qjs/cli.mjs" --wit "$w" --world api-qjs \
		--js "$greeter/qjs/greeter.js" --sync --opt-size -o "$out" >&2
	check "$out"
	# The default runtime: the same plugin on the component-model async ABI
	# (task.return, waitable sets, ...), for the runtime's async support.
	out=$greeter/qjs/greeter-qjs-async.wasm
	node "$node_modules/componentize-qjs/cli.mjs" --wit "$w" --world api-qjs \
		--js "$greeter/qjs/greeter.js" -o "$out" >&2
	check "$out"
}

build_c() { # wit-bindgen C bindings + clang wasm32-wasi reactor + preview1 adapter
	need wit-bindgen c || return 0
	need clang c || return 0
	need "$adapter" c || return 0
	local b=$tmp/c
	wit-bindgen c "$wit" --world api --out-dir "$b" >&2
	# Debian's clang 14 has no wasm32-wasip2 target: build a preview1
	# reactor and adapt it. --strip-debug drops wasi-libc's DWARF, the
	# name section stays.
	clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wl,--strip-debug \
		-I"$b" -o "$b/core.wasm" "$greeter/c/greeter.c" "$b/api.c" "$b/api_component_type.o"
	local out=$greeter/c/greeter-c.wasm
	adapt "$b/core.wasm" "$out"
	check "$out"
}

build_go() { # standard Go wasip1 reactor, core ABI by hand, embedded WIT + adapter
	need go go || return 0
	need python3 go || return 0
	need "$adapter" go || return 0
	local b=$tmp/go
	mkdir -p "$b"
	(cd "$greeter/go" && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared \
		-trimpath -buildvcs=false -o "$b/go.wasm" .)
	# Give the preview1 adapter the Go program's static arena through a
	# cabi_realloc_adapter that is not Go (see the comments in main.go).
	wasm-tools print "$b/go.wasm" -o "$b/go.wat"
	add_arena_realloc "$b/go.wasm" "$b/go.wat" "$b/core.wat"
	wasm-tools parse "$b/core.wat" -o "$b/core.wasm"
	wasm-tools component embed "$wit" --world api "$b/core.wasm" -o "$b/embedded.wasm"
	local out=$greeter/go/greeter-go.wasm
	adapt "$b/embedded.wasm" "$out"
	check "$out"
}

# add_arena_realloc WASM WAT OUT: WAT with an allocator for the adapter over
# the Go program's arena (scripts/adapter-arena.py).
add_arena_realloc() {
	python3 scripts/adapter-arena.py "$@"
}

build_py() { # componentize-py: bundles CPython, large, not committed
	need "$tools/venv/bin/componentize-py" py || return 0
	local out=$root/$greeter/py/greeter-py.wasm
	(cd "$greeter/py" && PYTHONDONTWRITEBYTECODE=1 "$tools/venv/bin/componentize-py" \
		-d ../wit -w api componentize app -o "$out" >&2)
	check "$greeter/py/greeter-py.wasm"
}

build_rust() { # wit-bindgen (crate) + cargo, the reference scenario's own toolchain
	need cargo rust || return 0
	need rustup rust || return 0
	local t
	for t in wasm32-wasip2 wasm32-wasip1; do
		if ! rustup target list --installed | grep -qx "$t"; then
			log "skipping rust: target $t not installed (rustup target add $t)"
			missing+=(rust)
			return 0
		fi
	done
	local dir=$greeter/rust b=$tmp/rust
	# wasm32-wasip2: std's own WASI 0.2 imports; cargo links the component.
	(cd "$dir" && cargo build --locked --release --target wasm32-wasip2 --target-dir "$b" >&2)
	cp "$b/wasm32-wasip2/release/greeter_rust.wasm" "$dir/greeter-rust.wasm"
	check "$dir/greeter-rust.wasm"
	# wasm32-wasip1 and the preview1 adapter, as older Rust toolchains built
	# wasip2 components (the reference plugin's imports: wasi:filesystem,
	# wasi:clocks/wall-clock, ...).
	(cd "$dir" && cargo build --locked --release --target wasm32-wasip1 --target-dir "$b" >&2)
	adapt "$b/wasm32-wasip1/release/greeter_rust.wasm" "$dir/greeter-rust-p1.wasm"
	check "$dir/greeter-rust-p1.wasm"
}

need wasm-tools wasm-tools || exit 1
run_only=false
if [ "${1:-}" = "-run" ]; then
	run_only=true
	shift
fi
plugins=("$@")
[ ${#plugins[@]} -gt 0 ] || plugins=(js qjs c go py rust)
for p in "${plugins[@]}"; do
	case $p in
	js | qjs | c | go | py | rust) ;;
	*) echo "usage: $0 [-run] [js|qjs|c|go|py|rust]..." >&2; exit 2 ;;
	esac
	if ! $run_only; then
		"build_$p"
		continue
	fi
	for out in "$greeter/$p"/greeter-*.wasm; do
		if [ -e "$out" ]; then
			run_in_node "$out"
		else
			log "$p: not built"
		fi
	done
done

if [ ${#missing[@]} -gt 0 ]; then
	log "not built or not confirmed: ${missing[*]}"
	exit 1
fi

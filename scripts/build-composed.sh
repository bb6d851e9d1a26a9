#!/usr/bin/env bash
# Builds the composed-component fixtures of component/testdata/compose and the
# world regression fixtures of component/testdata/world from sources in this
# repository; component/compose_test.go uses them. Each NAME.wasm gets a
# NAME.wit.expected: what `wasm-tools component wit` prints for it.
#
# compose/ (sources: *.wat and wit/compose.wit beside the fixtures):
#   nested.wasm      nested.wat, hand-written nested components (outer type
#                    aliases, a host resource used by a nested component,
#                    re-exported instances)
#   upper16.wasm     upper16.wat as a component working on UTF-16 strings
#   tally.wasm       tally.wat as a component importing the counters of
#                    plugwit:coremod and plugwit:compose/text
#   cool.wasm        cool.wat, a plug for the greeter's cool-print
#   coremod-component.wasm  testdata/coremod/coremod.wasm made a component
#   tally-plugged.wasm      `wac plug tally --plug coremod-component --plug
#                    upper16`: a resource defined by one component used by
#                    another, and a UTF-8/UTF-16 boundary
#   greeter-cool.wasm       `wac plug` of the C greeter plugin
#                    (testdata/plugins/greeter/c) with cool.wasm
#   envvirt.wasm     envvirt.wat, exporting wasi:cli/environment
#   env-virt.wasm    `wac plug` of wasi/testdata/env.wasm with envvirt.wasm
#   tally-tools.wasm `wac compose` of tally-tools.wac: the pieces above
#                    instantiated with explicit arguments, re-exporting the
#                    counters instance of one of them
# world/ (dummy components of worlds of testdata/wit/valid, made by
#   `wasm-tools component embed --dummy` and `component new`).
#
# Needs wasm-tools and wac (cargo install --locked wasm-tools wac-cli).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v wasm-tools >/dev/null || { echo "build-composed: wasm-tools not found" >&2; exit 2; }
command -v wac >/dev/null || { echo "build-composed: wac not found (cargo install --locked wac-cli)" >&2; exit 2; }
dir=component/testdata/compose
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { wasm-tools component wit "$1" >"${1%.wasm}.wit.expected"; }

# The pieces: core modules with their worlds embedded, made components.
piece() { # name [embed flags]
	local name=$1
	shift
	wasm-tools parse "$dir/$name.wat" -o "$tmp/$name.core.wasm"
	wasm-tools component embed "$dir/wit" --world "$name" "$@" "$tmp/$name.core.wasm" -o "$tmp/$name.embed.wasm"
	wasm-tools component new "$tmp/$name.embed.wasm" -o "$dir/$name.wasm"
	expect "$dir/$name.wasm"
}
piece upper16 --encoding utf16
piece tally
piece cool
piece envvirt
wasm-tools component new testdata/coremod/coremod.wasm -o "$dir/coremod-component.wasm"
expect "$dir/coremod-component.wasm"

wasm-tools parse "$dir/nested.wat" -o "$dir/nested.wasm"
expect "$dir/nested.wasm"

# Compositions.
wac plug "$dir/tally.wasm" --plug "$dir/coremod-component.wasm" --plug "$dir/upper16.wasm" -o "$dir/tally-plugged.wasm"
expect "$dir/tally-plugged.wasm"
wac plug testdata/plugins/greeter/c/greeter-c.wasm --plug "$dir/cool.wasm" -o "$dir/greeter-cool.wasm"
expect "$dir/greeter-cool.wasm"
wac plug wasi/testdata/env.wasm --plug "$dir/envvirt.wasm" -o "$dir/env-virt.wasm"
expect "$dir/env-virt.wasm"
wac compose "$dir/tally-tools.wac" \
	--dep plugwit:tally="$dir/tally.wasm" --dep plugwit:coremod="$dir/coremod-component.wasm" \
	--dep plugwit:upper16="$dir/upper16.wasm" -o "$dir/tally-tools.wasm"
expect "$dir/tally-tools.wasm"

for f in "$dir"/*.wasm; do
	wasm-tools validate "$f"
	echo "build-composed: $f ($(stat -c %s "$f") bytes)" >&2
done

# World regression fixtures.
wdir=component/testdata/world
mkdir -p "$wdir"
for spec in world-external-id.wit:my-component world-use-cross-package.wit:w deps-toplevel-use-versioned:w; do
	src=${spec%%:*}
	world=${spec##*:}
	name=$(basename "$src" .wit)
	wasm-tools component embed --dummy -w "$world" "testdata/wit/valid/$src" -o "$tmp/$name.embed.wasm"
	wasm-tools component new "$tmp/$name.embed.wasm" -o "$wdir/$name.wasm"
	expect "$wdir/$name.wasm"
	echo "build-composed: $wdir/$name.wasm ($(stat -c %s "$wdir/$name.wasm") bytes)" >&2
done

#!/usr/bin/env bash
# Builds the core-module plugin fixtures under testdata/coremod/ from their
# sources in this repository (component/coremod_test.go uses them):
#
#   coremod.wasm             coremod.wat, assembled, with the world of
#                            wit/coremod.wit embedded (`wasm-tools component
#                            embed`): the custom section "component-type"
#   coremod.wit.expected     what `wasm-tools component wit` prints for it
#   wasip1.wasm              wasip1.wat (a plugin using WASI preview1) with
#                            the world wasip1 embedded, and its
#   wasip1.wit.expected      world as wasm-tools prints it
#   greeter.component-type   the contents of the component-type section that
#                            `wasm-tools component embed` writes for the
#                            greeter world (testdata/plugins/greeter/wit):
#                            the tests build the Go greeter from source and
#                            append this section to it, so that no 2 MB Go
#                            module needs committing
#   greeter-core.wit.expected  what `wasm-tools component wit` prints for the
#                            embedded Go greeter
#
# Each built module is checked by `wasm-tools component new` (wit-component
# accepts it as a core module to componentize). Needs wasm-tools
# (scripts/toolchains.sh) and, for the greeter, go.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
dir=testdata/coremod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wasm-tools parse "$dir/coremod.wat" -o "$tmp/coremod.wasm"
wasm-tools component embed "$dir/wit" --world plugin "$tmp/coremod.wasm" -o "$dir/coremod.wasm"
wasm-tools component new "$dir/coremod.wasm" -o "$tmp/coremod.component.wasm"
wasm-tools component wit "$dir/coremod.wasm" >"$dir/coremod.wit.expected"
echo "build-coremod: built $dir/coremod.wasm ($(stat -c %s "$dir/coremod.wasm") bytes)" >&2

wasm-tools parse "$dir/wasip1.wat" -o "$tmp/wasip1.wasm"
wasm-tools component embed "$dir/wit" --world wasip1 "$tmp/wasip1.wasm" -o "$dir/wasip1.wasm"
wasm-tools component wit "$dir/wasip1.wasm" >"$dir/wasip1.wit.expected"
echo "build-coremod: built $dir/wasip1.wasm ($(stat -c %s "$dir/wasip1.wasm") bytes)" >&2

# The greeter's section: embed the world into an empty module and cut the
# custom section out.
greeter=testdata/plugins/greeter
printf '(module)' | wasm-tools parse -o "$tmp/empty.wasm"
wasm-tools component embed "$greeter/wit" --world api "$tmp/empty.wasm" -o "$tmp/empty-embedded.wasm"
python3 - "$tmp/empty-embedded.wasm" "$dir/greeter.component-type" <<'PY'
import sys

b = open(sys.argv[1], "rb").read()

def uleb(i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i

i, found = 8, []
while i < len(b):
    sid = b[i]
    size, j = uleb(i + 1)
    end = j + size
    if sid == 0:
        n, k = uleb(j)
        if b[k:k + n].decode().startswith("component-type"):
            found.append(b[k + n:end])
    i = end
if len(found) != 1:
    sys.exit(f"expected one component-type section, found {len(found)}")
open(sys.argv[2], "wb").write(found[0])
PY
echo "build-coremod: built $dir/greeter.component-type ($(stat -c %s "$dir/greeter.component-type") bytes)" >&2

if command -v go >/dev/null; then
	(cd "$greeter/go" && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared \
		-trimpath -buildvcs=false -o "$tmp/go.wasm" .)
	wasm-tools component embed "$greeter/wit" --world api "$tmp/go.wasm" -o "$tmp/go-embedded.wasm"
	wasm-tools component wit "$tmp/go-embedded.wasm" >"$dir/greeter-core.wit.expected"
	echo "build-coremod: checked the Go greeter core module ($(stat -c %s "$tmp/go-embedded.wasm") bytes, not committed)" >&2
fi

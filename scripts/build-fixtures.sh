#!/usr/bin/env bash
# Builds the WebAssembly fixtures: every NAME.wat under a testdata directory of
# this repository becomes NAME.wasm beside it (`wasm-tools parse`), which is then
# validated (`wasm-tools validate`, with `--features all` where the installed
# wasm-tools has that flag). The built .wasm files are committed so that
# `go test` needs no wasm-tools.
#
#   scripts/build-fixtures.sh          rebuild and validate every fixture
#   scripts/build-fixtures.sh -check   rebuild into a temporary directory and
#                                      fail if a committed .wasm differs
#
# A .wat containing the line `;; build-fixtures: no-validate` is built but not
# validated (for fixtures that are deliberately invalid but decodable); one
# containing `;; build-fixtures: skip (…)` is built by another script, named
# in the parentheses, and left alone.
#
# wasm-tools is installed with `cargo install --locked wasm-tools` when it is
# missing (a native build of several minutes).
set -euo pipefail

cd "$(dirname "$0")/.."

check=false
if [ "${1:-}" = "-check" ]; then
	check=true
	shift
fi
if [ $# -ne 0 ]; then
	echo "usage: $0 [-check]" >&2
	exit 2
fi

if ! command -v wasm-tools >/dev/null 2>&1; then
	if [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-tools" ]; then
		export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
	else
		echo "wasm-tools not found; installing it with cargo (this takes a few minutes)" >&2
		cargo install --locked wasm-tools
		export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
	fi
fi
echo "using $(wasm-tools --version) ($(command -v wasm-tools))" >&2

validate_flags=()
if wasm-tools validate --help 2>/dev/null | grep -q -- '--features'; then
	validate_flags=(--features all)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
n=0
while IFS= read -r -d '' wat; do
	wasm=${wat%.wat}.wasm
	if grep -q '^;; build-fixtures: skip' "$wat"; then
		echo "skipped $wat ($(grep -o '^;; build-fixtures: skip.*' "$wat" | head -1 | sed 's/^;; build-fixtures: skip *//'))" >&2
		continue
	fi
	out=$wasm
	if $check; then
		out=$tmp/$n.wasm
	fi
	wasm-tools parse "$wat" -o "$out"
	if grep -q '^;; build-fixtures: no-validate' "$wat"; then
		echo "built $wasm (not validated)" >&2
	else
		wasm-tools validate "${validate_flags[@]}" "$out"
		echo "built $wasm" >&2
	fi
	if $check && ! cmp -s "$out" "$wasm"; then
		echo "out of date: $wasm (run scripts/build-fixtures.sh)" >&2
		status=1
	fi
	n=$((n + 1))
done < <(find . -path ./.git -prune -o -type d -name fuzz -prune -o \
	-type f -name '*.wat' -path '*/testdata/*' -print0 | sort -z)

echo "$n fixture(s)" >&2
exit $status

#!/usr/bin/env bash
# Differential test of the WIT parser against wasm-tools, the reference
# implementation (wit-parser), over the corpus in testdata/wit.
#
#   scripts/wit-diff.sh [go test flags…]   run TestWasmToolsCorpus and TestDiffWasmTools verbosely
#   scripts/wit-diff.sh -seed              (re)write testdata/wit/valid/NAME.json and
#                                          NAME.wit.printed from wasm-tools, for review
#
# wasm-tools is installed with `cargo install --locked wasm-tools` when it is
# missing (a native build of several minutes).
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v wasm-tools >/dev/null 2>&1; then
	if [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-tools" ]; then
		export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
	else
		echo "wasm-tools not found; installing it with cargo (this takes a few minutes)" >&2
		cargo install --locked wasm-tools
		export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
	fi
fi
echo "reference: $(wasm-tools --version) ($(command -v wasm-tools))" >&2

features=(--features active)

if [ "${1:-}" = "-seed" ]; then
	shift
	n=0
	for path in testdata/wit/valid/*; do
		case "$path" in
		*.wit) name=${path%.wit} ;;
		*.json | *.printed) continue ;;
		*) [ -d "$path" ] || continue; name=$path ;;
		esac
		wasm-tools component wit --color never "${features[@]}" --json "$path" >"$name.json"
		wasm-tools component wit --color never "${features[@]}" "$path" >"$name.wit.printed"
		n=$((n + 1))
	done
	echo "seeded $n valid cases from $(wasm-tools --version)" >&2
	exit 0
fi

exec go test ./wit -run '^(TestWasmToolsCorpus|TestDiffWasmTools)$' -count=1 -v "$@"

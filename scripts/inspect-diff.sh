#!/usr/bin/env bash
# Compares `plugwit inspect --wit` with `wasm-tools component wit` on
# components generated from our WIT corpus: for every world of every valid
# package under testdata/wit/valid, `wasm-tools component embed --dummy`
# makes a core module and `wasm-tools component new` a component (built in a
# temporary directory, never committed). Prints one line per difference and a
# summary; exits 1 when any world differs. Needs wasm-tools and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wasm-tools >/dev/null || { echo "inspect-diff: wasm-tools not found (cargo install --locked wasm-tools)"; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/plugwit" ./cmd/plugwit
same=0; diff=0; skipped=0
for pkg in testdata/wit/valid/*.wit testdata/wit/valid/*/; do
  worlds=$(wasm-tools component wit --json "$pkg" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(d["packages"][-1]["worlds"].keys()))' 2>/dev/null || true)
  for w in $worlds; do
    name=$(basename "$pkg" .wit)-$w
    if ! wasm-tools component embed --dummy -w "$w" "$pkg" -o "$tmp/e.wasm" 2>/dev/null ||
       ! wasm-tools component new "$tmp/e.wasm" -o "$tmp/$name.wasm" 2>/dev/null; then
      skipped=$((skipped+1)); continue
    fi
    wasm-tools component wit "$tmp/$name.wasm" >"$tmp/want.wit" 2>&1 || true
    "$tmp/plugwit" inspect --wit "$tmp/$name.wasm" >"$tmp/got.wit" 2>&1 || true
    if cmp -s "$tmp/want.wit" "$tmp/got.wit"; then
      same=$((same+1))
    else
      diff=$((diff+1)); echo "differs: $pkg world $w"
      if [ -n "${VERBOSE:-}" ]; then diff "$tmp/got.wit" "$tmp/want.wit" | head -20 || true; fi
    fi
  done
done
echo "inspect-diff: $same same, $diff different, $skipped not buildable"
[ "$diff" -eq 0 ]

#!/usr/bin/env bash
# Fetch the WASI 0.2 WIT interface set into testdata/wasi-0.2/, for the
# benchmarks in wit/bench_test.go (BENCHMARKS.md) and for checking the parser
# on real-world WIT.
#
#   scripts/fetch-wasi-wit.sh          fetch (does nothing when already up to date)
#   scripts/fetch-wasi-wit.sh -force   fetch again and rewrite testdata/wasi-0.2/
#
# The WIT files are not ours, so they are never committed (testdata/wasi-0.2/
# is in .gitignore): this script takes them from a pinned release of the Rust
# crate wasmtime-wasi-http, whose wit/deps/ folder holds the seven WASI 0.2
# packages (cli, clocks, filesystem, http, io, random, sockets). The crate is
# fetched with cargo (`cargo info` downloads just that one crate into cargo's
# cache, without its dependencies) and its archive is checked against the
# sha256 pinned here, which is also the checksum the registry index records.
#
# Result, a package directory that wit.LoadPath and `wasm-tools component wit`
# both take:
#
#   testdata/wasi-0.2/all.wit       package plugwit:wasi-bench, world `all`
#                                   including every WASI 0.2 world (written here)
#   testdata/wasi-0.2/deps/*.wit    the seven WASI packages, one file each
#   testdata/wasi-0.2/.fetched      what they were taken from
set -euo pipefail

CRATE=wasmtime-wasi-http
VERSION=50.0.1
SHA256=b8dcf39dbdea6ced0c3a727b1815ae163828b01b053e04c0af388429b3961eeb
WASI=0.2.12 # the version of the WASI packages in that release
PACKAGES=(cli clocks filesystem http io random sockets)

cd "$(dirname "$0")/.."
out=testdata/wasi-0.2
stamp="$CRATE $VERSION sha256:$SHA256 wasi@$WASI"

force=
case "${1:-}" in
'') ;;
-force) force=1 ;;
*)
	echo "usage: $0 [-force]" >&2
	exit 2
	;;
esac

if [ -z "$force" ] && [ -f "$out/.fetched" ] && [ "$(cat "$out/.fetched")" = "$stamp" ]; then
	complete=1
	for p in "${PACKAGES[@]}"; do
		[ -f "$out/deps/$p.wit" ] || complete=
	done
	if [ -n "$complete" ] && [ -f "$out/all.wit" ]; then
		echo "$out is up to date ($CRATE $VERSION, WASI $WASI)" >&2
		exit 0
	fi
fi

command -v cargo >/dev/null 2>&1 || {
	echo "cargo is needed to fetch $CRATE $VERSION (https://rustup.rs)" >&2
	exit 1
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# `cargo info NAME@VERSION` downloads the crate into $CARGO_HOME/registry/cache
# (where a cached copy is reused). Run it outside any cargo workspace.
cache="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
echo "fetching $CRATE $VERSION with cargo" >&2
(cd "$tmp" && cargo info --color never "$CRATE@$VERSION" >/dev/null)
archive=
for f in "$cache"/*/"$CRATE-$VERSION.crate"; do
	[ -f "$f" ] || continue
	if [ "$(sha256 "$f")" = "$SHA256" ]; then
		archive=$f
		break
	fi
	echo "warning: $f does not have the pinned sha256; ignoring it" >&2
done
if [ -z "$archive" ]; then
	echo "error: no $CRATE-$VERSION.crate with sha256 $SHA256 under $cache" >&2
	exit 1
fi
echo "verified $archive (sha256 $SHA256)" >&2

# Extract only the WASI 0.2 packages (wit/deps/; not src/p3/wit, which is 0.3).
members=()
for p in "${PACKAGES[@]}"; do
	members+=("$CRATE-$VERSION/wit/deps/$p.wit")
done
tar -xzf "$archive" -C "$tmp" "${members[@]}"

new="$tmp/wasi-0.2"
mkdir -p "$new/deps"
for p in "${PACKAGES[@]}"; do
	src="$tmp/$CRATE-$VERSION/wit/deps/$p.wit"
	if ! grep -q "^package wasi:$p@$WASI;" "$src"; then
		echo "error: $src is not package wasi:$p@$WASI" >&2
		exit 1
	fi
	cp "$src" "$new/deps/$p.wit"
done

cat >"$new/all.wit" <<EOF
// Written by scripts/fetch-wasi-wit.sh: one world that imports and exports
// the whole WASI $WASI interface set found in deps/.
package plugwit:wasi-bench;

world all {
  include wasi:io/imports@$WASI;
  include wasi:clocks/imports@$WASI;
  include wasi:random/imports@$WASI;
  include wasi:filesystem/imports@$WASI;
  include wasi:sockets/imports@$WASI;
  include wasi:cli/command@$WASI;
  include wasi:http/proxy@$WASI;
}
EOF
echo "$stamp" >"$new/.fetched"

mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$new" "$out"
echo "wrote $out: all.wit and deps/{$(
	IFS=,
	echo "${PACKAGES[*]}"
)}.wit (WASI $WASI, from $CRATE $VERSION)" >&2

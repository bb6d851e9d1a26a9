#!/usr/bin/env bash
# Differential conformance run of plugwit's component type checker
# (component/internal/types) against the verdicts of wasm-tools' component
# model test suite, whose validator (wasmparser) is the reference.
#
#   scripts/component-conformance.sh [-v] [-keep] [WASM_TOOLS_SRC]
#
# WASM_TOOLS_SRC is a wasm-tools source tree: a git checkout, or the crate
# source cargo unpacks (~/.cargo/registry/src/*/wasm-tools-X.Y.Z, whose tests
# match the installed wasm-tools exactly). Without it the tests are extracted
# from the bare mirror /work/.mirror/bytecodealliance+wasm-tools/repo with
# `git archive` into a temporary directory. Nothing from it is ever written
# into this repository.
#
# Every .wast under tests/local/component-model*, tests/cli/component-model
# and tests/component-model/test/{validation,resources,linking,binary} (the
# spec suite, when present) is converted with `wasm-tools json-from-wast`
# into modules and commands; files the installed wasm-tools cannot convert
# are listed and skipped. Then TestConformance (conformance_test.go) decodes
# and checks every component of every `module` and `assert_*` command and
# compares with the verdict of the wast: assert_invalid and assert_malformed
# must be rejected, the rest accepted, except where plugwit reports
# ErrNotSupported (values, the gc and 64-bit ABIs), counted apart. Each file
# is checked with the features its RUN line enables (`-f a,b`); the spec
# suite's verdicts are replaced by `wasm-tools validate --features all`'s,
# since wasmparser is the reference. It prints per-file and total counts and
# fails on a mismatch not listed in
# component/internal/types/testdata/conformance-known.txt (whose `@VERSION`
# entries apply to that wasm-tools release's tests only).
#
#   -v     print every mismatch (default: the first few per file)
#   -keep  keep the temporary directory and print its path
set -euo pipefail

cd "$(dirname "$0")/.."

verbose=0
keep=false
while [ $# -gt 0 ]; do
	case "$1" in
	-v) verbose=1 ;;
	-keep) keep=true ;;
	-*)
		echo "usage: $0 [-v] [-keep] [WASM_TOOLS_SRC]" >&2
		exit 2
		;;
	*) break ;;
	esac
	shift
done
src=${1:-}

if ! command -v wasm-tools >/dev/null 2>&1; then
	export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
command -v wasm-tools >/dev/null 2>&1 || {
	echo "wasm-tools not found (cargo install --locked wasm-tools)" >&2
	exit 1
}
echo "using $(wasm-tools --version)" >&2

tmp=$(mktemp -d)
if $keep; then
	echo "keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi

dirs=(tests/local/component-model tests/local/component-model-async tests/cli/component-model
	tests/component-model/test/validation tests/component-model/test/resources
	tests/component-model/test/linking tests/component-model/test/binary)

if [ -z "$src" ]; then
	mirror=/work/.mirror/bytecodealliance+wasm-tools/repo
	[ -d "$mirror" ] || {
		echo "no WASM_TOOLS_SRC given and no mirror at $mirror" >&2
		exit 1
	}
	src=$tmp/src
	mkdir -p "$src"
	existing=()
	for d in "${dirs[@]}"; do
		if [ -n "$(git -C "$mirror" ls-tree HEAD "$d" 2>/dev/null)" ]; then
			existing+=("$d")
		fi
	done
	[ ${#existing[@]} -gt 0 ] || {
		echo "the mirror has none of: ${dirs[*]}" >&2
		exit 1
	}
	# git archive may complain about unrelated absent large objects.
	git -C "$mirror" archive HEAD "${existing[@]}" 2>/dev/null | tar -x -C "$src" || true
	git -C "$mirror" show HEAD:Cargo.toml >"$src/Cargo.toml" 2>/dev/null || true
	echo "extracted ${existing[*]} from $mirror at $(git -C "$mirror" rev-parse --short HEAD)" >&2
	# The spec suite is a submodule of wasm-tools; use its own mirror.
	spec=/work/.mirror/WebAssembly+component-model/repo
	if [ -d "$spec" ]; then
		mkdir -p "$src/tests/component-model"
		git -C "$spec" archive HEAD test/validation test/resources test/linking test/binary 2>/dev/null |
			tar -x -C "$src/tests/component-model" || true
		echo "extracted the spec tests from $spec at $(git -C "$spec" rev-parse --short HEAD)" >&2
	fi
fi

out=$tmp/json
mkdir -p "$out"
# The version of the test suite, for version-specific entries of the known
# mismatches (tests change between wasm-tools releases).
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" 2>/dev/null | head -1)
echo "${version:-unknown}" >"$out/VERSION"
installed=$(wasm-tools --version | awk '{print $2}')
if [ -n "$version" ] && [ "$version" != "$installed" ]; then
	echo "note: the tests are from wasm-tools $version, the reference validator is $installed;" >&2
	echo "      for tests matching it pass its crate source, e.g." >&2
	echo "      $0 ~/.cargo/registry/src/*/wasm-tools-$installed" >&2
fi
converted=0
failed=()
for d in "${dirs[@]}"; do
	[ -d "$src/$d" ] || continue
	while IFS= read -r -d '' wast; do
		rel=${wast#"$src"/}
		base=$out/${rel%.wast}
		mkdir -p "$base"
		if ! wasm-tools json-from-wast "$wast" --wasm-dir "$base" -o "$base.json" 2>"$base.err"; then
			failed+=("$rel: $(grep -m1 . "$base.err")")
			rm -rf "$base" "$base.json"
			continue
		fi
		converted=$((converted + 1))
		case $rel in
		tests/component-model/*)
			# The spec suite's verdicts are the spec interpreter's; the
			# reference here is wasmparser, so ask it (all features on).
			for w in "$base"/*.wasm; do
				[ -e "$w" ] || continue
				if wasm-tools validate --features all "$w" 2>/dev/null; then
					echo "$(basename "$w") valid"
				else
					echo "$(basename "$w") invalid"
				fi
			done >"$base.verdicts"
			;;
		*)
			# The features the test file runs with, from its RUN line:
			# `-f a,b` and `--features=-x`.
			sed -n '1,5{/RUN:/p}' "$wast" | tr ' ' '\n' | awk '
				prev == "-f" { print; prev = ""; next }
				/^--features=/ { sub(/^--features=/, ""); print; next }
				{ prev = $0 }' | paste -sd, - >"$base.features"
			;;
		esac
	done < <(find "$src/$d" -name '*.wast' -print0 | sort -z)
done
echo "converted $converted .wast file(s)" >&2
if [ ${#failed[@]} -gt 0 ]; then
	echo "skipped ${#failed[@]} file(s) this wasm-tools cannot convert:" >&2
	printf '  %s\n' "${failed[@]}" >&2
fi

PLUGWIT_CONFORMANCE_DIR=$out PLUGWIT_CONFORMANCE_VERBOSE=$verbose \
	go test ./component/internal/types -run '^TestConformance$' -count=1 -v

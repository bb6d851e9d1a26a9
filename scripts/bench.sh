#!/usr/bin/env bash
# Runs the benchmarks of the bench/ module (component calls and
# instantiation, plugwit against raw wazero) and summarizes them:
#
#   cd bench && go test -run '^$' -bench . -count 6 -benchmem
#
# The raw output goes to bench/out/<time>.txt and a Markdown report (machine,
# command, benchstat table, plugwit/raw-wazero ratios of the medians) to
# bench/out/<time>.md, which is also printed. bench/out/ is not committed;
# copy what matters into BENCHMARKS.md.
#
#   scripts/bench.sh                   everything, -count 6
#   BENCH='Call/add' scripts/bench.sh  only the benchmarks matching BENCH
#   COUNT=10 scripts/bench.sh          more counts
#
# benchstat is installed with `go install golang.org/x/perf/cmd/benchstat@latest`
# when it is missing (a tool, not a dependency of any module here).
set -euo pipefail
cd "$(dirname "$0")/.."

bench=${BENCH:-.}
count=${COUNT:-6}

gobin=$(go env GOBIN)
gobin=${gobin:-$(go env GOPATH)/bin}
export PATH="$gobin:$PATH"
if ! command -v benchstat >/dev/null 2>&1; then
	echo "benchstat not found; installing golang.org/x/perf/cmd/benchstat@latest" >&2
	go install golang.org/x/perf/cmd/benchstat@latest
fi

mkdir -p bench/out
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw=bench/out/$stamp.txt
report=bench/out/$stamp.md
cmd="cd bench && go test -run '^\$' -bench $(printf %q "$bench") -count $count -benchmem"

echo "running: $cmd > $raw" >&2
(cd bench && go test -run '^$' -bench "$bench" -count "$count" -benchmem) | tee "$raw" >&2

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain -- . 2>/dev/null | grep -q . && echo " (working tree has changes)" || true)

# medians prints "name ns/op allocs/op B/op" per benchmark, in the order the
# benchmarks ran (medians over the counts; the -N GOMAXPROCS suffix dropped).
medians() {
	awk '$1 ~ /^Benchmark/ && $4 == "ns/op" {
		name = $1; sub(/-[0-9]+$/, "", name)
		if (!(name in order)) order[name] = ++names
		print order[name], name, $3, ($7 == "" ? 0 : $7), ($5 == "" ? 0 : $5)
	}' "$raw" | sort -k1,1n -k3,3g | awk '
	function flush(   m) {
		if (n == 0) return
		m = int((n + 1) / 2)
		if (n % 2) { print prev, ns[m], al[m], by[m] }
		else { print prev, (ns[m] + ns[m+1]) / 2, al[m], by[m] }
		n = 0
	}
	$2 != prev { flush(); prev = $2 }
	{ n++; ns[n] = $3; al[n] = $4; by[n] = $5 }
	END { flush() }'
}

# ratios prints, per workload, the median ns/op of every implementation and
# each plugwit implementation's ratio to raw-wazero.
ratios() {
	medians | awk '
	function fmt(ns) {
		if (ns == "") return "–"
		if (ns < 1000) return sprintf("%.1f ns", ns)
		if (ns < 1000000) return sprintf("%.2f µs", ns / 1000)
		return sprintf("%.2f ms", ns / 1000000)
	}
	{
		k = split($1, p, "/")
		if (k == 3) { row = p[1] "/" p[2]; impl = p[3] } else { row = p[1]; impl = p[2] }
		if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
		t[row, impl] = $2; a[row, impl] = $3
	}
	END {
		print "| benchmark | raw-wazero | plugwit | plugwit / raw-wazero | allocs/op raw | allocs/op plugwit |"
		print "|---|---:|---:|---:|---:|---:|"
		for (i = 1; i <= nrows; i++) {
			row = rows[i]
			base = t[row, "raw-wazero"]
			n = 0
			if ((row, "plugwit-dynamic") in t) names[++n] = "plugwit-dynamic"
			if ((row, "plugwit-typed") in t) names[++n] = "plugwit-typed"
			if ((row, "plugwit") in t) names[++n] = "plugwit"
			for (j = 1; j <= n; j++) {
				impl = names[j]
				r = (base > 0) ? sprintf("%.2f×", t[row, impl] / base) : "–"
				label = row; sub(/^Benchmark/, "", label)
				if (impl != "plugwit") label = label " (" impl ")"
				printf "| %s | %s | %s | %s | %s | %s |\n", label, fmt(base), fmt(t[row, impl]), r, a[row, "raw-wazero"], a[row, impl]
			}
		}
	}'
}

{
	echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr), $(go version | cut -d' ' -f3-), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)."
	echo "Commit: $commit$dirty, $(date -u '+%Y-%m-%d %H:%M UTC')."
	echo
	echo '```'
	echo "$cmd"
	echo '```'
	echo
	echo '```'
	benchstat "$raw"
	echo '```'
	echo
	echo "Medians over the $count counts:"
	echo
	ratios
} | tee "$report"
echo "raw output: $raw; report: $report" >&2

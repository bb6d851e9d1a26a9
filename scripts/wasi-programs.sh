#!/usr/bin/env bash
# Runs the WASI programs of testdata/wasi-programs/ end to end through the
# plugwit CLI, as a user would (scripts/build-wasi-programs.sh builds them;
# the Go tests in wasi/programs_test.go cover the same ground in process):
#
#   wasiprog (C and Go)  plugwit run --dir … --env … -- ARGS
#   fetch.js             plugwit run --allow-http 127.0.0.1 fetch-js.wasm -- URL,
#                        against a loopback Python HTTP server
#   serve.js             plugwit serve serve-js.wasm, queried with curl
#   rust fetch, proxy    the same with the Rust programs (POST to an echo
#                        server; plugwit serve proxy-rust.wasm + curl)
#
#   scripts/wasi-programs.sh
#
# A program that is not built is skipped with a message, and the script
# fails at the end. Needs python3 and curl for the HTTP parts.
set -euo pipefail

cd "$(dirname "$0")/.."
dir=testdata/wasi-programs

log() { echo "wasi-programs: $*" >&2; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/plugwit" ./cmd/plugwit
plugwit=$tmp/plugwit

failures=()
skipped=()
# expect WHAT WANT CMD...: runs CMD and compares its stdout, without its
# trailing newlines, with WANT.
expect() {
	local what=$1 want=$2 got
	shift 2
	if got=$("$@" 2>"$tmp/stderr") && [ "$got" = "$want" ]; then
		log "ok   $what"
	else
		log "FAIL $what: got $(printf %q "$got"), want $(printf %q "$want"); stderr:"
		sed 's/^/    /' "$tmp/stderr" >&2
		failures+=("$what")
	fi
}
# expect_fail WHAT CMD...: CMD must exit non-zero.
expect_fail() {
	local what=$1
	shift
	if "$@" >/dev/null 2>"$tmp/stderr"; then
		log "FAIL $what: succeeded"
		failures+=("$what")
	else
		log "ok   $what (refused: $(head -1 "$tmp/stderr"))"
	fi
}

# free_port: a TCP port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: waits up to 60 s for URL to answer.
wait_http() {
	for _ in $(seq 1 600); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

for lang in c go; do
	w=$dir/$lang/wasiprog-$lang.wasm
	if [ ! -e "$w" ]; then
		log "skip wasiprog ($lang): $w not built (scripts/build-wasi-programs.sh $lang)"
		skipped+=("$w")
		continue
	fi
	d=$tmp/data-$lang
	mkdir -p "$d/sub"
	echo hello >"$d/a.txt"
	ln -s /etc/passwd "$d/escape"
	run() { "$plugwit" run "$@"; }
	expect "$lang: echo" "one two" run "$w" -- echo one two
	expect "$lang: env" "A=1" run --env A=1 "$w" -- env
	expect "$lang: cat" "piped" run "$w" -- cat <<<"piped"
	expect "$lang: ls" $'a.txt\nescape\nsub/' run --dir "$d::/data" "$w" -- ls /data
	expect "$lang: write" "" run --dir "$d::/data" "$w" -- write /data/sub/new.txt "from wasm"
	expect "$lang: read" "from wasm" run --dir "$d::/data:ro" "$w" -- read /data/sub/new.txt
	expect_fail "$lang: write to a read-only dir" run --dir "$d::/data:ro" "$w" -- write /data/x y
	expect_fail "$lang: read through a symlink out" run --dir "$d::/data" "$w" -- read /data/escape
	expect_fail "$lang: read ../" run --dir "$d::/data" "$w" -- read /data/../etc/passwd
	expect "$lang: sleep 50" "slept 5" bash -c "'$plugwit' run '$w' -- sleep 50 | cut -c1-7"
	expect_fail "$lang: exit 3" run "$w" -- exit 3
done

fetch=$dir/js/fetch-js.wasm
serve=$dir/js/serve-js.wasm
if [ -e "$fetch" ]; then
	port=$(free_port)
	mkdir -p "$tmp/www"
	echo "hello over http" >"$tmp/www/hello.txt"
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:$port/hello.txt"
	expect "js: fetch" $'status 200\nhello over http' \
		"$plugwit" run --allow-http 127.0.0.1 "$fetch" -- "http://127.0.0.1:$port/hello.txt"
	expect "js: fetch, URL from --env" $'status 200\nhello over http' \
		"$plugwit" run --allow-http "127.0.0.1:$port" --env "URL=http://127.0.0.1:$port/hello.txt" "$fetch"
	expect_fail "js: fetch without --allow-http" "$plugwit" run "$fetch" -- "http://127.0.0.1:$port/hello.txt"
else
	log "skip fetch.js: $fetch not built (scripts/build-wasi-programs.sh js)"
	skipped+=("$fetch")
fi
if [ -e "$serve" ]; then
	port=$(free_port)
	"$plugwit" serve --addr "127.0.0.1:$port" "$serve" 2>"$tmp/serve.log" &
	pids+=($!)
	if wait_http "http://127.0.0.1:$port/"; then
		expect "js: serve GET" "hello from js: GET /hi?x=1 x-test=yes body=0" \
			curl -sf -H 'x-test: yes' "http://127.0.0.1:$port/hi?x=1"
		expect "js: serve POST" "hello from js: POST /post x-test= body=5" \
			curl -sf --data-binary 12345 "http://127.0.0.1:$port/post"
		expect "js: serve 404" "404" \
			curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/missing"
	else
		log "FAIL js: plugwit serve did not answer; its log:"
		sed 's/^/    /' "$tmp/serve.log" >&2
		failures+=("serve")
	fi
else
	log "skip serve.js: $serve not built (scripts/build-wasi-programs.sh js)"
	skipped+=("$serve")
fi

# The Rust programs (committed): a POST to a Python echo server, and a
# proxy served and queried with curl.
port=$(free_port)
cat >"$tmp/echo.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b"echo " + data
        self.send_response(200)
        self.send_header("x-seen", self.headers.get("x-from") or "")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$tmp/echo.py" "$port" &
pids+=($!)
sleep 0.5
expect "rust: fetch" $'status 200\nx-seen: fetch-rust\necho hello from rust' \
	"$plugwit" run --allow-http "127.0.0.1:$port" "$dir/rust/fetch-rust.wasm" -- "127.0.0.1:$port" /
expect_fail "rust: fetch without --allow-http" "$plugwit" run "$dir/rust/fetch-rust.wasm" -- "127.0.0.1:$port" /
port=$(free_port)
"$plugwit" serve --addr "127.0.0.1:$port" "$dir/rust/proxy-rust.wasm" 2>"$tmp/serve-rust.log" &
pids+=($!)
if wait_http "http://127.0.0.1:$port/"; then
	expect "rust: serve POST" "rust: POST /post x-test=yes body=5" \
		curl -sf -H 'x-test: yes' --data-binary 12345 "http://127.0.0.1:$port/post"
	expect "rust: serve 404" "404" curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/missing"
else
	log "FAIL rust: plugwit serve did not answer; its log:"
	sed 's/^/    /' "$tmp/serve-rust.log" >&2
	failures+=("serve rust")
fi

if [ ${#failures[@]} -gt 0 ] || [ ${#skipped[@]} -gt 0 ]; then
	log "failed: ${failures[*]:-none}; not built: ${skipped[*]:-none}"
	exit 1
fi
log "all passed"

#!/usr/bin/env bash
# HTTP load test of `aras serve` on loopback with wrk (Debian package `wrk`), bounded duration.
# usage: bench/load_test.sh [BUILD_DIR=build] [SECONDS=10] [CONNECTIONS=32]
# Starts its own server on an ephemeral port, runs /health, /route, /geocode and a mix, stops it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build}"
secs="${2:-10}"
conns="${3:-32}"
threads="${WRK_THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$build/aras" ] || { echo "no $build/aras; build first" >&2; exit 1; }

out="$(mktemp)"
"$build/aras" serve --port 0 --host 127.0.0.1 --no-access-log ${ARAS_SERVE_ARGS:-} >"$out" 2>"$out.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out" "$out.err"' EXIT
for _ in $(seq 1 600); do
  grep -q "^listening on" "$out" && break
  kill -0 $pid 2>/dev/null || { cat "$out.err" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$out" | head -1)"
[ -n "$url" ] || { echo "server did not start" >&2; cat "$out.err" >&2; exit 1; }
echo "server: $url ($(nproc) cores), wrk -t$threads -c$conns -d${secs}s"
# Warm-up: the first route queries touch the mapped graph.
curl -s -o /dev/null "$url/route?from=46.29,38.08&to=45.41,39.21" || true

run() {
  local name="$1"; shift
  echo "== $name"
  wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$@" | \
    grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors|requests in" || true
}
run health "$url/health"
run route -s "$repo/bench/http/route.lua" "$url"
run geocode -s "$repo/bench/http/geocode.lua" "$url"
run mixed -s "$repo/bench/http/mixed.lua" "$url"
echo "== error statuses seen by the server"
curl -s "$url/metrics" | grep '^aras_http_requests_total' | grep -v 'status="200"' || echo "none"

#!/usr/bin/env bash
# Load test of two `aras serve` replicas behind nginx (docs/nginx-aras.conf) on loopback, sharing one throwaway
# PostgreSQL scenario store; wrk runs a route/geocode/scenario-read mix (bench/http/replicas.lua) through nginx
# for a bounded time while replica a is stopped (SIGTERM) and restarted on the same port. Prints req/s,
# latency percentiles, non-2xx and socket errors (goal: zero) and the answers per replica.
# usage: bench/replicas_load.sh [BUILD_DIR=build] [SECONDS=60] [CONNECTIONS=32]
#   STEADY_SECONDS=N (default 20) first runs the same mix for N s without a restart (0: skip).
#   STOP_AT=N (default 5): seconds into the restart run at which replica a gets SIGTERM.
# Exit 1 when any request failed (non-2xx or socket error) or a replica answered nothing.
# Everything (PostgreSQL cluster, replicas, nginx, temp files) is stopped and removed on exit.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
secs=${2:-60}
conns=${3:-32}
steady=${STEADY_SECONDS:-20}
stop_at=${STOP_AT:-5}
threads=${WRK_THREADS:-2}
data=${ARAS_DATA:-$repo/data}
lua=$repo/bench/http/replicas.lua

die() { echo "replicas_load: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not installed (apt-get install wrk)"
command -v nginx >/dev/null || die "nginx not installed (apt-get install nginx-light)"
command -v curl >/dev/null || die "curl not installed"
[[ -x $build/aras ]] || die "no $build/aras; build first"
((secs > stop_at + 5 && secs <= 600)) || die "SECONDS must be > STOP_AT + 5 and <= 600"

tmp=$(mktemp -d /tmp/aras-replicas-load.XXXXXX)
chmod 755 "$tmp"
cluster=""
declare -A pid port
nginx_pid=""
wrk_pid=""
# shellcheck source=../tests/integration/nginx_front.sh
source "$repo/tests/integration/nginx_front.sh"
cleanup() {
  [[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null
  replicas_stop 15
  [[ -n $cluster ]] && "$repo/tests/postgis/stop.sh" "$cluster" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- the shared scenario store -------------------------------------------------------------------------
out=$("$repo/tests/postgis/start.sh" 2>&1) || die "PostgreSQL could not be started: $out"
cluster=$(sed -n 's/^DIR=//p' <<<"$out")
pg=$(grep '^PG:' <<<"$out")
[[ -n $cluster && -n $pg ]] || die "unexpected start.sh output: $out"

# --- the replicas: layers, gazetteer and the memory-mapped graph cache from DATA, scenarios in PostgreSQL --
# start_replica NAME PORT: starts it, waits (<= 180 s) for "listening on"; took[NAME] = seconds it took.
declare -A took
start_replica() {
  local t0
  t0=$(now)
  # shellcheck disable=SC2086  # ARAS_SERVE_ARGS: extra flags, split on purpose
  replica_start "$1" "$2" 180 "$build/aras" --data "$data" --scenario-store "$pg" \
    --no-access-log --shutdown-grace-ms 10000 ${ARAS_SERVE_ARGS:-} || die "$replica_error"
  took[$1]=$(since "$t0")
}
start_replica a 0
start_replica b 0
echo "replica a: pid ${pid[a]} port ${port[a]} (started in ${took[a]} s); replica b: pid ${pid[b]} port ${port[b]} (${took[b]} s)"
sed 's/^/  /' "$tmp/ra.err" | head -5

# --- nginx on docs/nginx-aras.conf with the replicas' ports and a free listen port -----------------------
nginx_front_start "$tmp" "$repo/docs/nginx-aras.conf" "${port[a]}" "${port[b]}" "${NGINX_WORKERS:-1}" 1024 || die "$nginx_error"
lb=http://127.0.0.1:$nport

# --- scenarios to read, and a warm-up of both replicas (the first routes touch the mapped graph) -------------
ids=""
for k in 1 2 3 4 5; do
  doc="{\"name\": \"load $k\", \"origins\": [{\"point\": [48.87, 38.43], \"people\": $((k * 100))}],"
  doc+=" \"destinations\": [{\"crossing\": \"Astara\"}]}"
  created=$(curl -s -m 10 -H 'Content-Type: application/json' --data-binary "$doc" "$lb/scenarios")
  id=$(sed -n 's/.*"id":"\([A-Za-z0-9_-]*\)".*/\1/p' <<<"$created")
  [[ -n $id ]] || die "POST /scenarios: $created"
  ids+="$id "
done
export ARAS_SCENARIO_IDS=$ids
for n in a b; do
  for q in "route?from=46.29,38.08&to=45.41,39.21" "route?from=48.30,38.25&to=48.85,38.42" "geocode?q=Astara"; do
    code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$n]}/$q")
    [[ $code == 200 ]] || die "warm-up /$q on replica $n answered $code"
  done
done
echo "nginx: port $nport (${NGINX_WORKERS:-1} worker); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t$threads -c$conns --latency -s bench/http/replicas.lua (50 % route, 30 % geocode, 20 % scenario read)"

# run_wrk SECONDS OUTFILE: wrk through nginx in the background (wrk_pid).
run_wrk() {
  wrk -t"$threads" -c"$conns" -d"$1s" --timeout 10s --latency -s "$lua" "$lb" >"$2" 2>&1 &
  wrk_pid=$!
}
report() {
  grep -E "requests in|Requests/sec|Non-2xx|Socket errors|answers per|socket errors:|latency percentiles" "$1" |
    sed 's/^ */  /'
}

if ((steady > 0)); then
  echo "== steady: ${steady} s, both replicas up"
  run_wrk "$steady" "$tmp/steady.txt"
  wait "$wrk_pid"
  wrk_pid=""
  report "$tmp/steady.txt"
fi

echo "== restart: ${secs} s; replica a (pid ${pid[a]}) gets SIGTERM at ${stop_at} s, then starts again on port ${port[a]}"
t0=$(now)
run_wrk "$secs" "$tmp/restart.txt"
sleep "$stop_at"
old=${pid[a]}
kill -TERM "$old"
echo "  $(since "$t0") s: SIGTERM to replica a"
timeout 20 tail --pid="$old" -f /dev/null || die "replica a did not exit within 20 s of SIGTERM"
wait "$old"
rc=$?
echo "  $(since "$t0") s: replica a exited with status $rc"
start_replica a "${port[a]}"
back=$(since "$t0")
echo "  $back s: replica a (new pid ${pid[a]}) listening again; its start-up took ${took[a]} s"
((${back%.*} < secs)) || echo "  (the run ended before replica a was back: raise SECONDS)"
wait "$wrk_pid"
wrk_pid=""
report "$tmp/restart.txt"
echo "  (replica a: pid $old before the restart, ${pid[a]} after; replica b: pid ${pid[b]})"
if [[ -s $tmp/nginx/error.log ]]; then
  echo "nginx error.log (failovers; a client saw an error only if counted above):"
  sed -E 's/^[0-9\/]+ [0-9:]+ \[[a-z]+\] [0-9#]+: \*[0-9]+ //; s/ while .*//' "$tmp/nginx/error.log" |
    sort | uniq -c | sort -rn | head -5
fi

# The goal: zero errors, and every replica (the old a, b, the new a) answered.
clean="socket errors: connect 0, read 0, write 0, timeout 0; status errors 0"
ok=1
for f in "$tmp"/steady.txt "$tmp/restart.txt"; do
  [[ -f $f ]] || continue
  grep -qF "$clean" "$f" || { echo "ERRORS in the ${f##*/} run"; ok=""; }
done
for want in "$old" "${pid[b]}" "${pid[a]}"; do
  grep -q " $want=[1-9]" "$tmp/restart.txt" || { echo "replica pid $want answered nothing in the restart run"; ok=""; }
done
[[ -n $ok ]] || exit 1
echo "OK: zero errors; every replica answered"

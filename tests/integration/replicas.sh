#!/usr/bin/env bash
# Two `aras serve` replicas sharing a throwaway PostgreSQL scenario store behind nginx, on loopback only:
# a scenario POSTed through nginx is visible on each replica; requests spread across both with zero errors,
# also while one replica is stopped (SIGTERM) and restarted. Usage: replicas.sh ARAS_BINARY
# Exit 0 pass, 1 fail, 77 skip (PostgreSQL or nginx cannot start). Every wait is bounded.
set -uo pipefail

aras=${1:?usage: replicas.sh ARAS_BINARY}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pg_scripts=$here/../postgis

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*"
  for f in "$tmp"/r*.err "$tmp"/nginx/error.log; do [[ -s $f ]] && { echo "--- $f"; tail -n 20 "$f"; }; done
  exit 1
}

command -v nginx >/dev/null || skip "nginx is not installed (apt-get install nginx-light)"
command -v curl >/dev/null || skip "curl is not installed"
[[ -x $aras ]] || { echo "FAIL: no binary $aras"; exit 1; }

tmp=$(mktemp -d /tmp/aras-replicas.XXXXXX)
chmod 755 "$tmp"
cluster=""
declare -A pid port
nginx_pid=""
cleanup() {
  for n in "${!pid[@]}"; do kill -TERM "${pid[$n]}" 2>/dev/null; done
  [[ -n $nginx_pid ]] && kill -QUIT "$nginx_pid" 2>/dev/null
  for n in "${!pid[@]}"; do timeout 10 tail --pid="${pid[$n]}" -f /dev/null 2>/dev/null; done
  [[ -n $nginx_pid ]] && timeout 10 tail --pid="$nginx_pid" -f /dev/null 2>/dev/null
  [[ -n $cluster ]] && "$pg_scripts/stop.sh" "$cluster" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- PostgreSQL (the shared scenario store) -------------------------------------------------------------
out=$("$pg_scripts/start.sh" 2>&1) || skip "PostgreSQL could not be started: $out"
cluster=$(sed -n 's/^DIR=//p' <<<"$out")
pg=$(grep '^PG:' <<<"$out")
[[ -n $cluster && -n $pg ]] || skip "unexpected start.sh output: $out"

# --- the replicas ---------------------------------------------------------------------------------------
mkdir -p "$tmp/data"  # no layers: /scenarios and /health need none, and start-up is instant

# start_replica NAME PORT: starts it and waits (<= 20 s) for "listening on http://127.0.0.1:PORT".
start_replica() {
  local n=$1 p=$2
  "$aras" serve --host 127.0.0.1 --port "$p" --threads 2 --data "$tmp/data" --scenario-store "$pg" \
    --no-access-log --shutdown-grace-ms 5000 >"$tmp/r$n.out" 2>"$tmp/r$n.err" &
  pid[$n]=$!
  for _ in $(seq 1 200); do
    if grep -q '^listening on ' "$tmp/r$n.out" 2>/dev/null; then
      port[$n]=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/r$n.out")
      return 0
    fi
    kill -0 "${pid[$n]}" 2>/dev/null || fail "replica $n exited: $(cat "$tmp/r$n.err")"
    sleep 0.1
  done
  fail "replica $n did not start in 20 s"
}

start_replica a 0
start_replica b 0
echo "replica a: pid ${pid[a]} port ${port[a]}; replica b: pid ${pid[b]} port ${port[b]}"

# --- nginx ----------------------------------------------------------------------------------------------
nport=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then nport=$p; break; fi
done
[[ -n $nport ]] || skip "no free port for nginx"
mkdir -p "$tmp/nginx"
user_line=""
[[ $(id -u) == 0 ]] && user_line="user root;"
cat >"$tmp/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
error_log $tmp/nginx/error.log warn;
pid $tmp/nginx/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  upstream aras {
    server 127.0.0.1:${port[a]} max_fails=1 fail_timeout=1s;
    server 127.0.0.1:${port[b]} max_fails=1 fail_timeout=1s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://aras;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
    }
  }
}
EOF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -g 'daemon off;' 2>"$tmp/nginx/stderr" &
nginx_pid=$!
up=""
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$nport/health"; then up=1; break; fi
  kill -0 "$nginx_pid" 2>/dev/null || skip "nginx could not start: $(cat "$tmp/nginx/stderr" "$tmp/nginx/error.log" 2>/dev/null)"
  sleep 0.1
done
[[ -n $up ]] || skip "nginx did not answer in 10 s: $(cat "$tmp/nginx/error.log" 2>/dev/null)"
echo "nginx: pid $nginx_pid port $nport"
lb=http://127.0.0.1:$nport

# --- 1. a scenario POSTed through nginx is visible via each replica directly -----------------------------
doc='{"name": "Astara replicas", "origins": [{"point": [48.87, 38.43], "people": 120}], "destinations": [{"crossing": "Astara"}]}'
created=$(curl -s -m 10 -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$doc" "$lb/scenarios")
code=${created##*$'\n'}
[[ $code == 201 ]] || fail "POST /scenarios through nginx: $created"
id=$(sed -n 's/.*"id":"\([A-Za-z0-9_-]*\)".*/\1/p' <<<"${created%$'\n'*}")
[[ -n $id ]] || fail "no id in $created"
for n in a b; do
  body=$(curl -s -m 10 -w '\n%{http_code}' "http://127.0.0.1:${port[$n]}/scenarios/$id")
  [[ ${body##*$'\n'} == 200 && $body == *'"Astara replicas"'* ]] || fail "replica $n does not see $id: $body"
  list=$(curl -s -m 10 "http://127.0.0.1:${port[$n]}/scenarios")
  [[ $list == *"\"$id\""* ]] || fail "replica $n does not list $id: $list"
done
echo "scenario $id: visible on both replicas"

# urls N: N request URLs through nginx, /health and /scenarios alternating.
urls() {
  for ((i = 0; i < $1; i++)); do
    if ((i % 2)); then echo "url = \"$lb/scenarios\""; else echo "url = \"$lb/health\""; fi
    echo 'output = "/dev/null"'
  done
}
# load FILE N [RATE]: N requests on one keep-alive client connection; one "code instance" line per request.
load() {
  local file=$1 n=$2 rate=${3:-}
  urls "$n" | curl -s -m 120 ${rate:+--rate "$rate"} -K - -w '%{http_code} %header{x-aras-instance}\n' >"$file"
}
# check FILE N: all N answered 200 (curl writes 000 for a transport error).
check() {
  local file=$1 n=$2 total ok
  total=$(wc -l <"$file")
  ok=$(grep -c '^200 ' "$file")
  [[ $total == "$n" && $ok == "$n" ]] || fail "$file: $ok of $n requests answered 200 ($total answers): $(grep -v '^200 ' "$file" | sort | uniq -c | head)"
}
count() { grep -c " $2\$" "$1"; }

# --- 2. 400 requests spread across both, zero errors ----------------------------------------------------
load "$tmp/steady" 400
check "$tmp/steady" 400
ca=$(count "$tmp/steady" "${pid[a]}")
cb=$(count "$tmp/steady" "${pid[b]}")
echo "steady: 400 requests, 0 errors; replica a answered $ca, b answered $cb"
((ca >= 100 && cb >= 100)) || fail "requests not spread across replicas (a $ca, b $cb)"

# --- 3. stop replica a (SIGTERM) mid-loop and restart it: still zero client errors ------------------------
old_a=${pid[a]}
load "$tmp/rolling" 400 100/s &
loader=$!
sleep 1
kill -TERM "$old_a"
timeout 15 tail --pid="$old_a" -f /dev/null || fail "replica a did not exit within 15 s of SIGTERM"
wait "$old_a"
rc=$?
[[ $rc == 0 ]] || fail "replica a exited with $rc after SIGTERM"
sleep 0.5
start_replica a "${port[a]}"
timeout 150 tail --pid="$loader" -f /dev/null
wait "$loader"
check "$tmp/rolling" 400
ra_old=$(count "$tmp/rolling" "$old_a")
ra_new=$(count "$tmp/rolling" "${pid[a]}")
rb=$(count "$tmp/rolling" "${pid[b]}")
echo "rolling restart: 400 requests, 0 errors; a (pid $old_a) answered $ra_old, b $rb, restarted a (pid ${pid[a]}) $ra_new"
((ra_old > 0 && rb > 0)) || fail "both replicas should have answered before the stop"

# The restarted replica is back in rotation and still sees the shared scenario.
sleep 1.2  # nginx's fail_timeout for the stopped server
load "$tmp/after" 40
check "$tmp/after" 40
((ra_new + $(count "$tmp/after" "${pid[a]}") > 0)) || fail "restarted replica a never answered through nginx"
[[ $(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[a]}/scenarios/$id") == 200 ]] \
  || fail "restarted replica a does not see $id"
echo "PASS"

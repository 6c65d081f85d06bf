#!/usr/bin/env bash
# Two `aras serve` replicas behind nginx (the shipped docs/nginx-aras.conf) on one throwaway PostgreSQL + PostGIS
# that holds both the layers (`aras load-postgis`) and the scenarios, loopback only: the replicas serve the
# layers read back from PostGIS (same counts as the shapefiles, same features); a scenario POSTed through nginx
# is visible on each replica; requests spread across both with zero errors, also while one replica is stopped
# (SIGTERM) and restarted. Usage: replicas.sh ARAS_BINARY [DATA_DIR]
# Exit 0 pass, 1 fail, 77 skip (PostgreSQL or nginx cannot start). Every wait is bounded.
set -uo pipefail

aras=${1:?usage: replicas.sh ARAS_BINARY [DATA_DIR]}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=${2:-$repo/data}
pg_scripts=$repo/tests/postgis
nginx_conf=$repo/docs/nginx-aras.conf
py=/usr/bin/python3

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*"
  for f in "$tmp"/r*.err "$tmp"/nginx/error.log; do [[ -s $f ]] && { echo "--- $f"; tail -n 20 "$f"; }; done
  exit 1
}

command -v nginx >/dev/null || skip "nginx is not installed (apt-get install nginx-light)"
command -v curl >/dev/null || skip "curl is not installed"
[[ -x $py ]] || skip "$py is not installed"
[[ -x $aras ]] || { echo "FAIL: no binary $aras"; exit 1; }
[[ -f $nginx_conf ]] || { echo "FAIL: no $nginx_conf"; exit 1; }

tmp=$(mktemp -d /tmp/aras-replicas.XXXXXX)
chmod 755 "$tmp"
cluster=""
declare -A pid port
nginx_pid=""
# shellcheck source=nginx_front.sh
source "$here/nginx_front.sh"
cleanup() {
  replicas_stop 10
  [[ -n $cluster ]] && "$pg_scripts/stop.sh" "$cluster" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- PostgreSQL + PostGIS: the shared store of layers and scenarios -------------------------------------
out=$("$pg_scripts/start.sh" 2>&1) || skip "PostgreSQL could not be started: $out"
cluster=$(sed -n 's/^DIR=//p' <<<"$out")
pg=$(grep '^PG:' <<<"$out")
[[ -n $cluster && -n $pg ]] || skip "unexpected start.sh output: $out"

# The layers the proximity engine and the router need (the graph is built from the PostGIS roads and crossings).
layers=(countries borders crossings places roads)
layer_args=()
for l in "${layers[@]}"; do layer_args+=(--layer "$l"); done
timeout 300 "$aras" load-postgis "$pg" --data "$data" "${layer_args[@]}" --quiet 2>"$tmp/load.err" \
  || { cat "$tmp/load.err"; fail "aras load-postgis failed"; }
# Feature counts of the source shapefiles: "name geometry... count extent" per line of `aras layers`.
declare -A file_count
while read -r name rest; do
  c=$(awk '{print $(NF-1)}' <<<"$rest")
  file_count[$name]=$c
done < <(timeout 60 "$aras" layers --data "$data" | tail -n +2)
for l in "${layers[@]}"; do [[ ${file_count[$l]:-} =~ ^[0-9]+$ ]] || fail "no count for $l in 'aras layers --data $data'"; done
echo "PostGIS: loaded ${layers[*]} (${file_count[crossings]} crossings, ${file_count[places]} places)"

# --- the replicas: layers AND scenarios from PostGIS ------------------------------------------------------
# start_replica NAME PORT: starts it and waits (<= 90 s) for "listening on http://127.0.0.1:PORT".
start_replica() {
  replica_start "$1" "$2" 90 "$aras" --threads 2 --data "$pg" --scenario-store "$pg" \
    --no-access-log --shutdown-grace-ms 5000 || fail "$replica_error"
}

start_replica a 0
start_replica b 0
echo "replica a: pid ${pid[a]} port ${port[a]}; replica b: pid ${pid[b]} port ${port[b]}"

# --- nginx on docs/nginx-aras.conf, its replica and listen addresses replaced -----------------------------
nginx_front_start "$tmp" "$nginx_conf" "${port[a]}" "${port[b]}" || skip "$nginx_error"
echo "nginx: pid $nginx_pid port $nport"
lb=http://127.0.0.1:$nport

# --- 1. each replica serves the layers read back from PostGIS ------------------------------------------------
for n in a b; do
  base=http://127.0.0.1:${port[$n]}
  curl -s -m 10 "$base/collections" >"$tmp/collections.$n" || fail "GET /collections on replica $n"
  for l in "${layers[@]}"; do
    got=$("$py" -c 'import json,sys
c = {x["id"]: x.get("numberOfFeatures") for x in json.load(open(sys.argv[1]))["collections"]}
print(c.get(sys.argv[2]))' "$tmp/collections.$n" "$l") || fail "replica $n: /collections is not JSON: $(head -c 300 "$tmp/collections.$n")"
    [[ $got == "${file_count[$l]}" ]] || fail "replica $n serves $got $l from PostGIS, the shapefile has ${file_count[$l]}"
  done
done
# The same features as the files: the Astara crossing with its names and gates, through nginx.
curl -s -m 10 "$lb/collections/crossings/items?limit=1000" >"$tmp/crossings.json"
"$py" - "$tmp/crossings.json" "${file_count[crossings]}" <<'EOF' || fail "crossings served from PostGIS: $(head -c 400 "$tmp/crossings.json")"
import json, sys
fc = json.load(open(sys.argv[1]))
assert fc["numberMatched"] == int(sys.argv[2]), fc["numberMatched"]
astara = [f for f in fc["features"] if f["properties"].get("id") == "astara"]
assert len(astara) == 1, "no astara crossing"
p, g = astara[0]["properties"], astara[0]["geometry"]
assert p["country_a"] == "IR" and p["country_b"] == "AZ" and p["name_b"] == "Astara", p
assert g["type"] == "LineString" and abs(g["coordinates"][0][0] - p["lon_a"]) < 1e-6, g
EOF
# Proximity (countries, borders, crossings, places from PostGIS): Astara, Iran is within a km of Azerbaijan.
prox=$(curl -s -m 10 -w '\n%{http_code}' "$lb/proximity?point=48.87,38.43")
[[ ${prox##*$'\n'} == 200 ]] || fail "GET /proximity through nginx: $prox"
"$py" -c 'import json,sys
b = json.loads(sys.argv[1])["borders"]
assert any(x["country"] == "AZ" and x["distance_km"] < 2 for x in b), b' "${prox%$'\n'*}" \
  || fail "proximity from PostGIS layers: ${prox:0:400}"
# Routing on the graph built from the PostGIS roads and crossings: Tehran -> Baku crosses at Astara.
route=$(curl -s -m 30 -w '\n%{http_code}' "$lb/route?from=51.42151,35.69439&to=49.89201,40.37767")
[[ ${route##*$'\n'} == 200 ]] || fail "GET /route from PostGIS layers: ${route:0:400}"
"$py" -c 'import json,sys
p = json.loads(sys.argv[1])["features"][0]["properties"]
assert p["crossing_ids"] == ["astara"] and 700 < p["distance_km"] < 950, p' "${route%$'\n'*}" \
  || fail "route from PostGIS layers: ${route:0:400}"
echo "layers from PostGIS: ${layers[*]} served by both replicas with the shapefiles' counts; proximity and route answer"

# --- 2. a scenario POSTed through nginx is visible via each replica directly -----------------------------
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

# urls N: N request URLs through nginx: /health, /scenarios/ID and a page of crossings in turn.
urls() {
  for ((i = 0; i < $1; i++)); do
    case $((i % 3)) in
      0) echo "url = \"$lb/health\"" ;;
      1) echo "url = \"$lb/scenarios/$id\"" ;;
      2) echo "url = \"$lb/collections/crossings/items?limit=3\"" ;;
    esac
    echo 'output = "/dev/null"'
  done
}
# load FILE N [RATE]: N requests on one keep-alive client connection; one "code instance" line per request.
load() {
  local file=$1 n=$2 rate=${3:-}
  urls "$n" | curl -s -m 150 ${rate:+--rate "$rate"} -K - -w '%{http_code} %header{x-aras-instance}\n' >"$file"
}
# check FILE N: all N answered 200 (curl writes 000 for a transport error).
check() {
  local file=$1 n=$2 total ok
  total=$(wc -l <"$file")
  ok=$(grep -c '^200 ' "$file")
  [[ $total == "$n" && $ok == "$n" ]] || fail "$file: $ok of $n requests answered 200 ($total answers): $(grep -v '^200 ' "$file" | sort | uniq -c | head)"
}
count() { grep -c " $2\$" "$1"; }

# --- 3. 450 requests spread across both, zero errors ----------------------------------------------------
load "$tmp/steady" 450
check "$tmp/steady" 450
ca=$(count "$tmp/steady" "${pid[a]}")
cb=$(count "$tmp/steady" "${pid[b]}")
echo "steady: 450 requests, 0 errors; replica a answered $ca, b answered $cb"
((ca >= 100 && cb >= 100)) || fail "requests not spread across replicas (a $ca, b $cb)"

# --- 4. stop replica a (SIGTERM) mid-loop and restart it: still zero client errors ------------------------
old_a=${pid[a]}
load "$tmp/rolling" 600 100/s &
loader=$!
sleep 1
kill -TERM "$old_a"
timeout 15 tail --pid="$old_a" -f /dev/null || fail "replica a did not exit within 15 s of SIGTERM"
wait "$old_a"
rc=$?
[[ $rc == 0 ]] || fail "replica a exited with $rc after SIGTERM"
sleep 0.5
start_replica a "${port[a]}"
timeout 200 tail --pid="$loader" -f /dev/null
wait "$loader"
check "$tmp/rolling" 600
ra_old=$(count "$tmp/rolling" "$old_a")
ra_new=$(count "$tmp/rolling" "${pid[a]}")
rb=$(count "$tmp/rolling" "${pid[b]}")
echo "rolling restart: 600 requests, 0 errors; a (pid $old_a) answered $ra_old, b $rb, restarted a (pid ${pid[a]}) $ra_new"
((ra_old > 0 && rb > 0)) || fail "both replicas should have answered before the stop"

# The restarted replica is back in rotation and still sees the shared scenario and layers.
sleep 2.2  # nginx's fail_timeout (docs/nginx-aras.conf) for the stopped server
load "$tmp/after" 60
check "$tmp/after" 60
((ra_new + $(count "$tmp/after" "${pid[a]}") > 0)) || fail "restarted replica a never answered through nginx"
[[ $(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[a]}/scenarios/$id") == 200 ]] \
  || fail "restarted replica a does not see $id"

# --- 5. the documented maintenance step: `down` + reload takes replica b out of rotation, and back ----------
# reload_nginx: SIGHUP, then wait (<= 10 s) until a fresh connection is served by the new configuration,
# which /health cannot tell apart: wait for the old worker to be gone instead.
reload_nginx() {
  local old_workers
  old_workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ')
  kill -HUP "$nginx_pid"
  for _ in $(seq 1 100); do
    local alive=""
    for w in $old_workers; do kill -0 "$w" 2>/dev/null && alive=1; done
    [[ -z $alive ]] && return 0
    sleep 0.1
  done
  fail "nginx did not reload in 10 s"
}
sed -i "s/\(server 127\.0\.0\.1:${port[b]} [^;]*\);/\1 down;/" "$tmp/nginx/aras.conf"
grep -q "${port[b]} .* down;" "$tmp/nginx/aras.conf" || fail "could not mark replica b down"
reload_nginx
load "$tmp/drained" 60
check "$tmp/drained" 60
[[ $(count "$tmp/drained" "${pid[b]}") == 0 ]] || fail "replica b marked down still answered through nginx"
sed -i "s/ down;/;/" "$tmp/nginx/aras.conf"
reload_nginx
load "$tmp/back" 60
check "$tmp/back" 60
(($(count "$tmp/back" "${pid[b]}") > 0)) || fail "replica b did not come back after the reload"
echo "maintenance: replica b marked down + reload: 60 of 60 answered by a; back after the reload"
echo "PASS"

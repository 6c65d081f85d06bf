#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS on 127.0.0.1 for the tests; prints two lines:
#   DIR=<cluster dir>        (pass it to stop.sh)
#   PG:host=127.0.0.1 port=<port> dbname=aras user=postgres
# Runs the server as the postgres user (initdb refuses root). Exit 3 when PostgreSQL/PostGIS is not installed.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [[ ! -x $bin/initdb || ! -f /usr/share/postgresql/15/extension/postgis.control ]]; then
  echo "PostgreSQL 15 + PostGIS not installed (scripts/install-deps.sh --test)" >&2
  exit 3
fi
if ! id postgres >/dev/null 2>&1; then
  echo "no postgres user" >&2
  exit 3
fi
as_pg=()
[[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)

dir=$(mktemp -d /tmp/aras-pg.XXXXXX)
chmod 755 "$dir"
[[ $(id -u) == 0 ]] && chown postgres: "$dir"

# A free port: the first in a random walk that nothing answers on.
port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n $port ]] || { echo "no free port found" >&2; exit 1; }

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=50" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
"${psql[@]}" -d postgres -c "CREATE DATABASE aras" >/dev/null
"${psql[@]}" -d aras -c "CREATE EXTENSION postgis" >/dev/null
echo "DIR=$dir"
echo "PG:host=127.0.0.1 port=$port dbname=aras user=postgres"

#!/usr/bin/env bash
# pgRouting's pgr_dijkstra against Aras Hierarchy, ALT and Dijkstra, side by side in one run, on the same graph (the
# embedded roads, exported by bench_route --export) and the same fixed query pairs (seed 42).
#   bench/pgrouting_compare.sh [BUILD_DIR] [PAIRS]      defaults: build-bench, 300 pairs
# Starts a throwaway PostgreSQL 15 + PostGIS + pgRouting on loopback (tests/postgis/start.sh), one
# pgr_dijkstra call per pair timed inside the server (clock_timestamp, so no client round trip is counted),
# then the same pairs through aras::routing::Router (route() end to end: snapping, search, geometry).
# Checks that all give the same cost per pair (1e-6 relative). Bounded: statement_timeout 15 min.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
pairs=${2:-300}
bin=$build/bench/bench_route
[[ -x $bin ]] || { echo "build bench_route first: cmake --build $build --target bench_route" >&2; exit 2; }
if [[ ! -f /usr/share/postgresql/15/extension/pgrouting.control ]]; then
  echo "pgRouting for PostgreSQL 15 not installed (scripts/install-deps.sh --test)" >&2
  exit 3
fi

work=$(mktemp -d /tmp/aras-pgr.XXXXXX)
chmod 755 "$work"
cluster=""
cleanup() {
  [[ -n $cluster ]] && "$root/tests/postgis/stop.sh" "$cluster" || true
  rm -rf "$work"
}
trap cleanup EXIT

out=$("$root/tests/postgis/start.sh")
cluster=$(sed -n 's/^DIR=//p' <<<"$out")
conn=$(sed -n 's/^PG://p' <<<"$out")
psql=(/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -At "$conn")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --export "$work" --pairs "$pairs"

"${psql[@]}" <<SQL
SET statement_timeout = '15min';
CREATE EXTENSION pgrouting;
CREATE TABLE edges (id bigint PRIMARY KEY, source bigint NOT NULL, target bigint NOT NULL, cost float8 NOT NULL);
\copy edges FROM '$work/edges.csv' CSV HEADER
CREATE INDEX ON edges (source);
CREATE INDEX ON edges (target);
CREATE TABLE pairs (i int PRIMARY KEY, source bigint, target bigint, lon_a float8, lat_a float8, lon_b float8, lat_b float8);
\copy pairs FROM '$work/pairs.csv' CSV HEADER
ANALYZE;
SQL
echo "pgrouting $("${psql[@]}" -c 'SELECT pgr_version()'), postgis $("${psql[@]}" -c 'SELECT postgis_lib_version()')"

# One pgr_dijkstra per pair (directed: every row is one directed edge; closed crossings are not exported).
"${psql[@]}" <<'SQL'
SET statement_timeout = '15min';
CREATE TABLE pgr (i int PRIMARY KEY, cost float8, ms float8);
DO $$
DECLARE r record; t0 timestamptz; c float8;
BEGIN
  FOR r IN SELECT * FROM pairs ORDER BY i LOOP
    t0 := clock_timestamp();
    SELECT max(agg_cost) INTO c
      FROM pgr_dijkstra('SELECT id, source, target, cost FROM edges', r.source, r.target, directed => true);
    INSERT INTO pgr VALUES (r.i, c, extract(epoch FROM clock_timestamp() - t0) * 1000.0);
  END LOOP;
END $$;
SQL

# The same pairs through Aras, in this run, right after.
"$bin" --run-pairs "$work"

"${psql[@]}" <<SQL
CREATE TABLE aras (i int PRIMARY KEY, alt_cost float8, dijkstra_cost float8, hierarchy_cost float8, alt_us float8,
                   dijkstra_us float8, hierarchy_us float8);
\copy aras FROM '$work/aras.csv' CSV HEADER
SQL
"${psql[@]}" -F ' ' <<'SQL'
WITH j AS (SELECT p.i, p.cost AS pc, p.ms AS pms, a.alt_cost, a.dijkstra_cost, a.hierarchy_cost,
                  a.alt_us / 1000.0 AS ams, a.dijkstra_us / 1000.0 AS dms, a.hierarchy_us / 1000.0 AS hms
             FROM pgr p JOIN aras a USING (i)),
     k AS (SELECT *, abs(alt_cost - pc) <= 1e-6 * pc + 1e-3 AS alt_ok,
                  abs(dijkstra_cost - pc) <= 1e-6 * pc + 1e-3 AS dij_ok,
                  abs(hierarchy_cost - pc) <= 1e-6 * pc + 1e-3 AS ch_ok
             FROM j)
SELECT format(E'pairs: %s\npgr_dijkstra: mean %s ms, median %s ms\naras Hierarchy: mean %s ms, median %s ms\naras ALT: mean %s ms, median %s ms\naras Dijkstra: mean %s ms, median %s ms\nratio pgr_dijkstra / aras Hierarchy (the default; means): %sx (goal >= 100x)\nratio pgr_dijkstra / aras ALT (means): %sx\nratio pgr_dijkstra / aras Dijkstra (means): %sx\nratio aras Dijkstra / aras Hierarchy (means): %sx\nratio aras Dijkstra / aras ALT (means): %sx\nsame cost as pgr_dijkstra (1e-6 relative): Hierarchy %s of %s, ALT %s of %s, Dijkstra %s of %s%s',
  count(*),
  round(avg(pms)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY pms))::numeric, 3),
  round(avg(hms)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY hms))::numeric, 3),
  round(avg(ams)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ams))::numeric, 3),
  round(avg(dms)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY dms))::numeric, 3),
  round((avg(pms) / avg(hms))::numeric, 1), round((avg(pms) / avg(ams))::numeric, 1),
  round((avg(pms) / avg(dms))::numeric, 1), round((avg(dms) / avg(hms))::numeric, 1),
  round((avg(dms) / avg(ams))::numeric, 1),
  count(*) FILTER (WHERE ch_ok), count(*), count(*) FILTER (WHERE alt_ok), count(*),
  count(*) FILTER (WHERE dij_ok), count(*),
  CASE WHEN bool_and(alt_ok AND dij_ok AND ch_ok)
       THEN E'\ncosts: SAME on every pair'
       ELSE E'\ncosts: DIFFER on some pairs, max relative difference ' ||
            max(greatest(abs(alt_cost - pc), abs(dijkstra_cost - pc), abs(hierarchy_cost - pc)) / nullif(pc, 0))::text END)
FROM k;
SQL
"${psql[@]}" -F ' ' <<'SQL'
SELECT format('differs: pair %s (%s,%s -> %s,%s) pgr %s s, Hierarchy %s s, ALT %s s, Dijkstra %s s', i, lon_a, lat_a,
              lon_b, lat_b, round(p.cost::numeric, 3), round(hierarchy_cost::numeric, 3), round(alt_cost::numeric, 3),
              round(dijkstra_cost::numeric, 3))
  FROM pgr p JOIN aras a USING (i) JOIN pairs USING (i)
 WHERE abs(alt_cost - p.cost) > 1e-6 * p.cost + 1e-3 OR abs(dijkstra_cost - p.cost) > 1e-6 * p.cost + 1e-3
    OR abs(hierarchy_cost - p.cost) > 1e-6 * p.cost + 1e-3
 ORDER BY i LIMIT 10;
SQL

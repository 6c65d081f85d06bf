#!/usr/bin/env bash
# Scale figures for docs/BENCHMARKS.md: graph build time, peak memory, cache file size, ALT/Dijkstra query
# time (CH, ALT, Dijkstra), isochrone latency and the customizable hierarchy (its build on the first restricted
# query, node-to-node search under a soft zone fresh and repeated vs plain CH, RSS before/after it) against
# network size, as a Markdown table on stdout.
#   bench/scale.sh [BUILD_DIR] [SIZES]      defaults: build-bench, "10000 100000 1000000"
# Networks: the deterministic synthetic grid (bench/synthetic.cpp) at each size, the OSM extracts of
# tests/data/osm (aras import, then the graph built from the imported layers) and the embedded region.
# Every step is its own process under /usr/bin/time -v, so "peak RSS" is that step's alone.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
sizes=${2:-"10000 100000 1000000"}
scale=$build/bench/synthetic_scale
aras=$build/aras
for b in "$scale" "$aras"; do
  [[ -x $b ]] || { echo "build it first: cmake --build $build --target synthetic_scale aras" >&2; exit 2; }
done
work=$(mktemp -d /tmp/aras-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Every step runs under a virtual-memory cap (ARAS_SCALE_MEM_GB, default 60 % of the memory available at the
# start): the customizable hierarchy grows faster than the graph, and on a shared machine without swap an
# allocation failure (reported as "out of memory" in the table) is better than the OOM killer.
mem_gb=${ARAS_SCALE_MEM_GB:-$(awk '/MemAvailable/ {printf "%d", $2 * 0.6 / 1048576}' /proc/meminfo)}
(( mem_gb >= 1 )) || mem_gb=1

# run LOG CMD...: runs under /usr/bin/time -v, stdout to LOG.out; prints nothing.
run() {
  local log=$1; shift
  ( ulimit -v $((mem_gb * 1048576)); exec /usr/bin/time -v -o "$log.time" "$@" ) >"$log.out" 2>"$log.err" ||
    { cat "$log.err" >&2; exit 1; }
}
field() { grep -o "$1=[^ ]*" "$2" | head -1 | cut -d= -f2; }          # key=value from a line
rss_mb() { awk '/Maximum resident set size/ {printf "%.0f", $NF / 1024}' "$1"; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s}' "$1"; }

# The customizable-hierarchy columns of a query log: CCH build s | CH node µs | soft zone µs fresh / repeated
# (arcs re-customised per fresh query) | RSS before / after the CCH.
cch() {
  if grep -q cch_error= "$1"; then
    echo "out of memory (cap $mem_gb GB) | $(field ch_node_us "$1") | – | $(field rss_before_cch_mb "$1") / –"
  else
    echo "$(field cch_build_s "$1") | $(field ch_node_us "$1") | $(field soft_us "$1") / $(field soft_repeat_us "$1") ($(field soft_recustomised "$1")) | $(field rss_before_cch_mb "$1") / $(field rss_after_cch_mb "$1")"
  fi
}

rows=()
row() { rows+=("$1"); }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load at start $(cut -d' ' -f1-3 /proc/loadavg), memory cap per step $mem_gb GB" >&2

for n in $sizes; do
  echo "synthetic $n ..." >&2
  run "$work/b$n" "$scale" build --nodes "$n" --out "$work/synth$n.bin" --split-hierarchy
  dpairs=50; [[ $n -ge 1000000 ]] && dpairs=20
  run "$work/q$n" "$scale" query --graph "$work/synth$n.bin" --pairs 200 --dijkstra-pairs "$dpairs"
  b=$work/b$n.out q=$work/q$n.out
  row "| synthetic $n | $(field nodes "$b") | $(field edges "$b") | – | $(field build_s "$b") (hierarchies $(field ch_build_s "$b"); + $(field generate_s "$b") generate) | $(rss_mb "$work/b$n.time") | $(field file_mb "$b") | $(field load_s "$q") | $(rss_mb "$work/q$n.time") | $(field ch_ms "$q") | $(field alt_ms "$q") | $(field dijkstra_ms "$q") | $(field ch_speedup "$q")× / $(field speedup "$q")× | $(field ch_settled "$q") / $(field alt_settled "$q") / $(field dijkstra_settled "$q") | $(field iso_ms "$q") ($(field iso_reached_km "$q") km) | $(cch "$q") |"
done

# Real data: import (OSM PBF through GDAL), then the graph build from the imported layers (first load,
# cold cache), then a second load from the cache file (mmap) that runs the queries.
real() {
  local name=$1 data=$2 import_s="–"
  if [[ $data == *.osm.pbf ]]; then
    echo "$name: import ..." >&2
    run "$work/i$name" "$aras" import "$data" --out "$work/$name" --quiet
    import_s="$(wall_s "$work/i$name.time") s, $(rss_mb "$work/i$name.time") MB"
    data=$work/$name
  fi
  echo "$name: graph ..." >&2
  run "$work/g$name" "$scale" query --data "$data" --cache "$work/cache$name" --pairs 1 --dijkstra-pairs 1
  run "$work/q$name" "$scale" query --data "$data" --cache "$work/cache$name" --pairs 200 --dijkstra-pairs 50
  local g=$work/g$name.out q=$work/q$name.out file_mb
  file_mb=$(du -k "$work/cache$name"/*/road_graph.bin | awk '{printf "%.1f", $1 / 1024}')
  row "| $name | $(field nodes "$q") | $(field edges "$q") | $import_s | $(field load_s "$g") | $(rss_mb "$work/g$name.time") | $file_mb | $(field load_s "$q") | $(rss_mb "$work/q$name.time") | $(field ch_ms "$q") | $(field alt_ms "$q") | $(field dijkstra_ms "$q") | $(field ch_speedup "$q")× / $(field speedup "$q")× | $(field ch_settled "$q") / $(field alt_settled "$q") / $(field dijkstra_settled "$q") | $(field iso_ms "$q") ($(field iso_reached_km "$q") km) | $(cch "$q") |"
}
for pbf in "$root"/tests/data/osm/*.osm.pbf; do
  [[ -f $pbf ]] && real "$(basename "$pbf" .osm.pbf)" "$pbf"
done
real "embedded region" "$root/data"

echo "| network | nodes | edges | import (wall, peak RSS) | graph build s | build peak RSS MB | graph file MB | load s | query peak RSS MB | CH ms | ALT ms | Dijkstra ms | Dijkstra ÷ CH / ÷ ALT | settled CH / ALT / Dijkstra | isochrone 15 min ms (road reached) | CCH build s | CH node µs | soft zone µs fresh / repeated (arcs re-customised) | RSS before / after CCH MB |"
echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

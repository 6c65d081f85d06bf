#!/usr/bin/env bash
# Bounded-time libFuzzer runs of the input parsers (not part of ctest; see docs/TESTING.md).
# usage: tests/fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET...]   (targets: geojson query request scenario)
# Env: ARAS_FUZZ_BUILD (build dir, default <repo>/build-fuzz). Exit status 1 if any target found a crash;
# the reproducer is written to $ARAS_FUZZ_BUILD/fuzz-artifacts/ and the log to $ARAS_FUZZ_BUILD/fuzz-logs/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(geojson query request scenario)
build="${ARAS_FUZZ_BUILD:-$repo/build-fuzz}"
command -v clang++ >/dev/null || { echo "clang++ not found: bash scripts/install-deps.sh --test" >&2; exit 2; }
# ARAS_FUZZ puts fuzzer-no-link + ASan + UBSan (no recovery) on every Aras target (cmake/aras_flags.cmake).
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DARAS_FUZZ=ON -DARAS_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}" -j2
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
status=0
for t in "${targets[@]}"; do
  work="$build/fuzz-corpus/$t"  # grows across runs; the committed seeds stay small
  mkdir -p "$work"
  log="$build/fuzz-logs/$t.log"
  dict=()
  case "$t" in geojson|request|scenario) dict=(-dict="$here/json.dict") ;; esac
  echo "== fuzz_$t for ${secs}s (log: $log)"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t-" "${dict[@]}" \
       "$work" "$here/corpus/$t" >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  else
    status=1
    echo "!! fuzz_$t FAILED; tail of $log:"
    tail -40 "$log"
  fi
done
exit $status

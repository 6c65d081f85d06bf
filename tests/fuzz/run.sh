#!/usr/bin/env bash
# Bounded-time libFuzzer runs of the HTTP-facing parsers (not part of ctest).
# usage: tests/fuzz/run.sh [SECONDS_PER_TARGET=60]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-60}"
build="$repo/build-fuzz"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DARAS_FUZZ=ON -DARAS_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --target fuzz_geojson fuzz_query fuzz_request -j2
status=0
for t in geojson query request; do
  work="$build/fuzz-corpus/$t"
  mkdir -p "$work"
  echo "== fuzz_$t for ${secs}s"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    "$work" "$here/corpus/$t" || status=1
done
exit $status

#!/usr/bin/env bash
# Installs the Debian 12 packages Aras needs. Idempotent; run as root.
#   scripts/install-deps.sh          build + run the service
#   scripts/install-deps.sh --test   also what the test suite needs (PostGIS, pgRouting, Chromium, wrk)
set -euo pipefail

runtime=(cmake ninja-build g++ pkg-config git ca-certificates
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
  libboost-dev libboost-system-dev nlohmann-json3-dev libicu-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpq-dev
  libmetis-dev)  # nested-dissection order of the customizable hierarchy (routing/src/cch.cpp)
test_extra=(python3 python3-gdal python3-shapely python3-pyproj
  postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting
  chromium wrk nginx-light curl
  clang libclang-rt-dev)  # libFuzzer + sanitizer runtimes for tests/fuzz/run.sh (a Recommends only)

want=("${runtime[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_extra[@]}")
  # Node.js with npm for the browser tests: Debian's, unless the machine already has one.
  command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

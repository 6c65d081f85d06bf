#!/usr/bin/env bash
# Installs, builds and runs every test (unit, integration over loopback, PostGIS, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
if [[ -f tests/web/package.json ]]; then
  (cd tests/web && npm ci --no-audit --no-fund --silent)
fi
if [[ -f web/package.json ]]; then
  (cd web && npm ci --no-audit --no-fund --silent)
fi
scripts/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 900

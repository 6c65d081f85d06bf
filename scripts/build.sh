#!/usr/bin/env bash
# Configures and builds Aras into build/ (the CLI lands at build/aras). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ${ARAS_CMAKE_ARGS:-} >/dev/null
cmake --build build --parallel "$(nproc)"

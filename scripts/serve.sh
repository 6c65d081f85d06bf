#!/usr/bin/env bash
# Installs, builds and starts the service on the embedded data (http://127.0.0.1:8080/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/aras serve --host "${ARAS_HOST:-127.0.0.1}" --port "${ARAS_PORT:-8080}" "$@"

#!/usr/bin/env bash
# Stops and deletes a cluster made by start.sh: stop.sh DIR
set -euo pipefail
dir=${1:?usage: stop.sh DIR}
[[ $dir == /tmp/aras-pg.* ]] || { echo "refusing to remove $dir" >&2; exit 2; }
as_pg=()
[[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
if [[ -f $dir/data/postmaster.pid ]]; then
  "${as_pg[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$dir"

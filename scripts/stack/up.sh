#!/usr/bin/env bash
# Starts the gifmesh services in the background (logs and pid files under .data/),
# then waits until every one reports ready. Already running services are left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/node-env.sh
. scripts/infra/env.sh
# The services' shared settings (stack/env.sh: ports, the fixture as Giphy) come with services.sh.
. scripts/stack/services.sh

logs="$GIFMESH_DATA/logs"; run="$GIFMESH_DATA/run"
mkdir -p "$logs" "$run"

is_running() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

while IFS='|' read -r name cmd _ready; do
  if is_running "$name"; then
    echo "==> $name: already running (pid $(cat "$run/$name.pid"))"
    continue
  fi
  echo "==> starting $name: $cmd"
  # setsid: the service outlives this script and `make`, and gets its own process group.
  setsid bash -c "exec $cmd" >>"$logs/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
done < <(gifmesh_services)

deadline=$(($(date +%s) + ${GIFMESH_READY_TIMEOUT:-90}))
while IFS='|' read -r name _cmd ready; do
  printf '==> waiting for %s to be ready (%s)' "$name" "$ready"
  until curl -fs -o /dev/null --max-time 2 "$ready"; do
    if ! is_running "$name"; then
      echo; echo "!! $name exited; last lines of $logs/$name.log:" >&2; tail -n 30 "$logs/$name.log" >&2; exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo; echo "!! $name is not ready after ${GIFMESH_READY_TIMEOUT:-90} s; $ready says:" >&2
      curl -sS --max-time 2 "$ready" >&2 || true; echo >&2
      tail -n 30 "$logs/$name.log" >&2; exit 1
    fi
    printf '.'; sleep 1
  done
  echo " ready"
done < <(gifmesh_services)

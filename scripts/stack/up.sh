#!/usr/bin/env bash
# Starts the gifmesh services in the background (logs and pid files under .data/),
# then waits until every one reports ready. Already running services are left alone.
# shellcheck source=scripts/stack/prelude.sh
. "$(dirname "$0")/prelude.sh"

logs="$GIFMESH_DATA/logs"

while IFS='|' read -r name cmd _ready; do
  if pid="$(service_pid "$name")"; then
    say "$name: already running (pid $pid)"
    continue
  fi
  say "starting $name: $cmd"
  # Detached: the service outlives this script and `make`, in its own session.
  spawn_detached "$logs/$name.log" "$(service_pid_file "$name")" bash -c "exec $cmd"
done < <(gifmesh_services)

deadline=$((SECONDS + ${GIFMESH_READY_TIMEOUT:-90}))
while IFS='|' read -r name _cmd ready; do
  say "waiting for $name to be ready ($ready)"
  if ! wait_until "$name" "$((deadline > SECONDS ? deadline - SECONDS : 0))" service_pid \
    curl -fs -o /dev/null --max-time 2 "$ready"; then
    echo "!! $ready says:" >&2
    curl -sS --max-time 2 "$ready" >&2 || true; echo >&2
    echo "!! last lines of $logs/$name.log:" >&2; tail -n 30 "$logs/$name.log" >&2; exit 1
  fi
  say "$name: ready"
done < <(gifmesh_services)

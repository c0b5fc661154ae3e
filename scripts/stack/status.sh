#!/usr/bin/env bash
# One line per gifmesh service: running or not, and its readiness answer.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/infra/env.sh
. scripts/stack/services.sh
status=0
while IFS='|' read -r name _cmd ready; do
  if pid="$(service_pid "$name")"; then
    if curl -fsS -o /dev/null --max-time 2 "$ready"; then state="ready"; else state="running, NOT ready"; status=1; fi
    printf '%-14s %-20s pid %-8s %s\n' "$name" "$state" "$pid" "$ready"
  else
    printf '%-14s %-20s %-12s %s\n' "$name" "stopped" "" "$ready"; status=1
  fi
done < <(gifmesh_services)
exit $status

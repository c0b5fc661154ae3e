#!/usr/bin/env bash
# scripts/infra/status.sh — is the local stack up? One line per server: state, pid, address.
#
# "running" means the process recorded by up.sh is alive AND its port answers. Exits non-zero
# if any server is not running, so scripts and CI can use it as a precondition check.
#   usage: scripts/infra/status.sh
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=scripts/infra/observability.sh
. "$INFRA_DIR/observability.sh"

down=0
printf '%-9s %-9s %-8s %s\n' SERVER STATE PID ADDRESS
for name in "${SERVERS[@]}"; do
  port="$(server_port "$name")"
  if pid="$(server_pid "$name")"; then
    if port_open "$port"; then state=running; else state=starting; down=1; fi
  else
    pid=-
    if port_open "$port"; then state=foreign; else state=stopped; fi # foreign: port held by a process we did not start
    down=1
  fi
  printf '%-9s %-9s %-8s %s\n' "$name" "$state" "$pid" "$(server_address "$name")"
done
obs_status || down=1
[ "$down" = 0 ] || { echo "some servers are not running; start them with scripts/infra/up.sh" >&2; exit 1; }

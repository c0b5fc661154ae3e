#!/usr/bin/env bash
# Stops the gifmesh services started by scripts/stack/up.sh: SIGTERM first (they
# drain and close within SHUTDOWN_TIMEOUT_MS), SIGKILL if one is still there later.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/infra/env.sh
# shellcheck source=scripts/stack/pids.sh
. scripts/stack/pids.sh

for name in gateway file-worker storage giphy-fixture; do
  pidfile="$(service_pid_file "$name")"
  [ -f "$pidfile" ] || continue
  if pid="$(service_pid "$name")"; then
    say "stopping $name (pid $pid)"
    stop_pid "$name" "$pid" 15
  fi
  rm -f "$pidfile"
done

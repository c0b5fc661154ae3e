#!/usr/bin/env bash
# Stops the gifmesh services started by scripts/stack/up.sh: SIGTERM first (they
# drain and close within SHUTDOWN_TIMEOUT_MS), SIGKILL if one is still there later.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/infra/env.sh
run="$GIFMESH_DATA/run"

for name in gateway file-worker storage giphy-fixture; do
  pidfile="$run/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "==> stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then echo "    $name did not stop in 15 s; killing it"; kill -KILL "$pid" || true; fi
  fi
  rm -f "$pidfile"
done

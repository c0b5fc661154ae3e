#!/usr/bin/env bash
# scripts/cluster/down.sh — stop the brokers of scripts/cluster (a paused one is resumed
# first, or it could not act on SIGTERM), 30 s each before SIGKILL. Only processes whose
# pid file and command line are this cluster's; the dev broker is never touched.
#   usage: scripts/cluster/down.sh [--purge]   (--purge also deletes $GIFMESH_DATA/cluster)
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

pids=()
for ((n = 1; n <= CLUSTER_SIZE; n++)); do
  if pid="$(broker_pid "$n")"; then
    kill -CONT "$pid" 2>/dev/null || true
    say "$(broker_name "$n"): stopping pid $pid"
    pids+=("$n:$pid")
  fi
done
# All at once: the last one standing would otherwise wait for a quorum that is gone.
for entry in "${pids[@]}"; do stop_pid "$(broker_name "${entry%%:*}")" "${entry#*:}" 30 & done
wait
for ((n = 1; n <= CLUSTER_SIZE; n++)); do rm -f "$RUN_DIR/$(broker_name "$n").pid"; done
if [ "${1:-}" = --purge ]; then
  rm -rf "$CLUSTER_DIR"
  say "cluster data removed ($CLUSTER_DIR)"
fi
say "cluster down"

#!/usr/bin/env bash
# scripts/cluster/test.sh — `make test-cluster`: a fresh 3-broker cluster (up.sh prints
# "3 brokers" and the topic layout), the scale-out fault runner against it
# (tests/cluster/run.ts: 2 gateways behind HAProxy, 2 storage, 2 workers, under load),
# and the cluster stopped and its data removed afterwards, whatever happened. The
# cluster exists only while the runner needs it. Bounded: the runner gets 630 s (its own
# fault budget is 510 s), the cluster about a minute to start: under 12 minutes in all.
#   usage: scripts/cluster/test.sh   (CLUSTER_QUICK=1: shorter outages)
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
t0=$SECONDS
command -v haproxy >/dev/null || die "haproxy is missing (scripts/install.sh installs Debian's package)"

# A cluster left from an earlier run (or make cluster-up) holds old messages on the
# contract topics: the runner counts from empty topics.
bash "$GIFMESH_ROOT/scripts/cluster/down.sh" --purge
trap 'bash "$GIFMESH_ROOT/scripts/cluster/down.sh" --purge' EXIT
bash "$GIFMESH_ROOT/scripts/cluster/up.sh"
rc=0
(
  # shellcheck source=scripts/node-env.sh
  . "$GIFMESH_ROOT/scripts/node-env.sh"
  export GIFMESH_CLUSTER_BOOTSTRAP="$CLUSTER_BOOTSTRAP"
  timeout -k 30 "${CLUSTER_TIMEOUT_S:-630}" node "$GIFMESH_ROOT/tests/cluster/run.ts"
) || rc=$?
say "test-cluster took $((SECONDS - t0)) s (exit $rc)"
exit "$rc"

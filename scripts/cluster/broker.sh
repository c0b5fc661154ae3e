#!/usr/bin/env bash
# scripts/cluster/broker.sh — one broker of the cluster, for the fault runner:
#   broker.sh pid <n>     prints broker n's pid (exit 1 when it does not run)
#   broker.sh start <n>   starts broker n if it does not run, waits for its port (at most
#                         180 s: a broker restarted on a busy machine replays its log first)
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cmd="${1:-}" n="${2:-}"
if ! [[ "$n" =~ ^[1-9]$ ]] || [ "$n" -gt "$CLUSTER_SIZE" ]; then die "usage: broker.sh pid|start <1..$CLUSTER_SIZE>"; fi
case "$cmd" in
  pid) broker_pid "$n" ;;
  start)
    broker_pid "$n" >/dev/null || start_broker "$n"
    wait_broker "$n" 180
    ;;
  *) die "usage: broker.sh pid|start <n>" ;;
esac

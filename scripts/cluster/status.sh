#!/usr/bin/env bash
# scripts/cluster/status.sh — what the 3-broker cluster is: one line per broker (state,
# pid, address), "<n> brokers" registered, and the layout of every topic from Kafka's
# own topic tool (partitions, replication factor, configs; per partition leader,
# replicas, ISR). Exits 1 when fewer than 3 brokers are registered.
#   usage: scripts/cluster/status.sh
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

printf '%-17s %-8s %-8s %s\n' BROKER STATE PID ADDRESS
for ((n = 1; n <= CLUSTER_SIZE; n++)); do
  if pid="$(broker_pid "$n")"; then
    state=running
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ] && state=paused
  else
    pid=- state=stopped
  fi
  printf '%-17s %-8s %-8s %s\n' "$(broker_name "$n")" "$state" "$pid" "127.0.0.1:$(broker_port "$n") (controller :$(broker_controller_port "$n"))"
done
count="$(registered_brokers)"
echo "$count brokers"
if [ "$count" -gt 0 ]; then
  cluster_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$CLUSTER_BOOTSTRAP" --describe --exclude-internal |
    sed -E 's/\t+/  /g; s/ +Elr:.*$//; s/TopicId: [^ ]+ +//'
fi
[ "$count" -ge "$CLUSTER_SIZE" ]

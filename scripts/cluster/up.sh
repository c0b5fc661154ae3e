#!/usr/bin/env bash
# scripts/cluster/up.sh — start the 3-broker KRaft cluster of scripts/cluster/lib.sh (the
# brokers not already running), wait (bounded) until all 3 are registered, create the
# archive topics with replication factor 3 and min.insync.replicas 2 (archiveTopicSpecs,
# as the services would), and print "3 brokers" and the topic layout (status.sh).
# Never touches the dev broker of scripts/infra. Idempotent.
#   usage: scripts/cluster/up.sh      (make cluster-up; stop with scripts/cluster/down.sh)
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
t0=$SECONDS

[ -d "$KAFKA_LIBS" ] || die "Kafka's jars are missing in $KAFKA_LIBS (run scripts/install.sh)"
for ((n = 1; n <= CLUSTER_SIZE; n++)); do
  name="$(broker_name "$n")"
  if pid="$(broker_pid "$n")"; then
    say "$name: already running (pid $pid)"
    continue
  fi
  for p in "$(broker_port "$n")" "$(broker_controller_port "$n")"; do
    port_open "$p" && die "port $p (needed by $name) is taken by another process"
  done
  say "$name: starting on 127.0.0.1:$(broker_port "$n") (controller :$(broker_controller_port "$n"), data $(broker_dir "$n"))"
  start_broker "$n"
done
for ((n = 1; n <= CLUSTER_SIZE; n++)); do wait_broker "$n" 90; done
say "waiting until $CLUSTER_SIZE brokers are registered"
wait_registered "$CLUSTER_SIZE" 90

say "archive topics: replication factor 3, min.insync.replicas 2"
(
  # shellcheck source=scripts/node-env.sh
  . "$GIFMESH_ROOT/scripts/node-env.sh"
  node "$GIFMESH_ROOT/scripts/cluster/ensure-topics.ts" "$CLUSTER_BOOTSTRAP" 3 2
)
bash "$GIFMESH_ROOT/scripts/cluster/status.sh"
say "cluster up in $((SECONDS - t0))s; bootstrap $CLUSTER_BOOTSTRAP"

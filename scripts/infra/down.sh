#!/usr/bin/env bash
# scripts/infra/down.sh — stop the local stack started by up.sh; data is kept.
#
# Stops each server whose pid file in .data/run points to a live process (reverse start
# order: Prometheus and Zipkin, Jaeger, S3, Kafka, Redis, PostgreSQL), gracefully first (SIGTERM; `pg_ctl stop -m fast`
# for PostgreSQL), then SIGKILL after a timeout. Never touches processes it did not start.
#   usage: scripts/infra/down.sh            stop, keep data (up.sh resumes with it)
#          scripts/infra/down.sh --purge    stop and delete all server data under $GIFMESH_DATA
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=scripts/infra/observability.sh
. "$INFRA_DIR/observability.sh"

purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *) die "usage: $0 [--purge]" ;;
esac

obs_stop
for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do
  name="${SERVERS[$i]}"
  if ! pid="$(server_pid "$name")"; then
    say "$name: not running"
    rm -f "$(pid_file "$name")"
    continue
  fi
  say "$name: stopping pid $pid"
  case "$name" in
    postgres)
      runuser -u postgres -- "$PG_BIN/pg_ctl" stop -D "$GIFMESH_DATA/postgres" -m fast -w -t 20 -s ||
        stop_pid "$name" "$pid" 10 ;;
    kafka) stop_pid "$name" "$pid" 30 ;; # controlled shutdown flushes logs and snapshots metadata
    *) stop_pid "$name" "$pid" 10 ;;
  esac
  rm -f "$(pid_file "$name")"
done

if [ "$purge" = 1 ]; then
  say "purging server data in $GIFMESH_DATA (${SERVERS[*]} ${OBS_SERVERS[*]}, logs, run)"
  for name in "${SERVERS[@]}"; do rm -rf "${GIFMESH_DATA:?}/$name"; done
  obs_purge
  rm -rf "${GIFMESH_DATA:?}/s3-meta" "${GIFMESH_DATA:?}/logs" "${GIFMESH_DATA:?}/run"
fi
say "local stack stopped"

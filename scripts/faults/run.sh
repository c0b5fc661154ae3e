#!/usr/bin/env bash
# scripts/faults/run.sh — `make test-faults`: the fault-injection suite.
# Runs a complete PRIVATE gifmesh (its own Kafka, Redis, versitygw, PostgreSQL,
# Giphy fixture and services on free ports), so the shared servers and a
# developer's `make up` are never touched. Needs the installed servers
# (scripts/install.sh), not the running ones. Quick mode: FAULTS_QUICK=1.
# Knobs: FAULTS_LONG_OUTAGE_MS FAULTS_SHORT_OUTAGE_MS FAULTS_WORKER_KILLS
# FAULTS_FIXTURE_FAULT_MS FAULTS_SECOND_WORKER_MS FAULTS_WARMUP_MS
# FAULTS_SETTLE_TIMEOUT_MS FAULTS_RATE FAULTS_CONCURRENCY FAULTS_CATALOGUE_SIZE
# FAULTS_ONLY=a,d (subset of faults).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=/dev/null
. scripts/node-env.sh
if [ "$(id -u)" != 0 ] && ! command -v runuser >/dev/null; then
  echo "test-faults: the private PostgreSQL runs as the postgres user via runuser (needs root)" >&2
  exit 2
fi
exec node tests/faults/run.ts "$@"

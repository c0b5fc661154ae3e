#!/usr/bin/env bash
# make bench: start the shared infrastructure if needed, then run the benchmarks on a
# private gifmesh stack (nothing of `make up` is used or disturbed). Writes bench/RESULTS.md.
# Knobs: BENCH_GIFS BENCH_DURATION_S BENCH_CONNECTIONS BENCH_RPC_CONCURRENCY BENCH_FIXTURE_CACHE_MB
#        BENCH_PIPELINE_TIMEOUT_S BENCH_TRACING=1 BENCH_PROFILE=gateway,storage,file-worker
#        BENCH_GATEWAY_CONFIGS=production,local,off (the gateway configurations, side by side)
#        BENCH_ONLY=gateway (only the gateway cache-hit runs, printed; BENCH_OUT=<file> keeps them)
# Profiles: node bench/src/profile-top.ts --skip-s=<start-up seconds> <file>.cpuprofile
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/node-env.sh
. scripts/infra/env.sh
bash scripts/infra/up.sh
exec node bench/src/run.ts "$@"

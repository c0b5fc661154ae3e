#!/usr/bin/env bash
# make load: mixed traffic against a running gateway (default http://127.0.0.1:8080, the
# `make up` stack). Knobs: LOAD_URL LOAD_DURATION_S LOAD_CONCURRENCY LOAD_RATE LOAD_CLIENTS LOAD_MIX
# LOAD_ZIPF_S LOAD_API_KEY, or the same as flags: --duration-s=60 --rate=200 ...
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/node-env.sh
exec node bench/src/load/main.ts "$@"

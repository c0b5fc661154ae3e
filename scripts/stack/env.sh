# shellcheck shell=bash
# scripts/stack/env.sh — the settings the gifmesh services share on top of the
# infrastructure's (scripts/infra/env.sh), read by `make up` (stack/up.sh) and
# `make dev` (stack/dev.sh, each service through stack/run.sh), so both modes run
# the same system on the same ports. Every variable keeps a value that is already
# set: the dev-mode test moves every port to a private one this way.

# Where each process listens (the services' own defaults, written out once here so
# the ones that call each other follow when one moves).
export GIPHY_FIXTURE_PORT="${GIPHY_FIXTURE_PORT:-8089}"
export STORAGE_RPC_PORT="${STORAGE_RPC_PORT:-50051}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
# Each service reads ADMIN_PORT; these say which one each gets (stack/services.sh).
export GATEWAY_ADMIN_PORT="${GATEWAY_ADMIN_PORT:-9464}"
export STORAGE_ADMIN_PORT="${STORAGE_ADMIN_PORT:-9465}"
export FILE_WORKER_ADMIN_PORT="${FILE_WORKER_ADMIN_PORT:-9466}"

export STORAGE_URL="${STORAGE_URL:-http://127.0.0.1:$STORAGE_RPC_PORT}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$GATEWAY_PORT}"

# Without a Giphy key the fixture stands in for Giphy, and its media lives on loopback:
# storage asks the fixture, and the file worker may download from exactly that
# host:port (every other private address stays refused).
if [ -z "${GIPHY_API_KEY:-}" ]; then
  export GIPHY_BASE_URL="${GIPHY_BASE_URL:-http://127.0.0.1:$GIPHY_FIXTURE_PORT/v1/}"
  export DOWNLOAD_PRIVATE_ALLOWED_HOSTS="${DOWNLOAD_PRIVATE_ALLOWED_HOSTS:-127.0.0.1:$GIPHY_FIXTURE_PORT}"
fi

# Spans go to Jaeger (OTLP, the store) and to Zipkin (the trace UI of the local stack:
# the local Jaeger has no UI; scripts/infra/observability.sh), and the web page links
# each search to its trace in that UI.
# Memory of the Node services (the local stack's budget is 2.5 GB RSS under load, see
# docs/observability.md). V8 grows the young generation up to 3 x 64 MB semi-spaces
# on a machine with this much memory, and it stays committed once start-up has grown
# it. 16 MB cut the file worker's RSS under make load from 351 to 221 MB; 8 MB took
# another 11-17 MB off each service idle and under load, with no loss in the gateway
# benchmark (its young-generation GC time per request stayed the same: twice the
# scavenges, each half the size). glibc gives every thread that allocates its own
# malloc arena (libuv's pool, librdkafka's threads): two arenas keep the
# fragmentation that RSS counts small. Both are the Dockerfile's defaults too.
export NODE_OPTIONS="${NODE_OPTIONS:---max-semi-space-size=8}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp,zipkin}"
zipkin_ui="${ZIPKIN_UI:-http://127.0.0.1:9411/zipkin/}"
export WEB_TRACE_URL="${WEB_TRACE_URL:-${zipkin_ui%/}/traces/{trace_id}}"
unset zipkin_ui

# Storage's RPC is authenticated by a bearer token that storage and the gateway share
# (docs/security.md). `make up` stays zero-config: the first run writes a random token
# into .data/secrets (mode 600, git-ignored) and every later run reuses it, so a
# restarted gateway keeps talking to a running storage. Reflection (grpcurl, buf curl
# without .proto files) is on for the local stack only; it is behind the same token.
if [ -z "${STORAGE_RPC_TOKEN:-}" ]; then
  gifmesh_token_file="${GIFMESH_DATA:?}/secrets/storage-rpc-token"
  if [ ! -s "$gifmesh_token_file" ]; then
    (umask 077 && mkdir -p "${gifmesh_token_file%/*}" &&
      head -c 32 /dev/urandom | base64 | tr -d '=+/\n' >"$gifmesh_token_file")
  fi
  STORAGE_RPC_TOKEN="$(cat "$gifmesh_token_file")"
  export STORAGE_RPC_TOKEN
  unset gifmesh_token_file
fi
export STORAGE_RPC_REFLECTION="${STORAGE_RPC_REFLECTION:-true}"

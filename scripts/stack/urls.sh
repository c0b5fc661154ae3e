#!/usr/bin/env bash
# Prints where to look once `make up` is done.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/infra/env.sh
giphy="the Giphy fixture at http://127.0.0.1:${GIPHY_FIXTURE_PORT:-8089}/v1/ (no GIPHY_API_KEY set)"
[ -n "${GIPHY_API_KEY:-}" ] && giphy="the real Giphy API (GIPHY_API_KEY is set)"
cat <<TXT

gifmesh is up.
  Web page            http://127.0.0.1:8080/
  Giphy-style API     curl 'http://127.0.0.1:8080/v1/gifs/search?q=cat&limit=5'
  OpenAPI             http://127.0.0.1:8080/openapi.json
  Storage RPC (h2c)   http://127.0.0.1:${STORAGE_RPC_PORT:-50051}  (a bearer token: see "Storage RPC" below)
  Traces (Zipkin UI)  ${ZIPKIN_UI}  (the web page links each search to its trace)
  Traces API (Jaeger) ${JAEGER_UI}/api/traces/<trace id>  (JSON; this Jaeger has no UI)
  Prometheus          ${PROMETHEUS_UI}/  (alerts: ${PROMETHEUS_UI}/classic/alerts, targets: /classic/targets)
  Metrics             http://127.0.0.1:9464/metrics (gateway)  :9465 (storage)  :9466 (file-worker)
  Giphy               $giphy
  Logs                make logs   (files in ${GIFMESH_DATA}/logs)
  Stop                make down

Storage RPC, with the local token (written on the first make up):
  T="authorization: Bearer \$(cat ${GIFMESH_DATA}/secrets/storage-rpc-token)"
  buf curl --protocol grpc --http2-prior-knowledge --reflect -H "\$T" --reflect-header "\$T" \\
    --data '{"id":"<gif id>"}' http://127.0.0.1:${STORAGE_RPC_PORT:-50051}/gifmesh.storage.v1.StorageService/GetGif
TXT

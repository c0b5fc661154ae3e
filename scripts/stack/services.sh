# shellcheck shell=bash
# The gifmesh processes that `make up` runs on top of the infrastructure:
# name, start command, and the URL that answers 200 once the process is ready.
# The Giphy fixture only runs when no GIPHY_API_KEY is set.
gifmesh_services() {
  if [ -z "${GIPHY_API_KEY:-}" ]; then
    echo "giphy-fixture|node services/giphy-fixture/src/main.ts|http://127.0.0.1:${GIPHY_FIXTURE_PORT:-8089}/healthz"
  fi
  echo "storage|node --import @gifmesh/shared/tracing/register services/storage/src/main.ts|http://127.0.0.1:9465/readyz"
  echo "file-worker|node --import @gifmesh/shared/tracing/register services/file-worker/src/main.ts|http://127.0.0.1:9466/readyz"
  echo "gateway|node --import @gifmesh/shared/tracing/register services/gateway/src/main.ts|http://127.0.0.1:9464/readyz"
}

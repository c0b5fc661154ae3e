# shellcheck shell=bash
# The gifmesh processes that `make up` (stack/up.sh, in the background) and
# `make dev` (stack/dev.sh, through turbo) run on top of the infrastructure:
# name, start command, and the URL that answers 200 once the process is ready.
# The Giphy fixture only runs when no GIPHY_API_KEY is set.
# With GIFMESH_WATCH=1 the commands run under `node --watch` (make dev): node
# restarts the service when a file it loaded changes, and keeps the output
# (by default it clears the terminal, which turbo shares between the services).
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# shellcheck source=scripts/stack/pids.sh
. "$(dirname "${BASH_SOURCE[0]}")/pids.sh"

gifmesh_services() {
  local node="node" traced="--import @gifmesh/shared/tracing/register"
  [ "${GIFMESH_WATCH:-}" = 1 ] && node="node --watch --watch-preserve-output"
  if [ -z "${GIPHY_API_KEY:-}" ]; then
    echo "giphy-fixture|$node services/giphy-fixture/src/main.ts|http://127.0.0.1:$GIPHY_FIXTURE_PORT/healthz"
  fi
  echo "storage|env ADMIN_PORT=$STORAGE_ADMIN_PORT $node $traced services/storage/src/main.ts|http://127.0.0.1:$STORAGE_ADMIN_PORT/readyz"
  echo "file-worker|env ADMIN_PORT=$FILE_WORKER_ADMIN_PORT $node $traced services/file-worker/src/main.ts|http://127.0.0.1:$FILE_WORKER_ADMIN_PORT/readyz"
  echo "gateway|env ADMIN_PORT=$GATEWAY_ADMIN_PORT $node $traced services/gateway/src/main.ts|http://127.0.0.1:$GATEWAY_ADMIN_PORT/readyz"
}

# Every TCP port the services listen on, as "name port" lines (dev.sh refuses to start
# when one is taken, e.g. by the services of a running `make up`).
gifmesh_service_ports() {
  [ -z "${GIPHY_API_KEY:-}" ] && echo "giphy-fixture $GIPHY_FIXTURE_PORT"
  echo "storage $STORAGE_RPC_PORT"
  echo "storage $STORAGE_ADMIN_PORT"
  echo "file-worker $FILE_WORKER_ADMIN_PORT"
  echo "gateway $GATEWAY_PORT"
  echo "gateway $GATEWAY_ADMIN_PORT"
}

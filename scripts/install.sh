#!/usr/bin/env bash
# Installs everything gifmesh needs on this machine, and takes seconds when it is
# already there: Node 24 (locally), the npm workspace (including the Kafka client's
# native build against Debian's libraries), and the infrastructure servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh

# The infrastructure first: it also installs the Debian libraries the Kafka client builds against.
bash scripts/infra/install.sh

stamp=node_modules/.gifmesh-install-stamp
want="$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "==> npm workspace: up to date"
else
  echo "==> npm ci (builds @confluentinc/kafka-javascript against Debian's librdkafka deps; about a minute the first time)"
  start=$(date +%s)
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
  echo "    npm ci took $(($(date +%s) - start)) s"
fi

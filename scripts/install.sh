#!/usr/bin/env bash
# Installs everything gifmesh needs on this machine, and takes seconds when it is
# already there: Node 24 (locally), the npm workspace (including the Kafka client's
# native build against Debian's libraries), and the infrastructure servers
# (scripts/infra/install.sh). What is missing is installed side by side: the Go builds
# of versitygw and Jaeger start at once, Node with them, npm ci once apt has put the
# Debian headers there, the Kafka jars once apt has put the JDK there. Each step logs to
# .data/logs/install/<step>.log, and a progress line every 10 s names the steps still
# running and their time.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/infra/install.sh
. scripts/infra/install.sh
t0=$SECONDS
install_lock

install_node() { . scripts/node-env.sh; node -v; }

npm_stamp=node_modules/.gifmesh-install-stamp
# What node_modules was installed for: the Node that built its native addon, and the lock file.
npm_want() { echo "$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"; }
install_npm() {
  step_after node apt
  . scripts/node-env.sh
  # (No JOBS=max for node-gyp: the Kafka client's gyp files do not order its sources after
  # librdkafka's generated config.h, so a parallel make fails; librdkafka's own make is -j.)
  npm ci --no-audit --no-fund --foreground-scripts
  npm_want >"$npm_stamp"
}

infra_install_start
# shellcheck source=scripts/node-env.sh
GIFMESH_NODE_INSTALL=defer . scripts/node-env.sh
if gifmesh_node_present; then
  if [ -f "$npm_stamp" ] && [ "$(cat "$npm_stamp")" = "$(npm_want)" ]; then
    say "npm workspace: up to date"
  else
    say "npm ci (the Kafka client builds against Debian's librdkafka deps: 1-2 min the first time)"
    step_start npm install_npm
  fi
else
  say "node: installing Node 24 LTS locally into .cache/node (machine has $(node -v 2>/dev/null || echo none))"
  step_start node install_node
  say "npm ci after it (the Kafka client builds against Debian's librdkafka deps: 1-2 min the first time)"
  step_start npm install_npm
fi
step_wait
infra_install_finish
say "install done in $((SECONDS - t0))s"

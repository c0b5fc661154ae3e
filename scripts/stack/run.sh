#!/usr/bin/env bash
# Runs one gifmesh service in the foreground with the command and settings `make up`
# uses (stack/services.sh, stack/env.sh); with --watch under `node --watch`, which
# restarts it when one of the files it loaded changes. Each service's `npm run dev`
# calls this, and `make dev` runs those through turbo.
#   usage: scripts/stack/run.sh [--watch] giphy-fixture|storage|file-worker|gateway
# shellcheck source=scripts/stack/prelude.sh
. "$(dirname "$0")/prelude.sh"

GIFMESH_WATCH=0
if [ "${1:-}" = --watch ]; then GIFMESH_WATCH=1; shift; fi
name="${1:?usage: $0 [--watch] <service>}"
cmd="$(GIFMESH_WATCH=$GIFMESH_WATCH gifmesh_services | awk -F'|' -v n="$name" '$1 == n { print $2 }')"
if [ -z "$cmd" ]; then
  echo "!! unknown service '$name' (or not run in this mode); the services: $(gifmesh_services | cut -d'|' -f1 | xargs)" >&2
  exit 2
fi
# exec: the service (node's watcher in watch mode) keeps this pid and gets the signals.
exec bash -c "exec $cmd"

#!/usr/bin/env bash
# make dev: the services of `make up` in the foreground through turbo, each one
# restarted by `node --watch` when a file it loaded changes (its own sources, the
# shared workspace, gen/). Same commands, settings and ports as `make up`
# (stack/services.sh, stack/env.sh), on the infrastructure `make infra-up` started.
# Ctrl-C stops them all. The dev-mode test (tests/dev) runs this very script.
# shellcheck source=scripts/stack/prelude.sh
. "$(dirname "$0")/prelude.sh"

# Both modes use the same ports: refuse early (a service that cannot bind would only
# wait for a file change under node --watch).
taken=""
while read -r name port; do
  if port_open "$port"; then taken+=" $name:$port"; fi
done < <(gifmesh_service_ports)
if [ -n "$taken" ]; then
  echo "!! ports in use:$taken" >&2
  echo "   Are the services of 'make up' (or another 'make dev') running? Stop them with" >&2
  echo "   'bash scripts/stack/down.sh' (the infrastructure may stay up), then run 'make dev' again." >&2
  exit 1
fi

# Giphy itself when a key is set, else the fixture (as in stack/services.sh).
filters=(--filter='./services/*')
[ -n "${GIPHY_API_KEY:-}" ] && filters+=(--filter='!@gifmesh/giphy-fixture')

# One line once every service answers its readiness URL (bounded; gone with turbo).
announce() {
  local parent="$1" deadline=$((SECONDS + ${GIFMESH_READY_TIMEOUT:-120})) name _cmd ready
  while IFS='|' read -r name _cmd ready; do
    until curl -fs -o /dev/null --max-time 2 "$ready"; do
      kill -0 "$parent" 2>/dev/null || return 0
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "==> dev: $name is not ready after ${GIFMESH_READY_TIMEOUT:-120} s ($ready); see its lines above" >&2
        return 0
      fi
      sleep 1
    done
  done < <(gifmesh_services)
  echo "==> dev: every service is ready: web page $PUBLIC_BASE_URL/ (files are watched; Ctrl-C stops)"
}
announce $$ &

# No telemetry or update check from turbo (no internet on our machines).
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
# exec: turbo keeps this pid, so a signal to it (or Ctrl-C) stops every task.
exec turbo run dev "${filters[@]}" --output-logs=full

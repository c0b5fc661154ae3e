#!/usr/bin/env bash
# scripts/test-all.sh — `make test`: every check and every test suite, in the order CI
# runs them, each step timed. It stops at the first step that fails, naming it, and
# always ends with the time each step took, so a slow or failing run says where.
#   usage: scripts/test-all.sh   (make test installs first; this script assumes it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

names=()
seconds=()
report() {
  echo "==> make test: time per step"
  local i
  for i in "${!names[@]}"; do printf '    %-34s %5d s\n' "${names[$i]}" "${seconds[$i]}"; done
  printf '    %-34s %5d s\n' "total (after install)" "$SECONDS"
}
trap report EXIT

# step <name> <command...>: runs the command, records its time, and on failure says
# which step failed before the exit status ends the run.
step() {
  local name=$1 t0=$SECONDS rc=0
  shift
  echo "==> [$name]"
  "$@" || rc=$?
  names+=("$name")
  seconds+=($((SECONDS - t0)))
  if [ "$rc" -ne 0 ]; then
    echo "==> [$name] FAILED (exit $rc)" >&2
    exit "$rc"
  fi
}

vitest() {
  # shellcheck source=scripts/node-env.sh
  . scripts/node-env.sh
  # shellcheck source=scripts/infra/env.sh
  . scripts/infra/env.sh
  npx vitest run
}

# The live metrics check reads the services of `make up`: restarted, so they run this code.
metrics_check() {
  bash scripts/stack/down.sh
  bash scripts/stack/up.sh
  bash scripts/observability/check.sh
}

step "infrastructure" bash scripts/infra/up.sh
step "lint" make --no-print-directory lint
step "typecheck" make --no-print-directory typecheck
step "contracts" bash scripts/check-contracts.sh
step "deployment files" bash scripts/deploy/check.sh
step "vitest (unit, hostile, integration, e2e)" vitest
step "live metrics" metrics_check
# The fault suite and the cluster runner start private stacks of their own; the make up
# services are stopped first so that their CPU goes to the runs under test.
step "stop make up's services" bash scripts/stack/down.sh
step "fault suite (one broker)" bash scripts/faults/run.sh
step "cluster (3 brokers, 2 of each)" bash scripts/cluster/test.sh

#!/usr/bin/env bash
# The observability checks of `make test`:
#   1. `promtool check rules` on every alert/recording rule file we ship;
#   2. `promtool check metrics` on the live /metrics of gateway, storage and
#      file-worker (admin ports 9464, 9465, 9466), which must be running.
# Exits non-zero, naming the endpoint, when one is down or fails the lint.
# Override the endpoints with METRICS_URLS="http://h:p/metrics ...".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/observability/install-promtool.sh"
PROMTOOL="$ROOT/.cache/bin/promtool"
status=0

echo "==> promtool check rules"
shopt -s nullglob
rules=("$ROOT"/deploy/observability/rules/*.yml)
if [ "${#rules[@]}" -eq 0 ]; then
  echo "no rule files in deploy/observability/rules" >&2
  status=1
elif ! "$PROMTOOL" check rules "${rules[@]}"; then
  status=1
fi

echo "==> promtool check metrics"
urls=${METRICS_URLS:-"http://127.0.0.1:9464/metrics http://127.0.0.1:9465/metrics http://127.0.0.1:9466/metrics"}
for url in $urls; do
  body=$(mktemp)
  if ! curl -fsS --max-time 5 -o "$body" "$url"; then
    echo "FAIL $url: endpoint is down (start the stack with 'make up')" >&2
    status=1
  elif ! problems=$("$PROMTOOL" check metrics <"$body" 2>&1); then
    echo "FAIL $url:" >&2
    echo "$problems" >&2
    status=1
  else
    echo "ok   $url ($(grep -vc '^#' "$body") samples)"
  fi
  rm -f "$body"
done
exit "$status"

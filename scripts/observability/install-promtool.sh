#!/usr/bin/env bash
# Installs promtool (Prometheus's checker for rules and /metrics output) into
# .cache/bin with `go install` from the prometheus module. Idempotent: does
# nothing when the pinned build is already there. A build made by a warm-up run
# (/tmp/warm/bin/promtool) is copied instead of rebuilt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.cache/bin"
VERSION="${PROMTOOL_VERSION:-v0.316.0}"
STAMP="$BIN/.promtool-$VERSION"

if [ -x "$BIN/promtool" ] && [ -f "$STAMP" ]; then
  exit 0
fi
mkdir -p "$BIN"
if [ -x /tmp/warm/bin/promtool ] && [ ! -x "$BIN/promtool" ]; then
  cp /tmp/warm/bin/promtool "$BIN/promtool"
else
  command -v go >/dev/null || { echo "install-promtool: go is not on PATH" >&2; exit 1; }
  echo "==> go install github.com/prometheus/prometheus/cmd/promtool@$VERSION (a few minutes when cold)"
  GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -mod=mod" go install "github.com/prometheus/prometheus/cmd/promtool@$VERSION"
fi
touch "$STAMP"
echo "promtool ready: $BIN/promtool"

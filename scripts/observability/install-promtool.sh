#!/usr/bin/env bash
# Installs promtool (Prometheus's checker for rules and /metrics output) into
# .cache/bin with `go install` from the prometheus module. Idempotent: does
# nothing when the pinned build is already there.
# Built with `-tags remove_all_sd`: promtool's checks need none of Prometheus's
# service-discovery plugins (AWS, Azure, Kubernetes, ...), which are most of the
# module's dependencies and most of a cold build's time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.cache/bin"
VERSION="${PROMTOOL_VERSION:-v0.316.0}"
STAMP="$BIN/.promtool-$VERSION-nosd"

if [ -x "$BIN/promtool" ] && [ -f "$STAMP" ]; then
  exit 0
fi
mkdir -p "$BIN"
command -v go >/dev/null || { echo "install-promtool: go is not on PATH" >&2; exit 1; }
echo "==> go install -tags remove_all_sd github.com/prometheus/prometheus/cmd/promtool@$VERSION"
start=$(date +%s)
GOBIN="$BIN" go install -tags remove_all_sd "github.com/prometheus/prometheus/cmd/promtool@$VERSION"
rm -f "$BIN"/.promtool-*
touch "$STAMP"
echo "    promtool ready in $(($(date +%s) - start)) s: $BIN/promtool"

#!/usr/bin/env bash
# Checks the Protobuf contracts the way CI does:
#   1. buf lint (STANDARD);
#   2. buf breaking against the committed baseline image (the released contract),
#      and against the previous commit when there is one, so a fresh clone of main
#      still compares with something other than itself;
#   3. gen/ is what `buf generate` makes of proto/ now (fails when gen/ is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh

echo "==> buf lint"
buf lint

echo "==> buf breaking against the committed baseline (proto/baseline/image.binpb)"
buf breaking --against proto/baseline/image.binpb

if git rev-parse --verify -q HEAD~1 >/dev/null; then
  echo "==> buf breaking against the previous commit ($(git rev-parse --short HEAD~1))"
  buf breaking --against '.git#ref=HEAD~1'
else
  echo "==> buf breaking against the previous commit: skipped (this is the first commit)"
fi

echo "==> gen/ is up to date with proto/"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
buf generate -o "$tmp"
if ! diff -r "$tmp/gen" gen >"$tmp/diff.txt"; then
  head -n 40 "$tmp/diff.txt"
  echo "gen/ is stale: run 'make generate' and commit the result." >&2
  exit 1
fi
echo "contracts OK"

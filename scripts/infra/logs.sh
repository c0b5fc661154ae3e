#!/usr/bin/env bash
# scripts/infra/logs.sh — follow the logs of the local stack's servers (.data/logs/<name>.log).
#   usage: scripts/infra/logs.sh            follow all of them
#          scripts/infra/logs.sh kafka      follow one (postgres|redis|kafka|s3|jaeger)
#          LINES=200 scripts/infra/logs.sh  start with more history (default 50 lines)
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

files=()
if [ $# -gt 0 ]; then
  for name in "$@"; do
    [[ " ${SERVERS[*]} " == *" $name "* ]] || die "unknown server '$name' (one of: ${SERVERS[*]})"
    files+=("$LOG_DIR/$name.log")
  done
else
  for name in "${SERVERS[@]}"; do files+=("$LOG_DIR/$name.log"); done
fi
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
[ "${#existing[@]}" -gt 0 ] || die "no logs yet in $LOG_DIR (start the stack with scripts/infra/up.sh)"
exec tail -n "${LINES:-50}" -F "${existing[@]}"

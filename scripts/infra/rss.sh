#!/usr/bin/env bash
# scripts/infra/rss.sh — what the running local stack costs in memory, per part.
#
# For every pid file in .data/run (the servers of infra/up.sh, Zipkin and Prometheus,
# the services of stack/up.sh) it sums the resident memory of that process and all
# its descendants (PostgreSQL's backends, the shell that runs a service): RSS, which
# counts a page shared by two processes twice (PostgreSQL's shared buffers in every
# backend), and PSS, which splits it. Samples every INTERVAL seconds for DURATION
# seconds (run it beside `make load`) and prints each part's peak and the peak total.
#   usage: scripts/infra/rss.sh [DURATION_S] [INTERVAL_S]     (defaults 0 = one sample, 5)
set -euo pipefail
# shellcheck source=scripts/infra/env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
duration="${1:-0}" interval="${2:-5}"
run="$GIFMESH_DATA/run"

# The pid and its descendants, one a line.
tree() {
  local pid="$1" child
  echo "$pid"
  for child in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do tree "$child"; done
}
# "<rss kB> <pss kB>" of a process tree.
tree_mem() {
  local rss=0 pss=0 pid r p
  for pid in $(tree "$1"); do
    r="$(awk '/^Rss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
    p="$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
    rss=$((rss + ${r:-0})) pss=$((pss + ${p:-0}))
  done
  echo "$rss $pss"
}

declare -A peak_rss=() peak_pss=()
peak_total_rss=0 peak_total_pss=0 samples=0
end=$((SECONDS + duration))
while :; do
  total_rss=0 total_pss=0
  for f in "$run"/*.pid; do
    [ -s "$f" ] || continue
    name="$(basename "$f" .pid)" pid="$(head -n1 "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || continue
    read -r rss pss < <(tree_mem "$pid")
    total_rss=$((total_rss + rss)) total_pss=$((total_pss + pss))
    [ "$rss" -gt "${peak_rss[$name]:-0}" ] && peak_rss[$name]=$rss
    [ "$pss" -gt "${peak_pss[$name]:-0}" ] && peak_pss[$name]=$pss
  done
  [ "$total_rss" -gt "$peak_total_rss" ] && peak_total_rss=$total_rss
  [ "$total_pss" -gt "$peak_total_pss" ] && peak_total_pss=$total_pss
  samples=$((samples + 1))
  [ "$SECONDS" -ge "$end" ] && break
  sleep "$interval"
done

printf '%-14s %10s %10s\n' PART "RSS MB" "PSS MB"
for name in $(printf '%s\n' "${!peak_rss[@]}" | sort); do
  printf '%-14s %10d %10d\n' "$name" $((peak_rss[$name] / 1024)) $((peak_pss[$name] / 1024))
done
printf '%-14s %10d %10d   (peak of the sums, %d samples)\n' TOTAL $((peak_total_rss / 1024)) $((peak_total_pss / 1024)) "$samples"

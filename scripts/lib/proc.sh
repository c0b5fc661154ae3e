# shellcheck shell=bash
# scripts/lib/proc.sh — the process helpers of the infra scripts (scripts/infra) and the
# service scripts (scripts/stack): messages, whether a port answers, which recorded pid
# is still ours, starting a detached process with its pid file, a bounded wait with
# progress that fails fast when the process died, and a graceful stop.
# Sourced, never run; defines functions only.

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:<port> (bash's /dev/tcp, no nc needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_from_file <pid file> [marker]: prints the recorded pid if that process is alive and
# (with a marker) its command line contains the marker. A stale pid file whose pid was
# reused by an unrelated process must never get that process signalled.
pid_from_file() {
  local f="$1" marker="${2:-}" pid
  [ -s "$f" ] || return 1
  pid="$(head -n1 "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$marker" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  fi
  echo "$pid"
}

# spawn_detached <log file> <pid file> <command...>: starts the command in its own session
# (Ctrl-C on the calling script or closing the terminal does not stop it), output appended
# to the log, and records its pid. setsid execs in place here (the child is not a
# process-group leader), so $! is the command itself.
spawn_detached() {
  local log="$1" pidfile="$2" pid self i; shift 2
  mkdir -p "$(dirname "$log")" "$(dirname "$pidfile")"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  # Until the fork has exec'd, its command line is this shell's, and a liveness check by
  # command line (pid_from_file with a marker) would call it dead: on a loaded machine
  # that window is long enough to fail a start. Wait for the exec (at most 10 s).
  self="$(tr '\0' ' ' <"/proc/$$/cmdline")"
  for ((i = 0; i < 100; i++)); do
    [ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" != "$self" ] && break
    sleep 0.1
  done
}

# wait_until <name> <seconds> <alive command> <check...>: runs the check every 0.5 s until it
# succeeds, saying every $PROGRESS_EVERY s (10) how long it has waited. Returns 1 with a
# message when `<alive command> <name>` fails (the process died) or time runs out; the
# caller adds the log tail and decides whether to exit.
wait_until() {
  local name="$1" secs="$2" alive="$3"; shift 3
  local deadline=$((SECONDS + secs)) t0=$SECONDS next=$((SECONDS + ${PROGRESS_EVERY:-10}))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$next" ]; then
      say "... still waiting for $name: $((SECONDS - t0))s (at most ${secs}s)"
      next=$((SECONDS + ${PROGRESS_EVERY:-10}))
    fi
    if ! "$alive" "$name" >/dev/null 2>&1; then
      printf 'ERROR: %s exited during startup\n' "$name" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf 'ERROR: %s not ready after %ss (check: %s)\n' "$name" "$secs" "$*" >&2
      return 1
    fi
    sleep 0.5
  done
}

# stop_pid <name> <pid> [seconds]: SIGTERM, wait up to <seconds> (10), then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" secs="${3:-10}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < secs * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  warn "$name (pid $pid) did not stop within ${secs}s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

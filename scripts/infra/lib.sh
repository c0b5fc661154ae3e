# shellcheck shell=bash
# scripts/infra/lib.sh — helpers shared by the infra scripts (install/up/down/status/logs).
#
# Sourced, never run. Defines where things live (from env.sh), how to tell whether a
# server is up (pid file + TCP port), how to wait for one with a bounded timeout,
# and how to stop one gracefully (the process helpers are scripts/lib/proc.sh, shared
# with scripts/stack). Each server of the local stack has a name:
#   postgres redis kafka s3 jaeger
# with its data in $GIFMESH_DATA/<name>, its log in $GIFMESH_DATA/logs/<name>.log
# and its pid in $GIFMESH_DATA/run/<name>.pid.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GIFMESH_ROOT="${GIFMESH_ROOT:-$(cd "$INFRA_DIR/../.." && pwd)}"
# shellcheck source=scripts/infra/env.sh
. "$INFRA_DIR/env.sh"
# shellcheck source=scripts/lib/proc.sh
. "$GIFMESH_ROOT/scripts/lib/proc.sh"

SERVERS=(postgres redis kafka s3 jaeger)
RUN_DIR="$GIFMESH_DATA/run"
LOG_DIR="$GIFMESH_DATA/logs"
BIN_DIR="$GIFMESH_CACHE/bin"

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SOCKET_DIR="$RUN_DIR/postgres-socket"
KAFKA_LIBS="$GIFMESH_CACHE/kafka/libs"
KAFKA_CLASSES="$GIFMESH_CACHE/kafka/classes"
KAFKA_LOG4J="$INFRA_DIR/kafka/log4j2.xml"
JAEGER_CONFIG="$INFRA_DIR/jaeger/config.yaml"
VERSITYGW_VERSION="v1.7.0"

# Kafka topics of gifmesh: name:partitions (replication 1 on the local single node), from
# the contract the services create them with (archiveTopicSpecs in
# shared/src/contracts/topics.ts), printed by Node 24 (scripts/node-env.sh; not installed
# from here: install.sh sources this file before Node is there). Empty, with a warning,
# when Node 24 is missing: only up.sh needs the list.
archive_topics() {
  (
    # shellcheck source=scripts/node-env.sh
    GIFMESH_NODE_INSTALL=defer . "$GIFMESH_ROOT/scripts/node-env.sh"
    gifmesh_node_present || exit 1
    node "$GIFMESH_ROOT/shared/src/contracts/print-topics.ts"
  )
}
KAFKA_TOPICS=()
if gifmesh_topics="$(archive_topics 2>/dev/null)" && [ -n "$gifmesh_topics" ]; then
  mapfile -t KAFKA_TOPICS <<<"$gifmesh_topics"
else
  warn "the archive topics are unknown: Node 24 is missing or shared/src/contracts/print-topics.ts failed (run scripts/install.sh)"
fi
unset gifmesh_topics

# Our servers listen on loopback only; ports follow the URLs in env.sh.
port_of_url() { local u="${1%/}"; u="${u##*://}"; u="${u%%/*}"; u="${u%%,*}"; echo "${u##*:}"; }
PG_PORT="$PGPORT"
REDIS_PORT="$(port_of_url "$REDIS_URL")"
KAFKA_PORT="$(port_of_url "$KAFKA_BROKERS")"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
S3_PORT="$(port_of_url "$S3_ENDPOINT")"
JAEGER_UI_PORT="$(port_of_url "$JAEGER_UI")"
JAEGER_OTLP_HTTP_PORT="$(port_of_url "$OTEL_EXPORTER_OTLP_ENDPOINT")"
JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-$((JAEGER_OTLP_HTTP_PORT - 1))}"
export JAEGER_UI_PORT JAEGER_OTLP_HTTP_PORT JAEGER_OTLP_GRPC_PORT # read by jaeger/config.yaml

# The port that says "this server is up", and what to show in tables.
server_port() {
  case "$1" in
    postgres) echo "$PG_PORT" ;; redis) echo "$REDIS_PORT" ;; kafka) echo "$KAFKA_PORT" ;;
    s3) echo "$S3_PORT" ;; jaeger) echo "$JAEGER_UI_PORT" ;;
  esac
}
server_address() {
  case "$1" in
    postgres) echo "$DATABASE_URL" ;;
    redis) echo "$REDIS_URL" ;;
    kafka) echo "$KAFKA_BROKERS (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)" ;;
    s3) echo "$S3_ENDPOINT bucket=$S3_BUCKET" ;;
    jaeger) echo "$JAEGER_UI (OTLP http :$JAEGER_OTLP_HTTP_PORT, grpc :$JAEGER_OTLP_GRPC_PORT)" ;;
  esac
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
# What the command line of each server contains (guards against a stale pid file whose pid
# was reused by an unrelated process: we must never signal that one).
server_marker() {
  case "$1" in
    postgres) echo postgres ;; redis) echo redis-server ;; kafka) echo kafka.Kafka ;;
    s3) echo versitygw ;; jaeger) echo jaeger ;;
  esac
}
# The pid recorded for a server, if that process is still alive and is that server.
server_pid() { pid_from_file "$(pid_file "$1")" "$(server_marker "$1")"; }
# Running = our recorded process is alive AND its port answers.
server_running() { server_pid "$1" >/dev/null && port_open "$(server_port "$1")"; }

# Last lines of a server's log, for error messages.
log_tail() {
  local f="$LOG_DIR/$1.log"
  if [ -s "$f" ]; then
    printf -- '--- last lines of %s ---\n' "$f" >&2
    tail -n "${2:-25}" "$f" >&2
    printf -- '---\n' >&2
  fi
}

# wait_for <name> <seconds> <command...>: run the check every 0.5 s until it succeeds, saying
# every $PROGRESS_EVERY s (10) how long it has waited. On timeout: clear error + log tail,
# exit 1. Also fails fast if the server's process died.
wait_for() {
  local name="$1" secs="$2"; shift 2
  wait_until "$name" "$secs" server_pid "$@" || { log_tail "$name"; die "$name did not start (log: $LOG_DIR/$name.log)"; }
}

# Start a long-running server detached from this shell (scripts/lib/proc.sh), output
# appended to its log, pid in its pid file.
spawn() {
  local name="$1"; shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$name" >>"$LOG_DIR/$name.log"
  spawn_detached "$LOG_DIR/$name.log" "$(pid_file "$name")" "$@"
}

# Our JVMs (Kafka, Zipkin) keep their temp files (native libraries such as lz4's and
# brotli4j's) under .data/<server>/tmp, not in /tmp: the JVM ignores TMPDIR, and every
# start would leave new files there. Pair it with -XX:-UsePerfData (no hsperfdata).
jvm_tmp_flag() {
  mkdir -p "$GIFMESH_DATA/$1/tmp"
  echo "-Djava.io.tmpdir=$GIFMESH_DATA/$1/tmp"
}

# Java with Kafka's jars on the classpath. Tools log at WARN; the broker passes its own level.
kafka_java() {
  java "$(jvm_tmp_flag kafka)" -XX:-UsePerfData -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dgifmesh.kafka.level=warn \
    -cp "$KAFKA_CLASSES:$KAFKA_LIBS/*" "$@"
}

# Content hash of files, for stamp files ("rebuild when the inputs changed").
hash_files() { cat "$@" | sha256sum | cut -c1-16; }

# --- install steps side by side, with progress --------------------------------------------
# step_start <name> <command...>  runs the command (a function is fine) in the background,
#                                 its output in $STEP_DIR/<name>.log
# step_after <name...>            (inside a step) waits until those steps of this run ended,
#                                 and fails when one of them failed
# step_wait                       waits for every started step: says when each one ends, and
#                                 every $PROGRESS_EVERY s (default 10) which ones still run and
#                                 for how long; on failure prints the failed step's log tail
# Each step runs under `set -e` in its own subshell, so a failing command ends that step only.
STEP_DIR="$LOG_DIR/install"
PROGRESS_EVERY="${PROGRESS_EVERY:-10}"
STEPS=()
declare -A STEP_T0=()

# 1m05s / 42s
fmt_secs() { if [ "$1" -ge 60 ]; then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }

step_start() {
  local name="$1"; shift
  mkdir -p "$STEP_DIR"
  rm -f "$STEP_DIR/$name.rc"
  printf '===== %s %s =====\n' "$(date -Is)" "$name" >"$STEP_DIR/$name.log"
  STEPS+=("$name")
  STEP_T0[$name]=$SECONDS
  (
    set +e
    (set -e; "$@") >>"$STEP_DIR/$name.log" 2>&1 </dev/null
    echo $? >"$STEP_DIR/$name.rc.tmp" && mv "$STEP_DIR/$name.rc.tmp" "$STEP_DIR/$name.rc"
  ) &
}

step_after() {
  local dep known rc
  for dep in "$@"; do
    # Only steps started in this run count (one that was up to date never started).
    known=0
    for s in "${STEPS[@]}"; do [ "$s" = "$dep" ] && known=1; done
    [ "$known" = 1 ] || continue
    until [ -f "$STEP_DIR/$dep.rc" ]; do sleep 0.5; done
    rc="$(cat "$STEP_DIR/$dep.rc")"
    [ "$rc" = 0 ] || { echo "not run: step '$dep' failed (exit $rc)"; return 1; }
  done
}

step_wait() {
  local next=$((SECONDS + PROGRESS_EVERY)) name rc running failed=() line
  local -A reported=()
  while :; do
    running=()
    for name in "${STEPS[@]}"; do
      if [ ! -f "$STEP_DIR/$name.rc" ]; then running+=("$name"); continue; fi
      [ -n "${reported[$name]:-}" ] && continue
      reported[$name]=1
      rc="$(cat "$STEP_DIR/$name.rc")"
      if [ "$rc" = 0 ]; then
        say "$name: done in $(fmt_secs $((SECONDS - STEP_T0[$name])))"
      else
        failed+=("$name")
        printf 'ERROR: %s failed (exit %s) after %s; last lines of %s:\n' "$name" "$rc" \
          "$(fmt_secs $((SECONDS - STEP_T0[$name])))" "$STEP_DIR/$name.log" >&2
        tail -n 40 "$STEP_DIR/$name.log" | sed 's/^/    /' >&2
      fi
    done
    [ "${#running[@]}" -eq 0 ] && break
    if [ "$SECONDS" -ge "$next" ]; then
      line=""
      for name in "${running[@]}"; do line+="${line:+, }$name $(fmt_secs $((SECONDS - STEP_T0[$name])))"; done
      say "... still running: $line (logs: $STEP_DIR/)"
      next=$((SECONDS + PROGRESS_EVERY))
    fi
    sleep 1
  done
  wait
  STEPS=()
  [ "${#failed[@]}" -eq 0 ] || die "install failed: ${failed[*]} (full logs in $STEP_DIR/)"
}

# shellcheck shell=bash
# scripts/infra/observability.sh — what a person looks at: the trace UI (Zipkin) and
# Prometheus, as plain processes on 127.0.0.1 beside the rest of the local stack.
#
# Why Zipkin: the Jaeger of the local stack is built with `go build`, which carries no UI
# assets, and jaeger-ui is in no registry we reach. Zipkin's server is one `exec` jar on
# Maven Central with its Lens UI inside; the services send every span to both (OTLP to
# Jaeger, which stays the store the tests and the deployments use, and Zipkin's JSON to
# Zipkin: OTEL_TRACES_EXPORTER=otlp,zipkin, shared/src/tracing). docs/observability.md.
# Prometheus is Debian's (2.42, with its classic UI), scraping the three services' admin
# /metrics with deploy/observability/rules loaded; its Alerts page shows the rules' state
# (Debian's Alertmanager ships no web UI, so it would add nothing to look at).
#
# Sourced by up.sh (obs_install, obs_start, obs_wait), down.sh (obs_stop) and status.sh
# (obs_status); runnable as `bash scripts/infra/observability.sh up|down|status|install`.
# Data and logs under .data like the other servers: .data/{zipkin,prometheus},
# .data/logs/<name>.log, .data/run/<name>.pid. Zipkin keeps traces in memory only.

if [ -z "${INFRA_DIR:-}" ]; then
  # shellcheck source=scripts/infra/lib.sh
  . "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
fi
# The services' admin ports (what Prometheus scrapes) are the stack's settings.
# shellcheck source=scripts/stack/env.sh
. "$INFRA_DIR/../stack/env.sh"

OBS_SERVERS=(zipkin prometheus)
ZIPKIN_PORT="$(port_of_url "$ZIPKIN_UI")"
PROMETHEUS_PORT="$(port_of_url "$PROMETHEUS_UI")"
ZIPKIN_DIR="$GIFMESH_CACHE/zipkin"
ZIPKIN_JAR="$ZIPKIN_DIR/zipkin-server.jar"
ZIPKIN_POM="$INFRA_DIR/zipkin/pom.xml"
PROMETHEUS_BIN="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
# Spans Zipkin keeps in memory (oldest dropped first). Our spans carry their resource
# (process, host, service) as tags, 4-5 KB each in Zipkin's heap: 20000 filled its
# 128 MB heap under a full test run (OutOfMemoryError, the UI then blank). 10000 is
# ~50 MB: some 30 cold 25-GIF searches (230-360 spans each), or a minute of make load.
ZIPKIN_MAX_SPANS="${ZIPKIN_MAX_SPANS:-10000}"

obs_port() { case "$1" in zipkin) echo "$ZIPKIN_PORT" ;; prometheus) echo "$PROMETHEUS_PORT" ;; esac; }
obs_marker() { case "$1" in zipkin) echo "$ZIPKIN_JAR" ;; prometheus) echo "$GIFMESH_DATA/prometheus/prometheus.yml" ;; esac; }
obs_address() {
  case "$1" in
    zipkin) echo "$ZIPKIN_UI (spans in: $OTEL_EXPORTER_ZIPKIN_ENDPOINT)" ;;
    prometheus) echo "$PROMETHEUS_UI (scrapes :$GATEWAY_ADMIN_PORT :$STORAGE_ADMIN_PORT :$FILE_WORKER_ADMIN_PORT)" ;;
  esac
}
# The recorded pid, if that process is alive and is that server (never signal a reused pid).
obs_pid() { pid_from_file "$(pid_file "$1")" "$(obs_marker "$1")"; }
obs_ready() {
  case "$1" in
    zipkin) curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$ZIPKIN_PORT/health" ;;
    prometheus) curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" ;;
  esac
}

# --- install: the Zipkin jar from Maven Central, Prometheus from Debian ------------------
obs_zipkin_current() { [ -s "$ZIPKIN_JAR" ] && [ "$(cat "$ZIPKIN_DIR/.stamp" 2>/dev/null)" = "$(hash_files "$ZIPKIN_POM")" ]; }
obs_install_zipkin() {
  say "zipkin: fetching io.zipkin:zipkin-server:exec from Maven Central (about 131 MB)"
  mkdir -p "$ZIPKIN_DIR"
  rm -rf "$ZIPKIN_DIR/tmp"
  local out
  if ! out="$(mvn -B -Dstyle.color=never -ntp -f "$ZIPKIN_POM" dependency:copy -Dzipkin.dir="$ZIPKIN_DIR/tmp" 2>&1)"; then
    echo "$out" | tail -n 30 >&2
    die "zipkin: mvn dependency:copy failed"
  fi
  mv "$ZIPKIN_DIR/tmp/zipkin-server.jar" "$ZIPKIN_JAR"
  rmdir "$ZIPKIN_DIR/tmp"
  hash_files "$ZIPKIN_POM" >"$ZIPKIN_DIR/.stamp"
}
obs_prometheus_present() { [ -x "$PROMETHEUS_BIN" ]; }
obs_install_prometheus() {
  say "prometheus: apt-get install prometheus (Debian's 2.42)"
  [ "$(id -u)" -eq 0 ] || die "need root for apt-get (or install Debian's prometheus yourself)"
  export DEBIAN_FRONTEND=noninteractive
  # Recommends would add node-exporter and its collectors; we scrape only gifmesh.
  apt-get install -y -qq --no-install-recommends prometheus ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; }
  obs_stop_debian_prometheus
}
# Debian's postinst may start its own Prometheus on :9090 (where systemd or an init runs).
obs_stop_debian_prometheus() {
  if [ -s /run/prometheus/prometheus.pid ] && kill -0 "$(cat /run/prometheus/prometheus.pid)" 2>/dev/null; then
    say "stopping Debian's system prometheus; ours runs from $GIFMESH_DATA/prometheus"
    service prometheus stop >/dev/null 2>&1 || kill "$(cat /run/prometheus/prometheus.pid)" 2>/dev/null || true
  fi
}
# What is missing, installed one after the other (both are quick: ~15 s each).
obs_install() {
  obs_zipkin_current || obs_install_zipkin
  obs_prometheus_present || obs_install_prometheus
}

# --- start ----------------------------------------------------------------------------
obs_start_zipkin() {
  say "zipkin: starting (UI $ZIPKIN_UI, in-memory, at most $ZIPKIN_MAX_SPANS spans)"
  # Serial GC, C1 only, a small heap and one Netty arena with little direct memory
  # (Netty's default pooled arenas alone took ~100 MB of RSS under `make load`): a
  # developer's trace viewer, not a collector under production load (the cost is in
  # docs/observability.md). Armeria's port is
  # bound to loopback explicitly (server.address does not reach it). Every collector
  # but HTTP stays off: KAFKA_BOOTSTRAP_SERVERS and the like are unset here.
  spawn zipkin env -u KAFKA_BOOTSTRAP_SERVERS -u RABBIT_ADDRESSES -u RABBIT_URI -u ACTIVEMQ_URL \
    QUERY_PORT="$ZIPKIN_PORT" STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MAX_SPANS" \
    COLLECTOR_GRPC_ENABLED=false SELF_TRACING_ENABLED=false \
    java "$(jvm_tmp_flag zipkin)" -XX:-UsePerfData -Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
    -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m \
    -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 \
    -Djava.awt.headless=true -jar "$ZIPKIN_JAR" \
    '--armeria.ports[0].ip=127.0.0.1' "--armeria.ports[0].port=$ZIPKIN_PORT" '--armeria.ports[0].protocols[0]=http' \
    --logging.level.root=warn --logging.level.com.linecorp.armeria.server.Server=info
}

# Written on every start from the stack's ports; the rules are the shipped ones.
obs_prometheus_config() {
  local dir="$GIFMESH_DATA/prometheus"
  mkdir -p "$dir/data"
  cat >"$dir/prometheus.yml" <<YML
# Generated by scripts/infra/observability.sh on every start; edit the script, not this file.
# The local twin of deploy/observability/prometheus/prometheus.yml (compose): same jobs,
# same rules, loopback targets, and a 5 s scrape so a person sees a change soon.
global:
  scrape_interval: 5s
  evaluation_interval: 15s
rule_files:
  - $GIFMESH_ROOT/deploy/observability/rules/*.yml
scrape_configs:
  - job_name: gateway
    static_configs: [{ targets: ["127.0.0.1:$GATEWAY_ADMIN_PORT"] }]
  - job_name: storage
    static_configs: [{ targets: ["127.0.0.1:$STORAGE_ADMIN_PORT"] }]
  - job_name: file-worker
    static_configs: [{ targets: ["127.0.0.1:$FILE_WORKER_ADMIN_PORT"] }]
  - job_name: prometheus
    static_configs: [{ targets: ["127.0.0.1:$PROMETHEUS_PORT"] }]
YML
}
obs_start_prometheus() {
  obs_prometheus_config
  say "prometheus: starting on $PROMETHEUS_UI (data $GIFMESH_DATA/prometheus/data, 2 days kept)"
  spawn prometheus "$PROMETHEUS_BIN" --config.file="$GIFMESH_DATA/prometheus/prometheus.yml" \
    --storage.tsdb.path="$GIFMESH_DATA/prometheus/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle --log.level=warn
}

# Launches what is not running; obs_wait waits for it (so the JVM starts beside Kafka's).
obs_start() {
  local name pid
  for name in "${OBS_SERVERS[@]}"; do
    if obs_pid "$name" >/dev/null && port_open "$(obs_port "$name")"; then
      say "$name: already running (pid $(obs_pid "$name"))"
      continue
    fi
    if pid="$(obs_pid "$name")"; then
      say "$name: pid $pid is alive but its port is closed; restarting it"
      stop_pid "$name" "$pid" 10
    fi
    rm -f "$(pid_file "$name")"
    if port_open "$(obs_port "$name")"; then
      die "port $(obs_port "$name") (needed by $name) is taken by another process: $(ss -Hltnp "sport = :$(obs_port "$name")" 2>/dev/null | grep -o 'users:.*' | head -n1)"
    fi
    "obs_start_$name"
  done
}
obs_wait() {
  local name deadline
  for name in "${OBS_SERVERS[@]}"; do
    deadline=$((SECONDS + 90))
    until obs_ready "$name"; do
      if ! obs_pid "$name" >/dev/null; then log_tail "$name"; die "$name exited during startup (log: $LOG_DIR/$name.log)"; fi
      if [ "$SECONDS" -ge "$deadline" ]; then log_tail "$name"; die "$name not ready after 90 s (log: $LOG_DIR/$name.log)"; fi
      sleep 0.5
    done
  done
}

# --- stop and status --------------------------------------------------------------------
obs_stop() {
  local name pid
  for name in "${OBS_SERVERS[@]}"; do
    if pid="$(obs_pid "$name")"; then
      say "$name: stopping pid $pid"
      stop_pid "$name" "$pid" 15
    else
      say "$name: not running"
    fi
    rm -f "$(pid_file "$name")"
  done
}
obs_purge() { rm -rf "${GIFMESH_DATA:?}/prometheus" "${GIFMESH_DATA:?}/zipkin"; }
# Same columns as status.sh; returns 1 when one is not running.
obs_status() {
  local name pid state down=0
  for name in "${OBS_SERVERS[@]}"; do
    if pid="$(obs_pid "$name")"; then
      if obs_ready "$name"; then state=running; else state=starting; down=1; fi
    else
      pid=-
      if port_open "$(obs_port "$name")"; then state=foreign; else state=stopped; fi
      down=1
    fi
    printf '%-9s %-9s %-8s %s\n' "$name" "$state" "$pid" "$(obs_address "$name")"
  done
  return "$down"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    install) obs_install ;;
    up) obs_install && obs_start && obs_wait && obs_status ;;
    down) obs_stop; if [ "${2:-}" = --purge ]; then obs_purge; fi ;;
    status) obs_status ;;
    *) die "usage: $0 install|up|down [--purge]|status" ;;
  esac
fi

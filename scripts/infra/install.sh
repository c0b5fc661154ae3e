#!/usr/bin/env bash
# scripts/infra/install.sh — install the local stack's servers as plain programs (no Docker).
#
# What it installs, only when missing (a second run takes a second or two):
#   - Debian packages: PostgreSQL 15, Redis, a JDK and Maven (for Kafka), and the
#     headers the Kafka JS client (@confluentinc/kafka-javascript) links against.
#   - Apache Kafka 4.x jars from Maven Central into .cache/kafka/libs
#     (pinned in scripts/infra/kafka/pom.xml; re-fetched when the pom changes),
#     plus our small topic bootstrapper (kafka/EnsureTopics.java) compiled once.
#   - versitygw (S3-compatible server) via `go install` into .cache/bin.
#   - Jaeger v2 all-in-one built from the tools module scripts/infra/jaeger into .cache/bin
#     (`go install pkg@version` refuses Jaeger because its go.mod has replace directives).
# What is missing is installed side by side (lib.sh: step_start/step_wait): the two Go
# builds need nothing from apt and start at once; the Kafka jars wait for apt's JDK and
# Maven. Each step logs to .data/logs/install/<step>.log; a progress line every 10 s says
# which steps still run and for how long, and a failed step's log tail is printed.
# apt may auto-start Debian's own PostgreSQL/Redis services on 5432/6379; they are stopped,
# our instances run from .data/ (see up.sh).
# scripts/install.sh sources this file to run the npm workspace's install in the same batch.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# The trace UI and Prometheus (observability.sh; up.sh starts them) are installed in the
# same batch: Prometheus with the other Debian packages, the Zipkin jar as a step of its own.
# shellcheck source=scripts/infra/observability.sh
. "$INFRA_DIR/observability.sh"

# Go binaries without DWARF and symbol tables (-s -w: a much shorter link, smaller files;
# panics still print file:line) and without local paths in them (-trimpath).
GO_BUILD_FLAGS=(-trimpath -ldflags=-s\ -w)

# --- one lock: two installs at once (make up and make test in two shells) would both
# --- build, and npm ci would delete node_modules under the other one's feet.
install_lock() {
  [ -n "${GIFMESH_INSTALL_LOCKED:-}" ] && return 0
  mkdir -p "$GIFMESH_CACHE"
  exec 9>"$GIFMESH_CACHE/install.lock"
  if ! flock -n 9; then
    say "another install is running in this checkout; waiting for it (up to 30 min)"
    flock -w 1800 9 || die "the other install still holds $GIFMESH_CACHE/install.lock after 30 min"
  fi
  export GIFMESH_INSTALL_LOCKED=1
}

# --- Debian packages -----------------------------------------------------------------
apt_pkgs=(postgresql redis-server libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev curl)
# Debian's Chromium drives the web page's browser test (Playwright's own browser download
# cannot work offline); playwright-core from npm talks to it.
apt_pkgs+=(chromium)
# Debian's ffmpeg makes the Giphy fixture's mp4 and webp renditions: real, valid
# containers encoded from the fixture's own GIFs (services/giphy-fixture/src/media).
apt_pkgs+=(ffmpeg)
# Debian's HAProxy is the health-checked load balancer in front of the two gateways and
# the two storage instances of the scale-out test (tests/cluster, make test-cluster).
apt_pkgs+=(haproxy)
apt_missing() {
  local p pkgs=("${apt_pkgs[@]}")
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  command -v javac >/dev/null 2>&1 || pkgs+=(default-jdk-headless)
  obs_prometheus_present || pkgs+=(prometheus)
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
install_apt() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
}

# --- Debian's own services must not hold our ports ------------------------------------
# (apt's postinst starts them on a fresh machine; ours use their own data dirs.)
stop_debian_services() {
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name port status _; do
      if [ "$status" = online ]; then
        say "stopping Debian's system PostgreSQL cluster $ver/$name (port $port); ours runs from $GIFMESH_DATA/postgres"
        pg_ctlcluster --force "$ver" "$name" stop || true
      fi
    done < <(pg_lsclusters -h 2>/dev/null || true)
  fi
  if [ -s /run/redis/redis-server.pid ] && kill -0 "$(cat /run/redis/redis-server.pid)" 2>/dev/null; then
    say "stopping Debian's system redis-server; ours runs from $GIFMESH_DATA/redis"
    service redis-server stop >/dev/null 2>&1 || kill "$(cat /run/redis/redis-server.pid)" 2>/dev/null || true
  fi
}

# --- Kafka jars from Maven Central, and the topic tool ----------------------------------
kafka_pom="$INFRA_DIR/kafka/pom.xml"
kafka_stamp="$GIFMESH_CACHE/kafka/libs.stamp"
kafka_tool="$INFRA_DIR/kafka/EnsureTopics.java"
kafka_tool_stamp="$KAFKA_CLASSES/.stamp"
kafka_current() {
  [ -f "$kafka_stamp" ] && [ "$(cat "$kafka_stamp")" = "$(hash_files "$kafka_pom")" ] &&
    compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null &&
    [ -f "$kafka_tool_stamp" ] && [ "$(cat "$kafka_tool_stamp")" = "$(hash_files "$kafka_tool" "$kafka_stamp")" ]
}
install_kafka() {
  step_after apt
  if [ ! -f "$kafka_stamp" ] || [ "$(cat "$kafka_stamp")" != "$(hash_files "$kafka_pom")" ] ||
    ! compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    say "fetching jars from Maven Central (mvn dependency:copy-dependencies)"
    rm -rf "$KAFKA_LIBS" "$KAFKA_CLASSES"
    mkdir -p "$KAFKA_LIBS"
    mvn -B -Dstyle.color=never -ntp -f "$kafka_pom" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS"
    hash_files "$kafka_pom" >"$kafka_stamp"
  fi
  say "compiling the topic tool (EnsureTopics.java)"
  rm -rf "$KAFKA_CLASSES" && mkdir -p "$KAFKA_CLASSES"
  javac -nowarn -d "$KAFKA_CLASSES" -cp "$KAFKA_LIBS/*" "$kafka_tool"
  hash_files "$kafka_tool" "$kafka_stamp" >"$kafka_tool_stamp"
}

# --- the Zipkin jar (observability.sh) --------------------------------------------------
install_zipkin() {
  step_after apt
  obs_install_zipkin
}

# --- versitygw (go install) -----------------------------------------------------------
versitygw_have() {
  [ -x "$BIN_DIR/versitygw" ] && go version -m "$BIN_DIR/versitygw" 2>/dev/null | awk '$1 == "mod" {print $3}'
}
install_versitygw() {
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" go install "${GO_BUILD_FLAGS[@]}" "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
  go version "$BIN_DIR/versitygw"
}

# --- Jaeger (go build from the pinned tools module) -----------------------------------
# Built with only the components our config uses (jaeger/slim/components.go, see there):
# from a copy of the pinned module under .cache/jaeger-build, the tools module's go.mod
# pointing at it. Should that copy not compile (a newer Jaeger changed the API), the full
# upstream binary is built instead; it does everything the slim one does, so either counts.
jaeger_stamp="$BIN_DIR/.jaeger.stamp"
jaeger_slim="$INFRA_DIR/jaeger/slim/components.go"
jaeger_want() { echo "$(hash_files "$INFRA_DIR/jaeger/go.mod" "$INFRA_DIR/jaeger/go.sum")-$(go env GOVERSION)"; }
jaeger_current() {
  local have
  [ -x "$BIN_DIR/jaeger" ] && [ -f "$jaeger_stamp" ] || return 1
  have="$(cat "$jaeger_stamp")"
  [ "$have" = "$(jaeger_want)" ] || [ "$have" = "$(jaeger_want)-slim-$(hash_files "$jaeger_slim")" ]
}
jaeger_build_slim() {
  local tools="$INFRA_DIR/jaeger" build="$GIFMESH_CACHE/jaeger-build" version dir
  version="$(cd "$tools" && go list -m -f '{{.Version}}' github.com/jaegertracing/jaeger)"
  dir="$(cd "$tools" && go mod download -json "github.com/jaegertracing/jaeger@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir/cmd/jaeger/internal" ] || { echo "jaeger $version: source not found (got '$dir')"; return 1; }
  rm -rf "$build" && mkdir -p "$build"
  cp "$tools/go.mod" "$tools/go.sum" "$build/"
  cp -r "$dir" "$build/jaeger" && chmod -R u+w "$build/jaeger"
  rm -f "$build/jaeger/cmd/jaeger/internal/components_test.go"
  grep -v '^//go:build ignore$' "$jaeger_slim" >"$build/jaeger/cmd/jaeger/internal/components.go"
  (cd "$build" && go mod edit -replace github.com/jaegertracing/jaeger=./jaeger)
  echo "building jaeger $version with the components of jaeger/slim/components.go"
  go build -C "$build" "${GO_BUILD_FLAGS[@]}" -o "$BIN_DIR/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
}
install_jaeger() {
  mkdir -p "$BIN_DIR"
  local kind=slim
  if ! jaeger_build_slim; then
    echo "WARNING: the slim build failed (above); building upstream's full cmd/jaeger instead"
    kind=full
    go build -C "$INFRA_DIR/jaeger" "${GO_BUILD_FLAGS[@]}" -o "$BIN_DIR/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
  fi
  rm -rf "$GIFMESH_CACHE/jaeger-build"
  mv "$BIN_DIR/jaeger.tmp" "$BIN_DIR/jaeger"
  if [ "$kind" = slim ]; then echo "$(jaeger_want)-slim-$(hash_files "$jaeger_slim")"; else jaeger_want; fi >"$jaeger_stamp"
}

# Starts a step for each server that is missing or out of date (says so for the others).
# The caller adds its own steps, then calls step_wait and infra_install_finish.
infra_install_start() {
  local missing
  mapfile -t missing < <(apt_missing)
  if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "need root for apt-get (or install these yourself: ${missing[*]})"
    say "apt: installing ${missing[*]}"
    step_start apt install_apt "${missing[@]}"
  else
    say "apt: all packages present"
  fi
  command -v go >/dev/null 2>&1 || die "go not found on PATH (Go >= 1.25 needed for versitygw and Jaeger)"

  local have
  have="$(versitygw_have || true)"
  if [ "$have" = "$VERSITYGW_VERSION" ]; then
    say "versitygw: $have present"
  else
    say "versitygw: go install github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION (about 2 min on a cold Go cache)"
    step_start versitygw install_versitygw
  fi
  if jaeger_current; then
    say "jaeger: $(go version -m "$BIN_DIR/jaeger" | awk '$2 == "github.com/jaegertracing/jaeger" {print $3}') present"
  else
    say "jaeger: go build github.com/jaegertracing/jaeger/cmd/jaeger (pinned in scripts/infra/jaeger/go.mod; about 5 min on a cold Go cache)"
    step_start jaeger install_jaeger
  fi
  if obs_zipkin_current; then
    say "zipkin: jar present"
  else
    say "zipkin: the exec jar from Maven Central (about 131 MB)"
    step_start zipkin install_zipkin
  fi
  if kafka_current; then
    say "kafka: jars present ($(ls "$KAFKA_LIBS" | grep -o '^kafka_2.13-.*\.jar$')), topic tool compiled"
  else
    say "kafka: jars from Maven Central ($kafka_pom) and the topic tool"
    step_start kafka install_kafka
  fi
}

infra_install_finish() {
  [ -x "$PG_BIN/postgres" ] || die "PostgreSQL 15 binaries not found in $PG_BIN (set PG_BIN)"
  stop_debian_services
  obs_stop_debian_prometheus
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  t0=$SECONDS
  install_lock
  infra_install_start
  step_wait
  infra_install_finish
  say "install done in $((SECONDS - t0))s"
fi

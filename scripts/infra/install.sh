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
# apt may auto-start Debian's own PostgreSQL/Redis services on 5432/6379; they are stopped,
# our instances run from .data/ (see up.sh).
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
t0=$SECONDS

# --- Debian packages -----------------------------------------------------------------
pkgs=(postgresql redis-server libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev curl)
# Debian's Chromium drives the web page's browser test (Playwright's own browser download
# cannot work offline); playwright-core from npm talks to it.
pkgs+=(chromium)
command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
command -v javac >/dev/null 2>&1 || pkgs+=(default-jdk-headless)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || die "need root for apt-get (or install these yourself: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "apt: all packages present"
fi
[ -x "$PG_BIN/postgres" ] || die "PostgreSQL 15 binaries not found in $PG_BIN (set PG_BIN)"
command -v go >/dev/null 2>&1 || die "go not found on PATH (Go >= 1.25 needed for versitygw and Jaeger)"

# --- Debian's own services must not hold our ports ------------------------------------
# (apt's postinst starts them on a fresh machine; ours use their own data dirs.)
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

# --- Kafka jars from Maven Central ----------------------------------------------------
pom="$INFRA_DIR/kafka/pom.xml"
stamp="$GIFMESH_CACHE/kafka/libs.stamp"
want="$(hash_files "$pom")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
  say "kafka: jars present ($(ls "$KAFKA_LIBS" | grep -o '^kafka_2.13-.*\.jar$'))"
else
  say "kafka: fetching jars from Maven Central (mvn dependency:copy-dependencies)"
  rm -rf "$KAFKA_LIBS" "$KAFKA_CLASSES"
  mkdir -p "$KAFKA_LIBS"
  # (Debian's Maven 3.8 prints colour resets even with -B -q: strip them and blank lines.)
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' | { grep -v '^[[:space:]]*$' || true; }
  echo "$want" >"$stamp"
fi
src="$INFRA_DIR/kafka/EnsureTopics.java"
cstamp="$KAFKA_CLASSES/.stamp"
want="$(hash_files "$src" "$stamp")"
if [ -f "$cstamp" ] && [ "$(cat "$cstamp")" = "$want" ]; then
  say "kafka: topic tool compiled"
else
  say "kafka: compiling the topic tool (EnsureTopics.java)"
  rm -rf "$KAFKA_CLASSES" && mkdir -p "$KAFKA_CLASSES"
  javac -nowarn -d "$KAFKA_CLASSES" -cp "$KAFKA_LIBS/*" "$src"
  echo "$want" >"$cstamp"
fi

# --- versitygw (go install) -----------------------------------------------------------
mkdir -p "$BIN_DIR"
have=""
[ -x "$BIN_DIR/versitygw" ] && have="$(go version -m "$BIN_DIR/versitygw" 2>/dev/null | awk '$1 == "mod" {print $3}')"
if [ "$have" = "$VERSITYGW_VERSION" ]; then
  say "versitygw: $have present"
else
  say "versitygw: go install github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION (minutes on a cold Go cache)"
  GOBIN="$BIN_DIR" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
fi

# --- Jaeger (go build from the pinned tools module) -----------------------------------
jstamp="$BIN_DIR/.jaeger.stamp"
want="$(hash_files "$INFRA_DIR/jaeger/go.mod" "$INFRA_DIR/jaeger/go.sum")-$(go env GOVERSION)"
if [ -x "$BIN_DIR/jaeger" ] && [ -f "$jstamp" ] && [ "$(cat "$jstamp")" = "$want" ]; then
  say "jaeger: $(go version -m "$BIN_DIR/jaeger" | awk '$2 == "github.com/jaegertracing/jaeger" {print $3}') present"
else
  say "jaeger: go build github.com/jaegertracing/jaeger/cmd/jaeger (pinned in scripts/infra/jaeger/go.mod; several minutes on a cold Go cache)"
  go build -C "$INFRA_DIR/jaeger" -o "$BIN_DIR/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
  echo "$want" >"$jstamp"
fi

say "install done in $((SECONDS - t0))s"

# shellcheck shell=bash
# scripts/infra/env.sh — connection settings of the local stack started by up.sh.
#
# Source it (`. scripts/infra/env.sh`) in a shell, a test script or CI to get the
# addresses and credentials of the local PostgreSQL, Redis, Kafka, S3 server and
# Jaeger. Every variable keeps a value that is already set, so you can point a
# single setting elsewhere (e.g. `KAFKA_BROKERS=host:9092 . scripts/infra/env.sh`).
# The infra scripts read the same variables, so both sides always agree.

GIFMESH_ROOT="${GIFMESH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export GIFMESH_ROOT
# Where the servers keep their data, logs and pid files (git-ignored).
export GIFMESH_DATA="${GIFMESH_DATA:-$GIFMESH_ROOT/.data}"
# Where downloaded jars and built binaries are kept between runs (git-ignored).
export GIFMESH_CACHE="${GIFMESH_CACHE:-$GIFMESH_ROOT/.cache}"

# PostgreSQL (libpq variables, so plain `psql` connects to the local database)
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-gifmesh}"
export PGPASSWORD="${PGPASSWORD:-gifmesh}"
export PGDATABASE="${PGDATABASE:-gifmesh}"
export DATABASE_URL="${DATABASE_URL:-postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh}"

# Redis
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# Kafka (comma-separated bootstrap servers)
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"

# S3-compatible object store (versitygw); clients need path-style addressing
export S3_ENDPOINT="${S3_ENDPOINT:-http://127.0.0.1:9000}"
export S3_REGION="${S3_REGION:-us-east-1}"
export S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-gifmesh}"
export S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-gifmesh-secret}"
export S3_BUCKET="${S3_BUCKET:-gifmesh}"
export S3_FORCE_PATH_STYLE="${S3_FORCE_PATH_STYLE:-true}"

# Tracing: OTLP/HTTP into Jaeger (gRPC is on 4317), and Jaeger's HTTP API (no UI: a go build)
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}"
export JAEGER_UI="${JAEGER_UI:-http://127.0.0.1:16686}"
# The trace UI (Zipkin: the local Jaeger has no UI, see observability.sh) and where the
# services also send their spans when OTEL_TRACES_EXPORTER names zipkin (stack/env.sh).
export ZIPKIN_UI="${ZIPKIN_UI:-http://127.0.0.1:9411/zipkin/}"
export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-${ZIPKIN_UI%%/zipkin*}/api/v2/spans}"

# Prometheus (scrapes the services' admin /metrics, the alert rules loaded)
export PROMETHEUS_UI="${PROMETHEUS_UI:-http://127.0.0.1:9090}"

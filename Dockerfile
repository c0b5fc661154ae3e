# syntax=docker/dockerfile:1
# gifmesh images: one Dockerfile, one target per process.
#
#   docker build --target gateway       -t gifmesh/gateway .
#   docker build --target storage       -t gifmesh/storage .
#   docker build --target file-worker   -t gifmesh/file-worker .
#   docker build --target giphy-fixture -t gifmesh/giphy-fixture .
#
# The services run their TypeScript directly under Node 24's type stripping, so
# there is no compile step: the builder only installs the production dependencies.
# Each service starts with the tracing preload, as `make up` and `npm start` run it
# (shared/src/tracing/register.ts): without it the HTTP, pg, ioredis, undici and AWS
# SDK spans never exist. The Giphy fixture is not traced.
#
# The Kafka client (@confluentinc/kafka-javascript) is built from source and
# linked dynamically (CKJS_LINKING=dynamic) against Debian's OpenSSL, zlib, zstd,
# lz4, SASL and curl, exactly as on our machines and in CI. Its default install
# downloads a prebuilt binary from GitHub and falls back to a static build that
# downloads those libraries itself; building against Debian instead needs no
# download outside the package registries, and security fixes to OpenSSL or curl
# arrive by rebuilding on a fresh base image. The price is the six runtime
# libraries installed in the `runtime` stage below.

ARG NODE_IMAGE=node:24-slim

# ---------------------------------------------------------------------------
# deps: production node_modules for every workspace, Kafka client built once.
FROM ${NODE_IMAGE} AS deps
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential python3 \
      libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Only the manifests, so this layer is rebuilt when dependencies change, not code.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/gateway/package.json services/gateway/
COPY services/storage/package.json services/storage/
COPY services/file-worker/package.json services/file-worker/
COPY services/giphy-fixture/package.json services/giphy-fixture/
ENV CKJS_LINKING=dynamic
# Install scripts are skipped on purpose (npm >= 11.19 blocks them unless approved,
# older npm would run them all); the one native module is then built explicitly.
# The empty per-workspace node_modules folders make the COPY lines below
# unconditional when npm hoisted everything to the root.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm_config_build_from_source=true npm run install --prefix node_modules/@confluentinc/kafka-javascript \
 && node -e "require('@confluentinc/kafka-javascript')" \
 && k=node_modules/@confluentinc/kafka-javascript \
 && rm -rf "$k/build/Release/obj.target" "$k"/build/deps/*.a "$k/build/deps/include" "$k/deps" "$k/src" \
 && mkdir -p shared/node_modules services/gateway/node_modules services/storage/node_modules \
      services/file-worker/node_modules services/giphy-fixture/node_modules

# ---------------------------------------------------------------------------
# runtime: what every service image shares.
FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to node and reaps zombies.
# The libraries are the runtime half of the Kafka client's dynamic build.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tini libssl3 zlib1g libzstd1 liblz4-1 libsasl2-2 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# The services listen on loopback unless told; in a container they must listen on
# its address. 8 MB semi-spaces and two malloc arenas: the memory settings the local
# stack measures with (scripts/stack/env.sh says why).
ENV NODE_ENV=production \
    HOME=/tmp \
    ADMIN_HOST=0.0.0.0 \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/shared/node_modules ./shared/node_modules
COPY shared/package.json shared/
COPY shared/src shared/src
COPY gen gen
COPY deploy/docker/healthcheck.mjs /usr/local/lib/gifmesh/healthcheck.mjs
# The image writes nothing outside /tmp, so it runs with a read-only root filesystem.
# UID/GID 1000 is the `node` user of the base image; numeric so that Kubernetes'
# runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]

# ---------------------------------------------------------------------------
FROM runtime AS gateway
COPY --from=deps /app/services/gateway/node_modules services/gateway/node_modules
COPY services/gateway/package.json services/gateway/
COPY services/gateway/src services/gateway/src
ENV HEALTHCHECK_URL=http://127.0.0.1:9464/healthz \
    GATEWAY_HOST=0.0.0.0
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/gifmesh/healthcheck.mjs"]
CMD ["node", "--import", "@gifmesh/shared/tracing/register", "services/gateway/src/main.ts"]

# ---------------------------------------------------------------------------
FROM runtime AS storage
COPY --from=deps /app/services/storage/node_modules services/storage/node_modules
COPY services/storage/package.json services/storage/
COPY services/storage/src services/storage/src
ENV HEALTHCHECK_URL=http://127.0.0.1:9465/healthz \
    STORAGE_RPC_HOST=0.0.0.0
EXPOSE 50051 9465
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/gifmesh/healthcheck.mjs"]
# The migration Job runs `node services/storage/src/migrate.ts` in this image.
CMD ["node", "--import", "@gifmesh/shared/tracing/register", "services/storage/src/main.ts"]

# ---------------------------------------------------------------------------
FROM runtime AS file-worker
COPY --from=deps /app/services/file-worker/node_modules services/file-worker/node_modules
COPY services/file-worker/package.json services/file-worker/
COPY services/file-worker/src services/file-worker/src
ENV HEALTHCHECK_URL=http://127.0.0.1:9466/healthz
EXPOSE 9466
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/gifmesh/healthcheck.mjs"]
CMD ["node", "--import", "@gifmesh/shared/tracing/register", "services/file-worker/src/main.ts"]

# ---------------------------------------------------------------------------
FROM runtime AS giphy-fixture
# Debian's ffmpeg encodes the fixture's mp4 and webp renditions from its own GIFs.
USER 0
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
USER 1000:1000
COPY --from=deps /app/services/giphy-fixture/node_modules services/giphy-fixture/node_modules
COPY services/giphy-fixture/package.json services/giphy-fixture/
COPY services/giphy-fixture/src services/giphy-fixture/src
ENV HEALTHCHECK_URL=http://127.0.0.1:8089/healthz \
    GIPHY_FIXTURE_HOST=0.0.0.0 \
    GIPHY_FIXTURE_PORT=8089
EXPOSE 8089
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "/usr/local/lib/gifmesh/healthcheck.mjs"]
CMD ["node", "services/giphy-fixture/src/main.ts"]

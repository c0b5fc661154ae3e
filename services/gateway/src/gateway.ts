// Wires the gateway's parts together from already-built clients: cache, rate
// limiter, storage port, media store, metrics and the HTTP app. main.ts calls it
// with real clients; integration tests call it with clients of their own.
import type { S3Client } from "@aws-sdk/client-s3";
import type { Redis } from "ioredis";
import type { Logger } from "@gifmesh/shared/logging";
import type { Registry } from "@gifmesh/shared/metrics";
import { createGifQueries } from "./application/gif-queries.ts";
import { trustedProxyHops, type GatewayConfig } from "./config.ts";
import { createGatewayMetrics } from "./infrastructure/gateway-metrics.ts";
import { createGrpcGifStore } from "./infrastructure/grpc-gif-store.ts";
import { createRedisFailureLimiter } from "./infrastructure/redis-failure-limiter.ts";
import { createRedisRateLimiter } from "./infrastructure/redis-rate-limiter.ts";
import { createS3MediaStore } from "./infrastructure/s3-media-store.ts";
import type { StorageClient } from "./infrastructure/storage-transport.ts";
import { createTwoLevelCache } from "./infrastructure/two-level-cache.ts";
import { createApp } from "./transport/app.ts";

export interface GatewayParts {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly redis: Redis;
  readonly s3: S3Client;
  readonly storage: StorageClient;
}

export function buildGateway(parts: GatewayParts) {
  const { config, logger, registry, redis } = parts;
  const metrics = createGatewayMetrics(registry);
  const cacheLog = logger.child({ component: "cache" });
  const cache = createTwoLevelCache({
    redis,
    l1MaxEntries: config.CACHE_L1_MAX_ENTRIES,
    l1MaxBytes: config.CACHE_L1_MAX_BYTES,
    l1MaxEntryBytes: config.CACHE_L1_MAX_ENTRY_BYTES,
    ttls: {
      l1Ms: config.CACHE_L1_TTL_MS,
      freshMs: config.CACHE_TTL_MS,
      staleMs: config.CACHE_STALE_MS,
      emptyMs: config.CACHE_EMPTY_TTL_MS,
      pendingMs: config.CACHE_PENDING_TTL_MS,
    },
    events: {
      lookup: (level, outcome) => {
        metrics.cacheLookups.inc({ level, outcome });
      },
      redisError: (error) => {
        metrics.redisErrors.inc({ component: "cache" });
        cacheLog.debug("redis error", { err: error });
      },
      refreshError: (key, error) => {
        cacheLog.warn("background refresh failed; serving stale", { key, err: error });
      },
    },
  });
  metrics.watchL1(() => cache.l1Usage());
  const store = createGrpcGifStore(parts.storage);
  const queries = createGifQueries({
    store,
    cache,
    mapper: {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      rewriteArchivedUrls: config.MEDIA_REWRITE_URLS,
    },
  });
  const limiter = createRedisRateLimiter({
    redis,
    limit: config.RATE_LIMIT_MAX,
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    batch: config.RATE_LIMIT_BATCH,
    onError: () => {
      metrics.redisErrors.inc({ component: "rate_limit" });
    },
  });
  const keyFailures = createRedisFailureLimiter({
    redis,
    max: config.API_KEY_FAILURE_MAX,
    windowMs: config.API_KEY_FAILURE_WINDOW_MS,
    onRedisError: () => {
      metrics.redisErrors.inc({ component: "api_key_failures" });
    },
  });
  const app = createApp({
    queries,
    media: createS3MediaStore(parts.s3, config.S3_BUCKET),
    limiter,
    keyFailures,
    logger,
    metrics,
    apiKeys: config.GATEWAY_API_KEYS,
    proxyHops: trustedProxyHops(config),
    corsOrigins: config.CORS_ORIGINS,
    redirectUnarchived: config.MEDIA_REDIRECT_UNARCHIVED,
    imgSources: config.CSP_IMG_SOURCES,
    webTraceUrl: config.WEB_TRACE_URL === "off" ? "" : config.WEB_TRACE_URL,
  });
  return { app, metrics, cache, queries };
}

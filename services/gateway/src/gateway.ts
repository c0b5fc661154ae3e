// The gateway's composition. buildGateway wires ports into the use cases and the
// HTTP app (cache, rate limiter, failed-key limiter, storage, media, metrics), with
// no I/O of its own: unit tests call it with in-process ports and app.request().
// startGateway builds the real clients from config (or takes a test's), starts
// the HTTP server and returns the readiness checks for main.ts's admin server.
// It starts before its dependencies: Redis reconnects in the background, storage
// and S3 are called per request, and /readyz reports what is missing.
import { serve } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { closeServer, HTTP_SERVER_OPTIONS } from "@gifmesh/shared/http";
import type { Logger } from "@gifmesh/shared/logging";
import type { Registry } from "@gifmesh/shared/metrics";
import { createS3Client, s3ClientOptions } from "@gifmesh/shared/s3";
import { createGifQueries } from "./application/gif-queries.ts";
import type { FailureLimiter, MediaStore, RateLimiter } from "./application/ports.ts";
import { trustedProxyHops, type GatewayConfig } from "./config.ts";
import { createGatewayMetrics } from "./infrastructure/gateway-metrics.ts";
import { createGrpcGifStore } from "./infrastructure/grpc-gif-store.ts";
import { createRedisClient, redisClientOptions } from "./infrastructure/redis-client.ts";
import { createRedisFailureLimiter } from "./infrastructure/redis-failure-limiter.ts";
import { createRedisRateLimiter } from "./infrastructure/redis-rate-limiter.ts";
import { createS3MediaStore } from "./infrastructure/s3-media-store.ts";
import {
  createStorageClient,
  createStorageTransport,
  type StorageClient,
} from "./infrastructure/storage-transport.ts";
import { createTwoLevelCache } from "./infrastructure/two-level-cache.ts";
import { gatewayReadinessChecks } from "./startup/readiness-checks.ts";
import { createApp } from "./transport/app.ts";

export interface GatewayParts {
  readonly logger: Logger;
  readonly registry: Registry;
  /** Shared cache (L2), rate limits and failed-key counts; none = in-process only. */
  readonly redis: Redis | undefined;
  readonly storage: StorageClient;
  readonly media: MediaStore;
  /** Replaces the Redis rate limiter (unit tests count in memory). */
  readonly limiter?: RateLimiter;
}

export function buildGateway(config: GatewayConfig, parts: GatewayParts) {
  const { logger, registry, redis } = parts;
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
  const queries = createGifQueries({
    store: createGrpcGifStore(parts.storage),
    cache,
    mapper: {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      rewriteArchivedUrls: config.MEDIA_REWRITE_URLS,
    },
  });
  const limiter =
    parts.limiter ??
    createRedisRateLimiter({
      redis,
      limit: config.RATE_LIMIT_MAX,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      batch: config.RATE_LIMIT_BATCH,
      onError: () => {
        metrics.redisErrors.inc({ component: "rate_limit" });
      },
    });
  const keyFailures: FailureLimiter = createRedisFailureLimiter({
    redis,
    max: config.API_KEY_FAILURE_MAX,
    windowMs: config.API_KEY_FAILURE_WINDOW_MS,
    onRedisError: () => {
      metrics.redisErrors.inc({ component: "api_key_failures" });
    },
  });
  const app = createApp({
    queries,
    media: parts.media,
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

export interface GatewayDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * Clients to use instead of building them from config (tests share one storage
   * client, for instance). The caller closes these; close() closes only its own.
   */
  readonly clients?: {
    readonly redis?: Redis;
    readonly s3?: S3Client;
    readonly storage?: StorageClient;
  };
}

export interface Gateway {
  /** The HTTP server's origin, e.g. http://127.0.0.1:8080 (the bound port when 0 was asked). */
  readonly url: string;
  readonly app: OpenAPIHono;
  /** What /readyz checks: storage and the bucket, and Redis (optional). */
  readonly readiness: readonly ReadinessCheck[];
  /** Stops accepting, lets in-flight requests finish, then closes its own clients. */
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const { logger, registry } = deps;
  /** Clients this call built, closed newest first after the HTTP server. */
  const owned: (() => Promise<void> | void)[] = [];
  const own = <T>(client: T, close: (client: T) => Promise<void> | void): T => {
    owned.push(() => close(client));
    return client;
  };
  const redis =
    deps.clients?.redis ??
    own(createRedisClient({ ...redisClientOptions(config), logger }), (client) =>
      client.quit().then(
        () => undefined,
        () => {
          client.disconnect();
        },
      ),
    );
  // Media reads fail fast: one retry, then the client gets a clean error.
  const s3 =
    deps.clients?.s3 ??
    own(createS3Client({ ...s3ClientOptions(config), maxAttempts: 2 }), (client) => {
      client.destroy();
    });
  const storage =
    deps.clients?.storage ??
    createStorageClient(
      createStorageTransport({
        baseUrl: config.STORAGE_URL,
        timeoutMs: config.STORAGE_TIMEOUT_MS,
        retries: config.STORAGE_RETRIES,
        token: config.STORAGE_RPC_TOKEN,
        registry,
      }),
    );
  const closeOwned = async () => {
    for (const close of owned.reverse()) await close();
  };

  const { app } = buildGateway(config, {
    logger,
    registry,
    redis,
    storage,
    media: createS3MediaStore(s3, config.S3_BUCKET),
  });
  // serve() without a createServer option builds a node:http Server.
  const server = serve({
    fetch: app.fetch,
    hostname: config.GATEWAY_HOST,
    port: config.GATEWAY_PORT,
    serverOptions: HTTP_SERVER_OPTIONS,
  }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    await closeOwned();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${String(address.port)}`,
    app,
    readiness: gatewayReadinessChecks({ redis, storage, s3, bucket: config.S3_BUCKET }),
    close: () => (closing ??= closeServer(server).finally(closeOwned)),
  };
}

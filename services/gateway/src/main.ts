// Composition root of the gateway: reads config, builds the adapters (storage
// client, Redis, S3, metrics), wires them into the HTTP app, starts the public
// and admin servers, and closes everything in reverse order on SIGTERM/SIGINT.
// It starts before its dependencies: Redis reconnects in the background, storage
// and S3 are called per request, and /readyz reports what is missing.
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startAdminServer } from "@gifmesh/shared/admin";
import { closeServer, HTTP_SERVER_OPTIONS } from "@gifmesh/shared/http";
import { startServiceRuntime } from "@gifmesh/shared/runtime";
import { bucketReadinessCheck, createS3Client, s3ClientOptions } from "@gifmesh/shared/s3";
import { gatewayConfigSchema } from "./config.ts";
import { buildGateway } from "./gateway.ts";
import { createRedisClient, redisClientOptions } from "./infrastructure/redis-client.ts";
import { createStorageClient, createStorageTransport } from "./infrastructure/storage-transport.ts";

const { config, logger, shutdown, registry } = startServiceRuntime("gateway", gatewayConfigSchema);
const redis = createRedisClient({ ...redisClientOptions(config), logger });
shutdown.onShutdown("redis", async () => {
  await redis.quit().catch(() => {
    redis.disconnect();
  });
});
// Media reads fail fast: one retry, then the client gets a clean error.
const s3 = createS3Client({ ...s3ClientOptions(config), maxAttempts: 2 });
shutdown.onShutdown("s3", () => {
  s3.destroy();
});
const storage = createStorageClient(
  createStorageTransport({
    baseUrl: config.STORAGE_URL,
    timeoutMs: config.STORAGE_TIMEOUT_MS,
    retries: config.STORAGE_RETRIES,
    token: config.STORAGE_RPC_TOKEN,
    registry,
  }),
);

const { app } = buildGateway({ config, logger, registry, redis, s3, storage });

const admin = await startAdminServer({
  host: config.ADMIN_HOST,
  port: config.ADMIN_PORT,
  token: config.ADMIN_TOKEN,
  registry,
  logger,
  readiness: [
    {
      // Cache and rate limits degrade to in-process without Redis; requests still work.
      name: "redis",
      optional: true,
      check: async () => {
        if (redis.status !== "ready") throw new Error(`redis ${redis.status}`);
        await redis.ping();
      },
    },
    {
      name: "storage",
      check: async (signal) => {
        await storage
          .getArchiveStatus({ gifId: "readiness-probe" }, { signal })
          .catch((error: unknown) => {
            if (
              (error as { code?: number }).code !== 5 /* NotFound */ &&
              (error as { code?: number }).code !== 3
            )
              throw error;
          });
      },
    },
    bucketReadinessCheck(s3, config.S3_BUCKET),
  ],
});
shutdown.onShutdown("admin", () => admin.close());

// serve() without a createServer option builds a node:http Server.
const server = serve(
  {
    fetch: app.fetch,
    hostname: config.GATEWAY_HOST,
    port: config.GATEWAY_PORT,
    serverOptions: HTTP_SERVER_OPTIONS,
  },
  (info: AddressInfo) => {
    logger.info("gateway listening", {
      url: `http://${info.address}:${info.port}`,
      admin: admin.url,
      open_mode: config.GATEWAY_API_KEYS.length === 0,
    });
  },
);
shutdown.onShutdown("http", () => {
  admin.markShuttingDown();
  return closeServer(server as Server);
});

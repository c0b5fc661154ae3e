// Helpers for the gateway's integration tests: a gateway HTTP server on a free
// port wired to real Redis and S3 (config from the environment of
// scripts/infra/env.sh, or the test's overrides: REDIS_*, S3_ENDPOINT,
// STORAGE_RPC_TOKEN...) and to the storage client a test passes in (the real
// storage service of stack.ts), plus S3 helpers. Its log lines are kept for tests
// that check what is (never) logged.
import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { serve } from "@hono/node-server";
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics, type Registry } from "@gifmesh/shared/metrics";
import { createS3Client } from "@gifmesh/shared/s3";
import { freePort } from "@gifmesh/shared/testing";
import { gatewayConfigSchema } from "../src/config.ts";
import { buildGateway } from "../src/gateway.ts";
import { createRedisClient, redisClientOptions } from "../src/infrastructure/redis-client.ts";
import {
  createStorageClient,
  createStorageTransport,
  type StorageClient,
} from "../src/infrastructure/storage-transport.ts";

export const env = process.env;

export function testS3(endpoint = env.S3_ENDPOINT ?? "http://127.0.0.1:9000"): S3Client {
  return createS3Client({
    endpoint,
    region: env.S3_REGION ?? "us-east-1",
    accessKeyId: env.S3_ACCESS_KEY_ID ?? "gifmesh",
    secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
    forcePathStyle: true,
  });
}

/** Puts bytes under their content-addressed key (the file worker's shape); returns key and hash. */
export async function putArchived(
  s3: S3Client,
  bytes: Uint8Array,
): Promise<{ key: string; sha256: string }> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const key = `gifs/sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.gif`;
  await s3.send(
    new PutObjectCommand({
      Bucket: env.S3_BUCKET ?? "gifmesh",
      Key: key,
      Body: bytes,
      ContentType: "image/gif",
    }),
  );
  return { key, sha256 };
}

export interface RunningGateway {
  readonly url: string;
  readonly registry: Registry;
  /** Every line the gateway logged (JSON, one per line). */
  logs(): string;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the real gateway (buildGateway + @hono/node-server) on a free port. Given
 * storage's URL (not a shared client), the gateway gets its own Connect client whose
 * RPC metrics (gifmesh_rpc_client_*) go to its registry, as in main.ts.
 */
export async function startGateway(
  storageOrUrl: StorageClient | string,
  overrides: Record<string, string> = {},
): Promise<RunningGateway> {
  const port = await freePort();
  const config = loadConfig(gatewayConfigSchema, {
    ...env,
    OTEL_SDK_DISABLED: "true",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...overrides,
  });
  const logStream = new PassThrough();
  let logged = "";
  logStream.on("data", (chunk: Buffer) => {
    logged += chunk.toString();
  });
  const logger = createLogger({
    service: "gateway",
    level: overrides.LOG_LEVEL === undefined ? "error" : config.LOG_LEVEL,
    stream: logStream,
  });
  const registry = createMetrics({ service: "gateway", defaultMetrics: false });
  const redis = createRedisClient({ ...redisClientOptions(config), logger });
  redis.on("error", () => undefined);
  const s3 = testS3(overrides.S3_ENDPOINT);
  const storage =
    typeof storageOrUrl === "string"
      ? createStorageClient(
          createStorageTransport({
            baseUrl: storageOrUrl,
            timeoutMs: 5_000,
            registry,
            token: config.STORAGE_RPC_TOKEN,
          }),
        )
      : storageOrUrl;
  const { app } = buildGateway({ config, logger, registry, redis, s3, storage });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port });
  await new Promise<void>((resolve) => {
    server.once("listening", () => {
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    if (redis.status === "ready") resolve();
    else {
      redis.once("ready", () => {
        resolve();
      });
      setTimeout(resolve, 2_000);
    }
  });
  return {
    url: `http://127.0.0.1:${port}`,
    registry,
    logs: () => logged,
    async metric(name, labels = {}) {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const values =
        (
          metric as
            { values?: { value: number; labels: Record<string, string | number> }[] } | undefined
        )?.values ?? [];
      return values
        .filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))
        .reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      redis.disconnect();
      s3.destroy();
    },
  };
}

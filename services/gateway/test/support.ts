// Helpers for the gateway's integration tests: the gateway in this process
// (src/gateway.ts startGateway, as main.ts runs it) on a free port, with real Redis
// and S3 (config from the environment of scripts/infra/env.sh, or the test's
// overrides: REDIS_*, S3_ENDPOINT, STORAGE_RPC_TOKEN...) and the storage a test
// passes in (the real storage service of stack.ts), plus S3 helpers. Its log lines are kept for tests
// that check what is (never) logged.
import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics, type Registry } from "@gifmesh/shared/metrics";
import { createS3Client } from "@gifmesh/shared/s3";
import { freePort, waitFor } from "@gifmesh/shared/testing";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { gatewayConfigSchema } from "../src/config.ts";
import { startGateway as startGatewayInProcess } from "../src/gateway.ts";
import type { StorageClient } from "../src/infrastructure/storage-transport.ts";

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
  const key = contentAddressedKey(sha256, "image/gif");
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

/** The local S3 of scripts/infra/env.sh, for a shell that did not source it. */
const S3_ENV = {
  S3_ENDPOINT: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
  S3_REGION: env.S3_REGION ?? "us-east-1",
  S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? "gifmesh",
  S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
  S3_FORCE_PATH_STYLE: "true",
};

/** How long start-up waits for Redis; a test of a Redis that refuses us goes on without it. */
const REDIS_WAIT_MS = 2_000;

/**
 * Starts the real gateway (startGateway, as main.ts does) on a free port, its
 * clients built from the config. Given storage's URL (not a shared client), the
 * gateway gets its own Connect client whose RPC metrics (gifmesh_rpc_client_*) go
 * to its registry, as in main.ts. Resolves once Redis answers, or after
 * REDIS_WAIT_MS without it.
 */
export async function startGateway(
  storageOrUrl: StorageClient | string,
  overrides: Record<string, string> = {},
): Promise<RunningGateway> {
  const port = await freePort();
  const config = loadConfig(gatewayConfigSchema, {
    ...env,
    ...S3_ENV,
    OTEL_SDK_DISABLED: "true",
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...(typeof storageOrUrl === "string"
      ? { STORAGE_URL: storageOrUrl, STORAGE_TIMEOUT_MS: "5000" }
      : {}),
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
  const gateway = await startGatewayInProcess(config, {
    logger,
    registry,
    ...(typeof storageOrUrl === "string" ? {} : { clients: { storage: storageOrUrl } }),
  });
  await redisAnswers(gateway.readiness);
  return {
    url: gateway.url,
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
    close: () => gateway.close(),
  };
}

/** Waits until the gateway's own Redis readiness check passes, at most REDIS_WAIT_MS. */
async function redisAnswers(readiness: readonly ReadinessCheck[]): Promise<void> {
  const redis = readiness.find((check) => check.name === "redis");
  if (!redis) throw new Error("the gateway has no redis readiness check");
  const answers = () =>
    redis.check(AbortSignal.timeout(500)).then(
      () => true,
      () => false,
    );
  await waitFor("the gateway's Redis", answers, { timeoutMs: REDIS_WAIT_MS, intervalMs: 50 }).catch(
    () => undefined,
  );
}

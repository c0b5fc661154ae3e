// The gateway's HTTP app for unit tests, wired by the same buildGateway as
// production from a test config: the real use cases, cache (L1 only, no Redis)
// and failed-key limiter (counted in memory), with the fake storage, an in-memory
// media store and a counting rate limiter as its ports.
import { PassThrough } from "node:stream";
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import type { MediaStore, RateLimiter } from "../application/ports.ts";
import { gatewayConfigSchema } from "../config.ts";
import { buildGateway } from "../gateway.ts";
import { createFakeStorage } from "./fake-storage.ts";

export function memoryMediaStore(objects: Record<string, Uint8Array>): MediaStore {
  return {
    head: (key) =>
      Promise.resolve(
        objects[key] ? { size: objects[key].length, contentType: "image/gif" } : undefined,
      ),
    get(key, range) {
      const bytes = objects[key];
      if (!bytes) return Promise.resolve(undefined);
      const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
      return Promise.resolve({
        size: part.length,
        contentType: "image/gif",
        body: new Blob([part]).stream(),
      });
    },
  };
}

/** A limiter that allows `limit` calls per client and then refuses (no Redis). */
export function countingLimiter(limit: number): RateLimiter {
  const counts = new Map<string, number>();
  return {
    check(client) {
      const n = (counts.get(client) ?? 0) + 1;
      counts.set(client, n);
      return Promise.resolve({
        allowed: n <= limit,
        limit,
        remaining: Math.max(0, limit - n),
        resetSeconds: 42,
        windowSeconds: 60,
      });
    },
  };
}

export interface TestAppOptions {
  /** GATEWAY_API_KEYS; none = open mode. */
  readonly apiKeys?: readonly string[];
  /** TRUST_PROXY_HOPS (default 0). */
  readonly proxyHops?: number;
  /** MEDIA_REDIRECT_UNARCHIVED (default false). */
  readonly redirectUnarchived?: boolean;
  /** API_KEY_FAILURE_MAX (default 10). */
  readonly keyFailureMax?: number;
  /** Default: 1000 requests per client. */
  readonly limiter?: RateLimiter;
  /** Default: the objects passed to createTestApp, in memory. */
  readonly media?: MediaStore;
}

/** The test config: every cache entry kept a minute, media URLs on http://gw.test. */
function testConfig(options: TestAppOptions) {
  const env: Record<string, string | undefined> = {
    PUBLIC_BASE_URL: "http://gw.test",
    OTEL_SDK_DISABLED: "true",
    CACHE_L1_MAX_ENTRIES: "100",
    CACHE_L1_TTL_MS: "60000",
    CACHE_TTL_MS: "60000",
    CACHE_STALE_MS: "60000",
    CACHE_EMPTY_TTL_MS: "60000",
    CACHE_PENDING_TTL_MS: "60000",
    GATEWAY_API_KEYS: options.apiKeys?.join(","),
    TRUST_PROXY_HOPS: String(options.proxyHops ?? 0),
    MEDIA_REDIRECT_UNARCHIVED: String(options.redirectUnarchived ?? false),
    API_KEY_FAILURE_MAX: options.keyFailureMax?.toString(),
  };
  return loadConfig(gatewayConfigSchema, env);
}

export function createTestApp(
  options: TestAppOptions = {},
  objects: Record<string, Uint8Array> = {},
) {
  const storage = createFakeStorage();
  const registry = createMetrics({ service: "gateway-test", defaultMetrics: false });
  const logger = createLogger({ service: "gateway", level: "error", stream: new PassThrough() });
  const { app, cache } = buildGateway(testConfig(options), {
    logger,
    registry,
    redis: undefined,
    storage: storage.client,
    media: options.media ?? memoryMediaStore(objects),
    limiter: options.limiter ?? countingLimiter(1000),
  });
  return { app, storage, registry, cache };
}

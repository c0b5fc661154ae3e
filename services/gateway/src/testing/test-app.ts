// Builds the HTTP app for unit tests: the real use cases and cache (L1 only, no
// Redis), the fake storage, an in-memory media store and a counting rate limiter.
import { PassThrough } from "node:stream";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { createGifQueries } from "../application/gif-queries.ts";
import type { MediaStore, RateLimiter } from "../application/ports.ts";
import { createGatewayMetrics } from "../infrastructure/gateway-metrics.ts";
import { createGrpcGifStore } from "../infrastructure/grpc-gif-store.ts";
import { createTwoLevelCache } from "../infrastructure/two-level-cache.ts";
import { createApp, type AppDeps } from "../transport/app.ts";
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

export function createTestApp(
  overrides: Partial<AppDeps> = {},
  objects: Record<string, Uint8Array> = {},
) {
  const storage = createFakeStorage();
  const registry = createMetrics({ service: "gateway-test", defaultMetrics: false });
  const metrics = createGatewayMetrics(registry);
  const logLines = new PassThrough();
  const logger = createLogger({ service: "gateway", level: "error", stream: logLines });
  const cache = createTwoLevelCache({
    redis: undefined,
    l1MaxEntries: 100,
    l1MaxBytes: 64 * 1024 * 1024,
    l1MaxEntryBytes: 1024 * 1024,
    ttls: { l1Ms: 60_000, freshMs: 60_000, staleMs: 60_000, emptyMs: 60_000, pendingMs: 60_000 },
    events: {
      lookup: (level, outcome) => {
        metrics.cacheLookups.inc({ level, outcome });
      },
    },
  });
  const store = createGrpcGifStore(storage.client);
  const queries = createGifQueries({ store, cache, mapper: { publicBaseUrl: "http://gw.test" } });
  const app = createApp({
    queries,
    media: memoryMediaStore(objects),
    limiter: countingLimiter(1000),
    logger,
    metrics,
    apiKeys: [],
    proxyHops: 0,
    corsOrigins: ["*"],
    redirectUnarchived: false,
    ...overrides,
  });
  return { app, storage, registry, cache };
}

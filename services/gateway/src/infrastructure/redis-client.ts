// The gateway's Redis connection. Redis only speeds things up (cache, rate
// limits), so commands fail fast instead of queueing while it is down: no offline
// queue, no per-request retries, a short command timeout. ioredis keeps
// reconnecting in the background, and callers check `status === "ready"`.
import { Redis } from "ioredis";
import type { Logger } from "@gifmesh/shared/logging";

export interface RedisClientOptions {
  readonly url: string;
  readonly commandTimeoutMs: number;
  readonly logger?: Logger;
}

export function createRedisClient(options: RedisClientOptions): Redis {
  const redis = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
  });
  let wasReady = false;
  redis.on("ready", () => {
    wasReady = true;
    options.logger?.info("redis ready");
  });
  redis.on("error", (error: Error) => {
    // ioredis emits an error per failed reconnect; log the first after a loss only.
    if (wasReady)
      options.logger?.warn("redis unavailable; serving without it", { err: error.message });
    wasReady = false;
  });
  return redis;
}

// Counts failed API-key attempts per client (its IP), so keys cannot be guessed at
// the rate limit of a valid one: after `max` failures in a window the client is
// refused outright, a right key included, until the window ends. The counter lives
// in Redis (one fixed window per client, shared by every gateway instance) and is
// touched only on a FAILURE; the "is this client blocked?" question is answered
// from memory, so a valid request costs no Redis call. An instance learns of a
// block when the client fails on it once (its count is then already past `max`),
// so a client gets at most max + instances - 1 guesses per window. Without Redis
// the count is kept per instance: weaker, but a limit still (never fail open here:
// an attacker who can slow Redis down must not get unlimited guesses).
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { FailureLimiter } from "../application/ports.ts";
import { addToFixedWindow } from "./redis-fixed-window.ts";

export interface RedisFailureLimiterOptions {
  /** None: counted per instance only, as while Redis is down. */
  readonly redis: Pick<Redis, "status" | "eval"> | undefined;
  /** Failures allowed per window; the next request is refused. */
  readonly max: number;
  readonly windowMs: number;
  readonly prefix?: string;
  readonly onRedisError?: (error: unknown) => void;
  readonly now?: () => number;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

export function createRedisFailureLimiter(options: RedisFailureLimiterOptions): FailureLimiter {
  const { redis, max, windowMs } = options;
  const prefix = options.prefix ?? "gifmesh:gw:keyfail:";
  const now = options.now ?? Date.now;
  // Bounded, like every per-client map: an attacker with many addresses cannot grow it.
  const blocked = new LRUCache<string, number>({ max: 50_000 });
  const local = new LRUCache<string, Window>({ max: 50_000 });

  const secondsUntil = (t: number): number => Math.max(1, Math.ceil((t - now()) / 1000));

  async function count(client: string): Promise<{ count: number; endsAt: number }> {
    if (redis?.status === "ready") {
      try {
        const { count: n, ttlMs } = await addToFixedWindow(redis, prefix + client, windowMs, 1);
        return { count: n, endsAt: now() + ttlMs };
      } catch (error) {
        options.onRedisError?.(error);
      }
    }
    const t = now();
    const w = local.get(client);
    if (w && t < w.endsAt) {
      w.count++;
      return w;
    }
    const fresh = { count: 1, endsAt: t + windowMs };
    local.set(client, fresh);
    return fresh;
  }

  return {
    blockedFor(client) {
      const until = blocked.get(client);
      if (until === undefined) return 0;
      if (now() < until) return secondsUntil(until);
      blocked.delete(client);
      return 0;
    },
    async recordFailure(client) {
      const w = await count(client);
      if (w.count >= max) blocked.set(client, w.endsAt);
      return {
        count: w.count,
        blocked: w.count > max,
        retryAfterSeconds: secondsUntil(w.endsAt),
      };
    },
  };
}

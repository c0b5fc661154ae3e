// Fixed-window rate limiting shared by every gateway instance, without a Redis round
// trip per request. The window's counter in Redis counts tokens RESERVED: an
// instance takes a batch of up to `batch` tokens with one Lua call (INCRBY, and the
// window's remaining time), then spends them locally. Redis never grants more than
// `limit` tokens per window, so the limit is never exceeded across instances; the
// price is that tokens reserved by one instance cannot serve a client on another,
// so a client may be refused up to (instances - 1) x (batch - 1) requests early per
// window (batch = 2 % of the limit, at most RATE_LIMIT_BATCH; a limit under 100
// gets batch 1, i.e. one Redis call per request and exact counting).
// When Redis is down the limiter fails open (requests pass, a metric counts it):
// Redis protects storage, it must not take the API down.
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { RateLimitDecision, RateLimiter } from "../application/ports.ts";
import { addToFixedWindow } from "./redis-fixed-window.ts";

export interface RedisRateLimiterOptions {
  /** None: no decisions at all (fail open), as while Redis is down. */
  readonly redis: Pick<Redis, "status" | "eval"> | undefined;
  readonly limit: number;
  readonly windowMs: number;
  /** Most tokens reserved per Redis call (default 50). */
  readonly batch?: number;
  readonly prefix?: string;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => number;
}

/** Tokens this instance may still spend in the client's current window. */
interface Window {
  tokens: number;
  /** Tokens reserved in Redis by everyone, as of our last reservation. */
  reserved: number;
  /** Epoch ms when the window resets. */
  readonly endsAt: number;
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, limit, windowMs } = options;
  const prefix = options.prefix ?? "gifmesh:gw:rl:";
  const now = options.now ?? Date.now;
  const batch = Math.max(1, Math.min(options.batch ?? 50, Math.floor(limit * 0.02)));
  const windows = new LRUCache<string, Window>({ max: 50_000 });
  const reserving = new Map<string, Promise<Window | undefined>>();
  const windowSeconds = Math.ceil(windowMs / 1000);

  async function reserve(
    ready: Pick<Redis, "eval">,
    clientId: string,
  ): Promise<Window | undefined> {
    try {
      const { count, ttlMs } = await addToFixedWindow(ready, prefix + clientId, windowMs, batch);
      const granted = Math.max(0, Math.min(batch, limit - (count - batch)));
      const w: Window = { tokens: granted, reserved: count, endsAt: now() + ttlMs };
      windows.set(clientId, w);
      return w;
    } catch (error) {
      options.onError?.(error);
      return undefined;
    }
  }

  function decide(w: Window, t: number): RateLimitDecision {
    const allowed = w.tokens > 0;
    if (allowed) w.tokens--;
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.min(limit, limit - w.reserved + w.tokens)),
      resetSeconds: Math.max(1, Math.ceil((w.endsAt - t) / 1000)),
      windowSeconds,
    };
  }

  async function check(clientId: string): Promise<RateLimitDecision | undefined> {
    if (redis?.status !== "ready") return undefined;
    const t = now();
    const local = windows.get(clientId);
    // Out of tokens in a window Redis already filled: refuse without asking again.
    if (local && t < local.endsAt && (local.tokens > 0 || local.reserved >= limit))
      return decide(local, t);
    let flight = reserving.get(clientId);
    if (!flight) {
      flight = reserve(redis, clientId).finally(() => reserving.delete(clientId));
      reserving.set(clientId, flight);
    }
    const w = await flight;
    if (!w) return undefined;
    // Concurrent waiters share the batch; one that finds it spent asks again.
    if (w.tokens === 0 && w.reserved < limit && t < w.endsAt) return check(clientId);
    return decide(w, now());
  }
  return { check };
}

// Fixed-window rate limiting in Redis, shared by every gateway instance. One Lua
// call per request increments the client's counter and reads the window's
// remaining time atomically. When Redis is down the limiter fails open (requests
// pass, a metric counts it): Redis protects storage, it must not take the API down.
import type { Redis } from "ioredis";

const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
  readonly windowSeconds: number;
}

export interface RateLimiter {
  /** The decision, or undefined when the limiter could not decide (Redis down). */
  check(clientId: string): Promise<RateLimitDecision | undefined>;
}

export interface RedisRateLimiterOptions {
  readonly redis: Redis;
  readonly limit: number;
  readonly windowMs: number;
  readonly prefix?: string;
  readonly onError?: (error: unknown) => void;
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, limit, windowMs } = options;
  const prefix = options.prefix ?? "gifmesh:gw:rl:";
  return {
    async check(clientId) {
      if (redis.status !== "ready") return undefined;
      try {
        const [count, ttl] = (await redis.eval(SCRIPT, 1, prefix + clientId, String(windowMs))) as [
          number,
          number,
        ];
        return {
          allowed: count <= limit,
          limit,
          remaining: Math.max(0, limit - count),
          resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
          windowSeconds: Math.ceil(windowMs / 1000),
        };
      } catch (error) {
        options.onError?.(error);
        return undefined;
      }
    },
  };
}

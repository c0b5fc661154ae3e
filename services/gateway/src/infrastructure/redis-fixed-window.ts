// One fixed window counted in Redis, for both limiters (rate limit, failed API keys):
// a Lua call adds `amount` to the window's counter, starts the window's expiry when
// that addition opened it, and answers the count with the time the window has left.
// A counter found without an expiry (its PEXPIRE lost, say by a failover between the
// two commands) gets one, so no window outlives windowMs.
import type { Redis } from "ioredis";

const SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

/** A window's counter after an addition. */
export interface FixedWindowCount {
  /** Everything added in this window, this addition included. */
  readonly count: number;
  /** Milliseconds until the window ends. */
  readonly ttlMs: number;
}

/** Adds `amount` to the counter at `key`, in a window of `windowMs`. */
export async function addToFixedWindow(
  redis: Pick<Redis, "eval">,
  key: string,
  windowMs: number,
  amount: number,
): Promise<FixedWindowCount> {
  const [count, ttlMs] = (await redis.eval(SCRIPT, 1, key, String(windowMs), String(amount))) as [
    number,
    number,
  ];
  return { count, ttlMs };
}

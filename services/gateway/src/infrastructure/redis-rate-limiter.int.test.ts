// The batched limiter against the real Redis: two limiters sharing a key stand for
// two gateway instances; together they never admit more than the limit, and they
// admit at least limit - (instances - 1) x (batch - 1).
import { testId } from "@gifmesh/shared/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "./redis-rate-limiter.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
/** Key prefixes of this file, removed at its end (the windows would only expire in a minute). */
const prefixes: string[] = [];
const newPrefix = () => {
  const prefix = `gifmesh:test:rl:${testId()}:`;
  prefixes.push(prefix);
  return prefix;
};
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe("batched Redis rate limiter", () => {
  it("enforces the limit across two instances within the stated tolerance", async () => {
    await redis.ping();
    const prefix = newPrefix();
    const limit = 1_000; // batch = 2 % = 20
    const make = () => createRedisRateLimiter({ redis, limit, windowMs: 60_000, prefix });
    const [a, b] = [make(), make()];
    let allowed = 0;
    for (let i = 0; i < 1_500; i++) {
      const decision = await (i % 3 === 0 ? a : b).check("client");
      expect(decision).toBeDefined();
      if (decision?.allowed) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(limit);
    expect(allowed).toBeGreaterThanOrEqual(limit - 19);
    expect(Number(await redis.get(`${prefix}client`))).toBeGreaterThanOrEqual(limit);
  });

  it("shares one reservation between concurrent requests and refuses with the reset time", async () => {
    const prefix = newPrefix();
    const limiter = createRedisRateLimiter({ redis, limit: 200, windowMs: 30_000, prefix });
    const decisions = await Promise.all(Array.from({ length: 250 }, () => limiter.check("c")));
    expect(decisions.filter((d) => d?.allowed).length).toBe(200);
    const refused = decisions.find((d) => d?.allowed === false);
    expect(refused?.remaining).toBe(0);
    expect(refused?.resetSeconds).toBeGreaterThan(0);
    expect(refused?.resetSeconds).toBeLessThanOrEqual(30);
  });
});

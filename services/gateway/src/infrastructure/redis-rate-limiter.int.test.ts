// The batched limiter against the real Redis: two limiters sharing a key stand for
// two gateway instances; together they never admit more than the limit, and they
// admit at least limit - (instances - 1) x (batch - 1).
import { testRedis } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "./redis-rate-limiter.ts";

// Keys under this file's prefixes go at its end (the windows would only expire in a minute).
const { redis, prefix: keyPrefix } = testRedis();
const newPrefix = () => keyPrefix("rl");

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

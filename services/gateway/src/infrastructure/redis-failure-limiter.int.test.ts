// The failed-key limiter against the real Redis: two limiters sharing a prefix stand
// for two gateway instances. A client is blocked after `max` failures, the other
// instance blocks it at its first failure there, other clients are untouched, and
// with Redis unreachable each instance still counts on its own (never fails open).
import { freePort, testRedis } from "@gifmesh/shared/testing";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createRedisFailureLimiter } from "./redis-failure-limiter.ts";

const { redis, prefix: newPrefix } = testRedis();
const prefix = newPrefix("keyfail");

describe("failed API-key limiter", () => {
  it("blocks a client after max failures, on every instance, and no one else", async () => {
    await redis.ping();
    const make = () => createRedisFailureLimiter({ redis, max: 3, windowMs: 60_000, prefix });
    const [a, b] = [make(), make()];
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await a.recordFailure("ip:192.0.2.1"));
    expect(counts.map((c) => [c.count, c.blocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(a.blockedFor("ip:192.0.2.1")).toBeGreaterThan(55);
    expect(a.blockedFor("ip:192.0.2.1")).toBeLessThanOrEqual(60);
    // The other instance has not seen it fail yet; its first failure there is refused.
    expect(b.blockedFor("ip:192.0.2.1")).toBe(0);
    expect(await b.recordFailure("ip:192.0.2.1")).toMatchObject({ count: 4, blocked: true });
    expect(b.blockedFor("ip:192.0.2.1")).toBeGreaterThan(0);
    expect(a.blockedFor("ip:192.0.2.2")).toBe(0);
    expect(await redis.pttl(`${prefix}ip:192.0.2.1`)).toBeGreaterThan(50_000);
  });

  it("counts per instance when Redis is unreachable", async () => {
    const down = new Redis({
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    let errors = 0;
    const limiter = createRedisFailureLimiter({
      redis: down,
      max: 2,
      windowMs: 60_000,
      prefix,
      onRedisError: () => errors++,
    });
    expect(down.status).not.toBe("ready");
    await limiter.recordFailure("ip:198.51.100.7");
    await limiter.recordFailure("ip:198.51.100.7");
    expect(limiter.blockedFor("ip:198.51.100.7")).toBeGreaterThan(0);
    expect(errors).toBe(0); // not asked at all while not ready
    down.disconnect();
  });
});

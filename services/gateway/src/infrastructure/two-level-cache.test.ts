// Cache rules with a controlled clock and no Redis (or a Redis that fails):
// TTL per answer class, stale-while-revalidate, single flight, errors not cached.
import { describe, expect, it } from "vitest";
import type { CacheClass } from "../application/ports.ts";
import { createTwoLevelCache, type CacheRedis } from "./two-level-cache.ts";

const ttls = { l1Ms: 1_000, freshMs: 10_000, staleMs: 60_000, emptyMs: 3_000, pendingMs: 2_000 };

function setup(redis?: CacheRedis) {
  let t = 1_000_000;
  let loads = 0;
  const cache = createTwoLevelCache({ redis, ttls, l1MaxEntries: 10, now: () => t });
  const load =
    (cacheClass: CacheClass = "normal") =>
    () => {
      loads++;
      return Promise.resolve({ value: `v${loads}`, cacheClass });
    };
  return { cache, load, advance: (ms: number) => (t += ms), loads: () => loads };
}

describe("two-level cache", () => {
  it("serves fresh, then stale while one background load refreshes", async () => {
    const s = setup();
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v1", outcome: "miss" });
    s.advance(5_000);
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v1", outcome: "l1" });
    s.advance(6_000);
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v1", outcome: "stale" });
    await new Promise((r) => setImmediate(r));
    expect(s.loads()).toBe(2);
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v2", outcome: "l1" });
  });

  it("keeps answers with pending archives only briefly and without a long stale window", async () => {
    const s = setup();
    await s.cache.getOrLoad("k", s.load("pending"));
    s.advance(2_001 + 2_000);
    expect(await s.cache.getOrLoad("k", s.load("pending"))).toMatchObject({
      value: "v2",
      outcome: "miss",
    });
  });

  it("caches empty answers for the negative TTL", async () => {
    const s = setup();
    await s.cache.getOrLoad("k", s.load("empty"));
    s.advance(2_500);
    expect((await s.cache.getOrLoad("k", s.load("empty"))).outcome).toBe("l1");
    s.advance(1_000);
    expect((await s.cache.getOrLoad("k", s.load("empty"))).outcome).toBe("stale");
  });

  it("does not cache a failed load, and shares one flight between callers", async () => {
    const s = setup();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error("boom"));
    };
    await expect(
      Promise.all([s.cache.getOrLoad("k", failing), s.cache.getOrLoad("k", failing)]),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
    expect((await s.cache.getOrLoad("k", s.load())).outcome).toBe("miss");
  });

  it("answers through the loader when Redis errors", async () => {
    const broken: CacheRedis = {
      status: "ready",
      get: () => Promise.reject(new Error("down")),
      set: () => Promise.reject(new Error("down")),
    };
    const s = setup(broken);
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v1", outcome: "miss" });
    s.advance(2_000);
    expect(await s.cache.getOrLoad("k", s.load())).toMatchObject({ value: "v1", outcome: "l1" });
  });
});

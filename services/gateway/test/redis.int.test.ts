// The gateway against the real Redis and the real storage service (stack.ts): a
// repeated search is served from L1, and by a second instance from Redis, without a
// storage call (proved by the gateway's storage-call counter, which counts every
// real RPC); Redis rate limits (429 + Retry-After); and a private redis-server that
// the test stops: searches keep working through storage, limits fail open.
import { randomUUID } from "node:crypto";
import { startPrivateRedis, type PrivateRedis } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe("cache on the shared Redis, in front of the real storage", () => {
  // A namespace of our own in the shared Redis: cached answers are tagged by this origin.
  const publicBaseUrl = `http://gifs-${randomUUID().slice(0, 8)}.example`;
  let a: RunningGateway;
  let b: RunningGateway;
  beforeAll(async () => {
    a = await startGateway(stack.storageUrl, { PUBLIC_BASE_URL: publicBaseUrl });
    b = await startGateway(stack.storageUrl, { PUBLIC_BASE_URL: publicBaseUrl });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const search = (gw: RunningGateway, q: string) =>
    fetch(`${gw.url}/v1/gifs/search?q=${encodeURIComponent(q)}&limit=4`);
  const storageSearches = (gw: RunningGateway) =>
    gw.metric("gifmesh_rpc_client_requests_total", { rpc_method: "SearchGifs" });

  it("serves a repeated search from L1, and another instance from Redis, with one storage call", async () => {
    const first = await search(a, "happy cat");
    expect([first.status, first.headers.get("x-cache")]).toEqual([200, "MISS"]);
    const firstBody = (await first.json()) as { data: { id: string }[] };
    expect(firstBody.data).toHaveLength(4);
    expect(
      await a.metric("gifmesh_rpc_client_requests_total", { rpc_method: "SearchGifs", code: "ok" }),
    ).toBe(1);

    // Same question, written differently: normalised to the same key, no storage call.
    const again = await search(a, "  HAPPY   Cat ");
    expect(again.headers.get("x-cache")).toBe("HIT-L1");
    expect(((await again.json()) as { data: { id: string }[] }).data).toEqual(firstBody.data);
    const other = await search(b, "happy cat");
    expect(other.headers.get("x-cache")).toBe("HIT-L2");
    expect(await storageSearches(a)).toBe(1);
    expect(await storageSearches(b)).toBe(0);
    expect(await b.metric("gifmesh_cache_lookups_total", { level: "l2", outcome: "hit" })).toBe(1);

    // Control: a question not cached yet does reach the real storage and is counted.
    const fresh = await search(a, "sad dog");
    expect([fresh.status, fresh.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(await storageSearches(a)).toBe(2);
  });
});

describe("rate limits in Redis", () => {
  const key = `test-${randomUUID()}`;
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(stack.storage, {
      GATEWAY_API_KEYS: key,
      RATE_LIMIT_MAX: "3",
      RATE_LIMIT_WINDOW_MS: "60000",
    });
  });
  afterAll(() => gw.close());

  it("answers 429 with Retry-After and RateLimit headers after the limit", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${gw.url}/v1/gifs/trending?api_key=${key}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const retryAfter = Number(last?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last?.headers.get("ratelimit-limit")).toBe("3");
    expect(last?.headers.get("ratelimit-remaining")).toBe("0");
    const body = (await last?.json()) as { meta: { status: number; error_code: string } };
    expect(body.meta).toMatchObject({ status: 429, error_code: "RATE_LIMITED" });
  });
});

describe("with Redis stopped", () => {
  let redis: PrivateRedis;
  let gw: RunningGateway;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    gw = await startGateway(stack.storage, {
      REDIS_URL: redis.url,
      RATE_LIMIT_MAX: "1000",
    });
  });
  afterAll(async () => {
    await gw.close();
    await redis.close();
  });

  it("keeps answering searches through storage, and limits fail open", async () => {
    const before = await fetch(`${gw.url}/v1/gifs/search?q=dance&limit=2`);
    expect(before.status).toBe(200);
    expect(before.headers.get("ratelimit-limit")).toBe("1000");

    await redis.stop();

    for (const q of ["cat", "dog", "dance"]) {
      const res = await fetch(`${gw.url}/v1/gifs/search?q=${encodeURIComponent(q)}&limit=2`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});

// The gateway against the real Redis: L2 cache shared by two instances (proved by
// the storage-call metric), Redis rate limits (429 + Retry-After), and a private
// redis-server that the test stops: searches keep working, limits fail open.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeStorage, fixtureGif } from "../src/testing/fake-storage.ts";
import { freePort, startGateway, type RunningGateway } from "./support.ts";

const archivedStorage = () => {
  const storage = createFakeStorage();
  storage.gifs = [fixtureGif("a1", "archived"), fixtureGif("a2", "archived")];
  return storage;
};

describe("cache and rate limits on the shared Redis", () => {
  const storage = archivedStorage();
  let a: RunningGateway;
  let b: RunningGateway;
  beforeAll(async () => {
    a = await startGateway(storage.client, { PUBLIC_BASE_URL: "http://gifs.example" });
    b = await startGateway(storage.client, { PUBLIC_BASE_URL: "http://gifs.example" });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("serves a repeated search from L1, and another instance from Redis, with one storage call", async () => {
    const q = `cats ${randomUUID().slice(0, 8)}`;
    const first = await fetch(`${a.url}/v1/gifs/search?q=${encodeURIComponent(q)}`);
    expect([first.status, first.headers.get("x-cache")]).toEqual([200, "MISS"]);
    const again = await fetch(`${a.url}/v1/gifs/search?q=${encodeURIComponent(q.toUpperCase())}`);
    expect(again.headers.get("x-cache")).toBe("HIT-L1");
    const other = await fetch(`${b.url}/v1/gifs/search?q=${encodeURIComponent(q)}`);
    expect(other.headers.get("x-cache")).toBe("HIT-L2");
    expect(await a.metric("gateway_storage_calls_total", { method: "SearchGifs" })).toBe(1);
    expect(await b.metric("gateway_storage_calls_total", { method: "SearchGifs" })).toBe(0);
    expect(await b.metric("gateway_cache_lookups_total", { level: "l2", outcome: "hit" })).toBe(1);
  });
});

describe("rate limits in Redis", () => {
  const key = `test-${randomUUID()}`;
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(archivedStorage().client, {
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
  let redis: ChildProcess;
  let gw: RunningGateway;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    gw = await startGateway(archivedStorage().client, {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_MAX: "1000",
    });
  });
  afterAll(async () => {
    await gw.close();
    if (redis.exitCode === null) redis.kill("SIGKILL");
  });

  it("keeps answering searches through storage, and limits fail open", async () => {
    const before = await fetch(`${gw.url}/v1/gifs/search?q=before`);
    expect(before.status).toBe(200);
    expect(before.headers.get("ratelimit-limit")).toBe("1000");

    redis.kill("SIGTERM");
    await once(redis, "exit");

    for (const q of ["after one", "after two", "before"]) {
      const res = await fetch(`${gw.url}/v1/gifs/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});

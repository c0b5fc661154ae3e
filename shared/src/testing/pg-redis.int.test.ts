// Round trips through the real PostgreSQL and Redis of the local stack, with the
// drivers the services use (pg, ioredis): proves the servers and credentials work.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testId } from "./test-run.ts";
import { infra, requireReachable } from "./infra.ts";

describe("PostgreSQL", () => {
  let client: pg.Client | undefined;

  beforeAll(async () => {
    await requireReachable("PostgreSQL", infra.DATABASE_URL);
    client = new pg.Client({
      connectionString: infra.DATABASE_URL,
      connectionTimeoutMillis: 3_000,
    });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it("writes and reads a row in a temporary table", async () => {
    if (!client) throw new Error("not connected");
    await client.query(
      "CREATE TEMP TABLE gifmesh_roundtrip (id uuid PRIMARY KEY, title text NOT NULL, bytes bigint)",
    );
    const id = randomUUID();
    await client.query("INSERT INTO gifmesh_roundtrip (id, title, bytes) VALUES ($1, $2, $3)", [
      id,
      "cat ☕",
      "9007199254740993",
    ]);
    const { rows } = await client.query<{ id: string; title: string; bytes: string }>(
      "SELECT id, title, bytes FROM gifmesh_roundtrip WHERE id = $1",
      [id],
    );
    expect(rows).toEqual([{ id, title: "cat ☕", bytes: "9007199254740993" }]);
  });
});

describe("Redis", () => {
  let redis: Redis | undefined;
  const key = `gifmesh:test:${testId()}`;

  beforeAll(async () => {
    await requireReachable("Redis", infra.REDIS_URL);
    redis = new Redis(infra.REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 3_000,
      maxRetriesPerRequest: 1,
    });
    await redis.connect();
  });
  afterAll(async () => {
    if (redis?.status !== "ready") return;
    await redis.del(key);
    await redis.quit();
  });

  it("stores a key with a TTL and reads it back", async () => {
    if (!redis) throw new Error("not connected");
    expect(await redis.set(key, "value", "EX", 30)).toBe("OK");
    expect(await redis.get(key)).toBe("value");
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await redis.get(key)).toBeNull();
  });
});

// The private servers really stop and come back: a cut proxy refuses PostgreSQL,
// a stopped redis-server or versitygw refuses connections, and restart serves
// again on the same port (S3 keeps its objects). Kafka's helper is exercised by
// services/storage/test/kafka-outage.int.test.ts (a JVM start costs ~5-10 s).
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createS3Client } from "../s3/index.ts";
import { infra } from "./infra.ts";
import { startPrivateRedis, startPrivateS3, startTcpProxy, tcpOpen } from "./index.ts";

describe("startTcpProxy", () => {
  it("forwards to PostgreSQL, resets open connections on cut, and forwards again on restore", async () => {
    const target = new URL(infra.DATABASE_URL);
    const proxy = await startTcpProxy({ targetPort: Number(target.port || 5432) });
    const viaProxy = new URL(infra.DATABASE_URL);
    viaProxy.port = String(proxy.port);
    const query = async () => {
      const client = new pg.Client({
        connectionString: viaProxy.toString(),
        connectionTimeoutMillis: 2_000,
      });
      client.on("error", () => undefined);
      await client.connect();
      return client;
    };
    try {
      const open = await query();
      expect((await open.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
      await proxy.cut();
      await expect(open.query("select 1")).rejects.toThrow();
      await expect(query()).rejects.toThrow(/ECONNREFUSED/);
      await proxy.restore();
      const again = await query();
      expect((await again.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
      await again.end();
    } finally {
      await proxy.close();
    }
  });
});

describe("startPrivateRedis", () => {
  it("stops and restarts on the same port", async () => {
    const redis = await startPrivateRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await tcpOpen(redis.port)).toBe(true);
      await redis.stop();
      expect(redis.running).toBe(false);
      expect(await tcpOpen(redis.port)).toBe(false);
      await redis.restart();
      expect(await tcpOpen(redis.port)).toBe(true);
    } finally {
      await redis.close();
    }
  });
});

describe("startPrivateS3", () => {
  it("serves its buckets, refuses while stopped, and keeps objects across a restart", async () => {
    const s3 = await startPrivateS3({ buckets: ["gifmesh"] });
    const client = createS3Client({ ...s3, maxAttempts: 1 });
    try {
      await client.send(new PutObjectCommand({ Bucket: "gifmesh", Key: "a.txt", Body: "hello" }));
      await s3.stop();
      await expect(
        client.send(new GetObjectCommand({ Bucket: "gifmesh", Key: "a.txt" })),
      ).rejects.toThrow();
      await s3.start();
      const got = await client.send(new GetObjectCommand({ Bucket: "gifmesh", Key: "a.txt" }));
      expect(await got.Body?.transformToString()).toBe("hello");
    } finally {
      client.destroy();
      await s3.close();
    }
  });
});

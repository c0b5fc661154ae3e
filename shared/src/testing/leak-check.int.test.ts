// The leak guard's eyes on the shared servers: a database, a topic, a consumer group,
// a bucket and a Redis key named with a run id are found (and nothing of another run
// id), then removed. Uses its own run id, not the guard's, so the guard of this very
// run does not see them.
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Redis } from "ioredis";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createKafka, ensureTopics } from "../kafka/index.ts";
import { createLogger } from "../logging/index.ts";
import { createS3Client } from "../s3/index.ts";
import { infra, sharedServers } from "./infra.ts";
import { deferCleanup } from "./cleanup.ts";
import { sweepServers, type SharedServers } from "./leak-check.ts";
import { newTestRunId } from "./test-run.ts";

const servers: SharedServers = sharedServers;

async function createOneOfEach(runId: string): Promise<void> {
  const db = new pg.Client({ connectionString: infra.DATABASE_URL });
  await db.connect();
  await db.query(`CREATE DATABASE gifmesh_leak_${runId}`);
  await db.end();

  const kafka = createKafka({
    brokers: infra.KAFKA_BROKERS,
    clientId: "leak-check-test",
    logger: createLogger({ service: "leak-check-test", level: "error" }),
    logLevel: "error",
  });
  const topic = `test.leak.${runId}`;
  await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
  const consumer = kafka.consumer({ kafkaJS: { groupId: `leak-${runId}`, fromBeginning: true } });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  let joined = false;
  await consumer.run({ eachMessage: () => Promise.resolve() });
  // The group exists on the broker once the consumer joined it (assignment arrives).
  for (let i = 0; i < 100 && !joined; i++) {
    joined = consumer.assignment().length > 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await consumer.disconnect();

  const s3 = createS3Client({ ...servers.s3, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: `gifmesh-leak-${runId}` }));
  await s3.send(new PutObjectCommand({ Bucket: `gifmesh-leak-${runId}`, Key: "a/b", Body: "x" }));
  s3.destroy();

  const redis = new Redis(infra.REDIS_URL);
  await redis.set(`gifmesh:test:${runId}:k`, "v");
  await redis.quit();
}

describe("sweepServers", () => {
  it("finds exactly what carries the run id on each shared server, and removes it", async () => {
    const runId = newTestRunId();
    const other = newTestRunId();
    // Whatever happens below, nothing of either id outlives this test.
    deferCleanup("leak-check test resources", async () => {
      await sweepServers(runId, servers, { remove: true });
    });
    await createOneOfEach(runId);

    const found = await sweepServers(runId, servers, { remove: false });
    expect(found.errors).toEqual([]);
    expect(found.skipped).toEqual([]);
    expect(found.leftovers.map((l) => `${l.kind}: ${l.name}`).sort()).toEqual(
      [
        `bucket: gifmesh-leak-${runId}`,
        `consumer group: leak-${runId}`,
        `database: gifmesh_leak_${runId}`,
        `redis key: gifmesh:test:${runId}:k`,
        `topic: test.leak.${runId}`,
      ].sort(),
    );
    expect((await sweepServers(other, servers, { remove: false })).leftovers).toEqual([]);

    await sweepServers(runId, servers, { remove: true });
    expect((await sweepServers(runId, servers, { remove: false })).leftovers).toEqual([]);
  });
});

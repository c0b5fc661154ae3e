// startTestStack on the shared servers: the fixture, storage, the file worker and the
// gateway come up as child processes on the run's own database, topics (the
// contract's partition counts), groups and bucket; a search through the gateway is
// answered from the fixture and its GIF gets archived into the run's bucket; close()
// stops every child and removes the database, the topics and the bucket.
import { HeadBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ARCHIVE_TOPIC_PARTITIONS, ARCHIVE_TOPICS } from "../contracts/index.ts";
import { createS3Client } from "../s3/index.ts";
import { infra } from "./infra.ts";
import { answersOk } from "./service-process.ts";
import { startTestStack } from "./stack.ts";
import { testKafka, withKafkaAdmin } from "./test-kafka.ts";
import { waitFor } from "./wait-for.ts";

const s3 = createS3Client({
  endpoint: infra.S3_ENDPOINT,
  region: infra.S3_REGION,
  accessKeyId: infra.S3_ACCESS_KEY_ID,
  secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
  forcePathStyle: true,
});

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: infra.DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

async function topicPartitions(topics: readonly string[]): Promise<Record<string, number>> {
  return withKafkaAdmin(testKafka(infra.KAFKA_BROKERS, "stack-test"), async (admin) => {
    const existing = new Set(await admin.listTopics());
    const wanted = topics.filter((t) => existing.has(t));
    if (wanted.length === 0) return {};
    const described = await admin.fetchTopicMetadata({ topics: wanted });
    return Object.fromEntries(described.map((t) => [t.name, t.partitions.length]));
  });
}

const bucketExists = (bucket: string) =>
  s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );

describe("startTestStack", () => {
  it("runs the whole gifmesh on the run's own resources and removes them on close", async () => {
    const stack = await startTestStack({ prefix: "stacktest" });
    const database = new URL(stack.databaseUrl).pathname.slice(1);
    try {
      expect(database).toContain(stack.id);
      expect(await databaseExists(database)).toBe(true);
      expect(await bucketExists(stack.bucket)).toBe(true);
      expect(await topicPartitions(Object.values(stack.topics))).toEqual({
        [stack.topics.requested]: ARCHIVE_TOPIC_PARTITIONS.requested,
        [stack.topics.completed]: ARCHIVE_TOPIC_PARTITIONS.completed,
        [stack.topics.failed]: ARCHIVE_TOPIC_PARTITIONS.failed,
        [stack.topics.requestedDeadLetter]: ARCHIVE_TOPIC_PARTITIONS.requestedDeadLetter,
        [stack.topics.resultsDeadLetter]: ARCHIVE_TOPIC_PARTITIONS.resultsDeadLetter,
      });
      expect(stack.topics.requested.endsWith(ARCHIVE_TOPICS.requested)).toBe(true);
      for (const adminUrl of Object.values(stack.adminUrls))
        expect(await answersOk(`${adminUrl}/readyz`)).toBe(true);

      const response = await fetch(`${stack.gatewayUrl}/v1/gifs/search?q=cat&limit=1`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { id: string }[] };
      expect(body.data).toHaveLength(1);
      // The search asked for its GIF to be archived: the worker puts it into the run's bucket.
      await waitFor(
        "an archived object in the run's bucket",
        async () =>
          ((await s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }))).KeyCount ?? 0) > 0,
        { timeoutMs: 60_000, intervalMs: 500, details: () => stack.logs() },
      );
    } finally {
      await stack.close();
    }
    expect(stack.gateway.current().exited()).toBeDefined();
    expect(stack.storage.current().exited()).toBeDefined();
    expect(stack.workers[0]?.current().exited()).toBeDefined();
    expect(await databaseExists(database)).toBe(false);
    expect(await bucketExists(stack.bucket)).toBe(false);
    expect(await topicPartitions(Object.values(stack.topics))).toEqual({});
  });
});

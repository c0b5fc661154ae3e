// The raw limit of the archive pipeline, with no gifmesh code: the same number of
// messages with the same keys and payload bytes (copied from the gifmesh run's own
// topics) produced to Kafka, consumed, the same GIF bytes PUT to S3, a result
// message produced and consumed. Consumers use generous concurrency: this is the
// limit of the libraries and servers, not a design. Prints one JSON line.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { createBenchKafka, createTopics, deleteGroups, deleteTopics } from "../lib/kafka.ts";
import { createBenchS3, createBucket, removeBucket } from "../lib/s3.ts";
import { createLatencies } from "../lib/stats.ts";

const env = process.env;
const ids = JSON.parse(readFileSync(env.BENCH_IDS_FILE ?? "", "utf8")) as string[];
const fixtureUrl = env.BENCH_FIXTURE_URL ?? "";
const runId = env.BENCH_RUN_ID ?? String(Date.now());
const kafka = createBenchKafka(
  (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(","),
  "gifmesh-bench-raw",
);
const s3 = createBenchS3();

/** Reads `count` messages of a topic from the beginning: key → value. */
async function readTopic(topic: string, count: number): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const consumer = kafka.consumer({
    kafkaJS: { groupId: `bench-${runId}-copy-${topic}`, fromBeginning: true },
  });
  await consumer.connect();
  await consumer.subscribe({ topic });
  const deadline = Date.now() + 30_000;
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key && message.value) out.set(message.key.toString(), message.value);
      await Promise.resolve();
    },
  });
  while (out.size < count && Date.now() < deadline) await sleep(100);
  await consumer.disconnect();
  return out;
}

async function waitAssigned(consumer: KafkaJS.Consumer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (consumer.assignment().length === 0 && Date.now() < deadline) await sleep(100);
}

// Untimed preparation: the bytes of every GIF and the gifmesh payloads.
const bytes = new Map<string, Buffer>();
let cursor = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (let id = ids[cursor++]; id !== undefined; id = ids[cursor++]) {
      const res = await fetch(`${fixtureUrl}/media/${id}/giphy.gif`);
      bytes.set(id, Buffer.from(await res.arrayBuffer()));
    }
  }),
);
const requested = await readTopic(env.BENCH_SOURCE_REQUESTED ?? "", ids.length);
const completed = await readTopic(env.BENCH_SOURCE_COMPLETED ?? "", ids.length);
const fallback = Buffer.alloc(400);
const bucket = `gifmesh-bench-raw-${runId}`;
await createBucket(s3, bucket);
const topics = {
  requested: `bench.${runId}.raw.requested`,
  completed: `bench.${runId}.raw.completed`,
};
await createTopics(kafka, [
  { topic: topics.requested, numPartitions: 6 },
  { topic: topics.completed, numPartitions: 3 },
]);

const producer = kafka.producer({ kafkaJS: { acks: -1, idempotent: true } });
await producer.connect();
const sentAt = new Map<string, number>();
const latencies = createLatencies();
let finished = 0;
let resolveDone: () => void = () => undefined;
const done = new Promise<void>((resolve) => (resolveDone = resolve));

const worker = kafka.consumer({
  kafkaJS: { groupId: `bench-${runId}-raw-worker`, fromBeginning: true, autoCommit: false },
});
await worker.connect();
await worker.subscribe({ topic: topics.requested });
await worker.run({
  partitionsConsumedConcurrently: 6,
  eachBatch: async ({ batch }) => {
    await Promise.all(
      batch.messages.map(async (m) => {
        const id = m.key?.toString() ?? "";
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `raw/${id}.gif`,
            Body: bytes.get(id),
            ContentType: "image/gif",
          }),
        );
      }),
    );
    await producer.send({
      topic: topics.completed,
      messages: batch.messages.map((m) => {
        const key = m.key?.toString() ?? "";
        return { key, value: completed.get(key) ?? fallback };
      }),
    });
    const last = batch.messages.at(-1);
    if (last)
      await worker.commitOffsets([
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: (BigInt(last.offset) + 1n).toString(),
        },
      ]);
  },
});
const results = kafka.consumer({
  kafkaJS: { groupId: `bench-${runId}-raw-results`, fromBeginning: true },
});
await results.connect();
await results.subscribe({ topic: topics.completed });
await results.run({
  eachMessage: async ({ message }) => {
    const start = sentAt.get(message.key?.toString() ?? "");
    if (start !== undefined) {
      latencies.record(Date.now() - start);
      if (++finished === ids.length) resolveDone();
    }
    await Promise.resolve();
  },
});
await Promise.all([waitAssigned(worker), waitAssigned(results)]);

const t0 = Date.now();
for (let i = 0; i < ids.length; i += 100) {
  const chunk = ids.slice(i, i + 100);
  const now = Date.now();
  for (const id of chunk) sentAt.set(id, now);
  await producer.send({
    topic: topics.requested,
    messages: chunk.map((id) => ({ key: id, value: requested.get(id) ?? fallback })),
  });
}
await Promise.race([done, sleep(Number(env.BENCH_TIMEOUT_S ?? 180) * 1_000)]);
const seconds = (Date.now() - t0) / 1_000;
const summary = latencies.summary();
await Promise.all([worker.disconnect(), results.disconnect(), producer.disconnect()]);
await deleteTopics(kafka, Object.values(topics));
await deleteGroups(kafka, [
  `bench-${runId}-raw-worker`,
  `bench-${runId}-raw-results`,
  ...[env.BENCH_SOURCE_REQUESTED ?? "", env.BENCH_SOURCE_COMPLETED ?? ""].map(
    (topic) => `bench-${runId}-copy-${topic}`,
  ),
]);
await removeBucket(s3, bucket);
process.stdout.write(
  `${JSON.stringify({
    gifs: ids.length,
    completed: finished,
    copiedPayloads: requested.size,
    meanPayloadBytes:
      [...requested.values()].reduce((s, v) => s + v.length, 0) / Math.max(1, requested.size),
    totalGifBytes: [...bytes.values()].reduce((s, v) => s + v.length, 0),
    seconds,
    gifsPerS: finished / seconds,
    latency: summary,
  })}\n`,
);
process.exit(0);

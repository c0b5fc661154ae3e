// The results consumer while PostgreSQL is unreachable (a TCP proxy the test cuts
// between it and the real server): a result that fails for a transient reason is
// retried with a growing backoff, not in a hot loop, its offset is not committed,
// and once PostgreSQL is back it is applied and committed.
import { createProducer } from "@gifmesh/shared/kafka";
import { deferCleanup, startTcpProxy, waitFor, type TcpProxy } from "@gifmesh/shared/testing";
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createApplyArchiveResult } from "../src/application/apply-archive-result.ts";
import { createArchiveResultStore } from "../src/infrastructure/db/archive-result-store.ts";
import { findGifRow, upsertGifs } from "../src/infrastructure/db/gif-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { createDeadLetter } from "../src/infrastructure/kafka/dead-letter.ts";
import { startResultsConsumer } from "../src/transport/kafka/archive-results-consumer.ts";
import {
  createMigratedDatabase,
  createTopics,
  quietLogger,
  testGif,
  testDb,
  testKafka,
  uniqueGroup,
  uniqueTopics,
} from "./helpers.ts";
import { completedEvent, requestArchive, resultApplied } from "./result-events.ts";

let direct: Kysely<DB>;
let proxied: Kysely<DB>;
let proxy: TcpProxy;
const topics = uniqueTopics();
const admin = testKafka();

beforeAll(async () => {
  const database = await createMigratedDatabase({ max: 2 });
  direct = database.db;
  await createTopics(admin, topics);
  const real = new URL(database.url);
  proxy = await startTcpProxy({ targetPort: Number(real.port || 5432) });
  // Closed after the pool through it (clean-ups run newest first), before the direct one.
  deferCleanup("tcp proxy", () => proxy.close());
  const viaProxy = new URL(database.url);
  viaProxy.port = String(proxy.port);
  proxied = testDb(viaProxy.toString(), { max: 2, connectionTimeoutMillis: 1_000 });
});

describe("results consumer during a PostgreSQL outage", () => {
  it("backs off, commits nothing past the result, and applies it once PostgreSQL is back", async () => {
    await upsertGifs(direct, [testGif("backoff1")], new Date());
    const request = await requestArchive(direct, "backoff1", topics.requested);
    const kafka = testKafka();
    const group = uniqueGroup("storage-backoff");
    const consumer = kafka.consumer({
      kafkaJS: { groupId: group, fromBeginning: true, autoCommit: false },
    });
    const deadLetter = createDeadLetter(createProducer(kafka), topics.resultsDeadLetter);
    const retries: { attempt: number; delayMs: number }[] = [];
    await proxy.cut();
    const results = await startResultsConsumer({
      consumer,
      apply: createApplyArchiveResult({
        store: createArchiveResultStore(proxied),
        requestedTopic: topics.requested,
        clock: { now: () => new Date() },
      }),
      logger: quietLogger(),
      deadLetter,
      topics: [topics.completed, topics.failed],
      retry: { initialMs: 200, maxMs: 2_000 },
      onRetry: (_topic, attempt, delayMs) => retries.push({ attempt, delayMs }),
    });
    const producer = createProducer(admin);
    await producer.connect();
    const kafkaAdmin = admin.admin();
    await kafkaAdmin.connect();
    const committed = async () => {
      const [entry] = await kafkaAdmin.fetchOffsets({ groupId: group, topics: [topics.completed] });
      return entry?.partitions.find((p) => p.partition === 0)?.offset;
    };
    try {
      await producer.send({
        topic: topics.completed,
        messages: [{ key: "backoff1", value: completedEvent("backoff1", request) }],
      });
      await waitFor("a first retry", () => (retries.length > 0 ? true : undefined), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      // 200 ms doubling to a 2 s cap (full jitter, 50 ms floor): a handful in 6 s.
      expect(retries.length).toBeGreaterThanOrEqual(3);
      expect(retries.length).toBeLessThanOrEqual(40);
      expect(retries.map((r) => r.attempt)).toEqual(retries.map((_, i) => i + 1));
      expect(Math.max(...retries.map((r) => r.delayMs))).toBeLessThanOrEqual(2_000);
      expect(await committed()).not.toBe("1");
      expect((await findGifRow(direct, "backoff1"))?.archive_state).toBe("pending");

      await proxy.restore();
      // Applied once PostgreSQL is back.
      await resultApplied(direct, "backoff1", "archived");
      await waitFor(
        "offset committed",
        async () => ((await committed()) === "1" ? true : undefined),
        10_000,
      );
    } finally {
      results.stop();
      await consumer.disconnect();
      await deadLetter.close();
      await producer.disconnect();
      await kafkaAdmin.disconnect();
    }
  });
});

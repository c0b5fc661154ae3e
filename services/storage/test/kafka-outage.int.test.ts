// With Kafka stopped, searches still succeed; after Kafka is restarted, every
// pending outbox row is delivered exactly once. Against a PRIVATE broker
// (@gifmesh/shared/testing) that the test stops and restarts on the same data dir.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ResultSource, StorageService } from "@gifmesh/shared/contracts";
import { headersToStrings, type Kafka } from "@gifmesh/shared/kafka";
import { startPrivateKafka, waitFor, type PrivateKafka } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage.ts";
import { countUnsent } from "../src/infrastructure/db/outbox-repository.ts";
import {
  collectTopic,
  createTestBed,
  startTestStorage,
  testKafka,
  type TestBed,
} from "./helpers.ts";

let broker: PrivateKafka;
let kafka: Kafka;
let topics: TestBed["topics"];
let app: Storage;

beforeAll(async () => {
  broker = await startPrivateKafka();
  kafka = testKafka(broker.brokers);
  const bed = await createTestBed(kafka);
  topics = bed.topics;
  ({ app } = await startTestStorage(
    {
      ...bed.env,
      KAFKA_BROKERS: broker.brokers.join(","),
      OUTBOX_SEND_TIMEOUT_MS: "2000",
      OUTBOX_RETRY_MAX_MS: "1000",
    },
    topics,
  ));
});

afterAll(async () => {
  await app.close();
  await broker.close();
});

/** How many messages the topic holds (sum of high - low watermarks). */
async function topicSize(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe("with Kafka stopped", () => {
  it("searches succeed, rows wait in the outbox, and after a restart each is delivered exactly once", async () => {
    const client = createClient(StorageService, createGrpcTransport({ baseUrl: app.rpc.url }));
    const db = app.database.db;

    const before = await client.searchGifs({ query: "cat", limit: 5 });
    expect(before.gifs.length).toBeGreaterThan(0);
    await waitFor(
      "baseline relayed",
      async () => ((await countUnsent(db)) === 0 ? true : undefined),
      20_000,
    );

    await broker.stop();
    for (const query of ["dog", "panda dance", "robot"]) {
      const res = await client.searchGifs({ query, limit: 10 }, { timeoutMs: 10_000 });
      expect(res.source).toBe(ResultSource.GIPHY);
      expect(res.gifs.length).toBeGreaterThan(0);
    }
    const pending = await countUnsent(db);
    expect(pending).toBeGreaterThan(0);
    // The relay tried while the broker was down, rolled back and recorded the failure.
    await waitFor(
      "a failed relay attempt",
      async () => {
        const row = await db
          .selectFrom("outbox")
          .select("id")
          .where("sent_at", "is", null)
          .where("attempts", ">", 0)
          .executeTakeFirst();
        return row === undefined ? undefined : true;
      },
      20_000,
    );
    expect(await countUnsent(db)).toBe(pending);

    await broker.start();
    await waitFor(
      "outbox drained",
      async () => ((await countUnsent(db)) === 0 ? true : undefined),
      60_000,
    );

    const rows = await db.selectFrom("outbox").select(["event_id", "sent_at", "topic"]).execute();
    expect(rows.every((row) => row.sent_at !== null && row.topic === topics.requested)).toBe(true);
    const size = await topicSize(topics.requested);
    const collector = await collectTopic(kafka, topics.requested);
    try {
      await waitFor(
        "topic read",
        () => (collector.messages.length >= size ? true : undefined),
        30_000,
      );
      const perEvent = new Map<string, number>();
      for (const message of collector.messages) {
        const id = headersToStrings(message.headers)["gifmesh-event-id"] ?? "";
        perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
      }
      expect(size).toBe(rows.length);
      expect(collector.messages).toHaveLength(rows.length);
      expect([...perEvent.keys()].sort()).toEqual(rows.map((row) => row.event_id).sort());
      expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await collector.stop();
    }
  });
});

// An outbox row Kafka refuses for good must neither block the rows after it nor
// stay unparked, against the real broker: a private
// topic whose max.message.bytes (2,000) is smaller than one row's payload. The rows
// of other GIFs behind it must be published within seconds; the refused row must
// be parked after the bound (reason kept, GIF failed OUTBOX.UNPUBLISHABLE); the same
// GIF's later row must stay behind it (per-GIF order) until an operator discards
// the parked row, and then be published.
import { randomBytes, randomUUID } from "node:crypto";
import { createProducer, ensureTopics } from "@gifmesh/shared/kafka";
import { deferKafkaCleanup, testId, waitFor } from "@gifmesh/shared/testing";
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { findGifRow, upsertGifs } from "../../src/infrastructure/db/gif-repository.ts";
import { enqueue, outboxStats } from "../../src/infrastructure/db/outbox-repository.ts";
import type { DB } from "../../src/infrastructure/db/schema.ts";
import { createOutboxRelay } from "../../src/infrastructure/outbox/outbox-relay.ts";
import { failParkedRequests } from "../../src/infrastructure/outbox/park-archive-request.ts";
import {
  collectTopic,
  createMigratedDatabase,
  quietLogger,
  testGif,
  testKafka,
} from "../helpers.ts";

const kafka = testKafka();
const topic = `test.storage.${testId()}.small`;
deferKafkaCleanup({ topics: [topic] });
let db: Kysely<DB>;

beforeAll(async () => {
  ({ db } = await createMigratedDatabase({ max: 4 }));
  await ensureTopics(kafka, [{ topic, numPartitions: 1, config: { "max.message.bytes": "2000" } }]);
});

const row = (gifId: string, payload: Buffer) => ({
  eventId: randomUUID(),
  aggregateId: gifId,
  topic,
  key: gifId,
  payload,
  headers: {},
});

describe("an outbox row Kafka refuses for good", () => {
  it("is parked after the bound while other GIFs' rows flow, and holds back only its GIF", async () => {
    await upsertGifs(
      db,
      ["park-a", "park-b", "park-c"].map((id) => testGif(id)),
      new Date(),
    );
    // Random bytes: lz4 cannot shrink them under the topic's 2,000 bytes.
    const [poison, bRow, aLater, cRow] = [
      row("park-a", randomBytes(50_000)),
      row("park-b", Buffer.from("b:0")),
      row("park-a", Buffer.from("a:1")),
      row("park-c", Buffer.from("c:0")),
    ];
    for (const r of [poison, bRow, aLater, cRow]) await enqueue(db, [r]);
    const collector = await collectTopic(kafka, topic);
    const relay = createOutboxRelay({
      db,
      producer: createProducer(kafka),
      logger: quietLogger(),
      batchSize: 10,
      pollIntervalMs: 50,
      retryMaxMs: 500,
      parkAfterRejections: 2,
      onParked: failParkedRequests(topic),
    });
    const values = () => collector.messages.map((m) => m.value?.toString() ?? "");
    try {
      relay.start();
      const started = Date.now();
      await waitFor(
        "the other GIFs' rows published",
        () => (values().includes("b:0") && values().includes("c:0") ? true : undefined),
        15_000,
      );
      expect(Date.now() - started).toBeLessThan(10_000);

      const parked = await waitFor(
        "the refused row parked",
        async () => {
          const found = await db
            .selectFrom("outbox")
            .selectAll()
            .where("event_id", "=", poison.eventId)
            .executeTakeFirst();
          return found?.parked_at ? found : undefined;
        },
        15_000,
      );
      expect(parked.sent_at).toBeNull();
      expect(parked.rejections).toBe(2);
      expect(parked.last_error).toMatch(/MSG_SIZE_TOO_LARGE/);
      const gif = await findGifRow(db, "park-a");
      expect(gif?.archive_state).toBe("failed");
      expect(gif?.archive_failure_code).toBe("OUTBOX.UNPUBLISHABLE");

      // The same GIF's later row does not overtake the parked one.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(values()).not.toContain("a:1");
      expect(await outboxStats(db)).toMatchObject({ backlog: 1, parked: 1 });

      // An operator discards the parked row (docs/operations.md): the GIF moves on.
      await db.deleteFrom("outbox").where("event_id", "=", poison.eventId).execute();
      relay.wake();
      await waitFor(
        "the later row after the discard",
        () => (values().includes("a:1") ? true : undefined),
        10_000,
      );
      expect(await outboxStats(db)).toMatchObject({ backlog: 0, parked: 0 });
    } finally {
      await relay.stop();
      await collector.stop();
    }
  });
});

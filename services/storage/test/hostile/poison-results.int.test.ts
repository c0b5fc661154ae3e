// Poison archive results, one class each, all on ONE partition of the completed
// topic and followed there by a valid result, against a real
// storage instance, broker and PostgreSQL:
// - values that fit Protobuf but not PostgreSQL (a uint32 over `integer`, a
//   timestamp past year 9999, NUL, an event id too long for a btree entry, a
//   uint64 size over 2^53);
// - results not bound to a request storage wrote (no such request, another GIF's
//   request, another rendition), and facts storage can check (object_key not the
//   content-addressed key of sha256, a content type not archived, a key that is not
//   the GIF id);
// - a value PostgreSQL itself refuses as data (a CHECK constraint of this test's
//   private database), and a message larger than our producer may send, whose
//   dead-letter copy must be cut to fit.
// Each must end on the dead-letter topic with its code and reason, leave its GIF
// pending, and the valid result behind them must be applied within seconds.
import { randomBytes, randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { createProducer, headersToStrings } from "@gifmesh/shared/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../src/storage.ts";
import { findGifRow, upsertGifs } from "../../src/infrastructure/db/gif-repository.ts";
import type { DB } from "../../src/infrastructure/db/schema.ts";
import { waitFor } from "@gifmesh/shared/testing";
import {
  collectTopic,
  createTestBed,
  startTestStorage,
  testDb,
  testGif,
  testKafka,
  uniqueGroup,
  type TestBed,
} from "../helpers.ts";
import {
  completedEvent,
  failedEvent,
  requestArchive,
  resultApplied,
  sha256Of,
} from "../result-events.ts";

const CASE_HEADER = "x-test-case";
/** A width this test's database refuses with a CHECK constraint (SQLSTATE 23514). */
const REFUSED_WIDTH = 4_242;

const kafka = testKafka();
let topics: TestBed["topics"];
const group = uniqueGroup("storage-poison");
let db: Kysely<DB>;
let storage: { app: Storage; abort: AbortController };

beforeAll(async () => {
  const bed = await createTestBed(kafka);
  topics = bed.topics;
  storage = await startTestStorage({ ...bed.env, KAFKA_RESULTS_GROUP: group }, topics);
  db = testDb(bed.env.DATABASE_URL, { max: 2 });
  await sql`alter table gifs add constraint test_refused_width
    check (archive_width is distinct from ${sql.lit(REFUSED_WIDTH)})`.execute(db);
});

afterAll(async () => {
  await storage.app.close();
});

interface Case {
  readonly name: string;
  readonly gifId: string;
  readonly code: string;
  readonly reason: RegExp;
  /** The value (built once the GIF's request exists) and, optionally, another key. */
  readonly value: (requestEventId: string) => Buffer;
  readonly key?: Buffer;
}

const uint32Max = 4_294_967_295;
const otherSha = sha256Of("someone-else");
const facts = { width: 10, height: 20, frameCount: 3, durationMs: 300 };

const CASES: readonly Case[] = [
  {
    name: "duration over integer (the measured stall)",
    gifId: "poison-duration",
    code: "EVENT.MALFORMED",
    reason: /facts\.duration_ms 3000000000 is outside 0\.\.2147483647/,
    value: (r) => completedEvent("poison-duration", r, { facts: { ...facts, durationMs: 3e9 } }),
  },
  {
    name: "frame count at uint32 max",
    gifId: "poison-frames",
    code: "EVENT.MALFORMED",
    reason: /facts\.frame_count/,
    value: (r) =>
      completedEvent("poison-frames", r, { facts: { ...facts, frameCount: uint32Max } }),
  },
  {
    name: "width over 16 bits",
    gifId: "poison-width",
    code: "EVENT.MALFORMED",
    reason: /facts\.width/,
    value: (r) => completedEvent("poison-width", r, { facts: { ...facts, width: 70_000 } }),
  },
  {
    name: "timestamp past year 9999",
    gifId: "poison-time",
    code: "EVENT.MALFORMED",
    reason: /occurred_at/,
    value: (r) =>
      completedEvent("poison-time", r, { occurredAt: { seconds: 10n ** 15n, nanos: 0 } }),
  },
  {
    name: "timestamp nanos out of range",
    gifId: "poison-nanos",
    code: "EVENT.MALFORMED",
    reason: /occurred_at nanos/,
    value: (r) => completedEvent("poison-nanos", r, { occurredAt: { seconds: 1n, nanos: -1 } }),
  },
  {
    name: "event id too long for a btree entry",
    gifId: "poison-longid",
    code: "EVENT.MALFORMED",
    reason: /event_id .* is not a valid event_id/,
    value: (r) => completedEvent("poison-longid", r, { eventId: "e".repeat(10_000) }),
  },
  {
    name: "NUL in the event id",
    gifId: "poison-nul",
    code: "EVENT.MALFORMED",
    reason: /event_id/,
    value: (r) => completedEvent("poison-nul", r, { eventId: `${randomUUID()}\u0000` }),
  },
  {
    name: "size over 2^53",
    gifId: "poison-size",
    code: "EVENT.MALFORMED",
    reason: /size_bytes/,
    value: (r) => completedEvent("poison-size", r, { sizeBytes: 2n ** 63n }),
  },
  {
    name: "object key of other bytes",
    gifId: "poison-key",
    code: "EVENT.MALFORMED",
    reason: /object_key is not the content-addressed key/,
    value: (r) =>
      completedEvent("poison-key", r, { objectKey: contentAddressedKey(otherSha, "image/gif") }),
  },
  {
    name: "content type not archived",
    gifId: "poison-type",
    code: "EVENT.MALFORMED",
    reason: /content_type "text\/html" is not an archived type/,
    value: (r) => completedEvent("poison-type", r, { contentType: "text/html" }),
  },
  {
    name: "message key is not the gif id",
    gifId: "poison-msgkey",
    code: "EVENT.MALFORMED",
    reason: /message key is not the event's gif_id/,
    value: (r) => completedEvent("poison-msgkey", r),
    key: Buffer.from("some-other-gif"),
  },
  {
    name: "request id that storage never wrote",
    gifId: "poison-unbound",
    code: "EVENT.UNBOUND",
    reason: /names no ArchiveRequested row/,
    value: () => completedEvent("poison-unbound", randomUUID()),
  },
  {
    name: "request of another GIF",
    gifId: "poison-othergif",
    code: "EVENT.UNBOUND",
    reason: /request for another GIF/,
    // Bound to the request of the valid GIF at the end of the partition.
    value: () => completedEvent("poison-othergif", validRequest),
  },
  {
    name: "another rendition than requested",
    gifId: "poison-rendition",
    code: "EVENT.UNBOUND",
    reason: /rendition fixed_height is not the requested rendition original/,
    value: (r) => completedEvent("poison-rendition", r, { rendition: "fixed_height" }),
  },
  {
    name: "a value PostgreSQL refuses as data",
    gifId: "poison-check",
    code: "EVENT.DATABASE_REJECTED",
    reason: /PostgreSQL 23514/,
    value: (r) => completedEvent("poison-check", r, { facts: { ...facts, width: REFUSED_WIDTH } }),
  },
];

let validRequest = "";

describe("poison archive results", () => {
  it("dead-letters each class with its reason and applies the valid result behind them", async () => {
    const gifIds = [...CASES.map((c) => c.gifId), "poison-oversize", "poison-valid"];
    await upsertGifs(
      db,
      gifIds.map((id) => testGif(id)),
      new Date(),
    );
    const requestIds = new Map<string, string>();
    for (const id of gifIds) requestIds.set(id, await requestArchive(db, id, topics.requested));
    validRequest = requestIds.get("poison-valid") ?? "";

    const dlq = await collectTopic(kafka, topics.resultsDeadLetter);
    // Our producers stop at librdkafka's 1,000,000 bytes; another client may send more.
    const producer = createProducer(kafka, {
      compression: "none",
      config: { "message.max.bytes": 2_000_000 },
    });
    await producer.connect();
    try {
      // One send each, in order: a batch with the oversized message would exceed the
      // broker's limit as a whole.
      await producer.send({
        topic: topics.completed,
        messages: CASES.map((c) => ({
          key: c.key ?? Buffer.from(c.gifId),
          value: c.value(requestIds.get(c.gifId) ?? ""),
          headers: { [CASE_HEADER]: c.name },
        })),
      });
      await producer.send({
        topic: topics.completed,
        // Incompressible, just under the broker's 1,048,588 bytes.
        messages: [
          {
            key: Buffer.from("poison-oversize"),
            value: randomBytes(1_040_000),
            headers: { [CASE_HEADER]: "oversize" },
          },
        ],
      });
      await producer.send({
        topic: topics.completed,
        messages: [
          {
            key: Buffer.from("poison-valid"),
            value: completedEvent("poison-valid", validRequest),
            headers: { [CASE_HEADER]: "valid" },
          },
        ],
      });
      const started = Date.now();
      // The valid result behind the poison.
      const valid = await resultApplied(db, "poison-valid", "archived");
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(valid.archive_object_key).toBe(
        contentAddressedKey(sha256Of("poison-valid"), "image/gif"),
      );

      await waitFor(
        "every poison message on the dead-letter topic",
        () => (dlq.messages.length >= CASES.length + 1 ? true : undefined),
        20_000,
      );
      const letters = new Map(
        dlq.messages.map((m) => {
          const headers = headersToStrings(m.headers);
          return [headers[CASE_HEADER] ?? "", { headers, message: m }];
        }),
      );
      for (const c of CASES) {
        const letter = letters.get(c.name);
        expect(letter, c.name).toBeDefined();
        expect(letter?.headers["x-gifmesh-error-code"], c.name).toBe(c.code);
        expect(letter?.headers["x-gifmesh-error-reason"], c.name).toMatch(c.reason);
        expect(letter?.headers["x-gifmesh-original-topic"]).toBe(topics.completed);
        expect((await findGifRow(db, c.gifId))?.archive_state, c.name).toBe("pending");
      }
      // The oversized message: cut to fit, saying so; the original's headers dropped.
      const oversize = [...dlq.messages].find(
        (m) => headersToStrings(m.headers)["x-gifmesh-truncated"] === "true",
      );
      expect(oversize).toBeDefined();
      const cut = headersToStrings(oversize?.headers);
      expect(cut["x-gifmesh-error-code"]).toBe("EVENT.MALFORMED");
      expect(cut["x-gifmesh-original-value-bytes"]).toBe("1040000");
      expect(oversize?.value?.length ?? 0).toBeLessThanOrEqual(990_000);
      // Nothing unbound or refused left a trace: no processed-event mark to poison a replay.
      const marked = await db
        .selectFrom("processed_events")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(marked.n)).toBe(1);

      // Committed to the end of the partition.
      const admin = kafka.admin();
      await admin.connect();
      try {
        const end = String(CASES.length + 2);
        const committed = await waitFor(
          "offsets committed to the end",
          async () => {
            const [entry] = await admin.fetchOffsets({
              groupId: group,
              topics: [topics.completed],
            });
            const offset = entry?.partitions.find((p) => p.partition === 0)?.offset;
            return offset === end ? offset : undefined;
          },
          10_000,
        );
        expect(committed).toBe(end);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await producer.disconnect();
      await dlq.stop();
    }
  });

  it("keeps a failure's free-text reason, without NUL and cut, instead of refusing it", async () => {
    await upsertGifs(db, [testGif("poison-reason")], new Date());
    const request = await requestArchive(db, "poison-reason", topics.requested);
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await producer.send({
        topic: topics.failed,
        messages: [
          {
            key: "poison-reason",
            value: failedEvent("poison-reason", request, {
              code: "ARCHIVE.UPSTREAM_ERROR",
              reason: `a\u0000b${"r".repeat(5_000)}`,
            }),
          },
        ],
      });
      const row = await resultApplied(db, "poison-reason", "failed");
      expect(row.archive_failure_reason?.startsWith("a\uFFFDb")).toBe(true);
      expect(row.archive_failure_reason).toHaveLength(1024);
    } finally {
      await producer.disconnect();
    }
  });
});

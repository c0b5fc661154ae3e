// Outbox relay concurrency (two relays publish no row twice and keep per-GIF order),
// idempotent archive results that never regress, and reflection/health via buf curl.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { ArchiveCompletedSchema } from "@gifmesh/shared/contracts";
import { createProducer, headersToStrings } from "@gifmesh/shared/kafka";
import { createFixtureServer } from "@gifmesh/giphy-fixture";
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { findGifRow, upsertGifs } from "../src/infrastructure/db/gif-repository.ts";
import { enqueue, countUnsent } from "../src/infrastructure/db/outbox-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { createOutboxRelay } from "../src/infrastructure/outbox/outbox-relay.ts";
import { waitFor } from "@gifmesh/shared/testing";
import {
  collectTopic,
  createMigratedDatabase,
  createTopics,
  quietLogger,
  startTestStorage,
  testKafka,
  uniqueGroup,
  testGif,
  uniqueTopics,
} from "./helpers.ts";
import {
  applyValue,
  completedEvent,
  failedEvent,
  requestArchive,
  resultApplied,
} from "./result-events.ts";

let databaseUrl: string;
let db: Kysely<DB>;
const kafka = testKafka();
const topics = uniqueTopics();

beforeAll(async () => {
  ({ url: databaseUrl, db } = await createMigratedDatabase({ max: 8 }));
  await createTopics(kafka, topics);
});

const gif = (id: string) => testGif(id);

describe("outbox relay", () => {
  it("two relays together publish every row exactly once, in order per GIF", async () => {
    const gifIds = Array.from({ length: 20 }, (_, i) => `relaygif${i}`);
    await upsertGifs(db, gifIds.map(gif), new Date());
    // 5 events per GIF, interleaved, so both relays compete for every GIF's queue.
    for (let seq = 0; seq < 5; seq++) {
      await enqueue(
        db,
        gifIds.map((id) => ({
          eventId: randomUUID(),
          aggregateId: id,
          topic: topics.requested,
          key: id,
          payload: Buffer.from(`${id}:${seq}`),
          headers: {},
        })),
      );
    }
    const collector = await collectTopic(kafka, topics.requested);
    const relays = [0, 1].map(() =>
      createOutboxRelay({
        db,
        producer: createProducer(kafka),
        logger: quietLogger(),
        batchSize: 7,
        pollIntervalMs: 20,
        retryMaxMs: 500,
      }),
    );
    try {
      relays.forEach((relay) => {
        relay.start();
      });
      await waitFor(
        "outbox drained",
        async () => ((await countUnsent(db)) === 0 ? true : undefined),
        30_000,
      );
      await waitFor(
        "100 messages",
        () => (collector.messages.length >= 100 ? true : undefined),
        15_000,
      );
      const values = collector.messages.map((m) => m.value?.toString() ?? "");
      expect(values).toHaveLength(100);
      expect(new Set(values).size).toBe(100);
      for (const id of gifIds) {
        const seqs = values
          .filter((v) => v.startsWith(`${id}:`))
          .map((v) => Number(v.split(":")[1]));
        expect(seqs).toEqual([0, 1, 2, 3, 4]);
      }
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
      await collector.stop();
    }
  });
});

describe("archive results", () => {
  // Every result must answer a request storage wrote (apply-archive-result.ts): each GIF
  // gets its ArchiveRequested outbox row first.
  const requests = new Map<string, string>();
  const requestFor = async (gifId: string) => {
    const known = requests.get(gifId);
    if (known !== undefined) return known;
    const eventId = await requestArchive(db, gifId, topics.requested);
    requests.set(gifId, eventId);
    return eventId;
  };
  const completed = async (gifId: string, eventId = randomUUID()) =>
    completedEvent(gifId, await requestFor(gifId), { eventId });
  const failed = async (gifId: string, eventId = randomUUID()) =>
    failedEvent(gifId, await requestFor(gifId), { eventId });
  const ctx = () => ({ topic: "t", requestedTopic: topics.requested, now: new Date() });

  it("applies once per event id and never regresses archived to failed", async () => {
    await upsertGifs(db, [gif("resultgif1"), gif("resultgif2")], new Date());
    const eventId = randomUUID();
    expect(await applyValue(db, "completed", await completed("resultgif1", eventId), ctx())).toBe(
      "applied",
    );
    expect(await applyValue(db, "completed", await completed("resultgif1", eventId), ctx())).toBe(
      "duplicate",
    );
    expect(await applyValue(db, "failed", await failed("resultgif1"), ctx())).toBe("ignored");
    const row = await findGifRow(db, "resultgif1");
    expect(row?.archive_state).toBe("archived");
    expect(row?.archive_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.archive_frame_count).toBe(3);

    expect(await applyValue(db, "failed", await failed("resultgif2"), ctx())).toBe("applied");
    expect((await findGifRow(db, "resultgif2"))?.archive_state).toBe("failed");
    expect(await applyValue(db, "completed", await completed("resultgif2"), ctx())).toBe("applied");
    expect((await findGifRow(db, "resultgif2"))?.archive_state).toBe("archived");
    expect(await applyValue(db, "completed", Buffer.from("not protobuf \xff\xff"), ctx())).toBe(
      "malformed",
    );
  });

  it("the running service consumes results from Kafka", async () => {
    const fixture = await createFixtureServer({ port: 0 });
    const group = uniqueGroup("storage-test");
    const { app, abort } = await startTestStorage(
      { DATABASE_URL: databaseUrl, GIPHY_BASE_URL: fixture.baseUrl, KAFKA_RESULTS_GROUP: group },
      topics,
    );
    const producer = createProducer(kafka);
    const dlq = await collectTopic(kafka, topics.resultsDeadLetter);
    try {
      await producer.connect();
      await upsertGifs(db, [gif("resultgif3"), gif("resultgif4")], new Date());
      await producer.send({
        topic: topics.completed,
        messages: [
          { key: "resultgif2", value: await completed("resultgif2") },
          { key: "resultgifX", value: await completed("resultgifX") },
          // Malformed: not protobuf, then a valid message without an object key.
          {
            key: "resultgif4",
            value: Buffer.from("not protobuf \xff\xff"),
            headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
          },
          {
            key: "resultgif4",
            value: Buffer.from(
              toBinary(
                ArchiveCompletedSchema,
                create(ArchiveCompletedSchema, { eventId: randomUUID(), gifId: "resultgif4" }),
              ),
            ),
          },
          // After the malformed ones on the same partition: still applied.
          { key: "resultgif4", value: await completed("resultgif4") },
        ],
      });
      await producer.send({
        topic: topics.failed,
        messages: [{ key: "resultgif3", value: await failed("resultgif3") }],
      });
      await resultApplied(db, "resultgif3", "failed");
      await resultApplied(db, "resultgif4", "archived");
      await waitFor("DLQ", () => (dlq.messages.length >= 2 ? true : undefined), 20_000);
      const [first, second] = dlq.messages.map((m) => ({
        key: m.key?.toString(),
        value: m.value,
        headers: headersToStrings(m.headers),
      }));
      expect(first?.key).toBe("resultgif4");
      expect(first?.value).toEqual(Buffer.from("not protobuf \xff\xff"));
      expect(first?.headers).toMatchObject({
        "x-gifmesh-error-code": "EVENT.MALFORMED",
        "x-gifmesh-original-topic": topics.completed,
        "x-gifmesh-original-partition": "0",
        "x-gifmesh-original-offset": "2",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      });
      expect(first?.headers["x-gifmesh-error-reason"]).toMatch(/not a ArchiveCompleted message/);
      expect(second?.headers["x-gifmesh-error-reason"]).toBe("schema_version is missing");
      expect(second?.headers["x-gifmesh-original-offset"]).toBe("3");
      // Committed past everything: the group's next offset is the end of the partition.
      const admin = kafka.admin();
      await admin.connect();
      const committed = await waitFor(
        "offsets committed",
        async () => {
          const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topics.completed] });
          const offset = entry?.partitions.find((p) => p.partition === 0)?.offset;
          return offset === "5" ? offset : undefined;
        },
        10_000,
      );
      await admin.disconnect();
      expect(committed).toBe("5");
    } finally {
      await dlq.stop();
      await producer.disconnect();
      abort.abort();
      await app.close();
      await fixture.close();
    }
  });
});

describe("reflection and health through buf curl", () => {
  it("lists services, calls search by reflection and reports SERVING", async () => {
    const fixture = await createFixtureServer({ port: 0 });
    const { app, abort } = await startTestStorage(
      // Reflection is opt-in (off by default); make up turns it on.
      {
        DATABASE_URL: databaseUrl,
        GIPHY_BASE_URL: fixture.baseUrl,
        STORAGE_RPC_REFLECTION: "true",
      },
      topics,
    );
    const run = promisify(execFile);
    const buf = (...args: string[]) =>
      run("buf", ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args], {
        env: {
          ...process.env,
          PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH ?? ""}`,
        },
      });
    try {
      const services = await buf("--list-services", app.rpc.url);
      expect(services.stdout.split("\n")).toEqual(
        expect.arrayContaining([
          "gifmesh.storage.v1.StorageService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
        ]),
      );
      const methods = await buf("--list-methods", app.rpc.url);
      expect(methods.stdout).toContain("gifmesh.storage.v1.StorageService/BatchGetGifs");
      const search = await buf(
        "--reflect",
        "-d",
        '{"query":"cat","limit":2}',
        `${app.rpc.url}/gifmesh.storage.v1.StorageService/SearchGifs`,
      );
      expect((JSON.parse(search.stdout) as { gifs: unknown[] }).gifs).toHaveLength(2);
      const health = await buf("-d", "{}", `${app.rpc.url}/grpc.health.v1.Health/Check`);
      expect(JSON.parse(health.stdout)).toEqual({ status: "SERVING" });
      const alpha = await buf("--reflect-protocol", "grpc-v1alpha", "--list-services", app.rpc.url);
      expect(alpha.stdout).toContain("gifmesh.storage.v1.StorageService");
    } finally {
      abort.abort();
      await app.close();
      await fixture.close();
    }
  });
});

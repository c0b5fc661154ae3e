// Poison archive requests, one class each, all on ONE partition of the request topic
// and followed there by a valid request: valid Protobuf with empty or
// out-of-range fields, an absurdly long source URL, a message key that is not the
// GIF id (up to the size limit), and messages larger than the worker's own producer
// may publish, as a client with other limits (Java's max.request.size, compression:
// the broker checks the compressed size) can produce them. Each must end on the
// dead-letter topic with its code and reason (an oversized copy cut down, saying
// so), and the valid request behind them must be archived: nothing stalls the
// partition.
import { setTimeout as sleep } from "node:timers/promises";
import { createProducer } from "@gifmesh/shared/kafka";
import { describe, expect, it } from "vitest";
import {
  archiveRequest,
  mediaUrl,
  must,
  requestArchive,
  startOnPrivateS3,
  useWorkerStack,
  waitFor,
  workerGroup,
  type ArchiveRequestFields,
} from "../harness.ts";

const CASE_HEADER = "x-test-case";
const CODE_HEADER = "x-gifmesh-error-code";
const REASON_HEADER = "x-gifmesh-error-reason";
const OFFSET_HEADER = "x-gifmesh-original-offset";
const TRUNCATED_HEADER = "x-gifmesh-truncated";
/** librdkafka's default message.max.bytes (what our producers and the worker's allow). */
const KAFKA_MAX_MESSAGE = 1_000_000;

const stack = useWorkerStack("poison");

const request = (fields: ArchiveRequestFields) =>
  archiveRequest({
    eventId: `e-${String(Math.random()).slice(2)}`,
    gifId: "poison",
    sourceUrl: "http://127.0.0.1:1/x.gif",
    ...fields,
  });

describe("poison archive requests on one partition", () => {
  it("each class is dead-lettered with its reason, and the valid request behind them is archived", async () => {
    const { fixture, run, worker } = stack;
    const spec = must(fixture.catalogue.all[3], "fixture gif");
    const media = mediaUrl(fixture, spec.id);
    const cases: {
      name: string;
      key: string | Buffer | null;
      value: Buffer;
      reason: RegExp;
      headers?: Record<string, string>;
      /** Sent by a client allowed larger messages than ours. */
      foreign?: true;
      /** Its dead-letter copy must be cut down to fit (x-gifmesh-truncated). */
      cut?: true;
    }[] = [
      { name: "all-defaults", key: "p1", value: Buffer.alloc(0), reason: /empty payload/ },
      {
        name: "empty-fields",
        key: "p2",
        value: request({ eventId: "", gifId: "", sourceUrl: "", rendition: "" }),
        reason: /event_id|gif_id|source_url/,
      },
      {
        name: "no-schema-version",
        key: "p3",
        value: request({ schemaVersion: 0, gifId: "p3" }),
        reason: /schema_version/,
      },
      {
        name: "out-of-range",
        key: "p4",
        value: request({
          gifId: "g".repeat(65),
          rendition: "ORIGINAL/../x",
          eventId: "e".repeat(200),
          expectedContentType: "text/html",
        }),
        reason: /gif_id|rendition|event_id|expected_content_type/,
      },
      {
        name: "url-60k",
        key: "p5",
        value: request({ gifId: "p5", sourceUrl: `http://media.giphy.com/${"a".repeat(60_000)}` }),
        reason: /source_url/,
      },
      {
        name: "url-900k",
        key: "p6",
        value: request({ gifId: "p6", sourceUrl: `http://media.giphy.com/${"a".repeat(900_000)}` }),
        reason: /too large/,
      },
      {
        name: "key-not-gif-id",
        key: "someone-else",
        value: request({ gifId: "p7", sourceUrl: media }),
        reason: /key/,
      },
      {
        name: "huge-key",
        key: Buffer.alloc(KAFKA_MAX_MESSAGE - 2_000, 0x6b),
        value: request({ gifId: "p8", sourceUrl: media }),
        reason: /key/,
        cut: true,
      },
      {
        name: "near-limit-value",
        key: "p9",
        value: Buffer.alloc(KAFKA_MAX_MESSAGE - 2_000, 0xff),
        reason: /too large/,
        cut: true,
      },
      {
        name: "compressible-3mb-value",
        key: "p10",
        value: Buffer.alloc(3_000_000, 0xff),
        reason: /too large/,
        foreign: true,
        cut: true,
      },
      {
        name: "huge-headers",
        key: "p11",
        value: request({ gifId: "p11", sourceUrl: "file:///etc/passwd" }),
        headers: { padding: "h".repeat(1_500_000) },
        reason: /scheme|source_url/,
        foreign: true,
        cut: true,
      },
    ];
    // Like a Java client with max.request.size raised: the broker checks the batch
    // compressed (lz4), so these highly compressible messages get in.
    const foreign = createProducer(run.kafka, { config: { "message.max.bytes": 10_000_000 } });
    await foreign.connect();
    try {
      for (const [offset, c] of cases.entries()) {
        const sent = await (c.foreign ? foreign : run.producer).send({
          topic: run.topics.requested,
          messages: [
            {
              key: c.key,
              value: c.value,
              partition: 0,
              headers: { [CASE_HEADER]: c.name, ...c.headers },
            },
          ],
        });
        expect(sent[0]?.baseOffset ?? sent[0]?.offset, c.name).toBe(String(offset));
      }
    } finally {
      await foreign.disconnect();
    }
    const validId = "after-poison";
    await run.producer.send({
      topic: run.topics.requested,
      messages: [
        {
          key: validId,
          partition: 0,
          value: request({ gifId: validId, sourceUrl: media }),
          headers: { [CASE_HEADER]: "valid" },
        },
      ],
    });

    await waitFor(
      "the valid request behind the poison to be archived",
      () => run.results.completed.some((c) => c.gifId === validId),
      60_000,
    );
    // By original offset: an oversized copy loses the original headers (CASE_HEADER).
    const dead = () => new Map(run.results.dlq.map((d) => [d.headers[OFFSET_HEADER] ?? "", d]));
    const byCase = await waitFor(
      "every poison message on the dead-letter topic",
      () => cases.every((_c, offset) => dead().has(String(offset))) && dead(),
      30_000,
    ).catch((error: unknown) => {
      const missing = cases.filter((_c, i) => !dead().has(String(i))).map((c) => c.name);
      throw new Error(
        `not dead-lettered: ${missing.join(", ")}\n${worker.output().slice(-3_000)}`,
        {
          cause: error,
        },
      );
    });
    for (const [offset, c] of cases.entries()) {
      const entry = must(byCase.get(String(offset)), c.name);
      expect(entry.headers[CODE_HEADER], c.name).toMatch(
        /^ARCHIVE\.(BAD_MESSAGE|HOST_NOT_ALLOWED)$/,
      );
      expect(entry.headers[REASON_HEADER], c.name).toMatch(c.reason);
      const size = entry.key.length + (entry.value?.length ?? 0);
      expect(size, c.name).toBeLessThan(KAFKA_MAX_MESSAGE);
      expect(entry.headers[TRUNCATED_HEADER], c.name).toBe(c.cut ? "true" : undefined);
      if (!c.cut) expect(entry.value?.equals(c.value), c.name).toBe(true);
    }
    expect(run.results.completed.filter((c) => c.gifId !== validId)).toEqual([]);
    // Committed past everything: a message retried forever would hold the watermark
    // (and every later message's commit) however much else was processed.
    const admin = run.kafka.admin();
    await admin.connect();
    try {
      const end = String(cases.length + 1);
      let committed: string | undefined;
      for (const deadline = Date.now() + 15_000; committed !== end && Date.now() < deadline;) {
        const [entry] = await admin.fetchOffsets({
          groupId: workerGroup(run.id),
          topics: [run.topics.requested],
        });
        committed = entry?.partitions.find((p) => p.partition === 0)?.offset;
        if (committed !== end) await sleep(200);
      }
      expect(committed, "committed offset of partition 0").toBe(end);
    } finally {
      await admin.disconnect();
    }
    expect(worker.child.exitCode, worker.output()).toBeNull();
  });
});

describe("a transient outage", () => {
  it("S3 down: the request is retried with growing delays, not in a hot loop, and completes after", async () => {
    const { fixture } = stack;
    const onPrivateS3 = await startOnPrivateS3("poison-s3", fixture, {
      RETRY_INITIAL_DELAY_MS: "200",
      RETRY_MAX_DELAY_MS: "2000",
      S3_TIMEOUT_MS: "1000",
      LOG_LEVEL: "warn",
    });
    const { s3, run: outage, worker: w } = onPrivateS3;
    try {
      const media = (i: number) => {
        const spec = must(fixture.catalogue.all[i], `fixture gif ${i}`);
        return [spec.id, mediaUrl(fixture, spec.id)] as const;
      };
      const warm = await requestArchive(outage, ...media(20));
      await waitFor(
        "warm-up",
        () => outage.results.completed.some((c) => c.requestEventId === warm),
        45_000,
      );
      await s3.stop();
      const id = await requestArchive(outage, ...media(21));
      const window = 8_000;
      await sleep(window);
      const retries = w
        .output()
        .split("\n")
        .filter((line) => line.includes("will retry"))
        .map((line) => JSON.parse(line) as { code: string; attempt: number; delayMs: number });
      expect(retries.length, w.output().slice(-2_000)).toBeGreaterThanOrEqual(2);
      // 200, 400, 800, 1600, 2000 ms (jittered): a handful of attempts, never hundreds.
      expect(retries.length).toBeLessThan(15);
      expect(retries.every((r) => r.code === "ARCHIVE.STORAGE_UNAVAILABLE")).toBe(true);
      const last = must(retries.at(-1), "last retry");
      expect(last.delayMs).toBeGreaterThan(must(retries[0], "first retry").delayMs);
      expect(outage.results.failed).toEqual([]);
      await s3.start();
      await waitFor(
        "completion after S3 returns",
        () => outage.results.completed.some((c) => c.requestEventId === id),
        60_000,
      );
      expect(outage.results.dlq).toEqual([]);
    } finally {
      await onPrivateS3.close();
    }
  });
});

// A Protobuf event with a W3C traceparent header goes through the real broker
// (127.0.0.1:9092) and is decoded on the other side with its trace intact.
import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { context, trace } from "@opentelemetry/api";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_EVENT_SCHEMA_VERSION, ArchiveRequestedSchema } from "../contracts/index.ts";
import { createLogger } from "../logging/index.ts";
import { infra, requireReachable } from "../testing/infra.ts";
import { testId } from "../testing/test-run.ts";
import {
  extractTraceContext,
  injectTraceHeaders,
  registerContextPropagation,
} from "../tracing/index.ts";
import {
  createKafka,
  createProducer,
  ensureTopics,
  headersToStrings,
  type Consumer,
  type KafkaMessage,
  type Producer,
} from "./index.ts";

// testId(): the leak guard of vitest.config.ts finds the topic and group by it if left.
const runId = testId();
const topic = `gifmesh.test.${runId}`;
const groupId = `gifmesh-test-${runId}`;
const logStream = new PassThrough();
const logLines: string[] = [];
logStream.on("data", (chunk: Buffer) =>
  logLines.push(...chunk.toString().split("\n").filter(Boolean)),
);
const kafka = createKafka({
  brokers: infra.KAFKA_BROKERS,
  clientId: "shared-int-test",
  logger: createLogger({ service: "kafka-int-test", stream: logStream }),
});
const tracerProvider = new TracerProvider();
const tracer = tracerProvider.getTracer("kafka-int-test");
let producer: Producer | undefined;
let consumer: Consumer | undefined;
let brokerUp = false;

beforeAll(async () => {
  await requireReachable("Kafka", infra.KAFKA_BROKERS[0] ?? "127.0.0.1:9092");
  brokerUp = true;
  registerContextPropagation();
  trace.setGlobalTracerProvider(tracerProvider);
});

afterAll(async () => {
  if (!brokerUp) return;
  await consumer?.disconnect();
  await producer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
  await tracerProvider.shutdown();
  trace.disable();
  context.disable();
});

describe("Kafka round trip", () => {
  it("ensureTopics creates the topic once", async () => {
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([topic]);
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([]);
  });

  it("carries an ArchiveRequested event and its traceparent through the broker", async () => {
    const occurredAt = new Date("2026-11-05T10:20:30.123Z");
    const event = create(ArchiveRequestedSchema, {
      eventId: randomUUID(),
      occurredAt: timestampFromDate(occurredAt),
      schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
      gifId: "xT9IgDEI1iZyb2wqo8",
      rendition: "original",
      sourceUrl: "https://media.giphy.com/media/xT9IgDEI1iZyb2wqo8/giphy.gif",
      expectedContentType: "image/gif",
      declaredSizeBytes: 1_234_567n,
    });

    producer = createProducer(kafka, { compression: "lz4" });
    await producer.connect();
    const sent = await tracer.startActiveSpan("publish ArchiveRequested", async (span) => {
      try {
        const headers = injectTraceHeaders();
        await producer?.send({
          topic,
          messages: [
            {
              key: event.gifId,
              value: Buffer.from(toBinary(ArchiveRequestedSchema, event)),
              headers,
            },
          ],
        });
        return { headers, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      } finally {
        span.end();
      }
    });
    expect(sent.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    consumer = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, autoCommit: false } });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const received = await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no message on ${topic} within 30 s`));
      }, 30_000);
      void consumer
        ?.run({
          eachMessage: ({ message }) => {
            clearTimeout(timer);
            resolve(message);
            return Promise.resolve();
          },
        })
        .catch(reject);
    });

    expect(received.key?.toString()).toBe(event.gifId);
    const decoded = fromBinary(ArchiveRequestedSchema, received.value ?? new Uint8Array());
    expect(decoded).toMatchObject({
      eventId: event.eventId,
      schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
      gifId: event.gifId,
      rendition: "original",
      sourceUrl: event.sourceUrl,
      expectedContentType: "image/gif",
      declaredSizeBytes: 1_234_567n,
    });
    expect(decoded.occurredAt && timestampDate(decoded.occurredAt).toISOString()).toBe(
      occurredAt.toISOString(),
    );

    const headers = headersToStrings(received.headers);
    expect(headers.traceparent).toBe(sent.headers.traceparent);
    const remote = trace.getSpanContext(extractTraceContext(received.headers ?? {}));
    expect(remote).toMatchObject({ traceId: sent.traceId, spanId: sent.spanId, isRemote: true });
    expect(logLines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

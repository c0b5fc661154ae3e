// startFileWorker in the test's own process, against the real Kafka and S3 servers:
// it creates its topics and bucket, becomes ready, archives one GIF served on
// 127.0.0.1, publishes archive.completed, counts it, and closes cleanly (consumer
// stopped, connections closed, spool directory removed). Topics, groups and bucket
// are this run's own and removed at the end of the file.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { fromBinary } from "@bufbuild/protobuf";
import { loadConfig } from "@gifmesh/shared/config";
import {
  ArchiveCompletedSchema,
  contentAddressedKey,
  type ArchiveCompleted,
} from "@gifmesh/shared/contracts";
import { createKafka, createProducer, type Consumer, type Producer } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { createS3Client, s3ClientOptions } from "@gifmesh/shared/s3";
import {
  createTempDir,
  deferCleanup,
  deferKafkaCleanup,
  testId,
  waitFor,
} from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema, type WorkerConfig } from "../src/config.ts";
import { startFileWorker, type FileWorker } from "../src/file-worker.ts";
import { archiveRequest } from "./archive-request.ts";
import { makeGif } from "./make-gif.ts";

const id = testId();
const topics = {
  requested: `fwinproc.${id}.requested`,
  completed: `fwinproc.${id}.completed`,
  failed: `fwinproc.${id}.failed`,
  dlq: `fwinproc.${id}.dlq`,
};
const workerGroup = `fwinproc-worker-${id}`;
const resultsGroup = `fwinproc-results-${id}`;
const bucket = `fwinproc-${id}`;
const gif = makeGif({ width: 40, height: 30, frames: 5, delayMs: 80, seed: 7 });
const sha256 = createHash("sha256").update(gif).digest("hex");
const logger = createLogger({
  service: "file-worker-test",
  level: "error",
  stream: new PassThrough(),
});

let media: Server;
let config: Readonly<WorkerConfig>;
let worker: FileWorker;
let producer: Producer;
let results: Consumer;
const completed: ArchiveCompleted[] = [];
const registry = createMetrics({ service: "file-worker-test", defaultMetrics: false });

beforeAll(async () => {
  deferKafkaCleanup({ topics: Object.values(topics), groups: [workerGroup, resultsGroup] });
  media = createServer((req, res) => {
    if (req.url !== "/media/inproc/giphy.gif") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "image/gif", "content-length": gif.length }).end(gif);
  });
  await new Promise<void>((resolve) => media.listen(0, "127.0.0.1", resolve));
  deferCleanup("media server", () => new Promise((resolve) => media.close(resolve)));
  const { port } = media.address() as AddressInfo;

  const env = process.env;
  config = loadConfig(configSchema, {
    KAFKA_BROKERS: env.KAFKA_BROKERS ?? "127.0.0.1:9092",
    KAFKA_GROUP_ID: workerGroup,
    KAFKA_TOPIC_PARTITIONS: "1",
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    TOPIC_ARCHIVE_REQUESTED: topics.requested,
    TOPIC_ARCHIVE_COMPLETED: topics.completed,
    TOPIC_ARCHIVE_FAILED: topics.failed,
    TOPIC_ARCHIVE_DLQ: topics.dlq,
    S3_ENDPOINT: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
    S3_REGION: env.S3_REGION ?? "us-east-1",
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? "gifmesh",
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
    S3_FORCE_PATH_STYLE: "true",
    S3_BUCKET: bucket,
    S3_TIMEOUT_MS: "5000",
    ARCHIVE_SPOOL_DIR: createTempDir("fw-inproc-").path,
    DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${port}`,
    SHUTDOWN_TIMEOUT_MS: "8000",
  });
  deferCleanup(`bucket ${bucket}`, async () => {
    const s3 = createS3Client(s3ClientOptions(config));
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const object of listed.Contents ?? [])
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    } finally {
      s3.destroy();
    }
  });

  worker = await startFileWorker(config, { logger, registry });
  deferCleanup("file worker", () => worker.close());
  await worker.started;

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: "file-worker-test",
    logger,
  });
  producer = createProducer(kafka);
  await producer.connect();
  deferCleanup("request producer", () => producer.disconnect());
  results = kafka.consumer({ kafkaJS: { groupId: resultsGroup, fromBeginning: true } });
  await results.connect();
  deferCleanup("result consumer", () => results.disconnect());
  await results.subscribe({ topics: [topics.completed] });
  void results.run({
    eachMessage: ({ message }) => {
      if (message.value) completed.push(fromBinary(ArchiveCompletedSchema, message.value));
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await worker.close();
});

describe("startFileWorker", () => {
  it("is ready once started: the broker and the bucket answer", async () => {
    const signal = AbortSignal.timeout(10_000);
    for (const readiness of worker.readiness) await readiness.check(signal);
    expect(worker.readiness.map((r) => r.name)).toEqual(["kafka", "s3"]);
  });

  it("archives a GIF from a local server and publishes archive.completed", async () => {
    const eventId = `ev-${id}`;
    const sourceUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/media/inproc/giphy.gif`;
    await producer.send({
      topic: topics.requested,
      messages: [{ key: "inproc", value: archiveRequest({ eventId, gifId: "inproc", sourceUrl }) }],
    });

    const done = await waitFor("archive.completed", () =>
      completed.find((event) => event.requestEventId === eventId),
    );
    const key = contentAddressedKey(sha256, "image/gif");
    expect(done).toMatchObject({
      gifId: "inproc",
      bucket,
      objectKey: key,
      sha256,
      contentType: "image/gif",
    });
    expect(Number(done.sizeBytes)).toBe(gif.length);
    expect(done.facts).toMatchObject({ width: 40, height: 30, frameCount: 5 });

    const s3 = createS3Client(s3ClientOptions(config));
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      expect(stored.equals(gif)).toBe(true);
    } finally {
      s3.destroy();
    }
    const processed = await registry.getSingleMetric("gifmesh_archive_processed_total")?.get();
    expect(processed?.values).toEqual([
      expect.objectContaining({ value: 1, labels: { result: "completed" } }),
    ]);
  });

  it("closes cleanly: consumer stopped, readiness down, spool directory removed", async () => {
    await worker.close();
    expect(existsSync(worker.spoolPath)).toBe(false);
    const kafka = worker.readiness.find((r) => r.name === "kafka");
    await expect(kafka?.check(AbortSignal.timeout(5_000))).rejects.toThrow(/not running/);
    // A second close is the same close.
    await worker.close();
  });
});

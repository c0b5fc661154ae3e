// Integration-test plumbing: unique topics/bucket/group per run (topics from
// archiveTopicSpecs), a worker run as a child process (`node src/main.ts`, exactly as
// deployed, through spawnService of @gifmesh/shared/testing), a result collector on
// the output topics, and a private versitygw for outage tests. Real Kafka, real S3.
// A run's topics, consumer groups and bucket, and every worker, are removed by
// `close()` / `stop()` or, at the latest, at the end of the test file.
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  ArchiveRequestedSchema,
  archiveTopicSpecs,
  type ArchiveCompleted,
  type ArchiveFailed,
} from "@gifmesh/shared/contracts";
import {
  createKafka,
  createProducer,
  ensureTopics,
  headersToStrings,
  type Consumer,
  type Kafka,
  type Producer,
} from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";
import {
  cleanupScope,
  deleteKafkaNames,
  REPO_ROOT,
  startService,
  testId,
} from "@gifmesh/shared/testing";

/** The polling wait of every test (one name for it). */
export { waitFor } from "@gifmesh/shared/testing";

export const ROOT = REPO_ROOT;
const env = process.env;
export const KAFKA_BROKERS = env.KAFKA_BROKERS ?? "127.0.0.1:9092";
export const S3_ENDPOINT = env.S3_ENDPOINT ?? "http://127.0.0.1:9000";
export const S3_KEY = env.S3_ACCESS_KEY_ID ?? "gifmesh";
export const S3_SECRET = env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret";

export function s3Client(endpoint = S3_ENDPOINT): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_SECRET },
    maxAttempts: 1,
  });
}

export interface Run {
  readonly id: string;
  readonly topics: { requested: string; completed: string; failed: string; dlq: string };
  readonly bucket: string;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly results: Results;
  close(): Promise<void>;
}

export interface DlqEntry {
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

export interface Results {
  readonly completed: ArchiveCompleted[];
  readonly failed: ArchiveFailed[];
  readonly dlq: DlqEntry[];
}

const logger = createLogger({ service: "file-worker-test", level: "error" });

/** Creates this run's topics and starts collecting the worker's output. */
export async function startRun(name: string): Promise<Run> {
  const id = `${name}-${testId()}`;
  const topics = {
    requested: `fwtest.${id}.requested`,
    completed: `fwtest.${id}.completed`,
    failed: `fwtest.${id}.failed`,
    dlq: `fwtest.${id}.dlq`,
  };
  const bucket = `fwtest-${id}`.toLowerCase();
  // Run newest first by close(), or at the end of the test file. The bucket is the
  // shared server's; on a private S3 (outage tests) it goes with that server.
  const cleanup = cleanupScope();
  cleanup.defer(`bucket ${bucket}`, () => dropBucket(s3Client(), bucket));
  cleanup.defer(`topics and groups of ${id}`, () =>
    deleteKafkaNames({
      topics: Object.values(topics),
      groups: [`fwtest-results-${id}`, workerGroup(id)],
    }),
  );
  const kafka = createKafka({
    brokers: KAFKA_BROKERS.split(","),
    clientId: "file-worker-test",
    logger,
  });
  await ensureTopics(
    kafka,
    archiveTopicSpecs(["requested", "completed", "failed", "requestedDeadLetter"], {
      names: { ...topics, requestedDeadLetter: topics.dlq },
      partitions: 3,
    }),
  );
  const producer = createProducer(kafka);
  await producer.connect();
  cleanup.defer("result producer", () => producer.disconnect());
  const results: Results = { completed: [], failed: [], dlq: [] };
  const consumer: Consumer = kafka.consumer({
    kafkaJS: { groupId: `fwtest-results-${id}`, fromBeginning: true },
  });
  await consumer.connect();
  cleanup.defer("result consumer", () => consumer.disconnect());
  await consumer.subscribe({ topics: [topics.completed, topics.failed, topics.dlq] });
  void consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topics.completed && message.value)
        results.completed.push(fromBinary(ArchiveCompletedSchema, message.value));
      else if (topic === topics.failed && message.value)
        results.failed.push(fromBinary(ArchiveFailedSchema, message.value));
      else if (topic === topics.dlq)
        results.dlq.push({
          key: message.key?.toString() ?? "",
          value: message.value,
          headers: headersToStrings(message.headers),
        });
      await Promise.resolve();
    },
  });
  return { id, topics, bucket, kafka, producer, results, close: () => cleanup.run() };
}

const workerGroup = (runId: string) => `fwtest-worker-${runId}`;

/** Publishes one ArchiveRequested (key = gif id) and returns its event id. */
export async function requestArchive(run: Run, gifId: string, sourceUrl: string): Promise<string> {
  const eventId = randomUUID();
  const event = create(ArchiveRequestedSchema, {
    eventId,
    occurredAt: timestampNow(),
    schemaVersion: 1,
    gifId,
    rendition: "original",
    sourceUrl,
    expectedContentType: "image/gif",
  });
  await run.producer.send({
    topic: run.topics.requested,
    messages: [
      {
        key: gifId,
        value: Buffer.from(toBinary(ArchiveRequestedSchema, event)),
        headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      },
    ],
  });
  return eventId;
}

/** A worker child process running `node src/main.ts`. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit (SIGKILL after 20 s); returns the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

export function workerEnv(run: Run, extra: Record<string, string>): Record<string, string> {
  return {
    KAFKA_BROKERS,
    KAFKA_GROUP_ID: workerGroup(run.id),
    TOPIC_ARCHIVE_REQUESTED: run.topics.requested,
    TOPIC_ARCHIVE_COMPLETED: run.topics.completed,
    TOPIC_ARCHIVE_FAILED: run.topics.failed,
    TOPIC_ARCHIVE_DLQ: run.topics.dlq,
    S3_ENDPOINT,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: S3_KEY,
    S3_SECRET_ACCESS_KEY: S3_SECRET,
    S3_BUCKET: run.bucket,
    S3_FORCE_PATH_STYLE: "true",
    S3_TIMEOUT_MS: "5000",
    ADMIN_PORT: "0",
    ADMIN_HOST: "127.0.0.1",
    OTEL_SDK_DISABLED: "true",
    LOG_LEVEL: "warn",
    WORKER_CONCURRENCY: "3",
    ARCHIVE_MAX_BYTES: String(2 * 1024 * 1024),
    RETRY_MAX_ATTEMPTS: "2",
    RETRY_INITIAL_DELAY_MS: "100",
    RETRY_MAX_DELAY_MS: "1000",
    SHUTDOWN_TIMEOUT_MS: "8000",
    // A SIGKILLed member holds its partitions until the session times out; keep that short here.
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    ...extra,
  };
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  // Still running at the end of the file (a test failed before stopping it), it is
  // stopped gracefully, so it removes its spool directory as in production. Its
  // spool goes into the run's own TMPDIR (tests/leak-guard.ts).
  const worker = startService({
    name: "file-worker",
    script: "services/file-worker/src/main.ts",
    env,
    graceMs: 20_000,
    // Tests search the whole output for what the worker logged.
    keepLines: 100_000,
  });
  const child = worker.process;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else
      child.once("exit", (code) => {
        resolve(code);
      });
  });
  return {
    child,
    output: () => worker.output(),
    async stop() {
      await worker.stop();
      return exited;
    },
    async kill9() {
      await worker.stop({ signal: "SIGKILL" });
    },
  };
}

/** Every object key in `bucket`. */
export async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Removes a test bucket and its objects (best effort). */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (const key of await listKeys(s3, bucket))
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // The bucket may not exist or S3 may be the stopped private one; nothing to clean.
  }
}

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}

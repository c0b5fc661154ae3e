// Integration-test plumbing: unique topics/bucket/group per run (topics from
// archiveTopicSpecs), a worker run as a child process (`node src/main.ts`, exactly as
// deployed, through spawnService of @gifmesh/shared/testing), a result collector on
// the output topics, and a private versitygw for outage tests. Real Kafka, real S3.
// A run's topics, consumer groups and bucket, and every worker, are removed by
// `close()` / `stop()` or, at the latest, at the end of the test file.
// useWorkerStack / useFixture wire all of it into a test file's hooks; the S3 side
// is s3-bucket.ts, the request bytes archive-request.ts.
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import {
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
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
  deferCleanup,
  deleteKafkaNames,
  startPrivateS3,
  startService,
  testId,
  type PrivateS3,
} from "@gifmesh/shared/testing";
import { afterAll, beforeAll, expect } from "vitest";
import { archiveRequest } from "./archive-request.ts";
import { dropBucket, s3Client, S3_ENDPOINT, S3_KEY, S3_SECRET } from "./s3-bucket.ts";

/** The polling wait of every test (one name for it). */
export { waitFor } from "@gifmesh/shared/testing";
export { archiveRequest, type ArchiveRequestFields } from "./archive-request.ts";

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";

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

/** The consumer group of a run's workers (whose committed offsets a test may read). */
export const workerGroup = (runId: string) => `fwtest-worker-${runId}`;

/** Publishes one ArchiveRequested (key = gif id) and returns its event id. */
export async function requestArchive(run: Run, gifId: string, sourceUrl: string): Promise<string> {
  const eventId = randomUUID();
  await run.producer.send({
    topic: run.topics.requested,
    messages: [
      {
        key: gifId,
        value: archiveRequest({ eventId, gifId, sourceUrl }),
        headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      },
    ],
  });
  return eventId;
}

/** True once every one of `eventIds` has an event answering it among `events`. */
export function allAnswered(
  events: readonly { readonly requestEventId: string }[],
  eventIds: Iterable<string>,
): boolean {
  return [...eventIds].every((id) => events.some((e) => e.requestEventId === id));
}

/** A worker child process running `node src/main.ts`. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit (SIGKILL after 20 s); returns the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** The worker's environment for `run`, downloading from `fixture` (opted in by host:port). */
export function workerEnv(
  run: Run,
  fixture: FixtureServer,
  extra: Record<string, string> = {},
): Record<string, string> {
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
    DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${fixture.port}`,
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

/** A run and its worker on a private versitygw, which an outage test stops and starts. */
export interface PrivateS3Run {
  readonly s3: PrivateS3;
  readonly run: Run;
  readonly worker: WorkerProcess;
  /** Stops the worker (SIGTERM), then removes the run and the private S3 with its data. */
  close(): Promise<void>;
}

/** Starts a private S3, a run and a worker on that S3 (workerEnv plus `extra`). */
export async function startOnPrivateS3(
  name: string,
  fixture: FixtureServer,
  extra: Record<string, string> = {},
): Promise<PrivateS3Run> {
  const s3 = await startPrivateS3();
  const run = await startRun(name);
  const worker = startWorker(workerEnv(run, fixture, { S3_ENDPOINT: s3.endpoint, ...extra }));
  return {
    s3,
    run,
    worker,
    async close() {
      await worker.stop();
      await run.close();
      await s3.close();
    },
  };
}

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}

/** The fixture's URL of `file` of GIF `id` (its media routes: giphy.gif, huge.gif, ...). */
export function mediaUrl(fixture: FixtureServer, id: string, file = "giphy.gif"): string {
  return `${fixture.url}/media/${id}/${file}`;
}

/** The Giphy fixture of a test file: started before its tests, closed at its end. */
export function useFixture(): { readonly fixture: FixtureServer } {
  let fixture: FixtureServer | undefined;
  beforeAll(async () => {
    const started = await createFixtureServer({ port: 0 });
    deferCleanup("giphy fixture", () => started.close());
    fixture = started;
  });
  return {
    get fixture() {
      return must(fixture, "the fixture (read it in a test or hook)");
    },
  };
}

/** What useWorkerStack starts for a test file; read it in a test or a hook. */
export interface WorkerStack {
  readonly fixture: FixtureServer;
  readonly run: Run;
  readonly worker: WorkerProcess;
}

/**
 * A test file's fixture, run and worker (env: workerEnv plus `extra`), started before
 * its tests. After them the worker gets SIGTERM and must exit 0 (a graceful shutdown),
 * then the run and the fixture are removed.
 */
export function useWorkerStack(name: string, extra: Record<string, string> = {}): WorkerStack {
  const served = useFixture();
  let run: Run | undefined;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    run = await startRun(name);
    worker = startWorker(workerEnv(run, served.fixture, extra));
  });
  afterAll(async () => {
    const code = await worker?.stop();
    await run?.close();
    if (worker) expect(code, worker.output()).toBe(0);
  });
  return {
    get fixture() {
      return served.fixture;
    },
    get run() {
      return must(run, "the run (read it in a test or hook)");
    },
    get worker() {
      return must(worker, "the worker (read it in a test or hook)");
    },
  };
}

// The file worker's wiring: S3 sink, safe downloader, spool directory, archive use
// case, Kafka result publisher (results and dead letter) and the archive consumer.
// main.ts runs it in the process; integration tests run it in theirs.
//
// Nothing here needs a dependency to be up at once: startFileWorker returns as soon
// as the parts are built, with the readiness checks, so the admin server can answer
// /healthz while `started` waits (retrying, logged) for the bucket, the topics and
// the broker. Readiness holds until the consumer runs.
import { createKafka, createProducer, kafkaConnection } from "@gifmesh/shared/kafka";
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { retryUntil } from "@gifmesh/shared/lifecycle";
import type { Logger } from "@gifmesh/shared/logging";
import type { Registry } from "@gifmesh/shared/metrics";
import {
  bucketReadinessCheck,
  createS3Client,
  ensureBucket,
  s3ClientOptions,
} from "@gifmesh/shared/s3";
import { createArchiveMedia } from "./application/archive-media.ts";
import { createHandleRequest } from "./application/handle-request.ts";
import type { WorkerConfig } from "./config.ts";
import { createKafkaResultPublisher } from "./infrastructure/kafka-results.ts";
import { createS3Sink } from "./infrastructure/s3-sink.ts";
import { createSafeDownloader } from "./infrastructure/safe-downloader.ts";
import { openSpoolDir } from "./infrastructure/spool-dir.ts";
import { createUrlGuard } from "./infrastructure/url-guard.ts";
import { createWorkerMetrics } from "./infrastructure/worker-metrics.ts";
import { ensureArchiveTopics } from "./startup/ensure-archive-topics.ts";
import { createArchiveConsumer } from "./transport/archive-consumer.ts";
import { decodeArchiveRequest } from "./transport/request-codec.ts";

export interface FileWorkerDeps {
  readonly logger: Logger;
  /** Where the worker's metrics are registered. */
  readonly registry: Registry;
  /** Aborting it ends the start-up retries (the process's shutdown signal). */
  readonly signal?: AbortSignal;
}

export interface FileWorker {
  /** For the admin server's /readyz: the broker (once consuming) and the bucket. */
  readonly readiness: readonly ReadinessCheck[];
  /** Resolves once the consumer runs; rejects with the abort reason if stopped first. */
  readonly started: Promise<void>;
  /** This process's spool directory (large downloads wait here for their upload). */
  readonly spoolPath: string;
  /**
   * Stops fetching, waits up to `drainMs` (default SHUTDOWN_TIMEOUT_MS less 3 s, at
   * least 1 s) for in-flight work, then disconnects and removes the spool directory.
   * Safe during start-up and idempotent.
   */
  close(drainMs?: number): Promise<void>;
}

export async function startFileWorker(
  config: Readonly<WorkerConfig>,
  deps: FileWorkerDeps,
): Promise<FileWorker> {
  const { logger } = deps;
  const stopping = new AbortController();
  const signal =
    deps.signal === undefined ? stopping.signal : AbortSignal.any([deps.signal, stopping.signal]);
  const metrics = createWorkerMetrics(deps.registry);
  const s3 = createS3Client(s3ClientOptions(config));
  const kafka = createKafka({
    ...kafkaConnection(config),
    clientId: config.KAFKA_CLIENT_ID,
    logger,
  });
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  const consumer = kafka.consumer({
    "max.poll.interval.ms": config.KAFKA_MAX_POLL_INTERVAL_MS,
    "session.timeout.ms": config.KAFKA_SESSION_TIMEOUT_MS,
    "js.consumer.max.batch.size": config.KAFKA_MAX_BATCH_SIZE,
    kafkaJS: { groupId: config.KAFKA_GROUP_ID, fromBeginning: true, autoCommit: false },
  });

  // A spool directory of our own; leftovers of dead workers (SIGKILL) are swept first.
  const spool = await openSpoolDir({
    root: config.ARCHIVE_SPOOL_DIR,
    staleAfterMs: 2 * (config.DOWNLOAD_TIMEOUT_MS + config.S3_TIMEOUT_MS),
    logger,
  });
  const downloader = createSafeDownloader({
    guard: createUrlGuard({
      allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
      privateAllowedHosts: config.DOWNLOAD_PRIVATE_ALLOWED_HOSTS,
    }),
    connectTimeoutMs: config.DOWNLOAD_CONNECT_TIMEOUT_MS,
    totalTimeoutMs: config.DOWNLOAD_TIMEOUT_MS,
    maxRedirects: config.DOWNLOAD_MAX_REDIRECTS,
  });
  const sink = createS3Sink({
    client: s3,
    bucket: config.S3_BUCKET,
    partSizeBytes: config.S3_PART_SIZE_BYTES,
    timeoutMs: config.S3_TIMEOUT_MS,
    conditionalPut: config.S3_CONDITIONAL_PUT,
    logger,
  });
  const handle = createHandleRequest({
    decode: decodeArchiveRequest,
    archive: createArchiveMedia({
      downloader,
      sink,
      spoolDir: spool.path,
      maxBytes: config.ARCHIVE_MAX_BYTES,
      memoryMaxBytes: config.ARCHIVE_MEMORY_MAX_BYTES,
      observer: metrics.observer,
    }),
    publisher: createKafkaResultPublisher(producer, {
      completed: config.TOPIC_ARCHIVE_COMPLETED,
      failed: config.TOPIC_ARCHIVE_FAILED,
      deadLetter: config.TOPIC_ARCHIVE_DLQ,
    }),
    retry: {
      maxAttempts: config.RETRY_MAX_ATTEMPTS,
      initialDelayMs: config.RETRY_INITIAL_DELAY_MS,
      maxDelayMs: config.RETRY_MAX_DELAY_MS,
    },
  });
  const archiveConsumer = createArchiveConsumer({
    consumer,
    topic: config.TOPIC_ARCHIVE_REQUESTED,
    concurrency: config.WORKER_CONCURRENCY,
    partitionConcurrency: config.WORKER_PARTITION_CONCURRENCY,
    partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
    handle,
    metrics,
    logger,
    groupId: config.KAFKA_GROUP_ID,
  });

  /** What close() undoes, in the order it was opened; closed newest first. */
  const opened: { readonly name: string; readonly close: (drainMs: number) => Promise<void> }[] = [
    { name: "spool directory", close: () => spool.remove() },
    {
      name: "s3 client",
      close: () => {
        s3.destroy();
        return Promise.resolve();
      },
    },
  ];
  let consuming = false;

  async function start(): Promise<void> {
    const retry = { logger, signal };
    await retryUntil("s3 bucket", (s) => ensureBucket(s3, config.S3_BUCKET, { signal: s }), retry);
    await retryUntil("kafka admin connect", () => admin.connect(), retry);
    opened.push({ name: "kafka admin", close: () => admin.disconnect() });
    if (config.KAFKA_ENSURE_TOPICS) await ensureArchiveTopics(kafka, config, retry);
    await retryUntil("kafka producer connect", () => producer.connect(), retry);
    opened.push({ name: "kafka producer", close: () => producer.disconnect() });
    await retryUntil("kafka consumer connect", () => consumer.connect(), retry);
    // Closed first: stop fetching and drain before the producer goes away.
    opened.push({ name: "archive consumer", close: (drainMs) => archiveConsumer.stop(drainMs) });
    signal.throwIfAborted();
    await archiveConsumer.start();
    consuming = true;
  }
  const started = start();
  // close() waits for it; a start-up cut short by close() or shutdown is no crash.
  const startSettled = started.then(
    () => undefined,
    () => undefined,
  );

  let closing: Promise<void> | undefined;
  async function closeAll(drainMs: number): Promise<void> {
    stopping.abort(new Error("shutting down: file worker closed"));
    await startSettled;
    consuming = false;
    const failures: string[] = [];
    for (let part = opened.pop(); part !== undefined; part = opened.pop()) {
      try {
        await part.close(drainMs);
      } catch (error) {
        failures.push(`${part.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0)
      throw new Error(`file worker did not close cleanly (${failures.join("; ")})`);
  }

  return {
    readiness: [
      {
        name: "kafka",
        check: async () => {
          if (!consuming) throw new Error("consumer not running yet");
          await admin.fetchTopicMetadata({ topics: [config.TOPIC_ARCHIVE_REQUESTED] });
        },
      },
      bucketReadinessCheck(s3, config.S3_BUCKET),
    ],
    started,
    spoolPath: spool.path,
    close: (drainMs = Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 3_000)) =>
      (closing ??= closeAll(drainMs)),
  };
}

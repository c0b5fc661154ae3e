// Composition root of the file worker: reads config, builds the adapters, wires the
// use case into the Kafka consumer, serves /metrics /healthz /readyz, and shuts down
// in order on SIGTERM (stop fetching, drain in-flight work, commit, disconnect).
import { ARCHIVE_TOPIC_PARTITIONS } from "@gifmesh/shared/contracts";
import { startAdminServer } from "@gifmesh/shared/admin";
import { createKafka, createProducer, ensureTopics, kafkaConnection } from "@gifmesh/shared/kafka";
import { retryUntil } from "@gifmesh/shared/lifecycle";
import { startServiceRuntime } from "@gifmesh/shared/runtime";
import {
  bucketReadinessCheck,
  createS3Client,
  ensureBucket,
  s3ClientOptions,
} from "@gifmesh/shared/s3";
import { createArchiveMedia } from "./application/archive-media.ts";
import { createHandleRequest } from "./application/handle-request.ts";
import { configSchema } from "./config.ts";
import { createKafkaResultPublisher } from "./infrastructure/kafka-results.ts";
import { createS3Sink } from "./infrastructure/s3-sink.ts";
import { openSpoolDir } from "./infrastructure/spool-dir.ts";
import { createSafeDownloader } from "./infrastructure/safe-downloader.ts";
import { createUrlGuard } from "./infrastructure/url-guard.ts";
import { createWorkerMetrics } from "./infrastructure/worker-metrics.ts";
import { createArchiveConsumer } from "./transport/archive-consumer.ts";
import { decodeArchiveRequest } from "./transport/request-codec.ts";

async function main(): Promise<void> {
  const { config, logger, shutdown, registry } = startServiceRuntime("file-worker", configSchema);
  const metrics = createWorkerMetrics(registry);
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
  let consuming = false;

  const adminServer = await startAdminServer({
    host: config.ADMIN_HOST,
    port: config.ADMIN_PORT,
    token: config.ADMIN_TOKEN,
    registry,
    logger,
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
  });
  shutdown.onShutdown("admin server", () => adminServer.close());
  shutdown.onShutdown("kafka producer", () => producer.disconnect());
  shutdown.onShutdown("kafka admin", () => admin.disconnect());

  const guard = createUrlGuard({
    allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
    privateAllowedHosts: config.DOWNLOAD_PRIVATE_ALLOWED_HOSTS,
  });
  const downloader = createSafeDownloader({
    guard,
    connectTimeoutMs: config.DOWNLOAD_CONNECT_TIMEOUT_MS,
    totalTimeoutMs: config.DOWNLOAD_TIMEOUT_MS,
    maxRedirects: config.DOWNLOAD_MAX_REDIRECTS,
  });
  // A spool directory of our own; leftovers of dead workers (SIGKILL) are swept first.
  const spool = await openSpoolDir({
    root: config.ARCHIVE_SPOOL_DIR,
    staleAfterMs: 2 * (config.DOWNLOAD_TIMEOUT_MS + config.S3_TIMEOUT_MS),
    logger,
  });
  shutdown.onShutdown("spool directory", () => spool.remove());
  const sink = createS3Sink({
    client: s3,
    bucket: config.S3_BUCKET,
    partSizeBytes: config.S3_PART_SIZE_BYTES,
    timeoutMs: config.S3_TIMEOUT_MS,
    conditionalPut: config.S3_CONDITIONAL_PUT,
    logger,
  });
  const archive = createArchiveMedia({
    downloader,
    sink,
    spoolDir: spool.path,
    maxBytes: config.ARCHIVE_MAX_BYTES,
    memoryMaxBytes: config.ARCHIVE_MEMORY_MAX_BYTES,
    observer: metrics.observer,
  });
  const publisher = createKafkaResultPublisher(producer, {
    completed: config.TOPIC_ARCHIVE_COMPLETED,
    failed: config.TOPIC_ARCHIVE_FAILED,
    deadLetter: config.TOPIC_ARCHIVE_DLQ,
  });
  const handle = createHandleRequest({
    decode: decodeArchiveRequest,
    archive,
    publisher,
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

  // Dependencies may come up after us: retry (logged, jittered) until they answer or we are told to stop.
  const retry = { logger, signal: shutdown.signal };
  await retryUntil("s3 bucket", (signal) => ensureBucket(s3, config.S3_BUCKET, { signal }), retry);
  await retryUntil("kafka admin connect", () => admin.connect(), retry);
  if (config.KAFKA_ENSURE_TOPICS) {
    const partitions = (name: keyof typeof ARCHIVE_TOPIC_PARTITIONS) =>
      config.KAFKA_TOPIC_PARTITIONS ?? ARCHIVE_TOPIC_PARTITIONS[name];
    const topics = [
      { topic: config.TOPIC_ARCHIVE_REQUESTED, numPartitions: partitions("requested") },
      { topic: config.TOPIC_ARCHIVE_COMPLETED, numPartitions: partitions("completed") },
      { topic: config.TOPIC_ARCHIVE_FAILED, numPartitions: partitions("failed") },
      { topic: config.TOPIC_ARCHIVE_DLQ, numPartitions: partitions("requestedDeadLetter") },
    ];
    await retryUntil("kafka topics", () => ensureTopics(kafka, topics), retry);
  }
  await retryUntil("kafka producer connect", () => producer.connect(), retry);
  await retryUntil("kafka consumer connect", () => consumer.connect(), retry);
  // Registered last, so it runs first: stop fetching and drain before the producer goes away.
  const drainMs = Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 3_000);
  shutdown.onShutdown("archive consumer", () => archiveConsumer.stop(drainMs));
  await archiveConsumer.start();
  consuming = true;
  logger.info("file worker consuming", {
    topic: config.TOPIC_ARCHIVE_REQUESTED,
    groupId: config.KAFKA_GROUP_ID,
    concurrency: config.WORKER_CONCURRENCY,
    partitionConcurrency: config.WORKER_PARTITION_CONCURRENCY,
    partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
    memoryBoundBytes: config.WORKER_CONCURRENCY * config.ARCHIVE_MEMORY_MAX_BYTES,
    spoolDir: spool.path,
    allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
    privateAllowedHosts: config.DOWNLOAD_PRIVATE_ALLOWED_HOSTS,
    adminUrl: adminServer.url,
  });
}

main().catch((error: unknown) => {
  // A start-up aborted by SIGTERM is not a crash; anything else is.
  if (error instanceof Error && error.message.startsWith("shutting down")) return;
  process.stderr.write(
    `file-worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

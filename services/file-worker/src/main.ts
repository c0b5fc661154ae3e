// The file worker's process (runService): config, runtime (logging, tracing, metrics,
// signals), the worker, and the admin server (/metrics /healthz /readyz), which answers
// while the worker still waits for S3 and Kafka. On SIGTERM the admin server goes first,
// then the worker stops fetching, drains in-flight work, commits and disconnects.
import { runService } from "@gifmesh/shared/runtime";
import { configSchema } from "./config.ts";
import { startFileWorker } from "./file-worker.ts";

runService({
  name: "file-worker",
  schema: configSchema,
  start: ({ config, logger, shutdown, registry }) =>
    startFileWorker(config, { logger, registry, signal: shutdown.signal }),
  running: async ({ runtime: { config, logger }, service: worker, admin }) => {
    await worker.started;
    logger.info("file worker consuming", {
      topic: config.TOPIC_ARCHIVE_REQUESTED,
      groupId: config.KAFKA_GROUP_ID,
      concurrency: config.WORKER_CONCURRENCY,
      partitionConcurrency: config.WORKER_PARTITION_CONCURRENCY,
      partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
      memoryBoundBytes: config.WORKER_CONCURRENCY * config.ARCHIVE_MEMORY_MAX_BYTES,
      spoolDir: worker.spoolPath,
      allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
      privateAllowedHosts: config.DOWNLOAD_PRIVATE_ALLOWED_HOSTS,
      adminUrl: admin.url,
    });
  },
});

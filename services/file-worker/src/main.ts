// The file worker's process: config, runtime (logging, tracing, metrics, signals),
// the worker, and the admin server (/metrics /healthz /readyz), which answers while
// the worker still waits for S3 and Kafka. On SIGTERM the admin server goes first,
// then the worker stops fetching, drains in-flight work, commits and disconnects.
import { startAdminServer } from "@gifmesh/shared/admin";
import { startServiceRuntime } from "@gifmesh/shared/runtime";
import { configSchema } from "./config.ts";
import { startFileWorker } from "./file-worker.ts";

async function main(): Promise<void> {
  const { config, logger, shutdown, registry } = startServiceRuntime("file-worker", configSchema);
  const worker = await startFileWorker(config, { logger, registry, signal: shutdown.signal });
  shutdown.onShutdown("file worker", () => worker.close());
  const admin = await startAdminServer({
    host: config.ADMIN_HOST,
    port: config.ADMIN_PORT,
    token: config.ADMIN_TOKEN,
    registry,
    logger,
    readiness: worker.readiness,
  });
  shutdown.onShutdown("admin server", () => {
    admin.markShuttingDown();
    return admin.close();
  });
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
}

main().catch((error: unknown) => {
  // A start-up aborted by SIGTERM is not a crash; anything else is.
  if (error instanceof Error && error.message.startsWith("shutting down")) return;
  process.stderr.write(
    `file-worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

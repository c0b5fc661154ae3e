// Storage's wiring: the database pools, the Giphy client behind its breaker, the
// catalog store and the use cases, the RPC server, the outbox relay, retention and
// the archive results consumer. main.ts runs it in the process; integration tests
// run it in theirs, with their own config and topics.
//
// Nothing here needs a dependency to be up at once: the RPC server listens (gRPC
// health NOT_SERVING) while the schema is migrated in the background; the relay,
// retention, the health probe and the results consumer start once it is.
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { createKafka, createProducer, kafkaConnection, topicLayoutOf } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import type { Registry } from "@gifmesh/shared/metrics";
import { createApplyArchiveResult } from "./application/apply-archive-result.ts";
import { createUseCases } from "./application/use-cases.ts";
import type { StorageConfig } from "./config.ts";
import { createArchiveResultStore } from "./infrastructure/db/archive-result-store.ts";
import { createCatalogStore } from "./infrastructure/db/catalog-store.ts";
import { createDatabase, type Database } from "./infrastructure/db/database.ts";
import { createCircuitBreaker } from "./infrastructure/giphy/circuit-breaker.ts";
import { createGiphyClient } from "./infrastructure/giphy/giphy-client.ts";
import { createDeadLetter } from "./infrastructure/kafka/dead-letter.ts";
import { createOutboxRelay, type OutboxRelay } from "./infrastructure/outbox/outbox-relay.ts";
import { failParkedRequests } from "./infrastructure/outbox/park-archive-request.ts";
import { createRetentionJob } from "./infrastructure/retention/retention-job.ts";
import type { StorageGaugeSources, StorageMetrics } from "./metrics.ts";
import { configuredTopics, type StorageTopics } from "./startup/archive-topics.ts";
import { consumeArchiveResults } from "./startup/archive-results.ts";
import { gaugeSources } from "./startup/gauges.ts";
import { startHealthProbe, type HealthProbe } from "./startup/health-probe.ts";
import { migrateInBackground } from "./startup/migrations.ts";
import { serveRpc } from "./startup/rpc.ts";
import { createHealthState, type HealthState } from "./transport/rpc/health.ts";
import type { RpcServer } from "./transport/rpc/rpc-server.ts";

export type { StorageTopics } from "./startup/archive-topics.ts";

export interface StorageDeps {
  readonly logger: Logger;
  readonly metrics: StorageMetrics;
  /** Aborting it ends the start-up retries (the process's shutdown signal); so does close(). */
  readonly signal?: AbortSignal;
  /** Default: the configured topic names. */
  readonly topics?: StorageTopics;
  /** Where RPC RED metrics go (the admin server's registry); none in some tests. */
  readonly registry?: Registry;
  /** Registers the scrape-time gauges (breaker state, outbox backlog and age). */
  readonly bindGauges?: (sources: StorageGaugeSources) => void;
}

export interface Storage {
  readonly rpc: RpcServer;
  readonly database: Database;
  /** The small pool of background work (outbox relay, results consumer, gauges). */
  readonly background: Database;
  readonly relay: OutboxRelay;
  readonly health: HealthState;
  /** Resolves once migrations ran (storage serves only after); rejects if stopped first. */
  readonly migrated: Promise<void>;
  /** What /readyz checks: PostgreSQL answers and migrations are applied. */
  readonly readiness: readonly ReadinessCheck[];
  /** Stops everything in reverse order; idempotent. */
  close(): Promise<void>;
}

export async function startStorage(config: StorageConfig, deps: StorageDeps): Promise<Storage> {
  const topics = deps.topics ?? configuredTopics(config);
  const { logger, metrics } = deps;
  const stopping = new AbortController();
  const signal =
    deps.signal === undefined ? stopping.signal : AbortSignal.any([deps.signal, stopping.signal]);
  const database = createDatabase({
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    logger,
  });
  // Background work gets its own small pool: the relay can hold a transaction for up
  // to OUTBOX_SEND_TIMEOUT_MS while Kafka is down, and the results consumer writes
  // in bursts; neither may make an RPC search wait for a connection.
  const background = createDatabase({
    url: config.DATABASE_URL,
    max: config.DATABASE_BACKGROUND_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: "gifmesh-storage-background",
    logger,
  });
  const health = createHealthState(false);
  const kafka = createKafka({
    ...kafkaConnection(config),
    clientId: config.KAFKA_CLIENT_ID,
    logger,
  });
  const relay = createOutboxRelay({
    db: background.db,
    producer: createProducer(kafka, {
      config: { "message.timeout.ms": config.OUTBOX_SEND_TIMEOUT_MS },
    }),
    logger: logger.child({ component: "outbox" }),
    batchSize: config.OUTBOX_BATCH_SIZE,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    retryMaxMs: config.OUTBOX_RETRY_MAX_MS,
    parkAfterRejections: config.OUTBOX_PARK_AFTER_REJECTIONS,
    onParked: failParkedRequests(topics.requested),
    onRowsParked: (n) => {
      metrics.outboxParked.inc(n);
    },
    onPublished: (n) => {
      metrics.outboxPublished.inc(n);
    },
    onError: () => {
      metrics.outboxErrors.inc();
    },
  });
  const clock = { now: () => new Date() };
  const store = createCatalogStore({
    db: database.db,
    clock,
    requestedTopic: topics.requested,
    notify: () => {
      relay.wake();
    },
    onArchiveRequested: (count) => {
      metrics.archiveRequested.inc(count);
    },
    rerequest: {
      backoffMs: config.ARCHIVE_REREQUEST_BACKOFF_MS,
      maxRerequests: config.ARCHIVE_REREQUEST_MAX,
    },
    onRerequested: (count) => {
      metrics.archiveRerequested.inc(count);
    },
  });
  const retention = createRetentionJob({
    db: background.db,
    logger: logger.child({ component: "retention" }),
    searchResultsDays: config.RETENTION_SEARCH_RESULTS_DAYS,
    searchTtlMs: Math.max(config.SEARCH_TTL_SECONDS, config.TRENDING_TTL_SECONDS) * 1000,
    outboxSentDays: config.RETENTION_OUTBOX_SENT_DAYS,
    processedEventsDays: config.RETENTION_PROCESSED_EVENTS_DAYS,
    intervalMs: config.RETENTION_INTERVAL_MS,
    batchSize: config.RETENTION_BATCH_SIZE,
    onPruned: (table, rows) => {
      metrics.retentionPruned.inc({ table }, rows);
    },
    onError: () => {
      metrics.retentionErrors.inc();
    },
  });
  const breaker = createCircuitBreaker({
    failureRate: config.GIPHY_BREAKER_FAILURE_RATE_PERCENT / 100,
    minimumCalls: config.GIPHY_BREAKER_MIN_CALLS,
    windowMs: config.GIPHY_BREAKER_WINDOW_MS,
    openMs: config.GIPHY_BREAKER_OPEN_MS,
    halfOpenCalls: config.GIPHY_BREAKER_HALF_OPEN_CALLS,
    onStateChange: (state) => {
      logger[state === "closed" ? "info" : "warn"]("giphy circuit breaker", { state });
    },
  });
  const giphy = createGiphyClient({
    baseUrl: config.GIPHY_BASE_URL,
    apiKey: config.GIPHY_API_KEY,
    timeoutMs: config.GIPHY_TIMEOUT_MS,
    retries: config.GIPHY_RETRIES,
    maxResponseBytes: config.GIPHY_MAX_RESPONSE_BYTES,
    breaker,
    onAttempt: (endpoint, outcome, seconds) => {
      metrics.giphyCalls.inc({ endpoint, outcome });
      metrics.giphyDuration.observe({ endpoint }, seconds);
    },
  });
  deps.bindGauges?.(gaugeSources({ breaker, db: background.db, logger }));
  const useCases = createUseCases({
    store,
    giphy,
    clock,
    searchTtlSeconds: config.SEARCH_TTL_SECONDS,
    trendingTtlSeconds: config.TRENDING_TTL_SECONDS,
    catalogTtlSeconds: config.CATALOG_TTL_SECONDS,
    termsTtlSeconds: config.TERMS_TTL_SECONDS,
    onStale: (operation, error) => {
      metrics.staleServed.inc({ operation });
      logger.warn("giphy failed; served stored results", { operation, err: error });
    },
  });
  const rpc = await serveRpc(config, { useCases, health, logger, registry: deps.registry });

  const migrations = migrateInBackground(database.db, { logger, signal });
  let probe: HealthProbe | undefined;
  let closing: Promise<void> | undefined;
  void migrations.done.then(
    () => {
      if (closing !== undefined) return;
      probe = startHealthProbe({
        ping: (s) => database.ping(s),
        health,
        intervalMs: config.HEALTH_PROBE_INTERVAL_MS,
      });
      relay.start();
      if (config.RETENTION_INTERVAL_MS > 0) retention.start();
    },
    () => undefined,
  );
  const deadLetter = createDeadLetter(createProducer(kafka), topics.resultsDeadLetter);
  const consumer = kafka.consumer({
    kafkaJS: { groupId: config.KAFKA_RESULTS_GROUP, fromBeginning: true, autoCommit: false },
  });
  const results = consumeArchiveResults(migrations.done, {
    kafka,
    consumer,
    topics,
    topicLayout: topicLayoutOf(config),
    apply: createApplyArchiveResult({
      store: createArchiveResultStore(background.db),
      requestedTopic: topics.requested,
      clock,
    }),
    deadLetter,
    metrics,
    logger,
    signal,
    retryMaxMs: config.RESULTS_RETRY_MAX_MS,
  });

  return {
    rpc,
    database,
    background,
    relay,
    health,
    migrated: migrations.done,
    readiness: [{ name: "postgres", check: (s) => database.ping(s) }, migrations.readiness],
    close: () =>
      (closing ??= (async () => {
        stopping.abort(new Error("shutting down: storage closed"));
        probe?.stop();
        await rpc.close();
        await relay.stop();
        await retention.stop();
        (await results)?.stop();
        await consumer.disconnect().catch(() => undefined);
        await deadLetter.close();
        await background.close();
        await database.close();
      })()),
  };
}

// Builds and starts storage from its config: the adapters, the use cases, the RPC
// server, the outbox relay and the results consumer. main.ts adds process concerns
// (signals, tracing); integration tests call this directly with their own config.
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { createKafka, createProducer, ensureTopics, kafkaConnection } from "@gifmesh/shared/kafka";
import {
  ARCHIVE_TOPIC_PARTITIONS,
  file_gifmesh_storage_v1_storage,
  file_grpc_health_v1_health,
  Health,
  StorageService,
  reflectionV1,
  reflectionV1alpha,
} from "@gifmesh/shared/contracts";
import { retryUntil } from "@gifmesh/shared/lifecycle";
import type { Logger } from "@gifmesh/shared/logging";
import type { ConnectRouter } from "@connectrpc/connect";
import { createUseCases } from "./application/use-cases.ts";
import type { StorageConfig } from "./config.ts";
import { createCatalogStore } from "./infrastructure/db/catalog-store.ts";
import { createDatabase, type Database } from "./infrastructure/db/database.ts";
import { migrateToLatest } from "./infrastructure/db/migrator.ts";
import { createGiphyClient } from "./infrastructure/giphy/giphy-client.ts";
import { createDeadLetter } from "./infrastructure/kafka/dead-letter.ts";
import { createOutboxRelay, type OutboxRelay } from "./infrastructure/outbox/outbox-relay.ts";
import { failParkedRequests } from "./infrastructure/outbox/park-archive-request.ts";
import { createRetentionJob } from "./infrastructure/retention/retention-job.ts";
import type { StorageMetrics } from "./metrics.ts";
import {
  startResultsConsumer,
  type ResultsConsumer,
} from "./transport/kafka/archive-results-consumer.ts";
import { createHealthState, healthRoutes, type HealthState } from "./transport/rpc/health.ts";
import { createReflection, reflectionRoutes } from "./transport/rpc/reflection.ts";
import { createRpcAuthGate } from "./transport/rpc/rpc-auth.ts";
import { startRpcServer, type RpcServer } from "./transport/rpc/rpc-server.ts";
import { storageRoutes } from "./transport/rpc/storage-handlers.ts";
import {
  createRpcMetricsInterceptor,
  createServerTracingInterceptor,
} from "@gifmesh/shared/connect";
import type { Registry } from "@gifmesh/shared/metrics";
import { bounded } from "./infrastructure/db/call-bounds.ts";
import { outboxStats } from "./infrastructure/db/outbox-repository.ts";
import { createCircuitBreaker } from "./infrastructure/giphy/circuit-breaker.ts";
import type { StorageGaugeSources } from "./metrics.ts";

/** How long one health probe of PostgreSQL may take before it counts as a failure. */
const HEALTH_PROBE_TIMEOUT_MS = 2_000;

export interface StorageApp {
  readonly rpc: RpcServer;
  readonly database: Database;
  /** The small pool of background work (outbox relay, results consumer, gauges). */
  readonly background: Database;
  readonly relay: OutboxRelay;
  readonly health: HealthState;
  /** Resolves once migrations ran (storage serves only after). */
  readonly migrated: Promise<void>;
  /** What /readyz checks: PostgreSQL answers and migrations are applied. */
  readonly readiness: readonly ReadinessCheck[];
  /** Stops everything in reverse order. */
  close(): Promise<void>;
}

/** Topic names (from config); tests override them so runs never share a topic. */
export interface StorageTopics {
  readonly requested: string;
  readonly completed: string;
  readonly failed: string;
  /** Malformed result events. */
  readonly resultsDeadLetter: string;
}

export async function startStorage(
  config: StorageConfig,
  deps: {
    logger: Logger;
    metrics: StorageMetrics;
    signal: AbortSignal;
    topics?: StorageTopics;
    /** Where RPC RED metrics go (the admin server's registry); none in some tests. */
    registry?: Registry;
    /** Registers the scrape-time gauges (breaker state, outbox backlog and age). */
    bindGauges?: (sources: StorageGaugeSources) => void;
  },
): Promise<StorageApp> {
  const topics = deps.topics ?? {
    requested: config.TOPIC_ARCHIVE_REQUESTED,
    completed: config.TOPIC_ARCHIVE_COMPLETED,
    failed: config.TOPIC_ARCHIVE_FAILED,
    resultsDeadLetter: config.TOPIC_ARCHIVE_RESULTS_DLQ,
  };
  const { logger, metrics, signal } = deps;
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
  const producer = createProducer(kafka, {
    config: { "message.timeout.ms": config.OUTBOX_SEND_TIMEOUT_MS },
  });
  const relay = createOutboxRelay({
    db: background.db,
    producer,
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
  deps.bindGauges?.({
    breakerState: () => breaker.state(),
    outboxStats: () =>
      bounded(background.db, { signal: AbortSignal.timeout(2_000) }, (conn) => outboxStats(conn)),
    logger,
  });
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
  const reflection = createReflection(
    [
      file_gifmesh_storage_v1_storage,
      file_grpc_health_v1_health,
      reflectionV1.file_grpc_reflection_v1_reflection,
      reflectionV1alpha.file_grpc_reflection_v1alpha_reflection,
    ],
    [
      StorageService.typeName,
      Health.typeName,
      reflectionV1.ServerReflection.typeName,
      reflectionV1alpha.ServerReflection.typeName,
    ],
  );
  const rpc = await startRpcServer({
    host: config.STORAGE_RPC_HOST,
    port: config.STORAGE_RPC_PORT,
    routes: (router: ConnectRouter) => {
      storageRoutes(useCases, {
        // The caller only sees "internal error"; the cause must be findable here.
        onInternal: (error, procedure) => {
          logger.error("rpc failed with an internal error", { procedure, err: error });
        },
      })(router);
      healthRoutes(health)(router);
      if (config.STORAGE_RPC_REFLECTION) reflectionRoutes(reflection)(router);
    },
    readMaxBytes: config.STORAGE_RPC_MAX_REQUEST_BYTES,
    maxConnections: config.STORAGE_RPC_MAX_CONNECTIONS,
    idleTimeoutMs: config.STORAGE_RPC_IDLE_TIMEOUT_MS,
    ...(config.STORAGE_RPC_TOKEN
      ? { requestGate: createRpcAuthGate(config.STORAGE_RPC_TOKEN) }
      : {}),
    interceptors: [
      createServerTracingInterceptor({ tracerName: "gifmesh-storage" }),
      ...(deps.registry
        ? [createRpcMetricsInterceptor({ registry: deps.registry, side: "server" })]
        : []),
    ],
    ...(config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { tls: { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE } }
      : {}),
    corsOrigins: config.CORS_ORIGINS,
  });
  if (config.STORAGE_RPC_TOKEN === undefined)
    logger.warn(
      "storage rpc is unauthenticated: STORAGE_RPC_TOKEN is unset (local/dev mode only)",
      { host: config.STORAGE_RPC_HOST },
    );
  logger.info("storage rpc listening", {
    url: rpc.url,
    authenticated: config.STORAGE_RPC_TOKEN !== undefined,
    reflection: config.STORAGE_RPC_REFLECTION,
    giphy: config.GIPHY_USES_FIXTURE ? "fixture" : "giphy",
    giphyBaseUrl: config.GIPHY_BASE_URL,
  });

  // PostgreSQL may not be up yet: migrate in the background, serve NOT_SERVING meanwhile.
  const migrated = retryUntil(
    "postgres migrations",
    async () => {
      const results = await migrateToLatest(database.db);
      for (const r of results)
        logger.info("migration applied", { migration: r.migrationName, status: r.status });
    },
    { logger, signal },
  );
  let probe: NodeJS.Timeout | undefined;
  let probing = false;
  // Bounded, one at a time: a ping stuck on a dead connection must turn into
  // NOT_SERVING, and must not let an older, slower answer overwrite a newer one.
  const probeOnce = async (): Promise<void> => {
    if (probing) return;
    probing = true;
    try {
      const ok = await database.ping(AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS)).then(
        () => true,
        () => false,
      );
      health.set(ok);
    } finally {
      probing = false;
    }
  };
  void migrated.then(
    async () => {
      await probeOnce();
      probe = setInterval(() => void probeOnce(), config.HEALTH_PROBE_INTERVAL_MS);
      relay.start();
      if (config.RETENTION_INTERVAL_MS > 0) retention.start();
    },
    () => undefined,
  );

  const deadLetter = createDeadLetter(createProducer(kafka), topics.resultsDeadLetter);
  const consumer = kafka.consumer({
    kafkaJS: { groupId: config.KAFKA_RESULTS_GROUP, fromBeginning: true, autoCommit: false },
  });
  let results: ResultsConsumer | undefined;
  const consumerStarted = migrated
    .then(() =>
      retryUntil(
        "archive results consumer",
        async () => {
          await ensureTopics(kafka, [
            { topic: topics.requested, numPartitions: ARCHIVE_TOPIC_PARTITIONS.requested },
            { topic: topics.completed, numPartitions: ARCHIVE_TOPIC_PARTITIONS.completed },
            { topic: topics.failed, numPartitions: ARCHIVE_TOPIC_PARTITIONS.failed },
            {
              topic: topics.resultsDeadLetter,
              numPartitions: ARCHIVE_TOPIC_PARTITIONS.resultsDeadLetter,
            },
          ]);
          results = await startResultsConsumer({
            consumer,
            db: background.db,
            topics: [topics.completed, topics.failed],
            requestedTopic: topics.requested,
            retry: { initialMs: 200, maxMs: config.RESULTS_RETRY_MAX_MS },
            onRetry: (topic) => {
              metrics.resultRetries.inc({
                event: topic === topics.completed ? "completed" : "failed",
              });
            },
            deadLetter,
            logger: logger.child({ component: "results" }),
            onOutcome: (topic, outcome) => {
              const event =
                topic === topics.completed
                  ? "completed"
                  : topic === topics.failed
                    ? "failed"
                    : "unknown";
              metrics.resultsConsumed.inc({ event, outcome });
            },
          });
        },
        { logger, signal },
      ),
    )
    .catch(() => undefined);

  let isMigrated = false;
  void migrated.then(
    () => (isMigrated = true),
    () => undefined,
  );
  let closing: Promise<void> | undefined;
  return {
    rpc,
    database,
    background,
    relay,
    health,
    migrated: migrated.then(() => undefined),
    readiness: [
      { name: "postgres", check: (signal) => database.ping(signal) },
      {
        name: "migrations",
        check: () =>
          isMigrated ? Promise.resolve() : Promise.reject(new Error("migrations not applied yet")),
      },
    ],
    close: () =>
      (closing ??= (async () => {
        clearInterval(probe);
        await rpc.close();
        await relay.stop();
        await retention.stop();
        await consumerStarted;
        results?.stop();
        await consumer.disconnect().catch(() => undefined);
        await deadLetter.close();
        await background.close();
        await database.close();
      })()),
  };
}

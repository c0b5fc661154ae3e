// A complete private gifmesh for the fault suite, so that stopping a server never
// disturbs the shared servers or a developer's `make up`: private Kafka (archive
// topics with several partitions), Redis, versitygw and PostgreSQL (initdb as the
// postgres user), the Giphy fixture, and storage, file worker(s) and gateway as child
// processes started the way production starts them (`node services/<x>/src/main.ts`).
import type { Kafka } from "@gifmesh/shared/kafka";
import {
  freePort,
  spawnService,
  startPrivateKafka,
  startPrivatePostgres,
  startPrivateRedis,
  startPrivateS3,
  startTestStack,
  testKafka,
  type PrivateKafka,
  type PrivatePostgres,
  type PrivateRedis,
  type PrivateS3,
  type RestartableService,
  type StackInfra,
} from "@gifmesh/shared/testing";
import type { Durations } from "./config.ts";

export const BUCKET = "gifmesh-faults";
export const REQUESTED_PARTITIONS = 6;

/** A service child that can be killed and started again on the same ports. */
export type Service = RestartableService;

export interface FaultStack {
  readonly kafka: PrivateKafka;
  readonly redis: PrivateRedis;
  readonly s3: PrivateS3;
  readonly postgres: PrivatePostgres;
  readonly kafkaClient: Kafka;
  /** The fixture answering the Giphy API. */
  readonly fixtureUrl: string;
  /** The fixture serving the media files (the worker's download host). */
  readonly mediaUrl: string;
  readonly gatewayUrl: string;
  readonly storage: Service;
  readonly workers: readonly [Service, Service];
  readonly gateway: Service;
  /** Recent output of every child, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

/** The stack's infrastructure as the suite's own private servers, with BUCKET. */
export function privateInfra(servers: {
  readonly postgres: PrivatePostgres;
  readonly kafkaBrokers: readonly string[];
  readonly s3: PrivateS3;
  readonly redis: PrivateRedis;
}): StackInfra {
  const { postgres, s3, redis } = servers;
  return {
    databaseUrl: postgres.url,
    kafkaBrokers: servers.kafkaBrokers,
    s3: {
      endpoint: s3.endpoint,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      bucket: BUCKET,
    },
    redisUrl: redis.url,
  };
}

/**
 * The services' settings under faults, per service (tests/cluster gives each of its
 * instances the same).
 */
export const FAULT_SERVICE_ENV = {
  all: { SHUTDOWN_TIMEOUT_MS: "10000" },
  storage: {
    DATABASE_POOL_MAX: "8",
    OUTBOX_POLL_INTERVAL_MS: "200",
    // Small relay batches: a burst of searches takes several publish cycles, which
    // gives fault (g) a window to stop storage in the middle of publishing.
    OUTBOX_BATCH_SIZE: "10",
    OUTBOX_RETRY_MAX_MS: "2000",
    GIPHY_BREAKER_OPEN_MS: "3000",
    // One file per GIF: the suite proves delivery (nothing lost, nothing twice) under
    // faults, per archive request; 1,500 GIFs × every rendition file would be ~40
    // times the downloads for the same proof. tests/e2e/drop-in.int.test.ts archives
    // every rendition file.
    ARCHIVE_RENDITIONS: "original",
    ARCHIVE_FIELDS: "url",
  },
  "file-worker": {
    KAFKA_TOPIC_PARTITIONS: String(REQUESTED_PARTITIONS),
    RETRY_INITIAL_DELAY_MS: "200",
    RETRY_MAX_DELAY_MS: "2000",
    S3_TIMEOUT_MS: "10000",
  },
  gateway: {
    // This whole stack (a broker JVM restarting, PostgreSQL, two workers, storage, the
    // gateway, two fixtures and the traffic) shares 2 cores here, and a restarting JVM
    // starves everything else for seconds. The production default deadline (3 s) then
    // measures the test machine, not the design; 10 s still catches a hung call.
    STORAGE_TIMEOUT_MS: "10000",
    RATE_LIMIT_MAX: "1000000",
  },
} as const;

/** The suite's Giphy: the fixture's API and its media host, as two children. */
export interface FaultFixture {
  readonly fixtureUrl: string;
  readonly mediaUrl: string;
  /** The stack's `giphy` option: the API's base URL, the media host the worker may fetch. */
  readonly giphy: { readonly baseUrl: string; readonly mediaHosts: readonly string[] };
  stop(): Promise<void>;
}

/** Starts the fixture's API and media host; when one fails, the other is stopped. */
export async function startFaultFixture(catalogueSize: number): Promise<FaultFixture> {
  const ports = { fixture: await freePort(), media: await freePort() };
  const fixtureUrl = `http://127.0.0.1:${String(ports.fixture)}`;
  const mediaUrl = `http://127.0.0.1:${String(ports.media)}`;
  const child = (name: string, port: number) =>
    spawnService({
      name,
      script: "tests/faults/fixture-main.ts",
      env: {
        GIPHY_FIXTURE_PORT: String(port),
        GIPHY_FIXTURE_PUBLIC_URL: mediaUrl,
        FAULTS_CATALOGUE_SIZE: String(catalogueSize),
      },
      ready: { port },
      keepLines: 200,
    });
  const children = await Promise.allSettled([
    child("giphy-fixture-api", ports.fixture),
    child("giphy-fixture-media", ports.media),
  ]);
  const stop = async () => {
    for (const c of children) if (c.status === "fulfilled") await c.value.stop();
  };
  const failed = children.find((c) => c.status === "rejected");
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  return {
    fixtureUrl,
    mediaUrl,
    giphy: { baseUrl: `${fixtureUrl}/v1/`, mediaHosts: [`127.0.0.1:${String(ports.media)}`] },
    stop,
  };
}

export async function startFaultStack(durations: Durations): Promise<FaultStack> {
  const started = await Promise.allSettled([
    startPrivateKafka({ numPartitions: 3 }),
    startPrivateRedis(),
    startPrivateS3({ buckets: [BUCKET] }),
    startPrivatePostgres({ database: "gifmesh_faults" }),
  ] as const);
  const [kafka, redis, s3, postgres] = started.map((r) =>
    r.status === "fulfilled" ? r.value : undefined,
  ) as [PrivateKafka?, PrivateRedis?, PrivateS3?, PrivatePostgres?];
  if (kafka === undefined || redis === undefined || s3 === undefined || postgres === undefined) {
    // One failed to start: the others must not outlive the suite.
    await Promise.all([kafka?.close(), redis?.close(), s3?.close(), postgres?.close()]);
    const failure = started.find((r) => r.status === "rejected");
    throw failure?.reason instanceof Error ? failure.reason : new Error(String(failure?.reason));
  }
  const kafkaClient = testKafka(kafka.brokers, "fault-suite");
  let fixture: FaultFixture;
  try {
    fixture = await startFaultFixture(durations.catalogueSize);
  } catch (error) {
    await Promise.all([kafka.close(), redis.close(), s3.close(), postgres.close()]);
    throw error;
  }
  const { fixtureUrl, mediaUrl } = fixture;
  const closeServers = async () => {
    await fixture.stop();
    await Promise.all([kafka.close(), redis.close(), s3.close(), postgres.close()]);
  };
  try {
    // The production names (the suite's own servers): the truth checks read
    // ARCHIVE_TOPICS, the faults-file-worker group, BUCKET and postgres.url.
    const stack = await startTestStack({
      prefix: "faults",
      names: "contract",
      workers: 2,
      startedWorkers: 1,
      infra: privateInfra({ postgres, kafkaBrokers: kafka.brokers, s3, redis }),
      giphy: fixture.giphy,
      // info, not warn: every line goes to the run's log files (GIFMESH_TEST_LOG_DIR), and
      // a failed request is found by the request_id of the gateway's access log.
      logLevel: "info",
      env: FAULT_SERVICE_ENV,
    });
    const [worker1, worker2] = stack.workers;
    if (worker1 === undefined || worker2 === undefined) throw new Error("two workers expected");
    return {
      kafka,
      redis,
      s3,
      postgres,
      kafkaClient,
      fixtureUrl,
      mediaUrl,
      gatewayUrl: stack.gatewayUrl,
      storage: stack.storage,
      workers: [worker1, worker2],
      gateway: stack.gateway,
      logs: () => stack.logs(),
      async close() {
        await stack.close().catch(() => undefined);
        await closeServers();
      },
    };
  } catch (error) {
    await closeServers();
    throw error;
  }
}

// A complete private gifmesh for the fault suite, so that stopping a server never
// disturbs the shared servers or a developer's `make up`: private Kafka (archive
// topics with several partitions), Redis, versitygw and PostgreSQL (initdb as the
// postgres user), the Giphy fixture, and storage, file worker(s) and gateway as child
// processes started the way production starts them (`node services/<x>/src/main.ts`).
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { createKafka, ensureTopics, type Kafka } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";
import {
  REPO_ROOT,
  freePort,
  startPrivateKafka,
  startPrivatePostgres,
  startPrivateRedis,
  startPrivateS3,
  startServerProcess,
  type PrivateKafka,
  type PrivatePostgres,
  type PrivateRedis,
  type PrivateS3,
  type ServerProcess,
  waitForPort,
} from "@gifmesh/shared/testing";
import type { Durations } from "./config.ts";

export const BUCKET = "gifmesh-faults";
export const REQUESTED_PARTITIONS = 6;

/** A service child that can be killed and started again on the same ports. */
export interface Service {
  readonly name: string;
  readonly adminUrl: string;
  current(): ServerProcess;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

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

async function waitReady(service: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const child = service.current();
    const dead = child.exited();
    if (dead !== undefined)
      throw new Error(`${service.name} exited (${dead}):\n${child.output().slice(-4_000)}`);
    const ok = await fetch(`${service.adminUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${service.name} not ready in time:\n${child.output().slice(-4_000)}`);
    await sleep(200);
  }
}

/** A node child on fixed ports; start() waits for /readyz unless `wait` is false. */
function nodeService(
  name: string,
  script: string,
  adminPort: number,
  env: Record<string, string>,
  wait = true,
): Service {
  let child: ServerProcess | undefined;
  const service: Service = {
    name,
    adminUrl: `http://127.0.0.1:${String(adminPort)}`,
    current() {
      if (child === undefined) throw new Error(`${name} not started`);
      return child;
    },
    async start() {
      if (child !== undefined && child.exited() === undefined) return;
      child = startServerProcess(name, process.execPath, [join(REPO_ROOT, script)], {
        env: { ...env, ADMIN_HOST: "127.0.0.1", ADMIN_PORT: String(adminPort) },
        keepLines: 400,
      });
      if (wait) await waitReady(service);
    },
    async stop(signal = "SIGTERM") {
      await child?.stop({ signal, graceMs: 15_000 });
    },
  };
  return service;
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
  const kafkaClient = createKafka({
    brokers: kafka.brokers,
    clientId: "fault-suite",
    logger: createLogger({ service: "fault-suite", level: "error", stream: new PassThrough() }),
    logLevel: "error",
  });
  await ensureTopics(kafkaClient, [
    { topic: ARCHIVE_TOPICS.requested, numPartitions: REQUESTED_PARTITIONS },
    { topic: ARCHIVE_TOPICS.completed, numPartitions: 3 },
    { topic: ARCHIVE_TOPICS.failed, numPartitions: 3 },
    { topic: ARCHIVE_TOPICS.requestedDeadLetter, numPartitions: 1 },
    { topic: ARCHIVE_TOPICS.resultsDeadLetter, numPartitions: 1 },
  ]);
  const ports = {
    fixture: await freePort(),
    media: await freePort(),
    rpc: await freePort(),
    storageAdmin: await freePort(),
    worker1Admin: await freePort(),
    worker2Admin: await freePort(),
    gateway: await freePort(),
    gatewayAdmin: await freePort(),
  };
  const fixtureUrl = `http://127.0.0.1:${String(ports.fixture)}`;
  const mediaUrl = `http://127.0.0.1:${String(ports.media)}`;
  const fixtureChild = (name: string, port: number, publicUrl: string) =>
    startServerProcess(name, process.execPath, [join(REPO_ROOT, "tests/faults/fixture-main.ts")], {
      env: {
        GIPHY_FIXTURE_PORT: String(port),
        GIPHY_FIXTURE_PUBLIC_URL: publicUrl,
        FAULTS_CATALOGUE_SIZE: String(durations.catalogueSize),
      },
    });
  const fixtures = [
    fixtureChild("giphy-fixture-api", ports.fixture, mediaUrl),
    fixtureChild("giphy-fixture-media", ports.media, mediaUrl),
  ];
  for (const [i, f] of fixtures.entries())
    await waitForPort(i === 0 ? ports.fixture : ports.media, {
      name: f.name,
      failFast: () => f.exited(),
    });
  // info, not warn: every line goes to the run's log files (GIFMESH_TEST_LOG_DIR), and
  // a failed request is found by the request_id of the gateway's access log.
  const common = { OTEL_SDK_DISABLED: "true", LOG_LEVEL: "info", SHUTDOWN_TIMEOUT_MS: "10000" };
  const s3Env = {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_BUCKET: BUCKET,
    S3_FORCE_PATH_STYLE: "true",
  };
  const brokers = kafka.brokers.join(",");
  const storage = nodeService("storage", "services/storage/src/main.ts", ports.storageAdmin, {
    ...common,
    STORAGE_RPC_HOST: "127.0.0.1",
    STORAGE_RPC_PORT: String(ports.rpc),
    DATABASE_URL: postgres.url,
    DATABASE_POOL_MAX: "8",
    KAFKA_BROKERS: brokers,
    KAFKA_RESULTS_GROUP: "faults-storage",
    GIPHY_BASE_URL: `${fixtureUrl}/v1/`,
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
  });
  const worker = (n: 1 | 2, adminPort: number) =>
    nodeService(`file-worker-${String(n)}`, "services/file-worker/src/main.ts", adminPort, {
      ...common,
      ...s3Env,
      KAFKA_BROKERS: brokers,
      KAFKA_CLIENT_ID: `faults-worker-${String(n)}`,
      KAFKA_GROUP_ID: "faults-file-worker",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      KAFKA_TOPIC_PARTITIONS: String(REQUESTED_PARTITIONS),
      DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${String(ports.media)}`,
      WORKER_CONCURRENCY: "3",
      RETRY_INITIAL_DELAY_MS: "200",
      RETRY_MAX_DELAY_MS: "2000",
      S3_TIMEOUT_MS: "10000",
    });
  const workers = [worker(1, ports.worker1Admin), worker(2, ports.worker2Admin)] as const;
  const gateway = nodeService("gateway", "services/gateway/src/main.ts", ports.gatewayAdmin, {
    ...common,
    ...s3Env,
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(ports.gateway),
    PUBLIC_BASE_URL: `http://127.0.0.1:${String(ports.gateway)}`,
    STORAGE_URL: `http://127.0.0.1:${String(ports.rpc)}`,
    // This whole stack (a broker JVM restarting, PostgreSQL, two workers, storage, the
    // gateway, two fixtures and the traffic) shares 2 cores here, and a restarting JVM
    // starves everything else for seconds. The production default deadline (3 s) then
    // measures the test machine, not the design; 10 s still catches a hung call.
    STORAGE_TIMEOUT_MS: "10000",
    REDIS_URL: redis.url,
    RATE_LIMIT_MAX: "1000000",
  });
  const services = [storage, ...workers, gateway];
  const close = async () => {
    await Promise.all(services.map((s) => s.stop().catch(() => undefined)));
    await Promise.all(fixtures.map((f) => f.stop()));
    await Promise.all([kafka.close(), redis.close(), s3.close(), postgres.close()]);
  };
  try {
    await Promise.all([storage.start(), workers[0].start()]);
    await gateway.start();
    return {
      kafka,
      redis,
      s3,
      postgres,
      kafkaClient,
      fixtureUrl,
      mediaUrl,
      gatewayUrl: `http://127.0.0.1:${String(ports.gateway)}`,
      storage,
      workers,
      gateway,
      logs: () =>
        services
          .map((s) => {
            try {
              return `--- ${s.name} ---\n${s.current().output().slice(-3_000)}`;
            } catch {
              return "";
            }
          })
          .join("\n"),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

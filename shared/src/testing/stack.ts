// The whole gifmesh of one test run, the way production runs it: the services as
// child processes of their `services/<svc>/src/main.ts`, configured only through
// their environment, on free loopback ports, beside (never instead of) `make up`.
// By default every run has its own database, archive topics (archiveTopicSpecs),
// consumer groups and bucket on the shared servers, their names carrying the run id
// so the leak guard can find leftovers; a suite on private servers (the fault suite)
// passes their addresses and may keep the production names. close() stops the
// children and removes what the run created, newest first, at the end of the test
// file if the test never called it; a start that fails half-way removes it too.
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import pg from "pg";
import { ARCHIVE_TOPICS, archiveTopicSpecs, type ArchiveTopicRole } from "../contracts/index.ts";
import { ensureTopics } from "../kafka/index.ts";
import { createS3Client, ensureBucket } from "../s3/index.ts";
import { cleanupScope } from "./cleanup.ts";
import { infra } from "./infra.ts";
import { deleteKafkaNames } from "./kafka-cleanup.ts";
import type { SharedServers } from "./leak-check.ts";
import { freePort } from "./ports.ts";
import { startPrivateRedis } from "./redis.ts";
import {
  readyz,
  restartableService,
  type RestartableService,
  type ServiceOptions,
} from "./service-process.ts";
import { testKafka } from "./test-kafka.ts";
import { testId } from "./test-run.ts";

/** The services of the stack (the Giphy fixture aside). */
export type StackService = "storage" | "file-worker" | "gateway";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where the servers are; default the shared ones (scripts/infra/env.sh). The database
 * URL must be allowed to CREATE DATABASE: the run's database goes on that server.
 */
export interface StackInfra extends Omit<SharedServers, "s3"> {
  readonly s3: SharedServers["s3"] & {
    /** The bucket of `names: "contract"` and `bucket: "shared"`. */
    readonly bucket: string;
  };
}

/** A Giphy the caller runs itself (e.g. an in-process fixture it steers). */
export interface ExternalGiphy {
  /** Giphy-style base URL ending in /v1/ (GIPHY_BASE_URL). */
  readonly baseUrl: string;
  /** Unset: storage's default (the fixture's key). */
  readonly apiKey?: string;
  /** host:port pairs the worker may download from (its private-address allowlist). */
  readonly mediaHosts: readonly string[];
}

/** A fixture child the stack starts: `script` gets its port in `portVariable`. */
export interface FixtureChild {
  /** Default services/giphy-fixture/src/main.ts. */
  readonly script?: string;
  /** Default GIPHY_FIXTURE_PORT. */
  readonly portVariable?: string;
  readonly env?: Env;
}

export interface TestStackOptions {
  /** Lowercase letters and digits; starts every name the run creates. Default "stack". */
  readonly prefix?: string;
  /** Which services run; default all three. */
  readonly services?: readonly StackService[];
  /** How many file workers (one consumer group); default 1. */
  readonly workers?: number;
  /** How many of them start now (the others with `workers[i].start()`); default all. */
  readonly startedWorkers?: number;
  /** The Giphy the services use; default a fixture child on a free port. */
  readonly giphy?: ExternalGiphy | FixtureChild;
  readonly infra?: Partial<StackInfra>;
  /**
   * "run" (default): the run's own database, topics, groups and bucket. "contract":
   * the infra's database and bucket and the production topic names (ARCHIVE_TOPICS),
   * groups `<prefix>-storage` / `<prefix>-file-worker`; only for private servers.
   */
  readonly names?: "run" | "contract";
  /** With `names: "run"`: "own" (default) creates and drops a bucket; "shared" uses the infra's. */
  readonly bucket?: "own" | "shared";
  /** Partitions of every topic; default the contract's counts. */
  readonly partitions?: number;
  /** "shared" (default) or a private redis-server of this run (the gateway's keys have no prefix). */
  readonly redis?: "shared" | "private";
  /** The database number on the shared Redis (REDIS_URL's path); default the URL's. */
  readonly redisDb?: number;
  /** Environment per service (and `all`), on top of the stack's. */
  readonly env?: Partial<Record<StackService | "all" | "fixture", Env>>;
  /** Node flags per service, e.g. { gateway: ["--cpu-prof"] }. */
  readonly nodeArgs?: Partial<Record<StackService | "fixture", readonly string[]>>;
  /**
   * Trace with the tracing preload and these OTEL_* variables (each service gets its
   * OTEL_SERVICE_NAME); unset: OTEL_SDK_DISABLED.
   */
  readonly tracing?: Env;
  /** Default "warn". */
  readonly logLevel?: string;
  /**
   * Short retry and poll intervals, a 6 s Kafka session (default true); false keeps
   * the services' production defaults (the benchmarks).
   */
  readonly testTimings?: boolean;
  /** Pass the test process's whole environment to the children (the benchmarks). */
  readonly inheritEnv?: boolean;
  /** Keep every child's whole stdout (the JSON log lines), see ServiceProcess.stdout. */
  readonly keepStdout?: boolean;
  /** Where each child's `<name>.log` goes (default GIFMESH_TEST_LOG_DIR, if set). */
  readonly logDir?: string;
  readonly logMode?: ServiceOptions["logMode"];
  /** Per service; default 60 s. */
  readonly readyTimeoutMs?: number;
}

export interface TestStack {
  readonly id: string;
  /** The database storage uses. */
  readonly databaseUrl: string;
  /** Topic names by role. */
  readonly topics: Readonly<Record<ArchiveTopicRole, string>>;
  readonly groups: { readonly storage: string; readonly worker: string };
  readonly bucket: string;
  readonly infra: StackInfra;
  /** The Redis the gateway uses. */
  readonly redisUrl: string;
  /** GIPHY_BASE_URL of storage. */
  readonly giphyBaseUrl: string;
  /** The fixture's origin (its API and media); with an external Giphy, baseUrl's origin. */
  readonly fixtureUrl: string;
  /** storage's Connect-RPC origin (STORAGE_URL of a gateway). */
  readonly storageUrl: string;
  readonly gatewayUrl: string;
  /** Admin origins (/metrics, /readyz) by child name (storage, file-worker[-n], gateway). */
  readonly adminUrls: Readonly<Record<string, string>>;
  readonly storage: RestartableService;
  readonly workers: readonly RestartableService[];
  readonly gateway: RestartableService;
  /** Undefined with an external Giphy. */
  readonly fixture: RestartableService | undefined;
  /** The recent output of every started child, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** The infra of `options` over the shared servers' addresses. */
function resolveInfra(given: Partial<StackInfra> = {}): StackInfra {
  return {
    databaseUrl: given.databaseUrl ?? infra.DATABASE_URL,
    kafkaBrokers: given.kafkaBrokers ?? infra.KAFKA_BROKERS,
    s3: given.s3 ?? {
      endpoint: infra.S3_ENDPOINT,
      region: infra.S3_REGION,
      accessKeyId: infra.S3_ACCESS_KEY_ID,
      secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
      bucket: infra.S3_BUCKET,
    },
    redisUrl: given.redisUrl ?? infra.REDIS_URL,
  };
}

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withPath(url: string, path: string): string {
  const parsed = new URL(url);
  parsed.pathname = path;
  return parsed.toString();
}

/** Deletes `bucket` with its objects; an absent bucket is fine. */
async function dropBucket(s3: StackInfra["s3"], bucket: string): Promise<void> {
  const client = createS3Client({ ...s3, forcePathStyle: true, maxAttempts: 2 });
  try {
    for (;;) {
      const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const objects = Contents.flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (objects.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== "NoSuchBucket") throw error;
  } finally {
    client.destroy();
  }
}

const isExternal = (giphy: TestStackOptions["giphy"]): giphy is ExternalGiphy =>
  giphy !== undefined && "baseUrl" in giphy;

/** Starts the stack and waits until every started service reports ready. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const prefix = options.prefix ?? "stack";
  if (!PREFIX_PATTERN.test(prefix))
    throw new Error(`stack prefix ${JSON.stringify(prefix)} must match ${String(PREFIX_PATTERN)}`);
  const contract = options.names === "contract";
  const id = testId();
  const infraUsed = resolveInfra(options.infra);
  const roles = Object.keys(ARCHIVE_TOPICS) as ArchiveTopicRole[];
  const topics = Object.fromEntries(
    roles.map((role) => [
      role,
      contract ? ARCHIVE_TOPICS[role] : `${prefix}.${id}.${ARCHIVE_TOPICS[role]}`,
    ]),
  ) as Record<ArchiveTopicRole, string>;
  const groups = contract
    ? { storage: `${prefix}-storage`, worker: `${prefix}-file-worker` }
    : { storage: `${prefix}-${id}-storage`, worker: `${prefix}-${id}-file-worker` };
  const database = `gifmesh_${prefix}_${id}`;
  const databaseUrl = contract
    ? infraUsed.databaseUrl
    : withPath(infraUsed.databaseUrl, `/${database}`);
  const ownBucket = !contract && options.bucket !== "shared";
  const bucket = ownBucket ? `gifmesh-${prefix}-${id}` : infraUsed.s3.bucket;
  const wanted = new Set(options.services ?? ["storage", "file-worker", "gateway"]);

  // Run newest first by close(), or at the end of the test file.
  const cleanup = cleanupScope();
  const close = () => cleanup.run();
  try {
    if (!contract) {
      cleanup.defer(`topics and groups of ${id}`, () =>
        deleteKafkaNames(
          { topics: Object.values(topics), groups: Object.values(groups) },
          infraUsed.kafkaBrokers,
        ),
      );
      await adminQuery(infraUsed.databaseUrl, `CREATE DATABASE ${database}`);
      cleanup.defer(`database ${database}`, () =>
        adminQuery(infraUsed.databaseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      );
    }
    // Created up front, as scripts/infra does, so no service races another to it.
    const kafka = testKafka(infraUsed.kafkaBrokers, `${prefix}-stack`);
    await ensureTopics(
      kafka,
      archiveTopicSpecs(roles, {
        names: topics,
        ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
      }),
    );
    if (ownBucket) cleanup.defer(`bucket ${bucket}`, () => dropBucket(infraUsed.s3, bucket));
    const s3Client = createS3Client({ ...infraUsed.s3, forcePathStyle: true });
    try {
      await ensureBucket(s3Client, bucket);
    } finally {
      s3Client.destroy();
    }
    let redisUrl = infraUsed.redisUrl;
    if (options.redis === "private") {
      const redis = await startPrivateRedis();
      cleanup.defer("private redis", () => redis.close());
      redisUrl = redis.url;
    } else if (options.redisDb !== undefined) {
      redisUrl = withPath(redisUrl, `/${String(options.redisDb)}`);
    }

    const port = {
      fixture: await freePort(),
      rpc: await freePort(),
      storageAdmin: await freePort(),
      gateway: await freePort(),
      gatewayAdmin: await freePort(),
    };
    const origin = (p: number) => `http://127.0.0.1:${String(p)}`;
    const child = (
      name: string,
      kind: StackService | "fixture",
      script: string,
      env: Env,
      adminUrl: string,
      ready: ServiceOptions["ready"],
    ): RestartableService =>
      restartableService({
        name,
        script,
        adminUrl,
        ready,
        inheritEnv: options.inheritEnv,
        keepStdout: options.keepStdout,
        logDir: options.logDir,
        logMode: options.logMode,
        readyTimeoutMs: options.readyTimeoutMs,
        nodeArgs: [
          ...(options.tracing === undefined || kind === "fixture"
            ? []
            : ["--import", "@gifmesh/shared/tracing/register"]),
          ...(options.nodeArgs?.[kind] ?? []),
        ],
        env: {
          ...(options.tracing === undefined || kind === "fixture"
            ? { OTEL_SDK_DISABLED: "true" }
            : { ...options.tracing, OTEL_SERVICE_NAME: kind }),
          LOG_LEVEL: options.logLevel ?? "warn",
          ADMIN_HOST: "127.0.0.1",
          ...env,
          ...options.env?.all,
          ...options.env?.[kind],
        },
      });

    const giphy = options.giphy;
    let fixture: RestartableService | undefined;
    let fixtureUrl: string;
    let giphyBaseUrl: string;
    let mediaHosts: readonly string[];
    if (isExternal(giphy)) {
      giphyBaseUrl = giphy.baseUrl;
      fixtureUrl = new URL(giphy.baseUrl).origin;
      mediaHosts = giphy.mediaHosts;
    } else {
      fixtureUrl = origin(port.fixture);
      giphyBaseUrl = `${fixtureUrl}/v1/`;
      mediaHosts = [`127.0.0.1:${String(port.fixture)}`];
      fixture = child(
        "giphy-fixture",
        "fixture",
        giphy?.script ?? "services/giphy-fixture/src/main.ts",
        { [giphy?.portVariable ?? "GIPHY_FIXTURE_PORT"]: String(port.fixture), ...giphy?.env },
        fixtureUrl,
        { url: `${fixtureUrl}/healthz` },
      );
      cleanup.defer("giphy fixture", () => fixture?.stop());
      await fixture.start();
    }

    const fast = options.testTimings !== false;
    const kafkaEnv = {
      KAFKA_BROKERS: infraUsed.kafkaBrokers.join(","),
      ...(fast ? { KAFKA_SESSION_TIMEOUT_MS: "6000" } : {}),
    };
    const s3Env = {
      S3_ENDPOINT: infraUsed.s3.endpoint,
      S3_REGION: infraUsed.s3.region,
      S3_ACCESS_KEY_ID: infraUsed.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: infraUsed.s3.secretAccessKey,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: "true",
    };
    const archiveTopicEnv = {
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
    };
    const adminUrls: Record<string, string> = {
      storage: origin(port.storageAdmin),
      gateway: origin(port.gatewayAdmin),
    };
    const storage = child(
      "storage",
      "storage",
      "services/storage/src/main.ts",
      {
        ...kafkaEnv,
        ...archiveTopicEnv,
        TOPIC_ARCHIVE_RESULTS_DLQ: topics.resultsDeadLetter,
        ADMIN_PORT: String(port.storageAdmin),
        STORAGE_RPC_HOST: "127.0.0.1",
        STORAGE_RPC_PORT: String(port.rpc),
        DATABASE_URL: databaseUrl,
        KAFKA_RESULTS_GROUP: groups.storage,
        GIPHY_BASE_URL: giphyBaseUrl,
        GIPHY_API_KEY: isExternal(giphy) ? giphy.apiKey : undefined,
        ...(fast ? { DATABASE_POOL_MAX: "4", OUTBOX_POLL_INTERVAL_MS: "100" } : {}),
      },
      origin(port.storageAdmin),
      readyz(origin(port.storageAdmin)),
    );
    const workerCount = wanted.has("file-worker") ? (options.workers ?? 1) : 0;
    const workers: RestartableService[] = [];
    for (let n = 1; n <= workerCount; n++) {
      const name = workerCount === 1 ? "file-worker" : `file-worker-${String(n)}`;
      const adminPort = await freePort();
      const adminUrl = origin(adminPort);
      adminUrls[name] = adminUrl;
      workers.push(
        child(
          name,
          "file-worker",
          "services/file-worker/src/main.ts",
          {
            ...kafkaEnv,
            ...archiveTopicEnv,
            ...s3Env,
            TOPIC_ARCHIVE_DLQ: topics.requestedDeadLetter,
            ADMIN_PORT: String(adminPort),
            KAFKA_GROUP_ID: groups.worker,
            ...(workerCount === 1 ? {} : { KAFKA_CLIENT_ID: `${prefix}-worker-${String(n)}` }),
            DOWNLOAD_PRIVATE_ALLOWED_HOSTS: mediaHosts.join(","),
            ...(fast
              ? {
                  WORKER_CONCURRENCY: "3",
                  RETRY_INITIAL_DELAY_MS: "100",
                  RETRY_MAX_DELAY_MS: "1000",
                  SHUTDOWN_TIMEOUT_MS: "8000",
                }
              : {}),
          },
          adminUrl,
          readyz(adminUrl),
        ),
      );
    }
    const gatewayUrl = origin(port.gateway);
    const gateway = child(
      "gateway",
      "gateway",
      "services/gateway/src/main.ts",
      {
        ...s3Env,
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_PORT: String(port.gateway),
        ADMIN_PORT: String(port.gatewayAdmin),
        PUBLIC_BASE_URL: gatewayUrl,
        STORAGE_URL: origin(port.rpc),
        REDIS_URL: redisUrl,
      },
      origin(port.gatewayAdmin),
      readyz(origin(port.gatewayAdmin)),
    );
    const services = [storage, ...workers, gateway];
    cleanup.defer("services", async () => {
      await Promise.all(services.map((service) => service.stop()));
    });
    // Storage and the workers meet only through Kafka; the gateway needs storage.
    await Promise.all([
      ...(wanted.has("storage") ? [storage.start()] : []),
      ...workers.slice(0, options.startedWorkers ?? workers.length).map((w) => w.start()),
    ]);
    if (wanted.has("gateway")) await gateway.start();
    return {
      id,
      databaseUrl,
      topics,
      groups,
      bucket,
      infra: infraUsed,
      redisUrl,
      giphyBaseUrl,
      fixtureUrl,
      storageUrl: origin(port.rpc),
      gatewayUrl,
      adminUrls,
      storage,
      workers,
      gateway,
      fixture,
      logs: () =>
        [...(fixture === undefined ? [] : [fixture]), ...services]
          .flatMap((service) => {
            try {
              return [`--- ${service.name} ---\n${service.current().output()}`];
            } catch {
              return []; // never started
            }
          })
          .join("\n"),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

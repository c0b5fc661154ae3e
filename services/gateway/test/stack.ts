// The real back end of the gateway's integration tests, private to one test file:
// a fresh PostgreSQL database, the Giphy fixture on port 0, unique Kafka topics and
// consumer groups, the storage service as a child process (`node
// services/storage/src/main.ts`, as deployed) and, when asked, the real file worker
// as a child process (`node services/file-worker/src/main.ts`) archiving into the
// real S3 bucket (content-addressed keys, so runs share objects harmlessly). Everything is
// removed again by `stop()` (children stopped, database dropped, topics and consumer
// groups deleted), at the end of the test file if the test never called it.
// startGatewayProcess runs the gateway itself the same way (`node
// services/gateway/src/main.ts`), for tests of what only main.ts wires: /readyz,
// start-up logs.
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import { createKafka, ensureTopics } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";
import { PassThrough } from "node:stream";
import pg from "pg";
import {
  createStorageClient,
  createStorageTransport,
  type StorageClient,
} from "../src/infrastructure/storage-transport.ts";
import {
  cleanupScope,
  deferCleanup,
  deleteKafkaNames,
  freePort,
  testId,
} from "@gifmesh/shared/testing";

const ROOT = join(import.meta.dirname, "../../..");
const env = process.env;
const ADMIN_DATABASE_URL = env.DATABASE_URL ?? "postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh";
const KAFKA_BROKERS = env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const S3_ENV = {
  S3_ENDPOINT: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
  S3_REGION: env.S3_REGION ?? "us-east-1",
  S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? "gifmesh",
  S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
  S3_BUCKET: env.S3_BUCKET ?? "gifmesh",
  S3_FORCE_PATH_STYLE: "true",
};

export interface Stack {
  readonly fixture: FixtureServer;
  /** A storage client as the gateway's main.ts builds it (gRPC over HTTP/2). */
  readonly storage: StorageClient;
  readonly storageUrl: string;
  /** Storage's admin origin (/metrics, /readyz). */
  readonly storageAdminUrl: string;
  /** The children's recent output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

interface Child {
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function startChild(script: string, childEnv: Record<string, string>): Child {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    // TMPDIR: the run's own temp dir (tests/leak-guard.ts), where the worker spools.
    env: { PATH: env.PATH ?? "", TMPDIR: tmpdir(), ...childEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // A test process that dies first takes its children with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      process.off("exit", killOnExit);
      resolve();
    });
  });
  return {
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `${adminUrl}/readyz` (or `path`) until 200; fails with the child's output if it exits or hangs. */
async function waitReady(
  name: string,
  child: Child,
  adminUrl: string,
  timeoutMs = 45_000,
  path = "/readyz",
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null)
      throw new Error(`${name} exited (${String(child.process.exitCode)}):\n${child.output()}`);
    const ok = await fetch(`${adminUrl}${path}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready in time:\n${child.output()}`);
    await sleep(100);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface StackOptions {
  /** Also run the real file worker. */
  readonly worker?: boolean;
  /**
   * Storage's STORAGE_RPC_TOKEN: storage then refuses calls without it, and the
   * stack's own client (`storage`) sends it.
   */
  readonly storageToken?: string;
}

/** Starts the private stack. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const id = testId();
  const database = `gifmesh_gateway_test_${id}`;
  const topics = {
    requested: `gwtest.${id}.requested`,
    completed: `gwtest.${id}.completed`,
    failed: `gwtest.${id}.failed`,
    dlq: `gwtest.${id}.dlq`,
    resultsDlq: `gwtest.${id}.results-dlq`,
  };
  const kafka = createKafka({
    brokers: KAFKA_BROKERS.split(","),
    clientId: "gateway-test",
    logger: createLogger({ service: "gateway-test", level: "error", stream: new PassThrough() }),
    logLevel: "error",
  });
  const groups = { storage: `gwtest-storage-${id}`, worker: `gwtest-worker-${id}` };
  const children: Child[] = [];
  // Run newest first by stop(), or at the end of the test file.
  const cleanup = cleanupScope();
  cleanup.defer(`gateway test topics and groups ${id}`, () =>
    deleteKafkaNames({ topics: Object.values(topics), groups: Object.values(groups) }),
  );
  const stop = () => cleanup.run();
  try {
    await adminQuery(`CREATE DATABASE ${database}`);
    cleanup.defer(`database ${database}`, () =>
      adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    );
    await ensureTopics(
      kafka,
      Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
    );
    const fixture = await createFixtureServer({ port: 0 });
    cleanup.defer("giphy fixture", () => fixture.close());
    const dbUrl = new URL(ADMIN_DATABASE_URL);
    dbUrl.pathname = `/${database}`;
    const [rpcPort, storageAdminPort, workerAdminPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const common = { OTEL_SDK_DISABLED: "true", LOG_LEVEL: "warn", ADMIN_HOST: "127.0.0.1" };
    const storage = startChild(join(ROOT, "services/storage/src/main.ts"), {
      ...common,
      ADMIN_PORT: String(storageAdminPort),
      STORAGE_RPC_HOST: "127.0.0.1",
      STORAGE_RPC_PORT: String(rpcPort),
      DATABASE_URL: dbUrl.toString(),
      DATABASE_POOL_MAX: "4",
      KAFKA_BROKERS,
      KAFKA_RESULTS_GROUP: groups.storage,
      GIPHY_BASE_URL: fixture.baseUrl,
      GIPHY_API_KEY: fixture.apiKey,
      OUTBOX_POLL_INTERVAL_MS: "100",
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
      TOPIC_ARCHIVE_RESULTS_DLQ: topics.resultsDlq,
      ...(options.storageToken === undefined ? {} : { STORAGE_RPC_TOKEN: options.storageToken }),
    });
    children.push(storage);
    cleanup.defer("storage", () => storage.stop());
    const ready = [waitReady("storage", storage, `http://127.0.0.1:${storageAdminPort}`)];
    if (options.worker) {
      const worker = startChild(join(ROOT, "services/file-worker/src/main.ts"), {
        ...common,
        ...S3_ENV,
        ADMIN_PORT: String(workerAdminPort),
        KAFKA_BROKERS,
        KAFKA_GROUP_ID: groups.worker,
        KAFKA_SESSION_TIMEOUT_MS: "6000",
        TOPIC_ARCHIVE_REQUESTED: topics.requested,
        TOPIC_ARCHIVE_COMPLETED: topics.completed,
        TOPIC_ARCHIVE_FAILED: topics.failed,
        TOPIC_ARCHIVE_DLQ: topics.dlq,
        DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${String(fixture.port)}`,
        WORKER_CONCURRENCY: "3",
        RETRY_INITIAL_DELAY_MS: "100",
        RETRY_MAX_DELAY_MS: "1000",
        SHUTDOWN_TIMEOUT_MS: "8000",
      });
      children.push(worker);
      cleanup.defer("file-worker", () => worker.stop());
      ready.push(waitReady("file-worker", worker, `http://127.0.0.1:${workerAdminPort}`));
    }
    await Promise.all(ready);
    const storageUrl = `http://127.0.0.1:${rpcPort}`;
    return {
      fixture,
      storage: createStorageClient(
        createStorageTransport({
          baseUrl: storageUrl,
          timeoutMs: 5_000,
          token: options.storageToken,
        }),
      ),
      storageUrl,
      storageAdminUrl: `http://127.0.0.1:${storageAdminPort}`,
      logs: () => children.map((c) => c.output()).join("\n"),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export interface GatewayProcess {
  readonly url: string;
  readonly adminUrl: string;
  /** Everything it wrote (stdout and stderr), last 20 KB. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node services/gateway/src/main.ts` in front of `storageUrl`, with the
 * shared S3 and `env` on top (REDIS_*, STORAGE_RPC_TOKEN, ...); resolves once its
 * /readyz answers 200 (ready, possibly degraded), or with `until: "live"` once
 * /healthz does (for a gateway that must NOT become ready). Stopped by stop() or
 * at the end of the test file.
 */
export async function startGatewayProcess(
  storageUrl: string,
  env: Record<string, string>,
  options: { until?: "ready" | "live" } = {},
): Promise<GatewayProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const child = startChild(join(ROOT, "services/gateway/src/main.ts"), {
    OTEL_SDK_DISABLED: "true",
    LOG_LEVEL: "info",
    ADMIN_HOST: "127.0.0.1",
    ADMIN_PORT: String(adminPort),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${String(port)}`,
    STORAGE_URL: storageUrl,
    ...S3_ENV,
    ...env,
  });
  const stop = deferCleanup("gateway process", () => child.stop());
  const adminUrl = `http://127.0.0.1:${String(adminPort)}`;
  try {
    const path = options.until === "live" ? "/healthz" : "/readyz";
    await waitReady("gateway", child, adminUrl, 45_000, path);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${String(port)}`, adminUrl, logs: () => child.output(), stop };
}

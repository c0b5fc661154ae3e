// A private gifmesh for the end-to-end tests: the Giphy fixture, storage, the file
// worker and the gateway as child processes started the way production starts
// them (with the tracing preload), on free ports, with a fresh database, a fresh
// bucket and unique Kafka topics and consumer groups, so runs never meet the
// shared stack's data. `stop()` stops the children and removes what it created
// (database, bucket, topics, consumer groups), at the end of the test file if the
// test never called it.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createS3Client } from "@gifmesh/shared/s3";
import { cleanupScope, deleteKafkaNames, freePort, testId } from "@gifmesh/shared/testing";
import pg from "pg";

const ROOT = join(import.meta.dirname, "../..");
const env = process.env;
const ADMIN_DATABASE_URL = env.DATABASE_URL ?? "postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh";
const KAFKA_BROKERS = env.KAFKA_BROKERS ?? "127.0.0.1:9092";
export const JAEGER_UI = env.JAEGER_UI ?? "http://127.0.0.1:16686";
const OTLP = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";
/** The shared Zipkin (the trace UI, scripts/infra/observability.sh); spans go there too. */
export const ZIPKIN_UI = (env.ZIPKIN_UI ?? "http://127.0.0.1:9411/zipkin/").replace(/\/?$/, "/");
const ZIPKIN_SPANS =
  env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? `${new URL(ZIPKIN_UI).origin}/api/v2/spans`;
const S3 = {
  S3_ENDPOINT: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
  S3_REGION: env.S3_REGION ?? "us-east-1",
  S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? "gifmesh",
  S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
  S3_FORCE_PATH_STYLE: "true",
};
const STORAGE_ENTRY = "services/storage/src/main.ts";

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Everything written to stdout so far (JSON log lines). */
  stdout(): string;
  output(): string;
  stop(): Promise<void>;
}

function startChild(name: string, script: string, childEnv: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ["--import", "@gifmesh/shared/tracing/register", join(ROOT, script)],
    {
      cwd: ROOT,
      env: {
        PATH: env.PATH ?? "",
        // The run's own temp dir (tests/leak-guard.ts), where the worker spools.
        TMPDIR: tmpdir(),
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: OTLP,
        OTEL_TRACES_EXPORTER: "otlp,zipkin",
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: ZIPKIN_SPANS,
        ADMIN_HOST: "127.0.0.1",
        ...childEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let all = "";
  // E2E_LOG_DIR keeps every child's whole output (the in-memory tail is bounded).
  const logDir = env.E2E_LOG_DIR;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const file = createWriteStream(join(logDir, `${name}.log`));
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
  }
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    all = (all + d.toString()).slice(-20_000);
  });
  child.stderr.on("data", (d: Buffer) => {
    all = (all + d.toString()).slice(-20_000);
  });
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
    name,
    process: child,
    stdout: () => out,
    output: () => all,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitReady(child: Child, url: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null)
      throw new Error(
        `${child.name} exited (${String(child.process.exitCode)}):\n${child.output()}`,
      );
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${child.name} not ready in time:\n${child.output()}`);
    await sleep(150);
  }
}

/** Deletes `bucket` with its objects (the worker creates it); absent is fine. */
async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (let page = 0; page < 100; page++) {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const objects = Contents.flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (objects.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== "NoSuchBucket") throw error;
  } finally {
    s3.destroy();
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

export interface E2EStack {
  readonly gatewayUrl: string;
  /** The Giphy fixture's origin (it serves the API and the media). */
  readonly fixtureUrl: string;
  /** The gateway's admin server (/metrics, /readyz). */
  readonly gatewayAdminUrl: string;
  readonly topics: {
    readonly requested: string;
    readonly completed: string;
    readonly failed: string;
  };
  readonly children: {
    readonly gateway: Child;
    readonly storage: Child;
    readonly worker: Child;
    readonly fixture: Child;
  };
  stop(): Promise<void>;
}

export interface E2EOptions {
  /** Giphy's API for storage (default: the stack's own fixture). */
  readonly giphyBaseUrl?: string;
  /** Extra environment for storage, e.g. the archive set. */
  readonly storageEnv?: Readonly<Record<string, string>>;
}

/** Starts the private stack and waits until every service reports ready. */
export async function startE2EStack(options: E2EOptions = {}): Promise<E2EStack> {
  const id = testId();
  const database = `gifmesh_e2e_${id}`;
  const bucket = `gifmesh-e2e-${id}`;
  const topics = {
    requested: `e2e.${id}.archive.requested`,
    completed: `e2e.${id}.archive.completed`,
    failed: `e2e.${id}.archive.failed`,
    dlq: `e2e.${id}.archive.requested.dlq`,
    resultsDlq: `e2e.${id}.archive.results.dlq`,
  };
  const groups = { storage: `e2e-storage-${id}`, worker: `e2e-worker-${id}` };
  // Run newest first by stop(), or at the end of the test file.
  const cleanup = cleanupScope();
  cleanup.defer(`e2e topics and groups ${id}`, () =>
    deleteKafkaNames({ topics: Object.values(topics), groups: Object.values(groups) }),
  );
  cleanup.defer(`bucket ${bucket}`, () =>
    dropBucket(
      createS3Client({
        endpoint: S3.S3_ENDPOINT,
        region: S3.S3_REGION,
        accessKeyId: S3.S3_ACCESS_KEY_ID,
        secretAccessKey: S3.S3_SECRET_ACCESS_KEY,
        forcePathStyle: true,
      }),
      bucket,
    ),
  );
  const stop = () => cleanup.run();
  const track = (child: Child): Child => {
    cleanup.defer(child.name, () => child.stop());
    return child;
  };
  try {
    await adminQuery(`CREATE DATABASE ${database}`);
    cleanup.defer(`database ${database}`, () =>
      adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    );
    const dbUrl = new URL(ADMIN_DATABASE_URL);
    dbUrl.pathname = `/${database}`;
    const port = {
      fixture: await freePort(),
      rpc: await freePort(),
      storageAdmin: await freePort(),
      workerAdmin: await freePort(),
      gateway: await freePort(),
      gatewayAdmin: await freePort(),
    };
    const fixture = track(
      startChild("giphy-fixture", "services/giphy-fixture/src/main.ts", {
        GIPHY_FIXTURE_PORT: String(port.fixture),
        OTEL_SDK_DISABLED: "true",
      }),
    );
    const fixtureUrl = `http://127.0.0.1:${String(port.fixture)}`;
    await waitReady(fixture, `${fixtureUrl}/healthz`);
    const kafka = { KAFKA_BROKERS, KAFKA_SESSION_TIMEOUT_MS: "6000" };
    const topicEnv = {
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
    };
    const storage = startChild("storage", STORAGE_ENTRY, {
      ...kafka,
      ...topicEnv,
      TOPIC_ARCHIVE_RESULTS_DLQ: topics.resultsDlq,
      LOG_LEVEL: "debug",
      ADMIN_PORT: String(port.storageAdmin),
      STORAGE_RPC_HOST: "127.0.0.1",
      STORAGE_RPC_PORT: String(port.rpc),
      DATABASE_URL: dbUrl.toString(),
      DATABASE_POOL_MAX: "4",
      KAFKA_RESULTS_GROUP: groups.storage,
      GIPHY_BASE_URL: options.giphyBaseUrl ?? `${fixtureUrl}/v1/`,
      OUTBOX_POLL_INTERVAL_MS: "100",
      ...options.storageEnv,
    });
    track(storage);
    const worker = startChild("file-worker", "services/file-worker/src/main.ts", {
      ...kafka,
      ...topicEnv,
      ...S3,
      S3_BUCKET: bucket,
      LOG_LEVEL: "debug",
      TOPIC_ARCHIVE_DLQ: topics.dlq,
      ADMIN_PORT: String(port.workerAdmin),
      KAFKA_GROUP_ID: groups.worker,
      KAFKA_TOPIC_PARTITIONS: "1",
      DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${String(port.fixture)}`,
      RETRY_INITIAL_DELAY_MS: "100",
      SHUTDOWN_TIMEOUT_MS: "6000",
    });
    track(worker);
    const gateway = startChild("gateway", "services/gateway/src/main.ts", {
      ...S3,
      S3_BUCKET: bucket,
      LOG_LEVEL: "debug",
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(port.gateway),
      ADMIN_PORT: String(port.gatewayAdmin),
      PUBLIC_BASE_URL: `http://127.0.0.1:${String(port.gateway)}`,
      STORAGE_URL: `http://127.0.0.1:${String(port.rpc)}`,
      REDIS_URL: env.REDIS_URL ?? "redis://127.0.0.1:6379",
      WEB_TRACE_URL: `${ZIPKIN_UI}traces/{trace_id}`,
    });
    track(gateway);
    await Promise.all([
      waitReady(storage, `http://127.0.0.1:${String(port.storageAdmin)}/readyz`),
      waitReady(worker, `http://127.0.0.1:${String(port.workerAdmin)}/readyz`),
      waitReady(gateway, `http://127.0.0.1:${String(port.gatewayAdmin)}/readyz`),
    ]);
    return {
      gatewayUrl: `http://127.0.0.1:${String(port.gateway)}`,
      gatewayAdminUrl: `http://127.0.0.1:${String(port.gatewayAdmin)}`,
      fixtureUrl,
      topics,
      children: { gateway, storage, worker, fixture },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** True when the stack's entry points exist (a guard for clearer failures). */
export function stackEntriesExist(): boolean {
  return existsSync(join(ROOT, STORAGE_ENTRY));
}

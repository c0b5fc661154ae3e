// A private gifmesh stack for the benchmarks, beside (never instead of) `make up`:
// its own database, Kafka topics and consumer groups, S3 bucket, Redis server and
// free ports, all removed at the end, also when the start fails half-way. It uses the
// shared infrastructure servers.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createBenchKafka, createTopics, deleteGroups, deleteTopics } from "./kafka.ts";
import { freePort, spawnChild, spawnNode, waitReady, type Child } from "./proc.ts";
import { createBenchS3, removeBucket } from "./s3.ts";

export interface StackOptions {
  readonly root: string;
  readonly logDir: string;
  readonly catalogueSize: number;
  /** Extra env for every service (e.g. OTEL_SDK_DISABLED). */
  readonly env: NodeJS.ProcessEnv;
  /** Node flags per service, e.g. { gateway: ["--cpu-prof", ...] }. */
  readonly nodeArgs?: Readonly<Record<string, string[]>>;
}

export interface Stack {
  readonly id: string;
  readonly databaseUrl: string;
  readonly bucket: string;
  readonly topics: { requested: string; completed: string; failed: string };
  readonly fixtureUrl: string;
  readonly storageUrl: string;
  readonly gatewayUrl: string;
  /** Admin origins (/metrics) by service name. */
  readonly adminUrls: Readonly<Record<"storage" | "file-worker" | "gateway", string>>;
  /** The service processes, by name (fixture, storage, file-worker, gateway, redis). */
  readonly children: ReadonlyMap<string, Child>;
  stop(): Promise<void>;
}

async function waitTcp(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await sleep(100);
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = process.env;
  const id = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const adminUrl = env.DATABASE_URL ?? "postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh";
  const dbName = `gifmesh_bench_${id}`;
  const databaseUrl = withDatabase(adminUrl, dbName);
  const brokers = (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
  const topics = {
    requested: `bench.${id}.archive.requested.v1`,
    completed: `bench.${id}.archive.completed.v1`,
    failed: `bench.${id}.archive.failed.v1`,
  };
  const extraTopics = [`${topics.requested}.dlq`, `bench.${id}.archive.results.dlq`];
  const groups = { storage: `bench-${id}-storage`, worker: `bench-${id}-file-worker` };
  const kafka = createBenchKafka(brokers, "gifmesh-bench");
  const bucket = `gifmesh-bench-${id}`;
  const children = new Map<string, Child>();

  const stop = async (): Promise<void> => {
    for (const name of ["gateway", "file-worker", "storage", "fixture", "redis"]) {
      await children.get(name)?.stop();
    }
    await deleteTopics(kafka, [...Object.values(topics), ...extraTopics]).catch(() => undefined);
    await deleteGroups(kafka, Object.values(groups)).catch(() => undefined);
    await removeBucket(createBenchS3(), bucket);
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await cleanup.end();
  };

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  try {
    return await startServices();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  async function startServices(): Promise<Stack> {
    // Same partition counts storage asks for, created up front so no service races another.
    await createTopics(kafka, [
      { topic: topics.requested, numPartitions: 6 },
      { topic: topics.completed, numPartitions: 3 },
      { topic: topics.failed, numPartitions: 3 },
      ...extraTopics.map((topic) => ({ topic, numPartitions: 1 })),
    ]);
    const [redisPort, fixturePort, rpcPort, storageAdmin, workerAdmin, gwPort, gwAdmin] =
      await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
    const common = { logDir: options.logDir, cwd: options.root };
    const nodeArgs = (name: string): string[] => options.nodeArgs?.[name] ?? [];
    const service = (name: string, script: string, serviceEnv: NodeJS.ProcessEnv): Child => {
      const child = spawnNode({
        ...common,
        name,
        script: join(options.root, script),
        nodeArgs: nodeArgs(name),
        env: { ...options.env, ...serviceEnv },
      });
      children.set(name, child);
      return child;
    };

    // Redis: a private server, because the gateway's cache keys have a fixed prefix.
    const redis = spawnChild({
      ...common,
      name: "redis",
      command: "redis-server",
      args: [
        "--port",
        String(redisPort),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
      ],
    });
    children.set("redis", redis);
    await waitTcp(redisPort);

    const fixture = service("fixture", "bench/src/servers/fixture.ts", {
      BENCH_FIXTURE_PORT: String(fixturePort),
      BENCH_CATALOGUE_SIZE: String(options.catalogueSize),
    });
    const fixtureUrl = `http://127.0.0.1:${fixturePort}`;
    await waitReady(`${fixtureUrl}/healthz`, fixture);

    const storage = service("storage", "services/storage/src/main.ts", {
      STORAGE_RPC_HOST: "127.0.0.1",
      STORAGE_RPC_PORT: String(rpcPort),
      ADMIN_PORT: String(storageAdmin),
      DATABASE_URL: databaseUrl,
      GIPHY_BASE_URL: `${fixtureUrl}/v1/`,
      KAFKA_RESULTS_GROUP: groups.storage,
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
      TOPIC_ARCHIVE_RESULTS_DLQ: extraTopics[1],
    });
    const worker = service("file-worker", "services/file-worker/src/main.ts", {
      ADMIN_PORT: String(workerAdmin),
      KAFKA_GROUP_ID: groups.worker,
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
      TOPIC_ARCHIVE_DLQ: extraTopics[0],
      S3_BUCKET: bucket,
      DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${fixturePort}`,
    });
    const storageUrl = `http://127.0.0.1:${rpcPort}`;
    const gatewayUrl = `http://127.0.0.1:${gwPort}`;
    const gateway = service("gateway", "services/gateway/src/main.ts", {
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(gwPort),
      ADMIN_PORT: String(gwAdmin),
      PUBLIC_BASE_URL: gatewayUrl,
      STORAGE_URL: storageUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      S3_BUCKET: bucket,
      // The benchmark is one client: the per-client limit would answer 429 at once.
      RATE_LIMIT_MAX: "1000000000",
    });
    await waitReady(`http://127.0.0.1:${storageAdmin}/readyz`, storage);
    await waitReady(`http://127.0.0.1:${workerAdmin}/readyz`, worker);
    await waitReady(`http://127.0.0.1:${gwAdmin}/readyz`, gateway);

    const adminUrls = {
      storage: `http://127.0.0.1:${storageAdmin}`,
      "file-worker": `http://127.0.0.1:${workerAdmin}`,
      gateway: `http://127.0.0.1:${gwAdmin}`,
    };
    return {
      id,
      databaseUrl,
      bucket,
      topics,
      fixtureUrl,
      storageUrl,
      gatewayUrl,
      adminUrls,
      children,
      stop,
    };
  }
}

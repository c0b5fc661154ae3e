// `make dev`, end to end: scripts/stack/dev.sh (what `make dev` runs once the
// infrastructure is up) on private PostgreSQL, Redis, Kafka and S3 and on private
// ports, so it never meets the shared servers or a running `make up`.
// - A search through the gateway gets its GIFs archived: the file worker reached S3
//   with the credentials from the environment (turbo's strict env mode used to drop
//   every variable, so it found none), and the settings `make up` adds (the fixture
//   as Giphy, its media host allowed) reach dev mode too.
// - Touching one of the gateway's files restarts the gateway, and only it, and it
//   serves again.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { archiveTopicSpecs } from "@gifmesh/shared/contracts";
import { ensureTopics } from "@gifmesh/shared/kafka";
import {
  REPO_ROOT,
  alive,
  descendants,
  freePort,
  startPrivateKafka,
  startPrivatePostgres,
  startPrivateRedis,
  startPrivateS3,
  signalAll,
  tcpOpen,
  testKafka,
  waitFor,
  type Check,
  type PrivateKafka,
  type PrivatePostgres,
  type PrivateRedis,
  type PrivateS3,
} from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BUCKET = "gifmesh-dev-test";
/** Loaded by the gateway only (through its error responses), rarely edited. */
const GATEWAY_FILE = join(REPO_ROOT, "services/gateway/src/transport/response-id.ts");

type Ports = Readonly<
  Record<"fixture" | "rpc" | "storageAdmin" | "workerAdmin" | "gateway" | "gatewayAdmin", number>
>;

interface DevMode {
  readonly pid: number;
  /** Undefined while running, else why it ended. */
  exited(): string | undefined;
  /** The last lines turbo and the services wrote (for failure messages). */
  output(): string;
  /** Ctrl-C (SIGINT to its process group), then SIGKILL by pid for what is left. */
  stop(): Promise<void>;
}

function startDevMode(env: Record<string, string>): DevMode {
  const child: ChildProcess = spawn("bash", [join(REPO_ROOT, "scripts/stack/dev.sh")], {
    cwd: REPO_ROOT,
    env,
    // Its own process group, as a terminal gives `make dev`: Ctrl-C reaches all of it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start scripts/stack/dev.sh");
  let tail = "";
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("utf8")).slice(-30_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let why: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      why = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      resolve();
    });
  });
  // A crashed or interrupted test run must not leave services behind.
  let known: number[] = [];
  const killTree = (): void => {
    known = [...new Set([...known, ...descendants(pid)])];
    signalAll([pid, ...known], "SIGKILL");
  };
  process.once("exit", killTree);
  return {
    pid,
    exited: () => why,
    output: () => tail,
    async stop() {
      known = descendants(pid);
      if (why === undefined) {
        try {
          process.kill(-pid, "SIGINT");
        } catch {
          // the group is gone already
        }
        await Promise.race([exited, sleep(30_000)]);
      }
      const deadline = Date.now() + 30_000;
      while ([pid, ...known].some(alive) && Date.now() < deadline) await sleep(200);
      killTree();
      process.removeListener("exit", killTree);
    },
  };
}

async function ok(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res.ok,
    () => false,
  );
}

/** waitFor, failing at once when dev mode has ended, with its output in the message. */
function until<T>(dev: DevMode, what: string, timeoutMs: number, check: Check<T>): Promise<T> {
  return waitFor(what, check, {
    timeoutMs,
    intervalMs: 250,
    failFast: () => {
      const ended = dev.exited();
      return ended === undefined ? undefined : `dev mode ended (${ended})`;
    },
    details: () => `Output:\n${dev.output()}`,
  });
}

/** The start time prom-client reports for the process behind an admin port. */
async function startTime(adminPort: number): Promise<number | undefined> {
  const res = await fetch(`http://127.0.0.1:${String(adminPort)}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  if (res?.ok !== true) return undefined;
  const text = await res.text();
  const match = /^process_start_time_seconds(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The same, retried while the service is busy or restarting (bounded). */
function startTimeOf(dev: DevMode, name: string, adminPort: number): Promise<number> {
  return until(dev, `${name}'s start time`, 20_000, () => startTime(adminPort));
}

interface Gif {
  readonly id: string;
}

let kafka: PrivateKafka | undefined;
let redis: PrivateRedis | undefined;
let s3: PrivateS3 | undefined;
let postgres: PrivatePostgres | undefined;
let dev: DevMode | undefined;
let dataDir: string | undefined;
let ports: Ports | undefined;

const running = (): { dev: DevMode; ports: Ports } => {
  if (dev === undefined || ports === undefined) throw new Error("dev mode did not start");
  return { dev, ports };
};

beforeAll(async () => {
  // Credentials that are nobody's default: dev mode works only if they reach the services.
  const s3Key = `dev${randomBytes(6).toString("hex")}`;
  [kafka, redis, s3, postgres] = await Promise.all([
    startPrivateKafka(),
    startPrivateRedis(),
    startPrivateS3({
      buckets: [BUCKET],
      accessKeyId: s3Key,
      secretAccessKey: `${s3Key}-secret`,
    }),
    startPrivatePostgres({ database: "gifmesh_dev" }),
  ]);
  // The topics `make infra-up` creates (scripts/infra/lib.sh), with the same counts.
  const admin = testKafka(kafka.brokers, "dev-mode-test");
  await ensureTopics(admin, archiveTopicSpecs());
  ports = {
    fixture: await freePort(),
    rpc: await freePort(),
    storageAdmin: await freePort(),
    workerAdmin: await freePort(),
    gateway: await freePort(),
    gatewayAdmin: await freePort(),
  };
  dataDir = mkdtempSync(join(tmpdir(), "gifmesh-dev-"));
  // Only these variables: nothing of the shared stack's settings can leak in.
  dev = startDevMode({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    GIFMESH_DATA: dataDir,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    KAFKA_BROKERS: kafka.brokers.join(","),
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_BUCKET: BUCKET,
    GIPHY_FIXTURE_PORT: String(ports.fixture),
    STORAGE_RPC_HOST: "127.0.0.1",
    STORAGE_RPC_PORT: String(ports.rpc),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(ports.gateway),
    ADMIN_HOST: "127.0.0.1",
    GATEWAY_ADMIN_PORT: String(ports.gatewayAdmin),
    STORAGE_ADMIN_PORT: String(ports.storageAdmin),
    FILE_WORKER_ADMIN_PORT: String(ports.workerAdmin),
    // The worker's spool under the test's directory, not a shared one in /tmp.
    ARCHIVE_SPOOL_DIR: dataDir,
    // No traces into the shared Jaeger.
    OTEL_SDK_DISABLED: "true",
  });
  const { fixture, storageAdmin, workerAdmin, gatewayAdmin } = ports;
  const ready = [
    `http://127.0.0.1:${String(fixture)}/healthz`,
    `http://127.0.0.1:${String(storageAdmin)}/readyz`,
    `http://127.0.0.1:${String(workerAdmin)}/readyz`,
    `http://127.0.0.1:${String(gatewayAdmin)}/readyz`,
  ];
  const started = dev;
  await until(started, "every service ready", 150_000, async () =>
    (await Promise.all(ready.map(ok))).every(Boolean),
  );
}, 300_000);

afterAll(async () => {
  await dev?.stop();
  // Every service is gone, so nothing listens on its ports any more.
  if (ports !== undefined)
    for (const port of Object.values(ports)) expect(await tcpOpen(port)).toBe(false);
  await Promise.all([kafka?.close(), redis?.close(), s3?.close(), postgres?.close()]);
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}, 180_000);

async function search(gateway: number, q: string): Promise<Gif[]> {
  const res = await fetch(
    `http://127.0.0.1:${String(gateway)}/v1/gifs/search?q=${encodeURIComponent(q)}&limit=3`,
    { signal: AbortSignal.timeout(10_000) },
  );
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return (JSON.parse(body) as { data: Gif[] }).data;
}

describe("make dev", () => {
  it("runs the system of make up: a search gets its GIFs archived", async () => {
    const { dev, ports } = running();
    const gifs = await search(ports.gateway, "cat");
    expect(gifs.length).toBeGreaterThan(0);
    for (const gif of gifs) {
      // 302 to the archived object once storage recorded the worker's result.
      const location = await until(dev, `GIF ${gif.id} archived`, 60_000, async () => {
        const res = await fetch(`http://127.0.0.1:${String(ports.gateway)}/media/gifs/${gif.id}`, {
          redirect: "manual",
          signal: AbortSignal.timeout(2_000),
        }).catch(() => undefined);
        return res?.status === 302 ? (res.headers.get("location") ?? undefined) : undefined;
      });
      const file = await fetch(new URL(location, `http://127.0.0.1:${String(ports.gateway)}`));
      expect(file.status).toBe(200);
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.subarray(0, 4).toString("latin1")).toBe("GIF8");
    }
  }, 120_000);

  it("restarts the gateway alone when one of its files changes, and it serves again", async () => {
    const { dev, ports } = running();
    const gatewayBefore = await startTimeOf(dev, "gateway", ports.gatewayAdmin);
    const storageBefore = await startTimeOf(dev, "storage", ports.storageAdmin);
    const workerBefore = await startTimeOf(dev, "file worker", ports.workerAdmin);
    // prom-client's start time has a resolution of one second.
    await sleep(1_100);
    const now = new Date();
    utimesSync(GATEWAY_FILE, now, now);
    const gatewayAfter = await until(dev, "the gateway restarted", 60_000, async () => {
      const t = await startTime(ports.gatewayAdmin);
      return t !== undefined && t > gatewayBefore ? t : undefined;
    });
    expect(gatewayAfter).toBeGreaterThan(gatewayBefore);
    await until(dev, "the gateway ready again", 60_000, () =>
      ok(`http://127.0.0.1:${String(ports.gatewayAdmin)}/readyz`),
    );
    // A query not asked before: the answer comes through storage, not a cache.
    expect((await search(ports.gateway, "dog")).length).toBeGreaterThan(0);
    expect(await startTimeOf(dev, "storage", ports.storageAdmin)).toBe(storageBefore);
    expect(await startTimeOf(dev, "file worker", ports.workerAdmin)).toBe(workerBefore);
  }, 120_000);
});

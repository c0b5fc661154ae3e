// PostgreSQL unreachable: storage (run as deployed, `node src/main.ts`) starts before
// it, reports NOT_SERVING and /readyz 503 while it is gone, answers `unavailable`,
// never exits, and serves again once it is back. A TCP proxy the test cuts stands
// between storage and the real PostgreSQL (connections reset, new ones refused).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
  StorageService,
} from "@gifmesh/shared/contracts";
import { freePort, startTcpProxy, waitFor, type TcpProxy } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, uniqueGroup, uniqueTopics } from "./helpers.ts";

let fixture: FixtureServer;
let database: { url: string; drop: () => Promise<void> };
let proxy: TcpProxy;
let child: ReturnType<typeof spawn>;
let output = "";
let rpcUrl: string;
let adminUrl: string;

beforeAll(async () => {
  [fixture, database] = await Promise.all([createFixtureServer({ port: 0 }), createTestDatabase()]);
  const real = new URL(database.url);
  proxy = await startTcpProxy({ targetPort: Number(real.port || 5432), startCut: true });
  const viaProxy = new URL(database.url);
  viaProxy.port = String(proxy.port);
  const [rpcPort, adminPort] = [await freePort(), await freePort()];
  rpcUrl = `http://127.0.0.1:${rpcPort}`;
  adminUrl = `http://127.0.0.1:${adminPort}`;
  const topics = uniqueTopics();
  child = spawn(process.execPath, [join(import.meta.dirname, "../src/main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      STORAGE_RPC_HOST: "127.0.0.1",
      STORAGE_RPC_PORT: String(rpcPort),
      ADMIN_HOST: "127.0.0.1",
      ADMIN_PORT: String(adminPort),
      DATABASE_URL: viaProxy.toString(),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
      KAFKA_RESULTS_GROUP: uniqueGroup("storage-pg-test"),
      TOPIC_ARCHIVE_REQUESTED: topics.requested,
      TOPIC_ARCHIVE_COMPLETED: topics.completed,
      TOPIC_ARCHIVE_FAILED: topics.failed,
      TOPIC_ARCHIVE_RESULTS_DLQ: topics.resultsDeadLetter,
      GIPHY_BASE_URL: fixture.baseUrl,
      HEALTH_PROBE_INTERVAL_MS: "200",
      OTEL_SDK_DISABLED: "true",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "5000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  await proxy.close();
  await Promise.all([fixture.close(), database.drop()]);
});

const transport = () => createGrpcTransport({ baseUrl: rpcUrl });

async function healthStatus(): Promise<Status | undefined> {
  try {
    return (await createClient(Health, transport()).check({}, { timeoutMs: 2_000 })).status;
  } catch {
    return undefined;
  }
}

async function readyz(): Promise<number | undefined> {
  try {
    return (await fetch(`${adminUrl}/readyz`)).status;
  } catch {
    return undefined;
  }
}

/** Waits for `check`; a timeout names what it waited for and ends with storage's output. */
const until = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) =>
  waitFor(what, check, {
    timeoutMs,
    details: () => `--- storage output ---\n${output.slice(-6_000)}`,
  });

describe("with PostgreSQL unreachable", () => {
  it("reports not serving, answers unavailable, never exits, and serves again once it is back", async () => {
    // Started before PostgreSQL is reachable: up, but not serving.
    await until("storage listening", async () => (await healthStatus()) !== undefined);
    expect(await healthStatus()).toBe(Status.NOT_SERVING);
    expect(await readyz()).toBe(503);

    await proxy.restore();
    await until(
      "SERVING after PostgreSQL appeared",
      async () => (await healthStatus()) === Status.SERVING,
    );
    await until("/readyz 200", async () => (await readyz()) === 200);
    const storage = createClient(StorageService, transport());
    expect((await storage.searchGifs({ query: "cat", limit: 3 })).gifs).toHaveLength(3);

    // A health Watch sees every transition.
    const watching = new AbortController();
    const seen: Status[] = [];
    const watch = (async () => {
      for await (const res of createClient(Health, transport()).watch(
        {},
        { signal: watching.signal },
      ))
        seen.push(res.status);
    })().catch(() => undefined);
    await until("watch SERVING", () => Promise.resolve(seen.at(-1) === Status.SERVING));

    await proxy.cut();
    await until("NOT_SERVING while cut", async () => (await healthStatus()) === Status.NOT_SERVING);
    // /readyz shows the admin server's own probe, which runs on its own schedule.
    await until("/readyz 503 while cut", async () => (await readyz()) === 503);
    const notReady = await fetch(`${adminUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { failing: string[] }).failing).toContain("postgres");
    const failure = await storage.searchGifs({ query: "dog", limit: 3 }).then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );
    expect(failure?.code).toBe(Code.Unavailable);
    expect(failure?.metadata.get("gifmesh-error-code")).toBe("DATABASE.UNAVAILABLE");
    expect(child.exitCode).toBeNull();

    await proxy.restore();
    await until("SERVING again", async () => (await healthStatus()) === Status.SERVING);
    await until("/readyz 200 again", async () => (await readyz()) === 200);
    expect((await storage.searchGifs({ query: "dog", limit: 3 })).gifs).toHaveLength(3);
    await until("watch saw the outage", () =>
      Promise.resolve(seen.at(-1) === Status.SERVING && seen.length >= 3),
    );
    expect(seen.slice(-3)).toEqual([Status.SERVING, Status.NOT_SERVING, Status.SERVING]);
    watching.abort();
    await watch;

    // Still the first process, and it stops cleanly.
    expect(child.exitCode).toBeNull();
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);
  });
});

import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/index.ts";
import { Counter, createMetrics } from "../metrics/index.ts";
import { startAdminServer, type AdminServer, type ReadinessCheck } from "./index.ts";

const logger = createLogger({ service: "admin-test", stream: new PassThrough(), level: "error" });
let server: AdminServer | undefined;

async function start(
  readiness: ReadinessCheck[] = [],
  checkTimeoutMs = 2_000,
): Promise<AdminServer> {
  const registry = createMetrics({ service: "admin-test", defaultMetrics: false });
  new Counter({ name: "admin_test_total", help: "x", registers: [registry] }).inc(2);
  server = await startAdminServer({
    host: "127.0.0.1",
    port: 0,
    registry,
    logger,
    readiness,
    checkTimeoutMs,
  });
  return server;
}

async function get(path: string): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(`${server?.url ?? ""}${path}`);
  const type = res.headers.get("content-type");
  const body: unknown = type?.startsWith("application/json") ? await res.json() : await res.text();
  return { status: res.status, body, type };
}

const ok = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startAdminServer", () => {
  it("listens on a free port and serves Prometheus text on /metrics", async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.type).toContain("text/plain");
    expect(res.body).toContain('admin_test_total{service="admin-test"} 2');
  });

  it("answers /healthz with ok until shutdown begins", async () => {
    const admin = await start();
    expect(await get("/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    admin.markShuttingDown();
    expect(await get("/healthz")).toMatchObject({ status: 503, body: { status: "shutting_down" } });
  });

  it("is ready when every check passes, and reports each one", async () => {
    await start([ok("postgres"), ok("kafka")]);
    const res = await get("/readyz");
    expect(res).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { postgres: { status: "ok" }, kafka: { status: "ok" } } },
    });
  });

  it("returns 503 naming the failing checks and their errors, timing out hung ones", async () => {
    let aborted = false;
    const hangs: ReadinessCheck = {
      name: "s3",
      check: (signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("aborted"));
          });
        }),
    };
    const fails: ReadinessCheck = {
      name: "kafka",
      check: () => Promise.reject(new Error("broker down at kafka://u:SECRETPW@h:9092")),
    };
    await start([ok("postgres"), fails, hangs], 100);
    const started = Date.now();
    const res = await get("/readyz");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: "not_ready",
      failing: ["kafka", "s3"],
      checks: {
        postgres: { status: "ok" },
        kafka: { status: "fail", error: "broker down at kafka://u:[REDACTED]@h:9092" },
        s3: { status: "fail", error: "timed out after 100 ms" },
      },
    });
    expect(aborted).toBe(true);
  });

  it("stays ready but reports 'degraded' when only an optional dependency fails", async () => {
    const redis: ReadinessCheck = {
      name: "redis",
      optional: true,
      check: () => Promise.reject(new Error("redis connecting")),
    };
    await start([ok("storage"), redis]);
    expect(await get("/readyz")).toMatchObject({
      status: 200,
      body: {
        status: "degraded",
        degraded: ["redis"],
        checks: { storage: { status: "ok" }, redis: { status: "fail", error: "redis connecting" } },
      },
    });
    expect((await get("/metrics")).body).toMatch(/^gifmesh_ready\{service="admin-test"\} 1$/m);
  });

  it("is not ready when a required check fails, even beside a failing optional one", async () => {
    await start([
      { name: "redis", optional: true, check: () => Promise.reject(new Error("down")) },
      { name: "storage", check: () => Promise.reject(new Error("unavailable")) },
    ]);
    expect(await get("/readyz")).toMatchObject({
      status: 503,
      body: { status: "not_ready", failing: ["storage"], degraded: ["redis"] },
    });
  });

  it("returns 503 on /readyz once shutdown began, without running checks", async () => {
    let runs = 0;
    const admin = await start([
      {
        name: "db",
        check: () =>
          Promise.resolve().then(() => {
            runs++;
          }),
      },
    ]);
    admin.markShuttingDown();
    expect(await get("/readyz")).toMatchObject({ status: 503, body: { status: "shutting_down" } });
    expect(runs).toBe(0);
  });

  it("exports gifmesh_ready from the readiness checks on each scrape", async () => {
    let up = false;
    await start([
      ok("a"),
      { name: "b", check: () => (up ? Promise.resolve() : Promise.reject(new Error("down"))) },
    ]);
    expect((await get("/metrics")).body).toMatch(/^gifmesh_ready\{service="admin-test"\} 0$/m);
    up = true;
    expect((await get("/metrics")).body).toMatch(/^gifmesh_ready\{service="admin-test"\} 1$/m);
    server?.markShuttingDown();
    expect((await get("/metrics")).body).toMatch(/^gifmesh_ready\{service="admin-test"\} 0$/m);
  });

  it("404s unknown paths, 405s other methods, and closes idempotently", async () => {
    const admin = await start();
    expect((await get("/nope")).status).toBe(404);
    expect((await fetch(`${admin.url}/healthz`, { method: "POST" })).status).toBe(405);
    await Promise.all([admin.close(), admin.close()]);
    await expect(fetch(`${admin.url}/healthz`)).rejects.toThrow();
  });
});

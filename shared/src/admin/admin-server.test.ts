// The admin server itself, on a real port, with real HTTP requests. Readiness is
// probed in the background, so the tests wait for the probe (expect.poll) rather
// than expecting a request to run the checks.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/index.ts";
import { Counter, createMetrics } from "../metrics/index.ts";
import { captureLogLines } from "../testing/log-lines.ts";
import {
  READINESS_CODE,
  startAdminServer,
  type AdminServer,
  type AdminServerOptions,
  type ReadinessCheck,
} from "./index.ts";

let server: AdminServer | undefined;
let logLines: Record<string, unknown>[] = [];

function captureLogger() {
  const captured = captureLogLines();
  logLines = captured.lines;
  return createLogger({ service: "admin-test", stream: captured.stream, level: "info" });
}

async function start(
  readiness: ReadinessCheck[] = [],
  options: Partial<AdminServerOptions> = {},
): Promise<AdminServer> {
  const registry = createMetrics({ service: "admin-test", defaultMetrics: false });
  new Counter({ name: "admin_test_total", help: "x", registers: [registry] }).inc(2);
  server = await startAdminServer({
    host: "127.0.0.1",
    port: 0,
    registry,
    logger: captureLogger(),
    readiness,
    checkTimeoutMs: 2_000,
    probeIntervalMs: 60_000,
    probeRetryIntervalMs: 60_000,
    ...options,
  });
  return server;
}

interface Answer {
  status: number;
  body: unknown;
  text: string;
  ms: number;
  headers: Headers;
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${server?.url ?? ""}${path}`, { headers });
  const text = await res.text();
  const json = res.headers.get("content-type")?.startsWith("application/json");
  return {
    status: res.status,
    body: json ? (JSON.parse(text) as unknown) : text,
    text,
    ms: performance.now() - started,
    headers: res.headers,
  };
}

const readyz = async () => (await get("/readyz")).body;
const readyGauge = async () =>
  /^gifmesh_ready\{service="admin-test"\} (\d)$/m.exec((await get("/metrics")).text)?.[1];
const ok = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });
/** A check that never settles and ignores its abort signal: the worst dependency. */
const hangsForever = (name: string, calls: { n: number }): ReadinessCheck => ({
  name,
  check: () => {
    calls.n++;
    return new Promise<void>(() => undefined);
  },
});

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
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(res.body).toContain('admin_test_total{service="admin-test"} 2');
  });

  it("answers /healthz with ok until shutdown begins", async () => {
    const admin = await start();
    expect(await get("/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    admin.markShuttingDown();
    expect(await get("/healthz")).toMatchObject({ status: 503, body: { status: "shutting_down" } });
  });

  it("says 'starting' until the first probe has finished", async () => {
    let release = (): void => undefined;
    const slow: ReadinessCheck = {
      name: "postgres",
      check: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const admin = await start([slow]);
    expect(await get("/readyz")).toMatchObject({
      status: 503,
      body: {
        status: "starting",
        failing: ["postgres"],
        checks: { postgres: { status: "fail", code: READINESS_CODE.notChecked } },
      },
    });
    release();
    await admin.readinessChecked;
    expect(await get("/readyz")).toMatchObject({ status: 200, body: { status: "ready" } });
  });

  it("is ready when every check passes, and reports each one", async () => {
    const admin = await start([ok("postgres"), ok("kafka")]);
    await admin.readinessChecked;
    const res = await get("/readyz");
    expect(res).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { postgres: { status: "ok" }, kafka: { status: "ok" } } },
    });
    expect(Date.parse((res.body as { checkedAt: string }).checkedAt)).not.toBeNaN();
  });

  it("answers codes, not dependency errors, and logs each cause once per change", async () => {
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
    let brokerUp = false;
    const kafka: ReadinessCheck = {
      name: "kafka",
      check: () =>
        brokerUp
          ? Promise.resolve()
          : Promise.reject(new Error("broker down at kafka://u:SECRETPW@10.0.0.7:9092")),
    };
    const admin = await start([ok("postgres"), kafka, hangs], {
      checkTimeoutMs: 100,
      probeRetryIntervalMs: 20,
    });
    await admin.readinessChecked;
    const res = await get("/readyz");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: "not_ready",
      failing: ["kafka", "s3"],
      checks: {
        postgres: { status: "ok", durationMs: expect.any(Number) as number },
        kafka: {
          status: "fail",
          code: "READINESS.FAILED",
          durationMs: expect.any(Number) as number,
        },
        s3: { status: "fail", code: "READINESS.TIMEOUT", durationMs: expect.any(Number) as number },
      },
      checkedAt: expect.any(String) as string,
    });
    for (const leak of ["broker", "SECRETPW", "10.0.0.7", "timed out", "aborted"])
      expect(res.text).not.toContain(leak);
    expect(aborted).toBe(true);

    // Several probe runs later, still one line per failing check, with the cause.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const failing = logLines.filter((l) => l.message === "readiness check failing");
    expect(failing).toEqual([
      expect.objectContaining({
        level: "warn",
        check: "kafka",
        code: "READINESS.FAILED",
        cause: "broker down at kafka://u:[REDACTED]@10.0.0.7:9092",
      }),
      expect.objectContaining({
        check: "s3",
        code: "READINESS.TIMEOUT",
        cause: "timed out after 100 ms",
      }),
    ]);
    brokerUp = true;
    await expect
      .poll(() => logLines.filter((l) => l.message === "readiness check ok"))
      .toEqual([expect.objectContaining({ level: "info", check: "kafka" })]);
    expect(JSON.stringify(logLines)).not.toContain("SECRETPW");
  });

  it("keeps /metrics and /readyz fast while a check hangs, and never stacks the hung check", async () => {
    const calls = { n: 0 };
    const admin = await start([ok("postgres"), hangsForever("storage", calls)], {
      checkTimeoutMs: 1_500,
      probeRetryIntervalMs: 10,
    });
    // Before the first probe has timed out, and after: every answer is immediate.
    const during = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(i % 2 === 0 ? "/metrics" : "/readyz")),
    );
    for (const res of during) expect(res.ms).toBeLessThan(500);
    expect(during[0]?.status).toBe(200);
    await admin.readinessChecked;
    const after = await get("/readyz");
    expect(after.ms).toBeLessThan(500);
    expect(after.body).toMatchObject({
      status: "not_ready",
      checks: { storage: { code: READINESS_CODE.timeout } },
    });
    // Later runs find the first call still pending and do not start another.
    await expect
      .poll(readyz)
      .toMatchObject({ checks: { storage: { code: READINESS_CODE.stillRunning } } });
    expect(calls.n).toBe(1);
    expect((await get("/metrics")).ms).toBeLessThan(500);
    expect(await readyGauge()).toBe("0");
  });

  it("runs no check for a scrape or a probe request", async () => {
    let runs = 0;
    const admin = await start([
      {
        name: "db",
        check: () => {
          runs++;
          return Promise.resolve();
        },
      },
    ]);
    await admin.readinessChecked;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => get(i % 2 === 0 ? "/metrics" : "/readyz")),
    );
    expect(runs).toBe(1);
  });

  it("stays ready but reports 'degraded' when only an optional dependency fails", async () => {
    const redis: ReadinessCheck = {
      name: "redis",
      optional: true,
      check: () => Promise.reject(new Error("redis connecting")),
    };
    const admin = await start([ok("storage"), redis]);
    await admin.readinessChecked;
    expect(await get("/readyz")).toMatchObject({
      status: 200,
      body: {
        status: "degraded",
        degraded: ["redis"],
        checks: { storage: { status: "ok" }, redis: { status: "fail", code: "READINESS.FAILED" } },
      },
    });
    expect(await readyGauge()).toBe("1");
  });

  it("is not ready when a required check fails, even beside a failing optional one", async () => {
    const admin = await start([
      { name: "redis", optional: true, check: () => Promise.reject(new Error("down")) },
      { name: "storage", check: () => Promise.reject(new Error("unavailable")) },
    ]);
    await admin.readinessChecked;
    expect(await get("/readyz")).toMatchObject({
      status: 503,
      body: { status: "not_ready", failing: ["storage"], degraded: ["redis"] },
    });
  });

  it("returns 503 on /readyz once shutdown began, and stops probing", async () => {
    let runs = 0;
    const admin = await start(
      [
        {
          name: "db",
          check: () => {
            runs++;
            return Promise.resolve();
          },
        },
      ],
      { probeIntervalMs: 10 },
    );
    await admin.readinessChecked;
    admin.markShuttingDown();
    const seen = runs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBeLessThanOrEqual(seen + 1); // at most the run already under way
    expect(await get("/readyz")).toMatchObject({ status: 503, body: { status: "shutting_down" } });
    expect(await readyGauge()).toBe("0");
  });

  it("exports gifmesh_ready from the last probe", async () => {
    let up = false;
    await start(
      [
        ok("a"),
        { name: "b", check: () => (up ? Promise.resolve() : Promise.reject(new Error("down"))) },
      ],
      { probeIntervalMs: 10, probeRetryIntervalMs: 10 },
    );
    await expect.poll(readyGauge).toBe("0");
    up = true;
    await expect.poll(readyGauge).toBe("1");
    server?.markShuttingDown();
    expect(await readyGauge()).toBe("0");
  });

  describe("with ADMIN_TOKEN", () => {
    const token = "metrics-token-0123456789";

    it("wants the bearer token on /metrics", async () => {
      await start([ok("db")], { token });
      for (const headers of [
        {} as Record<string, string>,
        { authorization: "Bearer wrong-token-0123456789" },
        { authorization: token },
      ]) {
        const res = await get("/metrics", headers);
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
        expect(res.text).not.toContain("admin_test_total");
      }
      const res = await get("/metrics", { authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      expect(res.text).toContain('admin_test_total{service="admin-test"} 2');
      expect((await get("/metrics", { authorization: `bearer ${token}` })).status).toBe(200);
    });

    it("leaves /healthz and /readyz open for the kubelet", async () => {
      const admin = await start([ok("db")], { token });
      await admin.readinessChecked;
      expect((await get("/healthz")).status).toBe(200);
      expect((await get("/readyz")).status).toBe(200);
    });
  });

  it("404s unknown paths, 405s other methods, and closes idempotently", async () => {
    const admin = await start();
    expect((await get("/nope")).status).toBe(404);
    expect((await fetch(`${admin.url}/healthz`, { method: "POST" })).status).toBe(405);
    await Promise.all([admin.close(), admin.close()]);
    await expect(fetch(`${admin.url}/healthz`)).rejects.toThrow();
  });

  it("answers 400 to a request target that is not a URL, without an error log", async () => {
    const admin = await start();
    const answer = await new Promise<string>((resolve, reject) => {
      // fetch cannot send such a target: write the request by hand.
      const socket = connect(Number(new URL(admin.url).port), "127.0.0.1");
      let received = "";
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("error", reject);
      socket.on("close", () => {
        resolve(received);
      });
      socket.end("GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    });
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect(logLines.filter((line) => line.level === "error")).toEqual([]);
  });
});

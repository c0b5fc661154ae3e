// spawnService against real child processes: readiness by an HTTP answer, a log line
// and a port; an early exit fails the wait at once with the child's output; stop()
// is SIGTERM, then SIGKILL after the grace for a child that ignores SIGTERM.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, tcpOpen } from "./ports.ts";
import { spawnService, startService } from "./service-process.ts";
import { createTempDir } from "./temp-dir.ts";

const dir = createTempDir("gifmesh-service-process-");
function script(name: string, source: string): string {
  const path = join(dir.path, `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}

const httpServer = script(
  "http",
  `import { createServer } from "node:http";
const server = createServer((req, res) => {
  res.statusCode = req.url === "/readyz" && process.env.READY === "yes" ? 200 : 503;
  res.end();
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening " + process.env.GREETING));
process.once("SIGTERM", () => server.close(() => process.exit(0)));`,
);

describe("spawnService", () => {
  it("waits for /readyz, passes the env, keeps stdout and stops with SIGTERM", async () => {
    const port = await freePort();
    const service = await spawnService({
      name: "http-ready",
      script: httpServer,
      env: { PORT: String(port), READY: "yes", GREETING: "hello", UNSET: undefined },
      ready: { url: `http://127.0.0.1:${String(port)}/readyz` },
      keepStdout: true,
    });
    expect(service.stdout()).toContain("listening hello");
    expect(service.exited()).toBeUndefined();
    await service.stop();
    expect(service.exited()).toBe("exit code 0");
    expect(await tcpOpen(port)).toBe(false);
  });

  it("is ready on a log line or an open port", async () => {
    const port = await freePort();
    const byLine = await spawnService({
      name: "http-line",
      script: httpServer,
      env: { PORT: String(port), GREETING: "by-line" },
      ready: { logLine: /listening by-line/ },
    });
    await byLine.stop();
    const byPort = await spawnService({
      name: "http-port",
      script: httpServer,
      env: { PORT: String(port) },
      ready: { port },
    });
    expect(await tcpOpen(port)).toBe(true);
    await byPort.stop();
  });

  it("fails at once with the output of a child that exits before it is ready", async () => {
    const dying = script("dying", `console.error("config invalid: PORT"); process.exit(3);`);
    const started = Date.now();
    await expect(
      spawnService({
        name: "dying",
        script: dying,
        ready: { logLine: /never/ },
        readyTimeoutMs: 30_000,
      }),
    ).rejects.toThrow(/dying ready: exited \(exit code 3\)[\s\S]*config invalid: PORT/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("times out a child that never gets ready, and stops it", async () => {
    const port = await freePort();
    await expect(
      spawnService({
        name: "never-ready",
        script: httpServer,
        env: { PORT: String(port), READY: "no" },
        ready: { url: `http://127.0.0.1:${String(port)}/readyz` },
        readyTimeoutMs: 1_500,
      }),
    ).rejects.toThrow(/never-ready ready: timed out after 1500 ms/);
    expect(await tcpOpen(port)).toBe(false);
  });

  it("kills a child that ignores SIGTERM once the grace is over", async () => {
    const stubborn = script(
      "stubborn",
      `process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000);`,
    );
    const service = startService({
      name: "stubborn",
      script: stubborn,
      ready: { logLine: /^up$/ },
      graceMs: 500,
    });
    await service.ready();
    const started = Date.now();
    await service.stop();
    expect(service.exited()).toBe("signal SIGKILL");
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(service.output()).toContain("ignoring SIGTERM");
  });
});

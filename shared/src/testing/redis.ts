// A private redis-server for outage tests (stop it while a service uses it), on a
// free port with no persistence, the flags of scripts/infra/up.sh. Never the
// shared one on :6379. Restart keeps the port (the data is gone: no persistence).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "./ports.ts";
import { startServerProcess, withOutput, type ServerProcess } from "./server-process.ts";

export interface PrivateRedis {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGTERM by default; `{ signal: "SIGKILL" }` for a crash. */
  stop(options?: { signal?: NodeJS.Signals }): Promise<void>;
  restart(): Promise<void>;
  output(): string;
  /** Stops it and removes its working dir. */
  close(): Promise<void>;
}

/** Starts redis-server (from PATH, Debian's package) on a free port. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gifmesh-redis-"));
  let server: ServerProcess | undefined;

  async function start(): Promise<void> {
    if (server !== undefined && server.exited() === undefined) return;
    const redis = startServerProcess("redis-server", "redis-server", [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--protected-mode",
      "yes",
      "--loglevel",
      "notice",
    ]);
    server = redis;
    try {
      await waitForPort(port, {
        name: "redis-server",
        timeoutMs: 15_000,
        failFast: () => redis.exited(),
      });
    } catch (error) {
      await redis.stop({ signal: "SIGKILL" });
      throw withOutput(redis, error);
    }
  }

  async function stop(options: { signal?: NodeJS.Signals } = {}): Promise<void> {
    await server?.stop({ ...options, graceMs: 10_000 });
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return server !== undefined && server.exited() === undefined;
    },
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    output: () => server?.output() ?? "",
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

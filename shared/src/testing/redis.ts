// A private redis-server for outage tests (stop it while a service uses it), on a
// free port with no persistence, the flags of scripts/infra/up.sh. Never the
// shared one on :6379. Restart keeps the port (the data is gone: no persistence).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";
import { startPrivateServer, untilListening, type PrivateServerLife } from "./private-server.ts";
import { startServerProcess } from "./server-process.ts";

export interface PrivateRedis extends PrivateServerLife {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
}

/** Starts redis-server (from PATH, Debian's package) on a free port. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gifmesh-redis-"));
  const args = [
    ["--bind", "127.0.0.1"],
    ["--port", String(port)],
    ["--dir", dir],
    ["--save", ""],
    ["--appendonly", "no"],
    ["--daemonize", "no"],
    ["--protected-mode", "yes"],
    ["--loglevel", "notice"],
  ].flat();
  return startPrivateServer(
    { url: `redis://127.0.0.1:${port}`, port },
    {
      launch: () => untilListening(startServerProcess("redis-server", "redis-server", args), port),
      graceMs: 10_000,
      dataDir: dir,
    },
  );
}

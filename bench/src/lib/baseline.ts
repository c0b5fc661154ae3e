// Every ratio the bench prints divides a gifmesh figure by a baseline server's,
// measured in the same run on the same machine: a bare server under bench/src/servers
// that answers with gifmesh's own bytes. This starts one on a free port.
import { join } from "node:path";
import { freePort, spawnNode, type Child } from "./proc.ts";

export interface Baseline {
  readonly url: string;
  readonly child: Child;
}

export async function startBaseline(options: {
  readonly root: string;
  readonly logDir: string;
  /** A file name under bench/src/servers, e.g. "raw-http.ts". */
  readonly server: string;
  readonly env: Readonly<Record<string, string>>;
}): Promise<Baseline> {
  const port = await freePort();
  const child = spawnNode({
    name: options.server.replace(/\.ts$/, ""),
    script: join(options.root, "bench/src/servers", options.server),
    logDir: options.logDir,
    env: { ...options.env, BENCH_PORT: String(port) },
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

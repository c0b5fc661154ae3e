// A private Prometheus for one test file: Debian's binary (the one `make up` runs,
// scripts/infra/observability.sh), on a free port, its data in a temp dir of the
// run, scraping the given targets every second with the project's alert and
// recording rules (deploy/observability/rules) loaded. Stopped and removed at the
// end of the file (cleanup.ts), also when a test fails.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createTempDir,
  deferCleanup,
  freePort,
  REPO_ROOT,
  startServerProcess,
  withOutput,
} from "@gifmesh/shared/testing";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";

export interface PrivatePrometheus {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (job name → host:port) and waits until it is ready. */
export async function startPrivatePrometheus(
  targets: Readonly<Record<string, string>>,
): Promise<PrivatePrometheus> {
  const dir = createTempDir("gifmesh-prometheus-");
  const port = await freePort();
  const jobs = Object.entries(targets)
    .map(
      ([job, target]) => `  - job_name: ${job}\n    static_configs: [{ targets: ["${target}"] }]`,
    )
    .join("\n");
  writeFileSync(
    join(dir.path, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      "rule_files:",
      `  - ${join(REPO_ROOT, "deploy/observability/rules")}/*.yml`,
      "scrape_configs:",
      jobs,
      "",
    ].join("\n"),
  );
  const server = startServerProcess("prometheus", PROMETHEUS_BIN, [
    `--config.file=${join(dir.path, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir.path, "data")}`,
    `--web.listen-address=127.0.0.1:${String(port)}`,
    "--log.level=warn",
  ]);
  // Stopped before its data dir goes (cleanups run newest first).
  const stop = deferCleanup("private prometheus", () => server.stop({ graceMs: 10_000 }));
  const url = `http://127.0.0.1:${String(port)}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (server.exited() !== undefined || Date.now() > deadline)
      throw withOutput(server, new Error(`prometheus not ready at ${url}`));
    await sleep(200);
  }
  return { url, stop };
}

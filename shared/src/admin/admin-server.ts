// The operations port of every service: Prometheus scrapes /metrics, the
// orchestrator probes /healthz (liveness) and /readyz (dependencies). It is a
// separate tiny node:http server so probes work even when the main port is busy.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge, type Registry } from "prom-client";
import { HTTP_SERVER_OPTIONS } from "../http/index.ts";
import { METRIC } from "../metrics/names.ts";
import type { Logger } from "../logging/index.ts";
import { runReadiness, type ReadinessCheck } from "./readiness.ts";

/** Options for {@link startAdminServer}. */
export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly readiness?: readonly ReadinessCheck[];
  /** Per-check timeout for /readyz; default 2000 ms. */
  readonly checkTimeoutMs?: number;
}

/** A running admin server. */
export interface AdminServer {
  /** Base URL, e.g. http://127.0.0.1:9466 */
  readonly url: string;
  /** From now on /healthz and /readyz answer 503, so traffic drains away. */
  markShuttingDown(): void;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(text);
}

/**
 * `gifmesh_ready` (1 ready, 0 not), evaluated on scrape from the same checks as
 * /readyz, so alerting on readiness needs no blackbox exporter. Registered once
 * per registry (a second admin server on it reuses the first one's gauge).
 */
function registerReadyGauge(registry: Registry, ready: () => Promise<boolean>): void {
  if (registry.getSingleMetric(METRIC.ready)) return;
  new Gauge({
    name: METRIC.ready,
    help: "1 when every readiness check passes (as /readyz), else 0",
    registers: [registry],
    async collect() {
      this.set((await ready()) ? 1 : 0);
    },
  });
}

/** Starts the admin server and resolves once it listens. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { registry, logger } = options;
  const checks = options.readiness ?? [];
  let shuttingDown = false;
  registerReadyGauge(registry, async () => {
    if (shuttingDown) return false;
    return (await runReadiness(checks, options.checkTimeoutMs ?? 2_000)).ready;
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://admin").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    switch (path) {
      case "/metrics": {
        const text = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType }).end(text);
        return;
      }
      case "/healthz":
        send(res, shuttingDown ? 503 : 200, { status: shuttingDown ? "shutting_down" : "ok" });
        return;
      case "/readyz": {
        if (shuttingDown) {
          send(res, 503, { status: "shutting_down" });
          return;
        }
        const report = await runReadiness(checks, options.checkTimeoutMs ?? 2_000);
        if (!report.ready) logger.warn("not ready", { failing: report.failing });
        const degraded = report.degraded.length > 0;
        send(res, report.ready ? 200 : 503, {
          status: report.ready ? (degraded ? "degraded" : "ready") : "not_ready",
          ...(report.ready ? {} : { failing: report.failing }),
          ...(degraded ? { degraded: report.degraded } : {}),
          checks: report.checks,
        });
        return;
      }
      default:
        send(res, 404, { status: "not_found" });
    }
  }

  // Prometheus reuses its connection every scrape (15 s): keep it longer than that.
  const server = createServer(HTTP_SERVER_OPTIONS, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error("admin request failed", { err: error, path: req.url });
      if (!res.headersSent) send(res, 500, { status: "error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info("admin server listening", { url, host: options.host, port });

  let closing: Promise<void> | undefined;
  return {
    url,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        shuttingDown = true;
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      })),
  };
}

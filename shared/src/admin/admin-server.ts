// The operations port of every service: Prometheus scrapes /metrics, the
// orchestrator probes /healthz (liveness) and /readyz (dependencies). It is a
// separate tiny node:http server so probes work even when the main port is busy.
// It listens on loopback unless told otherwise (ADMIN_HOST; Helm sets 0.0.0.0).
// Readiness is evaluated in the background (readiness-probe.ts): /readyz and the
// gifmesh_ready gauge read the last result, so no request runs a dependency check.
// With a token (ADMIN_TOKEN), /metrics wants `Authorization: Bearer <token>`, as a
// Prometheus scrape config can send (`authorization.credentials_file`). /healthz
// and /readyz stay open: the kubelet's httpGet probes can only send fixed headers
// written into the Pod spec, not a Secret, and what they answer is a closed set of
// states and codes (readiness.ts), nothing a caller could use.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge, type Registry } from "prom-client";
import { tokenMatches } from "../contracts/storage-rpc-auth.ts";
import { HTTP_SERVER_OPTIONS } from "../http/index.ts";
import { METRIC } from "../metrics/names.ts";
import type { Logger } from "../logging/index.ts";
import type { ReadinessCheck } from "./readiness.ts";
import { startReadinessProbe, type ReadinessState } from "./readiness-probe.ts";

/** Options for {@link startAdminServer}. */
export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly readiness?: readonly ReadinessCheck[];
  /** Per-check timeout; default 2000 ms. */
  readonly checkTimeoutMs?: number;
  /** Pause between readiness runs while ready; default 5000 ms. */
  readonly probeIntervalMs?: number;
  /** Pause between readiness runs while not ready; default 1000 ms. */
  readonly probeRetryIntervalMs?: number;
  /** When set, /metrics answers 401 unless `Authorization: Bearer <token>` (ADMIN_TOKEN). */
  readonly token?: string | undefined;
}

/** A running admin server. */
export interface AdminServer {
  /** Base URL, e.g. http://127.0.0.1:9466 */
  readonly url: string;
  /** From now on /healthz and /readyz answer 503, so traffic drains away. */
  markShuttingDown(): void;
  /** Resolves once the first readiness run has finished (before it, /readyz says "starting"). */
  readonly readinessChecked: Promise<void>;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(text);
}

/**
 * `gifmesh_ready` (1 ready, 0 not), from the same last readiness result as /readyz,
 * so alerting on readiness needs no blackbox exporter, and a scrape runs no check.
 * Registered once per registry (a second admin server on it reuses the first one's gauge).
 */
function registerReadyGauge(registry: Registry, ready: () => boolean): void {
  if (registry.getSingleMetric(METRIC.ready)) return;
  new Gauge({
    name: METRIC.ready,
    help: "1 when every required readiness check passed in the last probe (as /readyz), else 0",
    registers: [registry],
    collect() {
      this.set(ready() ? 1 : 0);
    },
  });
}

/** The /readyz answer for `state`: status code and a body of states and codes only. */
function readyzBody(state: ReadinessState): { status: number; body: Record<string, unknown> } {
  const { report, checkedAt } = state;
  const degraded = report.degraded.length > 0;
  const status = !checkedAt && !report.ready ? "starting" : report.ready ? "ready" : "not_ready";
  return {
    status: report.ready ? 200 : 503,
    body: {
      status: report.ready && degraded ? "degraded" : status,
      ...(report.ready ? {} : { failing: report.failing }),
      ...(degraded ? { degraded: report.degraded } : {}),
      checks: report.checks,
      ...(checkedAt ? { checkedAt: checkedAt.toISOString() } : {}),
    },
  };
}

/** Starts the admin server and resolves once it listens. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { registry, logger, token } = options;
  let shuttingDown = false;
  const probe = startReadinessProbe({
    checks: options.readiness ?? [],
    timeoutMs: options.checkTimeoutMs ?? 2_000,
    ...(options.probeIntervalMs === undefined ? {} : { intervalMs: options.probeIntervalMs }),
    ...(options.probeRetryIntervalMs === undefined
      ? {}
      : { retryIntervalMs: options.probeRetryIntervalMs }),
    logger,
  });
  registerReadyGauge(registry, () => !shuttingDown && probe.current().report.ready);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Node hands over any request target; one that is not a URL (`GET http://[`) is the
    // client's mistake: a 400, not a 500 with an error-level log per request.
    const path = URL.parse(req.url ?? "/", "http://admin")?.pathname;
    if (path === undefined) {
      send(res, 400, { status: "bad_request" });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    switch (path) {
      case "/metrics": {
        if (token !== undefined && !tokenMatches(token, req.headers.authorization)) {
          res.setHeader("www-authenticate", 'Bearer realm="metrics"');
          send(res, 401, { status: "unauthorized" });
          return;
        }
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
        const { status, body } = readyzBody(probe.current());
        send(res, status, body);
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
    server.once("error", (error) => {
      probe.stop();
      reject(error);
    });
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info("admin server listening", {
    url,
    host: options.host,
    port,
    metricsAuth: token === undefined ? "none" : "bearer",
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    readinessChecked: probe.firstRun,
    markShuttingDown: () => {
      shuttingDown = true;
      probe.stop();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        shuttingDown = true;
        probe.stop();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      })),
  };
}

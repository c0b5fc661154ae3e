// The fixture's HTTP server: routes the Giphy v1 API, the media files and the
// /__fixture control endpoints, applying fault switches and counting calls.
// `createFixtureServer({ port: 0 })` gives tests their own private instance.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GIPHY_FIXTURE_API_KEY } from "@gifmesh/shared/contracts";
import { HTTP_SERVER_OPTIONS } from "@gifmesh/shared/http";
import { setTimeout as sleep } from "node:timers/promises";
import { handleApi, endpointOf } from "./api/giphy-api.ts";
import { meta } from "./api/giphy-shape.ts";
import { createCatalogue, CATALOGUE_SIZE, type Catalogue } from "./catalogue/catalogue.ts";
import { createFaultSwitch, faultSchema, parseFaultHeader, type Fault } from "./faults.ts";
import { createMediaStore } from "./media/media-store.ts";
import { serveMedia } from "./media/media-routes.ts";
import { createStats, type FixtureStats } from "./stats.ts";

/** The key the fixture accepts unless told otherwise (storage's default). Not a secret. */
export const FIXTURE_API_KEY = GIPHY_FIXTURE_API_KEY;

export interface FixtureServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly apiKey?: string;
  /** Origin written into media URLs; default http://<host>:<port>. */
  readonly publicUrl?: string;
  /** Delay added to every API answer, in ms. */
  readonly latencyMs?: number;
  /** A fault active from the start. */
  readonly fault?: Fault;
  readonly catalogueSize?: number;
  /** Most bytes of rendered media kept in memory; default 64 MiB. */
  readonly mediaCacheBytes?: number;
}

export interface FixtureServer {
  /** Origin, e.g. http://127.0.0.1:8089 */
  readonly url: string;
  /** Giphy-style base URL ending in /v1/, for GIPHY_BASE_URL. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly port: number;
  readonly catalogue: Catalogue;
  setFault(fault: Fault): void;
  clearFault(): void;
  stats(): FixtureStats;
  /** Clears counters and faults. */
  reset(): void;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    })
    .end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function createFixtureServer(
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const host = options.host ?? "127.0.0.1";
  const apiKey = options.apiKey ?? FIXTURE_API_KEY;
  const catalogue = createCatalogue(options.catalogueSize ?? CATALOGUE_SIZE);
  const faults = createFaultSwitch(options.fault);
  const stats = createStats();
  const media = createMediaStore({
    ...(options.mediaCacheBytes === undefined ? {} : { maxBytes: options.mediaCacheBytes }),
    onRender: () => {
      stats.recordRender();
    },
  });
  let origin = options.publicUrl ?? "";

  async function applyFault(fault: Fault | undefined, res: ServerResponse): Promise<boolean> {
    if (fault === undefined) return false;
    if (fault.latencyMs !== undefined) await sleep(fault.latencyMs);
    if (fault.reset === true) return (void res.socket?.destroy(), true);
    if (fault.hang === true) return true;
    if (fault.status !== undefined) {
      sendJson(res, fault.status, {
        data: [],
        meta: meta(
          fault.status,
          fault.status === 429 ? "API rate limit exceeded" : "Fault injected",
          "",
        ),
      });
      return true;
    }
    if (fault.malformed === true) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"data": [{"id": 42, "images": "nope"}');
      return true;
    }
    return false;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const path = url.pathname;
    if (path.startsWith("/__fixture/")) return control(req, res, path);
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (path.startsWith("/media/")) {
      const fault =
        faults.take("media") ??
        parseFaultHeader(req.headers["x-fixture-fault"] as string | undefined);
      stats.record({ endpoint: "media", path, status: 200 }, fault !== undefined);
      if (await applyFault(fault, res)) return;
      serveMedia(catalogue, media, req, res, url);
      return;
    }
    const endpoint = endpointOf(path);
    if (endpoint === undefined || req.method !== "GET") {
      sendJson(res, 404, { data: [], meta: meta(404, "Not Found", "") });
      return;
    }
    const safe = new URL(url);
    safe.searchParams.delete("api_key");
    const fault =
      parseFaultHeader(req.headers["x-fixture-fault"] as string | undefined) ?? faults.take("api");
    const key = url.searchParams.get("api_key");
    const answer =
      key === null || key === ""
        ? { status: 401, body: { message: "No API key found in request" } }
        : key !== apiKey
          ? { status: 401, body: { data: [], meta: meta(401, "Unauthorized", "") } }
          : undefined;
    stats.record(
      {
        endpoint,
        path: safe.pathname + safe.search,
        status: fault?.status ?? answer?.status ?? 200,
      },
      fault !== undefined,
    );
    if (options.latencyMs !== undefined && options.latencyMs > 0) await sleep(options.latencyMs);
    if (await applyFault(fault, res)) return;
    if (answer !== undefined) {
      sendJson(res, answer.status, answer.body);
      return;
    }
    const response = handleApi(catalogue, endpoint, url, origin);
    if (fault?.synthetic === true && response.status === 200) {
      (response.body as { meta: { response_id: string } }).meta.response_id = "";
    }
    sendJson(res, response.status, response.body);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === "/__fixture/stats" && req.method === "GET") {
      sendJson(res, 200, stats.snapshot());
      return;
    }
    if (path === "/__fixture/faults" && req.method === "GET") {
      sendJson(res, 200, { fault: faults.current() ?? null });
      return;
    }
    if (path === "/__fixture/faults" && req.method === "DELETE") {
      faults.clear();
      sendJson(res, 200, { fault: null });
      return;
    }
    if (path === "/__fixture/reset" && req.method === "POST") {
      server.reset();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path === "/__fixture/faults" && req.method === "POST") {
      let parsed;
      try {
        parsed = faultSchema.safeParse(JSON.parse(await readBody(req)));
      } catch {
        sendJson(res, 400, { error: "body must be JSON" });
        return;
      }
      if (!parsed.success) {
        sendJson(res, 400, { error: "invalid fault", issues: parsed.error.issues });
        return;
      }
      faults.set(parsed.data);
      sendJson(res, 200, { fault: parsed.data });
      return;
    }
    sendJson(res, 404, { error: "unknown fixture control endpoint" });
  }

  // Same keep-alive rule as every gifmesh server: storage's and the bench's fetch
  // clients must close idle connections before the fixture does.
  const http = createServer(HTTP_SERVER_OPTIONS, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: err instanceof Error ? err.message : "error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  if (origin === "") origin = `http://${host}:${port}`;

  const server: FixtureServer = {
    url: origin,
    baseUrl: `${origin}/v1/`,
    apiKey,
    port,
    catalogue,
    setFault: (fault) => {
      faults.set(faultSchema.parse(fault));
    },
    clearFault: () => {
      faults.clear();
    },
    stats: () => stats.snapshot(),
    reset() {
      faults.clear();
      stats.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          resolve();
        });
      }),
  };
  return server;
}

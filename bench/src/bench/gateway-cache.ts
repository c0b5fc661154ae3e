// Gateway cache-hit search vs a raw node:http server answering the same bytes.
// Load comes from autocannon in a separate process; both servers and the client
// share the machine's cores, which caps both figures alike.
import { writeFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { METRIC } from "@gifmesh/shared/metrics";
import { startBaseline } from "../lib/baseline.ts";
import { runForJson, waitReady } from "../lib/proc.ts";

export interface HttpFigures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly requests: number;
}

export interface GatewayCacheResult {
  readonly path: string;
  readonly bodyBytes: number;
  readonly gateway: HttpFigures;
  readonly raw: HttpFigures;
  /** Share of the gateway's search lookups answered by L1 during the run. */
  readonly l1HitShare: number;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "date",
  "content-length",
]);

async function capture(
  url: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (typeof v === "string" && !HOP_BY_HOP.has(k)) headers[k] = v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    }).once("error", reject);
  });
}

async function l1Lookups(adminUrl: string): Promise<{ hit: number; total: number }> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let hit = 0;
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${METRIC.cacheLookups}{`) || !line.includes('level="l1"')) continue;
    const value = Number(line.split(" ").at(-1));
    total += value;
    if (line.includes('outcome="hit"')) hit += value;
  }
  return { hit, total };
}

export async function runGatewayCache(options: {
  root: string;
  logDir: string;
  gatewayUrl: string;
  gatewayAdminUrl: string;
  connections: number;
  durationS: number;
}): Promise<GatewayCacheResult> {
  const path = "/v1/gifs/search?q=cat";
  const url = options.gatewayUrl + path;
  await capture(url);
  const captured = await capture(url);
  const file = join(options.logDir, "raw-response.json");
  writeFileSync(
    file,
    JSON.stringify({
      status: captured.status,
      headers: captured.headers,
      bodyBase64: captured.body.toString("base64"),
    }),
  );
  const { url: rawUrl, child: raw } = await startBaseline({
    root: options.root,
    logDir: options.logDir,
    server: "raw-http.ts",
    env: { BENCH_RAW_RESPONSE: file },
  });
  await waitReady(rawUrl, raw);
  const client = join(options.root, "bench/src/clients/http-load.ts");
  const load = (target: string) =>
    runForJson<HttpFigures>(process.execPath, [client], {
      BENCH_URL: target,
      BENCH_CONNECTIONS: String(options.connections),
      BENCH_DURATION_S: String(options.durationS),
    });
  try {
    const rawFigures = await load(rawUrl + path);
    const before = await l1Lookups(options.gatewayAdminUrl);
    const gateway = await load(url);
    const after = await l1Lookups(options.gatewayAdminUrl);
    const total = after.total - before.total;
    return {
      path,
      bodyBytes: captured.body.length,
      gateway,
      raw: rawFigures,
      l1HitShare: total > 0 ? (after.hit - before.hit) / total : 0,
    };
  } finally {
    await raw.stop();
  }
}

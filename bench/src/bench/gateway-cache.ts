// Gateway cache-hit search vs a raw node:http server answering the same bytes, for
// each gateway configuration users run (gateway-configs.ts: production, make up,
// tracing off), in one run. Each configuration is its own gateway process on the
// stack's storage and Redis, measured right after a raw run with its own captured
// answer (raw, gateway, raw, gateway, ...), so each ratio compares two figures taken
// a few seconds apart on this shared machine. Load comes from autocannon in a
// separate process; servers and client share the cores, which caps both alike.
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { METRIC } from "@gifmesh/shared/metrics";
import { startBaseline } from "../lib/baseline.ts";
import { createRssSampler } from "../lib/memory.ts";
import { freePort, runForJson, spawnNode, waitReady, type Child } from "../lib/proc.ts";
import type { GatewayConfigName, GatewayConfiguration } from "./gateway-configs.ts";

export interface HttpFigures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly requests: number;
}

export interface GatewayRun {
  readonly name: GatewayConfigName;
  readonly summary: string;
  readonly gateway: HttpFigures;
  /** The raw server measured just before this configuration. */
  readonly raw: HttpFigures;
  /** Share of the gateway's search lookups answered by L1 during the run. */
  readonly l1HitShare: number;
  /** OTLP exports (requests) and bytes the stand-in collector got during the load. */
  readonly spanExports?: { readonly exports: number; readonly bytes: number };
  /** VmRSS (KiB) a few seconds after start, and the peak under load. */
  readonly rssIdleKib: number;
  readonly rssLoadKib: number;
}

export interface GatewayCacheResult {
  readonly path: string;
  readonly bodyBytes: number;
  readonly runs: readonly GatewayRun[];
}

/** Where the configuration gateways find the stack. */
export interface GatewayTarget {
  readonly storageUrl: string;
  readonly redisUrl: string;
  readonly s3Env: Readonly<Record<string, string>>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "date",
  "content-length",
]);

interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function capture(url: string, headers: Record<string, string>): Promise<Captured> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const kept: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (typeof v === "string" && !HOP_BY_HOP.has(k)) kept[k] = v;
        resolve({ status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks) });
      });
    })
      .once("error", reject)
      .end();
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

export interface GatewayCacheOptions {
  readonly root: string;
  readonly logDir: string;
  readonly target: GatewayTarget;
  readonly configurations: readonly GatewayConfiguration[];
  readonly connections: number;
  readonly durationS: number;
  /** --cpu-prof into the log directory, one file per configuration. */
  readonly profile: boolean;
  readonly log: (line: string) => void;
}

interface SinkStats {
  exports: number;
  bytes: number;
}

async function sinkStats(url: string): Promise<SinkStats> {
  return (await (await fetch(`${url}/stats`)).json()) as SinkStats;
}

async function startGateway(
  options: GatewayCacheOptions,
  config: GatewayConfiguration,
  sinkUrl: string | undefined,
): Promise<{ child: Child; url: string; adminUrl: string }> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${String(port)}`;
  const adminUrl = `http://127.0.0.1:${String(adminPort)}`;
  const profileDir = join(options.logDir, `profile-gateway-${config.name}`);
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  const child = spawnNode({
    name: `gateway-${config.name}`,
    script: join(options.root, "services/gateway/src/main.ts"),
    logDir: options.logDir,
    nodeArgs: [
      ...config.nodeArgs,
      ...(options.profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []),
    ],
    env: {
      ...options.target.s3Env,
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(port),
      ADMIN_HOST: "127.0.0.1",
      ADMIN_PORT: String(adminPort),
      PUBLIC_BASE_URL: url,
      STORAGE_URL: options.target.storageUrl,
      REDIS_URL: options.target.redisUrl,
      OTEL_SERVICE_NAME: `gateway-bench-${config.name}`,
      ...config.env,
      ...(sinkUrl === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl }),
    },
  });
  await waitReady(`${adminUrl}/readyz`, child);
  return { child, url, adminUrl };
}

async function runOne(
  options: GatewayCacheOptions,
  config: GatewayConfiguration,
  path: string,
): Promise<{ run: GatewayRun; bodyBytes: number }> {
  const client = join(options.root, "bench/src/clients/http-load.ts");
  const load = (target: string) =>
    runForJson<HttpFigures>(process.execPath, [client], {
      BENCH_URL: target,
      BENCH_CONNECTIONS: String(options.connections),
      BENCH_DURATION_S: String(options.durationS),
      BENCH_HEADERS: JSON.stringify(config.headers),
    });
  const sink =
    config.spans === "sink"
      ? await startBaseline({
          root: options.root,
          logDir: options.logDir,
          server: "otlp-sink.ts",
          env: {},
        })
      : undefined;
  if (sink !== undefined) await waitReady(`${sink.url}/stats`, sink.child);
  const gw = await startGateway(options, config, sink?.url).catch(async (error: unknown) => {
    await sink?.child.stop();
    throw error;
  });
  const sampler = createRssSampler(new Map([["gateway", gw.child.pid]]));
  try {
    // The first search fills storage, Redis and L1; the second shows what hits send.
    await capture(gw.url + path, config.headers);
    const captured = await capture(gw.url + path, config.headers);
    if (captured.status !== 200)
      throw new Error(`${config.name}: ${path} answered ${captured.status}`);
    const file = join(options.logDir, `raw-response-${config.name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        status: captured.status,
        headers: captured.headers,
        bodyBase64: captured.body.toString("base64"),
      }),
    );
    await sleep(2_000);
    const rssIdleKib = sampler.peak("idle", "gateway");
    const raw = await startBaseline({
      root: options.root,
      logDir: options.logDir,
      server: "raw-http.ts",
      env: { BENCH_RAW_RESPONSE: file },
    });
    let rawFigures: HttpFigures;
    try {
      await waitReady(raw.url, raw.child);
      rawFigures = await load(raw.url + path);
    } finally {
      await raw.child.stop();
    }
    sampler.setPhase("load");
    const before = await l1Lookups(gw.adminUrl);
    const sinkBefore = sink === undefined ? undefined : await sinkStats(sink.url);
    const gateway = await load(gw.url + path);
    const after = await l1Lookups(gw.adminUrl);
    const sinkAfter = sink === undefined ? undefined : await sinkStats(sink.url);
    sampler.stop();
    const total = after.total - before.total;
    const ratio = (gateway.rps / rawFigures.rps).toFixed(2);
    options.log(
      `    ${config.name}: ${gateway.rps.toFixed(0)} req/s vs raw ${rawFigures.rps.toFixed(0)} = ${ratio}; p99 ${String(gateway.p99Ms)} vs ${String(rawFigures.p99Ms)} ms`,
    );
    return {
      bodyBytes: captured.body.length,
      run: {
        name: config.name,
        summary: config.summary,
        gateway,
        raw: rawFigures,
        l1HitShare: total > 0 ? (after.hit - before.hit) / total : 0,
        ...(sinkBefore === undefined || sinkAfter === undefined
          ? {}
          : {
              spanExports: {
                exports: sinkAfter.exports - sinkBefore.exports,
                bytes: sinkAfter.bytes - sinkBefore.bytes,
              },
            }),
        rssIdleKib,
        rssLoadKib: sampler.peak("load", "gateway"),
      },
    };
  } finally {
    sampler.stop();
    await gw.child.stop();
    await sink?.child.stop();
  }
}

export async function runGatewayCache(options: GatewayCacheOptions): Promise<GatewayCacheResult> {
  const path = "/v1/gifs/search?q=cat";
  const runs: GatewayRun[] = [];
  let bodyBytes = 0;
  for (const config of options.configurations) {
    const one = await runOne(options, config, path);
    runs.push(one.run);
    bodyBytes = one.bodyBytes;
  }
  return { path, bodyBytes, runs };
}

// `make load`: a scenario runner against a running gateway (default the `make up`
// stack on :8080). Knobs (env or --flag=value): LOAD_URL, LOAD_DURATION_S (30),
// LOAD_CONCURRENCY (16), LOAD_RATE (req/s over all workers, default 100; 0 = as fast
// as possible), LOAD_CLIENTS (16), LOAD_MIX ("search=60,trending=10,gif=20,media=10"),
// LOAD_ZIPF_S (1.1), LOAD_API_KEY.
// With a rate, latency is measured from each request's scheduled start, so a slow
// server cannot hide its queueing (no coordinated omission).
// The gateway limits each client (its IP in open mode) to RATE_LIMIT_MAX per window,
// 600 a minute by default: one client sending the whole load would measure the rate
// limiter. So the load comes from LOAD_CLIENTS clients, each with its own loopback
// source address (127.0.0.2, .3, ...) when the gateway is on 127.x; the default
// 100 req/s is then about 6 req/s per client, inside the limit.
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { createLatencies, fmt, type Latencies } from "../lib/stats.ts";
import {
  createIdPool,
  createMix,
  createZipf,
  queryVocabulary,
  ENDPOINTS,
  type Endpoint,
} from "./scenario.ts";

const flags = new Map(
  process.argv.slice(2).flatMap((arg) => {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    return m?.[1] !== undefined && m[2] !== undefined
      ? [[m[1].replace(/-/g, "_").toUpperCase(), m[2]]]
      : [];
  }),
);
const opt = (name: string, fallback: string): string =>
  flags.get(name) ?? process.env[`LOAD_${name}`] ?? fallback;
const baseUrl = opt("URL", "http://127.0.0.1:8080");
const durationS = Number(opt("DURATION_S", "30"));
const concurrency = Number(opt("CONCURRENCY", "16"));
const rate = Number(opt("RATE", "100"));
const clients = Math.max(1, Math.min(250, Number(opt("CLIENTS", "16"))));
const mix = createMix(opt("MIX", "search=60,trending=10,gif=20,media=10"));
const apiKey = opt("API_KEY", "");
const vocabulary = queryVocabulary();
const zipf = createZipf(vocabulary.length, Number(opt("ZIPF_S", "1.1")));
const ids = createIdPool();
// Source addresses only for an IPv4 loopback target (all of 127/8 is local on Linux).
const ownAddresses = /^127\.\d+\.\d+\.\d+$/.test(new URL(baseUrl).hostname);
const pools = Array.from(
  { length: clients },
  (_, i) =>
    new Pool(baseUrl, {
      connections: Math.ceil(concurrency / clients),
      pipelining: 1,
      ...(ownAddresses ? { localAddress: `127.0.0.${String(2 + i)}` } : {}),
    }),
);

interface Stats {
  latencies: Latencies;
  statuses: Map<string, number>;
}
const stats = new Map<string, Stats>();
const statsOf = (name: string): Stats => {
  let s = stats.get(name);
  if (!s) stats.set(name, (s = { latencies: createLatencies(), statuses: new Map() }));
  return s;
};
let done = 0;
let errors = 0;

function pathFor(endpoint: Endpoint): { name: string; path: string } {
  const id = ids.pick();
  const key = apiKey ? `&api_key=${encodeURIComponent(apiKey)}` : "";
  if (endpoint === "gif" && id) return { name: "gif", path: `/v1/gifs/${id}?${key.slice(1)}` };
  if (endpoint === "media" && id) return { name: "media", path: `/media/gifs/${id}` };
  if (endpoint === "trending")
    return { name: "trending", path: `/v1/gifs/trending?limit=25${key}` };
  const q = encodeURIComponent(vocabulary[zipf()] ?? "cat");
  return { name: "search", path: `/v1/gifs/search?q=${q}&limit=25${key}` };
}

function notArchived(body: Buffer): boolean {
  try {
    const json = JSON.parse(body.toString("utf8")) as { meta?: { error_code?: unknown } };
    return json.meta?.error_code === "MEDIA.NOT_ARCHIVED";
  } catch {
    return false;
  }
}

async function request(
  pool: Pool,
  name: string,
  path: string,
  scheduled: number,
): Promise<string | undefined> {
  const s = statsOf(name);
  try {
    const res = await pool.request({ method: "GET", path });
    const body = Buffer.from(await res.body.arrayBuffer());
    s.latencies.record(performance.now() - scheduled);
    // A GIF the load just discovered may not be archived yet: its documented answer is
    // 404 MEDIA.NOT_ARCHIVED (the archive is asynchronous), not a failure.
    const pending = name === "media" && res.statusCode === 404 && notArchived(body);
    const status = pending ? "404-not-archived" : String(res.statusCode);
    s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
    if (res.statusCode >= 400 && !pending) errors++;
    if (res.statusCode === 200 && (name === "search" || name === "trending" || name === "gif")) {
      const json = JSON.parse(body.toString("utf8")) as { data: { id: string } | { id: string }[] };
      for (const gif of Array.isArray(json.data) ? json.data : [json.data]) ids.add(gif.id);
    }
    const location = res.headers.location;
    return res.statusCode === 302 &&
      typeof location === "string" &&
      location.includes("/media/sha256/")
      ? new URL(location, baseUrl).pathname
      : undefined;
  } catch (error) {
    errors++;
    const code = (error as { code?: string }).code ?? "ERROR";
    s.statuses.set(code, (s.statuses.get(code) ?? 0) + 1);
    return undefined;
  } finally {
    done++;
  }
}

const start = performance.now();
const end = start + durationS * 1_000;
let ticket = 0;
async function worker(pool: Pool): Promise<void> {
  for (;;) {
    const scheduled = rate > 0 ? start + (ticket++ * 1_000) / rate : performance.now();
    if (scheduled >= end) return;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    const { name, path } = pathFor(mix());
    const file = await request(pool, name, path, scheduled);
    if (file !== undefined) await request(pool, "media-file", file, performance.now());
  }
}

const from = ownAddresses ? ` from 127.0.0.2-${String(1 + clients)}` : " sharing one address";
console.log(
  `load: ${baseUrl} for ${durationS} s, ${clients} clients${from}, concurrency ${concurrency}, rate ${rate > 0 ? `${rate}/s` : "unlimited"}, ${vocabulary.length} query terms`,
);
let last = { at: start, done: 0 };
const progress = setInterval(() => {
  const now = performance.now();
  const search = statsOf("search").latencies.summary();
  console.log(
    `  ${((now - start) / 1_000).toFixed(0).padStart(4)} s  ${fmt(((done - last.done) * 1_000) / (now - last.at)).padStart(7)} req/s  total ${done}  errors ${errors}  search p99 ${fmt(search.p99Ms)} ms  ids ${ids.size}`,
  );
  last = { at: now, done };
}, 2_000);
// Worker i is a connection of client i % clients.
await Promise.all(
  Array.from({ length: concurrency }, (_, i) => worker(pools[i % clients] as Pool)),
);
clearInterval(progress);
const seconds = (performance.now() - start) / 1_000;
await Promise.all(pools.map((pool) => pool.close()));

console.log(
  `\nsummary: ${done} requests in ${seconds.toFixed(1)} s = ${fmt(done / seconds)} req/s, ${errors} errors`,
);
console.log("endpoint     count    req/s   p50 ms   p90 ms   p99 ms   max ms  statuses");
for (const name of [...ENDPOINTS, "media-file"]) {
  const s = stats.get(name);
  if (!s) continue;
  const l = s.latencies.summary();
  const statuses = [...s.statuses].map(([k, v]) => `${k}:${v}`).join(" ");
  console.log(
    `${name.padEnd(10)} ${String(l.count).padStart(7)} ${fmt(l.count / seconds).padStart(8)} ${fmt(l.p50Ms).padStart(8)} ${fmt(l.p90Ms).padStart(8)} ${fmt(l.p99Ms).padStart(8)} ${fmt(l.maxMs).padStart(8)}  ${statuses}`,
  );
}
if (errors > 0) process.exitCode = 1;

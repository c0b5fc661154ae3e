// Renders bench/RESULTS.md: machine, command, settings, each figure beside its
// same-run baseline with the ratio, memory, and the hand-written analysis
// (bench/ANALYSIS.md) appended as is, so a re-run keeps it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ColdSearchResult } from "./bench/cold-search.ts";
import type { GatewayCacheResult } from "./bench/gateway-cache.ts";
import type { GatewayConfigName } from "./bench/gateway-configs.ts";
import type { PipelineResult } from "./bench/pipeline.ts";
import type { StorageRpcResult } from "./bench/storage-rpc.ts";
import type { Machine } from "./lib/machine.ts";
import type { TreeMemory } from "./lib/memory.ts";
import { fmt, mib, ratio, type LatencySummary } from "./lib/stats.ts";

export interface RawPipelineResult {
  readonly gifs: number;
  readonly completed: number;
  readonly copiedPayloads: number;
  readonly meanPayloadBytes: number;
  readonly totalGifBytes: number;
  readonly seconds: number;
  readonly gifsPerS: number;
  readonly latency: LatencySummary;
}

export interface ResultsInput {
  readonly machine: Machine;
  readonly settings: Record<string, unknown>;
  readonly command: string;
  readonly seconds: number;
  readonly pipeline: PipelineResult;
  readonly raw: RawPipelineResult;
  readonly gateway: GatewayCacheResult;
  readonly rpc: StorageRpcResult;
  readonly cold: ColdSearchResult;
  readonly memory: {
    readonly services: readonly {
      name: string;
      idle: number;
      pipeline: number;
      rpc: number;
    }[];
    readonly infraIdle: ReadonlyMap<string, TreeMemory>;
    readonly infraLoaded: ReadonlyMap<string, TreeMemory>;
  };
}

const verdict = (r: number, target: number): string =>
  r >= target ? `≥ ${target} ✔` : `≥ ${target} ✘ (missed)`;
const atMost = (ms: number, target: number): string =>
  ms <= target ? `≤ ${target} ms ✔` : `≤ ${target} ms ✘ (missed)`;

/** Idle ≤ 150 MiB and under load ≤ 250 MiB (KiB in). */
const memVerdict = (idleKib: number, loadKib: number): string =>
  idleKib <= 150 * 1024 && loadKib <= 250 * 1024 ? "≤ 150 / 250 ✔" : "≤ 150 / 250 ✘ (missed)";

const GATEWAY_TARGETS: Readonly<Record<GatewayConfigName, number | undefined>> = {
  production: 0.8,
  local: 0.5,
  off: undefined,
};

/** One req/s row and one latency row per configuration. */
function gatewayRows(g: GatewayCacheResult): string[] {
  return g.runs.flatMap((r) => {
    const target = GATEWAY_TARGETS[r.name];
    const p99 = r.gateway.p99Ms / r.raw.p99Ms;
    return [
      `| gateway cache-hit \`GET ${g.path}\` (${fmt(g.bodyBytes)} B body), **${r.name}** configuration, req/s | ${fmt(r.gateway.rps)} | ${fmt(r.raw.rps)} (raw node:http, same bytes, measured just before) | ${ratio(r.gateway.rps, r.raw.rps)} | ${target === undefined ? "(reference)" : verdict(r.gateway.rps / r.raw.rps, target)} |`,
      `| … ${r.name}: p50 / p99 latency, ms | ${fmt(r.gateway.p50Ms)} / ${fmt(r.gateway.p99Ms)} | ${fmt(r.raw.p50Ms)} / ${fmt(r.raw.p99Ms)} | p99 ×${ratio(r.gateway.p99Ms, r.raw.p99Ms)} | ${target === undefined ? "" : p99 <= 2 ? "p99 ≤ 2× ✔" : "p99 ≤ 2× ✘ (missed)"} |`,
    ];
  });
}

function gatewayDetails(g: GatewayCacheResult, settings: Record<string, unknown>): string[] {
  return [
    `- gateway: autocannon, ${String(settings.connections)} connections, keep-alive, no Accept-Encoding (identity bodies), ${String(settings.durationS)} s after a 2 s warm-up, the raw server first, then the gateway, per configuration. Configurations (bench/src/bench/gateway-configs.ts):`,
    ...g.runs.map(
      (r) =>
        `  - **${r.name}**: ${r.summary}. Non-2xx ${r.gateway.non2xx}, errors ${r.gateway.errors}; L1 hit share of search lookups ${(r.l1HitShare * 100).toFixed(1)} % (L1 TTL 5 s, then one Redis/L2 refresh)${r.spanExports === undefined ? "" : `; spans to the stand-in collector (bench/src/servers/otlp-sink.ts): ${fmt(r.spanExports.exports)} OTLP exports, ${fmt(r.spanExports.bytes / 1024)} KiB during the load`}.`,
    ),
  ];
}

/** BENCH_ONLY=gateway: the gateway rows alone. */
export function renderGatewayOnly(input: {
  machine: Machine;
  settings: Record<string, unknown>;
  gateway: GatewayCacheResult;
}): string {
  const g = input.gateway;
  return [
    `gateway only, ${input.machine.date}, settings \`${JSON.stringify(input.settings)}\``,
    "",
    "| benchmark | gifmesh | baseline | ratio | target |",
    "|---|---|---|---|---|",
    ...gatewayRows(g),
    "",
    ...gatewayDetails(g, input.settings),
    "",
    ...g.runs.map(
      (r) =>
        `- ${r.name}: gateway RSS idle ${mib(r.rssIdleKib)} MiB, under load ${mib(r.rssLoadKib)} MiB`,
    ),
    "",
  ].join("\n");
}

export function renderResults(input: ResultsInput): string {
  const { machine: m, gateway: g, rpc, pipeline: p, raw, cold } = input;
  const coldOverMs = cold.gateway.p50Ms - cold.fixture.p50Ms;
  const f = p.fixture;
  const pRatio = p.gifsPerS / raw.gifsPerS;
  const lines = [
    "# gifmesh benchmarks",
    "",
    "Generated by `make bench` (`bash scripts/bench/run.sh` → `node bench/src/run.ts`). Do not edit by hand;",
    "the analysis at the end comes from `bench/ANALYSIS.md`.",
    "",
    "## Machine and run",
    "",
    `- ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGib} GiB memory, ${m.kernel}, Node ${m.node}`,
    `- run ${m.date}, took ${fmt(input.seconds)} s; command: \`${input.command}\``,
    `- settings: \`${JSON.stringify(input.settings)}\``,
    "- every server, every load generator and the orchestrator are separate processes on these same",
    `  ${m.nproc} cores (plus the infrastructure): client and server compete for CPU, in the baseline as in gifmesh.`,
    "- the services are private instances (own database, topics, groups, bucket, Redis, ports); storage and",
    "  the file worker trace only with BENCH_TRACING=1, LOG_LEVEL=info (access logs on, as in production), with",
    "  make up's memory settings (NODE_OPTIONS --max-semi-space-size=8, MALLOC_ARENA_MAX=2, as the images).",
    "  The gateway cache-hit runs use one gateway process per configuration users run (below).",
    "",
    "## Figures against same-run baselines",
    "",
    "| benchmark | gifmesh | baseline | ratio | target |",
    "|---|---|---|---|---|",
    ...gatewayRows(g),
    `| storage \`GetGif\` over gRPC (${fmt(rpc.responseBytes)} B answer), req/s | ${fmt(rpc.storage.rps)} | ${fmt(rpc.noop.rps)} (no-op handler, same server setup) | ${ratio(rpc.storage.rps, rpc.noop.rps)} | (none set) |`,
    `| storage \`GetGif\` p50 / p99, ms | ${fmt(rpc.storage.p50Ms)} / ${fmt(rpc.storage.p99Ms)} | ${fmt(rpc.noop.p50Ms)} / ${fmt(rpc.noop.p99Ms)} | | |`,
    `| archive pipeline, ${fmt(p.gifs)} distinct GIFs, GIFs/s | ${fmt(p.gifsPerS)} | ${fmt(raw.gifsPerS)} (Kafka ×2 + S3 PUT, no gifmesh code) | ${ratio(p.gifsPerS, raw.gifsPerS)} | ${verdict(pRatio, 0.5)} |`,
    `| archive pipeline p50 / p99 latency, ms | ${fmt(p.latency.p50Ms)} / ${fmt(p.latency.p99Ms)} (search → archived) | ${fmt(raw.latency.p50Ms)} / ${fmt(raw.latency.p99Ms)} (produce → result consumed) | | |`,
    `| cold search (nothing cached, limit ${String(cold.limit)}): p50 / p99, ms | ${fmt(cold.gateway.p50Ms)} / ${fmt(cold.gateway.p99Ms)} | ${fmt(cold.fixture.p50Ms)} / ${fmt(cold.fixture.p99Ms)} (the Giphy fixture answering a never-seen page itself) | p50 +${fmt(coldOverMs)} ms | ${coldOverMs <= 15 ? "≤ +15 ms ✔" : "≤ +15 ms ✘ (missed)"} |`,
    `| Giphy fixture, first answer to a never-seen page (limit ${f.limit}): first after start / p50 / max, ms | ${fmt(f.firstMs)} / ${fmt(f.latency.p50Ms)} / ${fmt(f.latency.maxMs)} | | | ${atMost(Math.max(f.firstMs, f.latency.maxMs), 50)} |`,
    "",
    "Details:",
    "",
    ...gatewayDetails(g, input.settings),
    `- storage RPC: ${String(input.settings.rpcConcurrency)} concurrent calls on one HTTP/2 session (createGrpcTransport), id ${rpc.gifId}; errors ${rpc.storage.errors} / ${rpc.noop.errors}.`,
    `- pipeline: ${p.searches} gateway searches (limit 50, 4 at a time, all issued at once) returned ${p.gifs} distinct GIFs; ${p.archived} archived, ${p.failed} failed, in ${fmt(p.seconds)} s from the first search to the last archived row. Latency is per GIF, from the start of the search that first returned it to the moment storage's transaction set \`archive_state\` (a trigger in the bench's own database stamps \`clock_timestamp()\`). Because all searches are issued at once, latency is dominated by queueing: p99 ≈ N / throughput.`,
    `- Giphy fixture: freshly started, asked for each of the pipeline's ${f.latency.count} pages once, one at a time, before anything else asked it (time to the whole JSON body, over one keep-alive connection opened by a \`/healthz\` call). The API had rendered ${f.rendered} media files by then: it reports sizes without rendering. The ${fmt(f.ids.length)} originals were then rendered into its cache in ${fmt(f.prerenderMs / 1_000)} s, untimed.`,
    `- cold search: ${String(cold.pairs)} pairs, one request at a time, after the pipeline (every GIF already known and archived, so a cold page costs a search, not archive requests): the fixture asked directly for a page it never answered, then gifmesh for another (the same word at limit ${String(cold.limit)}, the next offset), which its gateway, storage and PostgreSQL never held: gateway → storage RPC → PostgreSQL miss → Giphy fixture → stored → answered. ${cold.notMiss === 0 ? "Every gifmesh answer was `X-Cache: MISS`." : `${String(cold.notMiss)} gifmesh answers were not \`X-Cache: MISS\`: not cold, the figure is too low.`}`,
    `- raw pipeline: ${raw.completed}/${raw.gifs} completed in ${fmt(raw.seconds)} s; request payloads copied from the gifmesh run's own topic (${raw.copiedPayloads} copied, mean ${fmt(raw.meanPayloadBytes)} B), the same ${fmt(raw.totalGifBytes / 1024 / 1024)} MiB of GIF bytes PUT to S3 (versitygw), results produced and consumed; 6 partitions, every message of a batch PUT concurrently. It excludes the download from the Giphy fixture, which gifmesh has to do (the fixture renders a file on its first download, so the bench pre-renders every original before timing: Giphy's CPU is not ours).`,
    "",
    "## Memory (VmRSS, MiB)",
    "",
    "Peak of each service's VmRSS sampled every 200 ms, per phase.",
    "",
    "| service | idle | archive pipeline | storage RPC load | target |",
    "|---|---|---|---|---|",
    ...input.memory.services.map(
      (s) =>
        `| ${s.name} | ${mib(s.idle)} | ${mib(s.pipeline)} | ${mib(s.rpc)} | ${memVerdict(s.idle, Math.max(s.pipeline, s.rpc))} |`,
    ),
    ...g.runs.map(
      (r) =>
        `| gateway, ${r.name} configuration (its own process) | ${mib(r.rssIdleKib)} | | cache-hit load: ${mib(r.rssLoadKib)} | ${memVerdict(r.rssIdleKib, r.rssLoadKib)} |`,
    ),
    "",
    "Infrastructure (shared servers, pid from `.data/run/*.pid`, whole process tree: PostgreSQL has one backend per",
    "connection). RSS counts shared pages once per process, so a tree's RSS sum overstates; PSS splits them fairly.",
    "",
    "| server | processes | RSS idle | RSS after pipeline | PSS after pipeline |",
    "|---|---|---|---|---|",
  ];
  let idleTotal = input.memory.services.reduce((s, x) => s + x.idle, 0);
  let loadedTotal = input.memory.services.reduce(
    (s, x) =>
      s +
      Math.max(x.pipeline, x.rpc, ...(x.name === "gateway" ? g.runs.map((r) => r.rssLoadKib) : [])),
    0,
  );
  let pssTotal = 0;
  for (const [name, idle] of input.memory.infraIdle) {
    const loaded = input.memory.infraLoaded.get(name) ?? idle;
    idleTotal += idle.rssKib;
    loadedTotal += loaded.rssKib;
    pssTotal += loaded.pssKib;
    lines.push(
      `| ${name} | ${loaded.processes} | ${mib(idle.rssKib)} | ${mib(loaded.rssKib)} | ${mib(loaded.pssKib)} |`,
    );
  }
  lines.push(
    "",
    `Whole stack (3 services + infrastructure; the bench's private Redis and the Giphy fixture excluded): **${mib(idleTotal)} MiB idle, ${mib(loadedTotal)} MiB under load** (RSS sums; infrastructure PSS ${mib(pssTotal)} MiB).`,
    "",
  );
  const analysis = join(import.meta.dirname, "../ANALYSIS.md");
  if (existsSync(analysis)) lines.push(readFileSync(analysis, "utf8"));
  return `${lines.join("\n")}\n`;
}

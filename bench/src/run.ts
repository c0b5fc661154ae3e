// `make bench`: a private stack on the shared infrastructure, five benchmarks each
// next to a baseline measured in the same run, and bench/RESULTS.md.
// Knobs (env): BENCH_GIFS, BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_RPC_CONCURRENCY,
// BENCH_PIPELINE_TIMEOUT_S, BENCH_TRACING=1 (the stack's own services),
// BENCH_PROFILE=gateway,storage,..., BENCH_OUT, BENCH_GATEWAY_CONFIGS=production,local,off
// (gateway-configs.ts) and BENCH_ONLY=gateway (only the gateway cache-hit runs, for
// iterating on the gateway; it writes no RESULTS.md unless BENCH_OUT names a file).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runColdSearch } from "./bench/cold-search.ts";
import { runGatewayCache, type GatewayCacheResult } from "./bench/gateway-cache.ts";
import {
  GATEWAY_CONFIG_NAMES,
  gatewayConfigurations,
  makeUpMemoryEnv,
  type GatewayConfigName,
} from "./bench/gateway-configs.ts";
import { planSearches, runPipeline } from "./bench/pipeline.ts";
import { runStorageRpc } from "./bench/storage-rpc.ts";
import { machine } from "./lib/machine.ts";
import { createRssSampler, infraPids, treeMemory, type TreeMemory } from "./lib/memory.ts";
import { runForJson } from "./lib/proc.ts";
import { startStack } from "./lib/stack.ts";
import { renderGatewayOnly, renderResults, type RawPipelineResult } from "./report.ts";

const env = process.env;
const root = resolve(import.meta.dirname, "../..");
const num = (name: string, fallback: number): number => Number(env[name] ?? fallback);
const settings = {
  gifs: num("BENCH_GIFS", 2_000),
  durationS: num("BENCH_DURATION_S", 10),
  connections: num("BENCH_CONNECTIONS", 32),
  rpcConcurrency: num("BENCH_RPC_CONCURRENCY", 32),
  pipelineTimeoutS: num("BENCH_PIPELINE_TIMEOUT_S", 180),
  tracing: env.BENCH_TRACING === "1",
  profile: (env.BENCH_PROFILE ?? "").split(",").filter((s) => s.length > 0),
  gatewayConfigs: (env.BENCH_GATEWAY_CONFIGS ?? GATEWAY_CONFIG_NAMES.join(","))
    .split(",")
    .filter((name): name is GatewayConfigName =>
      (GATEWAY_CONFIG_NAMES as readonly string[]).includes(name),
    ),
  only: env.BENCH_ONLY ?? "",
};
const dataDir = env.GIFMESH_DATA ?? join(root, ".data");
const logDir = join(dataDir, "bench", new Date().toISOString().replace(/[:.]/g, "-"));
mkdirSync(logDir, { recursive: true });
const log = (line: string): void => {
  console.log(line);
};
const started = Date.now();

log(`==> private stack (logs in ${logDir})`);
const stack = await startStack({
  root,
  logDir,
  catalogueSize: settings.gifs,
  env: {
    ...makeUpMemoryEnv(root, logDir),
    OTEL_SDK_DISABLED: settings.tracing ? "false" : "true",
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? "info",
  },
  nodeArgs: Object.fromEntries(
    settings.profile.map((name) => [name, ["--cpu-prof", "--cpu-prof-dir", logDir]]),
  ),
});
try {
  const services = new Map(
    ["gateway", "storage", "file-worker"].map((name) => [name, stack.children.get(name)?.pid ?? 0]),
  );
  const sampler = createRssSampler(services);
  const gatewayBench = () => {
    log(
      `==> gateway cache-hit search vs raw node:http (${settings.durationS} s each): ${settings.gatewayConfigs.join(", ")}`,
    );
    return runGatewayCache({
      root,
      logDir,
      target: stack.gatewayTarget,
      configurations: gatewayConfigurations(root, logDir, settings.gatewayConfigs),
      connections: settings.connections,
      durationS: settings.durationS,
      profile: settings.profile.includes("gateway"),
      log,
    });
  };
  if (settings.only === "gateway") {
    const gateway = await gatewayBench();
    const markdown = renderGatewayOnly({ machine: machine(), settings, gateway });
    log(markdown);
    if (env.BENCH_OUT !== undefined) writeFileSync(env.BENCH_OUT, markdown);
  } else await fullRun(services, sampler, gatewayBench);
} catch (error) {
  console.error("!! benchmark failed:", error);
  process.exitCode = 1;
} finally {
  await stack.stop();
}

/** Every benchmark, then bench/RESULTS.md (or BENCH_OUT). */
async function fullRun(
  services: ReadonlyMap<string, number>,
  sampler: ReturnType<typeof createRssSampler>,
  gatewayBench: () => Promise<GatewayCacheResult>,
): Promise<void> {
  const infra = infraPids(dataDir);
  await sleep(3_000);
  const infraIdle = new Map<string, TreeMemory>([...infra].map(([n, pid]) => [n, treeMemory(pid)]));
  sampler.setPhase("pipeline");

  log(`==> archive pipeline: ${settings.gifs} distinct GIFs, search → archived`);
  const pipeline = await runPipeline({
    gatewayUrl: stack.gatewayUrl,
    fixtureUrl: stack.fixtureUrl,
    databaseUrl: stack.databaseUrl,
    catalogueSize: settings.gifs,
    timeoutS: settings.pipelineTimeoutS,
    log,
  });
  const infraLoaded = new Map<string, TreeMemory>(
    [...infra].map(([n, pid]) => [n, treeMemory(pid)]),
  );
  sampler.setPhase("raw");
  log("==> raw pipeline baseline: Kafka produce/consume + S3 PUT, no gifmesh code");
  const idsFile = join(logDir, "ids.json");
  writeFileSync(idsFile, JSON.stringify(pipeline.ids));
  const raw = await runForJson<RawPipelineResult>(
    process.execPath,
    [join(root, "bench/src/clients/raw-pipeline.ts")],
    {
      BENCH_IDS_FILE: idsFile,
      BENCH_FIXTURE_URL: stack.fixtureUrl,
      BENCH_RUN_ID: stack.id,
      BENCH_SOURCE_REQUESTED: stack.topics.requested,
      BENCH_SOURCE_COMPLETED: stack.topics.completed,
      BENCH_TIMEOUT_S: String(settings.pipelineTimeoutS),
    },
  );

  log("==> cold search: never-seen pages through gifmesh vs the Giphy fixture answering itself");
  const cold = await runColdSearch({
    gatewayUrl: stack.gatewayUrl,
    fixtureUrl: stack.fixtureUrl,
    plan: planSearches(settings.gifs),
    log,
  });

  sampler.setPhase("gateway");
  const gateway = await gatewayBench();
  sampler.setPhase("rpc");
  log(`==> storage GetGif over gRPC vs no-op Connect handler (${settings.durationS} s each)`);
  const rpc = await runStorageRpc({
    root,
    logDir,
    storageUrl: stack.storageUrl,
    gifId: pipeline.ids[0] ?? "",
    concurrency: settings.rpcConcurrency,
    durationS: settings.durationS,
  });
  sampler.stop();
  const memory = {
    services: [...services.keys()].map((name) => ({
      name,
      idle: sampler.peak("idle", name),
      pipeline: sampler.peak("pipeline", name),
      rpc: sampler.peak("rpc", name),
    })),
    infraIdle,
    infraLoaded,
  };
  const markdown = renderResults({
    machine: machine(),
    settings,
    command: "make bench",
    seconds: (Date.now() - started) / 1_000,
    pipeline,
    raw,
    gateway,
    rpc,
    cold,
    memory,
  });
  const out = env.BENCH_OUT ?? join(root, "bench/RESULTS.md");
  writeFileSync(out, markdown);
  log(markdown);
  log(`==> wrote ${out} in ${((Date.now() - started) / 1_000).toFixed(0)} s`);
}

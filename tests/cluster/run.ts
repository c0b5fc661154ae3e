// `node tests/cluster/run.ts` (make test-cluster, through scripts/cluster/test.sh, which
// starts and removes the 3-broker cluster around it): the scale-out proof. gifmesh with
// two gateways behind HAProxy, two storages and two file workers on a 3-broker cluster
// (topics RF 3, min.insync.replicas 2), under a steady search load, through broker loss,
// a rolling restart of every service, one of the brokers, and single links cut. One row
// per fault in the fault suite's table (tests/faults/report.ts, from its truth reader and
// traffic generator). Exit 1 when a GIF is lost, an object duplicated, a user saw a 5xx,
// or a fault's own check failed (no resync, a message published twice).
//
// Knobs: CLUSTER_QUICK=1 (shorter outages), CLUSTER_ONLY=k,p,... (some faults), the
// FAULTS_* load settings of tests/faults/config.ts, CLUSTER_BUDGET_MS (faults not
// started once it is spent fail their row; default 510 s, the whole target is ≤ 12 min).
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { REPO_ROOT } from "@gifmesh/shared/testing";
import { loadDurations } from "../faults/config.ts";
import type { Row } from "../faults/report.ts";
import {
  envNumber,
  finishRun,
  runAsScript,
  runPhases,
  startRunTraffic,
  useRunDirectories,
} from "../faults/run-support.ts";
import { createTruthReader } from "../faults/truth.ts";
import { clusterFromEnv } from "./cluster.ts";
import { RESERVED_PAGES, buildClusterFaults, type ClusterDurations } from "./faults.ts";
import { startClusterStack, type ClusterStack } from "./stack.ts";

const out = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const { logDir, tmpDir: runTmp } = useRunDirectories("cluster", process.env.CLUSTER_LOG_DIR);
function clusterDurations(): ClusterDurations {
  const quick = process.env.CLUSTER_QUICK === "1";
  return {
    brokerDownMs: envNumber("CLUSTER_BROKER_DOWN_MS", quick ? 10_000 : 20_000),
    brokerPauseMs: envNumber("CLUSTER_BROKER_PAUSE_MS", quick ? 10_000 : 30_000),
    storageKafkaCutMs: envNumber("CLUSTER_STORAGE_KAFKA_CUT_MS", quick ? 10_000 : 30_000),
    linkCutMs: envNumber("CLUSTER_LINK_CUT_MS", quick ? 6_000 : 15_000),
    brokerStopTimeoutMs: envNumber("CLUSTER_BROKER_STOP_TIMEOUT_MS", 60_000),
    resyncTimeoutMs: envNumber("CLUSTER_RESYNC_TIMEOUT_MS", 120_000),
  };
}

/** What was tested, in plain sight: the brokers and the topic layout, from Kafka's own tools. */
async function printCluster(stack: ClusterStack): Promise<void> {
  const { stdout } = await promisify(execFile)(
    "bash",
    [join(REPO_ROOT, "scripts/cluster/status.sh")],
    {
      timeout: 60_000,
    },
  );
  out(stdout.trimEnd());
  const layout = await stack.cluster.layout(Object.values(ARCHIVE_TOPICS));
  for (const topic of Object.values(ARCHIVE_TOPICS)) {
    const parts = layout.filter((p) => p.topic === topic);
    const rf = new Set(parts.map((p) => p.replicas.length));
    const isr = parts.map((p) => String(p.isr.length));
    out(
      `  ${topic}: ${String(parts.length)} partitions, replication factor ${[...rf].join("/")}, ` +
        `ISR sizes ${isr.join(",")}, leaders ${parts.map((p) => String(p.leader)).join(",")}`,
    );
  }
}

async function main(): Promise<number> {
  // Less archive work per phase than the fault suite (whose defaults are for one
  // instance of each on an idle machine): twice the processes share the same 2 cores
  // here, and the whole run must stay within its budget.
  process.env.FAULTS_CATALOGUE_SIZE ??= "900";

  process.env.FAULTS_WARMUP_MS ??= "10000";
  const durations = loadDurations();
  const cd = clusterDurations();
  const budgetMs = envNumber("CLUSTER_BUDGET_MS", 510_000);
  const only = process.env.CLUSTER_ONLY?.split(",").filter((s) => s !== "");
  out(
    `cluster runner: ${JSON.stringify({ ...cd, rate: durations.rate, warmupMs: durations.warmupMs })}`,
  );
  const cluster = clusterFromEnv();
  out(`starting two of every service on the cluster ${cluster.brokers.join(",")}...`);
  const stack = await startClusterStack(cluster, durations, runTmp, logDir);
  out(`stack ready after ${elapsed()}; users reach ${stack.gatewayUrl} (HAProxy → 2 gateways)`);
  let code = 2;
  try {
    await printCluster(stack);
    code = await runFaults(stack, durations, cd, only, budgetMs);
    return code;
  } finally {
    await stack.close();
    if (code === 0) rmSync(logDir, { recursive: true, force: true });
  }
}

async function runFaults(
  stack: ClusterStack,
  durations: ReturnType<typeof loadDurations>,
  cd: ClusterDurations,
  only: readonly string[] | undefined,
  budgetMs: number,
): Promise<number> {
  const truth = createTruthReader(stack);
  const { traffic, baseline } = startRunTraffic(stack.gatewayUrl, durations);
  const faults = buildClusterFaults(cd).filter((f) => only?.includes(f.id) ?? true);
  let phases: { rows: Row[]; notes: string[] };
  try {
    phases = await runPhases({
      faults: [baseline, ...faults],
      inject: (fault, hooks) => fault.inject({ stack, traffic, truth, durations, ...hooks }),
      traffic,
      truth,
      reservedPages: RESERVED_PAGES,
      // 10 new pages a phase: about 150 new GIFs in the first and 40-60 in the later ones,
      // so every phase has archive work in flight and the last bursts still find unseen
      // GIFs (the catalogue of 900 is 96 % seen after 100 pages).
      freshPagesPerPhase: envNumber("CLUSTER_FRESH_PAGES_PER_PHASE", 10),
      settleTimeoutMs: durations.settleTimeoutMs,
      budget: { startedAt: started, ms: budgetMs },
      // Re-publications in this phase (at-least-once delivery: harmless to the result,
      // as objects are content-addressed and storage applies each event once).
      afterPhase: (_fault, settled, previous, note) => {
        const republished =
          (settled.topicMessages[ARCHIVE_TOPICS.requested] ?? 0) -
          settled.outboxRows -
          ((previous?.topicMessages[ARCHIVE_TOPICS.requested] ?? 0) - (previous?.outboxRows ?? 0));
        note(`requested messages re-published in this phase: ${String(republished)}`);
      },
      out,
      elapsed,
    });
  } finally {
    await traffic.stop();
  }
  const { rows, notes } = phases;
  return finishRun({ name: "cluster runner", rows, notes, truth, traffic, logDir, out, elapsed });
}

runAsScript("cluster runner", main, logDir);

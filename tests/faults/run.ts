// `node tests/faults/run.ts` (make test-faults): the fault-injection suite.
// A plain Node script, not a vitest file: it is one long scenario whose product is a
// table, with phases that depend on each other, and it must stay out of the
// integration project (which picks up tests/**/*.int.test.ts). Exit code 1 when any
// GIF is lost, any object is duplicated, or a user saw a 5xx the design rules out.
import { rmSync } from "node:fs";
import { loadDurations, type Durations } from "./config.ts";
import { RESERVED_PAGES, buildFaults } from "./faults.ts";
import type { Row } from "./report.ts";
import { startFaultStack, type FaultStack } from "./stack.ts";
import {
  finishRun,
  runAsScript,
  runPhases,
  startRunTraffic,
  useRunDirectories,
} from "./run-support.ts";
import { createTruthReader } from "./truth.ts";

const out = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const { logDir } = useRunDirectories("faults", process.env.FAULTS_LOG_DIR);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

async function main(): Promise<number> {
  const durations = loadDurations();
  const only = process.env.FAULTS_ONLY?.split(",").filter((s) => s !== "");
  out(`fault suite: ${JSON.stringify(durations)}`);
  out("starting a private stack (Kafka, Redis, versitygw, PostgreSQL, fixture, services)...");
  const stack = await startFaultStack(durations);
  out(`stack ready after ${elapsed()}; gateway ${stack.gatewayUrl}`);
  let code = 2;
  try {
    code = await runFaults(stack, durations, only);
    return code;
  } finally {
    await stack.close();
    // The logs are kept only when they are needed.
    if (code === 0) rmSync(logDir, { recursive: true, force: true });
  }
}

async function runFaults(
  stack: FaultStack,
  durations: Durations,
  only: readonly string[] | undefined,
): Promise<number> {
  const truth = createTruthReader(stack);
  const { traffic, baseline } = startRunTraffic(stack.gatewayUrl, durations);
  const faults = [baseline, ...buildFaults(durations).filter((f) => only?.includes(f.id) ?? true)];
  let phases: { rows: Row[]; notes: string[] };
  try {
    phases = await runPhases({
      faults,
      inject: (fault, hooks) => fault.inject({ stack, traffic, truth, durations, ...hooks }),
      traffic,
      truth,
      reservedPages: RESERVED_PAGES,
      settleTimeoutMs: durations.settleTimeoutMs,
      onUnsettled: () => {
        out(stack.logs());
      },
      out,
      elapsed,
    });
  } finally {
    await traffic.stop();
  }
  const { rows, notes } = phases;
  return finishRun({ name: "fault suite", rows, notes, truth, traffic, logDir, out, elapsed });
}

runAsScript("fault suite", main, logDir);

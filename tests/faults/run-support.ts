// What the fault suite and the cluster runner both need around their phases: a run's
// own log and temp directories, the number knobs they read from the environment, and
// the wait until the system has settled after a fault, and the report at the end.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "@gifmesh/shared/testing";
import { printDiagnosis } from "./diagnosis.ts";
import { printReport, rowPasses, type Row } from "./report.ts";
import type { Durations } from "./config.ts";
import type { Fault } from "./faults.ts";
import { buildPages, startTraffic, type Traffic } from "./traffic.ts";
import type { Truth, TruthReader } from "./truth.ts";

/**
 * Points the run's children at their own directories, inherited through the environment:
 * - GIFMESH_TEST_LOG_DIR: every private server and service appends its whole output
 *   there (server-process.ts); kept when the run fails, removed when it passes;
 * - TMPDIR: a temp dir of the run's own (the workers' spools, the JVM's native
 *   libraries, HAProxy's sockets), removed whatever happens.
 */
export function useRunDirectories(
  name: string,
  logDirOverride: string | undefined,
): { readonly logDir: string; readonly tmpDir: string } {
  const logDir =
    logDirOverride ??
    join(
      process.env.GIFMESH_DATA ?? join(REPO_ROOT, ".data"),
      "test-logs",
      `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    );
  process.env.GIFMESH_TEST_LOG_DIR = logDir;
  const runTmp = mkdtempSync(join(tmpdir(), `gifmesh-${name}-`));
  chmodSync(runTmp, 0o755); // the private PostgreSQL runs as the postgres user
  process.env.TMPDIR = runTmp;
  process.once("exit", () => {
    rmSync(runTmp, { recursive: true, force: true });
  });
  return { logDir, tmpDir: runTmp };
}

/** A number knob from the environment: unset or empty gives `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

/** Waits (bounded) until nothing is pending: outbox sent, workers caught up, no GIF pending. */
export async function settle(
  truth: TruthReader,
  timeoutMs: number,
): Promise<{ truth: Truth; ms: number }> {
  const t0 = Date.now();
  let last: Truth | undefined;
  for (;;) {
    try {
      last = await truth.read();
      // Orphans too: an object is uploaded before its GIF is marked archived, so one
      // seen mid-flight must be gone (referenced) once the system has settled.
      if (
        last.pending === 0 &&
        last.outboxUnsent === 0 &&
        last.workerLag === 0 &&
        last.orphanObjects.length === 0
      )
        return { truth: last, ms: Date.now() - t0 };
    } catch {
      // a server or broker just came back; read again
    }
    if (Date.now() - t0 > timeoutMs && last !== undefined)
      return { truth: last, ms: Date.now() - t0 };
    await sleep(1_000);
  }
}

/** The line a phase logs once the system has settled after its fault. */
export function settledLine(id: string, settled: { truth: Truth; ms: number }): string {
  const { truth } = settled;
  return (
    `(${id}) settled in ${(settled.ms / 1000).toFixed(1)} s: ` +
    `accepted ${String(truth.accepted)}, archived ${String(truth.archived)}, ` +
    `failed ${String(truth.failed)}, pending ${String(truth.pending)}`
  );
}

/**
 * After the last phase: every object's bytes checked against its key, the table, and
 * for a failed run the diagnosis of each failing row from the kept logs. Returns the
 * exit code (0 passed, 1 failed).
 */
export async function finishRun(run: {
  readonly name: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
  readonly truth: TruthReader;
  readonly traffic: Traffic;
  readonly logDir: string;
  readonly out: (line: string) => void;
  readonly elapsed: () => string;
}): Promise<number> {
  const { rows, truth, out } = run;
  out(`[${run.elapsed()}] verifying every object's bytes against its key...`);
  const badContent = await truth.verifyContent();
  const final = await truth.read();
  const ok = printReport({
    rows,
    notes: run.notes,
    final,
    badContent,
    out,
    fresh: run.traffic.freshLeft,
  });
  truth.close();
  if (!ok)
    printDiagnosis({
      logDir: run.logDir,
      out,
      failures: rows
        .filter((row) => !rowPasses(row))
        .map((row) => ({
          phase: row.fault.id,
          title: row.fault.title,
          // A failed check (no recovery) is explained by every failure, allowed or not.
          requests: row.counts.failures.filter(
            (f) => row.problems.length > 0 || !row.fault.allowed5xx.includes(f.status),
          ),
        })),
    });
  out(`${run.name} ${ok ? "PASSED" : "FAILED"} in ${run.elapsed()}`);
  return ok ? 0 : 1;
}

/**
 * Runs a runner's `main` as the process: its result is the exit code; SIGINT and SIGTERM
 * exit 130 (process.exit runs the exit hooks that stop every private server and child);
 * a crash exits 2 and says where the logs are kept.
 */
export function runAsScript(name: string, main: () => Promise<number>, logDir: string): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      process.exit(130);
    });
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${name} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` +
          `logs of every private server and service are kept in ${logDir}\n`,
      );
      process.exit(2);
    },
  );
}

/** What a fault may do besides failing its row: evidence, and checks once settled. */
/**
 * The steady search load of a run, through `gatewayUrl`, and the phase every run starts
 * with: no fault, only the warm-up, so the first row shows the system before any fault.
 */
export function startRunTraffic(
  gatewayUrl: string,
  durations: Durations,
): { traffic: Traffic; baseline: Fault } {
  const traffic = startTraffic({
    gatewayUrl,
    pages: buildPages(durations.catalogueSize),
    rate: durations.rate,
    concurrency: durations.concurrency,
    catalogueSize: durations.catalogueSize,
  });
  const baseline: Fault = {
    id: "-",
    title: "baseline (no fault)",
    allowed5xx: [],
    inject: () => sleep(durations.warmupMs),
  };
  return { traffic, baseline };
}

export interface PhaseHooks {
  /** Adds a line to the fault's evidence (printed under the table). */
  readonly note: (line: string) => void;
  /** Fails the fault's row with this reason (the run goes on). */
  readonly fail: (reason: string) => void;
  /** A check of the settled state against the previous phase's. */
  readonly afterSettle: (check: (settled: Truth, previous: Truth | undefined) => void) => void;
}

/**
 * The phases of a run, one row each, under the steady load of `traffic`: the fault is
 * injected with its share of fresh pages, the system settles (bounded), and the row
 * records what users saw and what the system holds. A fault that throws fails its own
 * row; with a budget, faults not started in time fail theirs without running.
 */
export async function runPhases<F extends Fault>(run: {
  readonly faults: readonly F[];
  readonly inject: (fault: F, hooks: PhaseHooks) => Promise<void>;
  readonly traffic: Traffic;
  readonly truth: TruthReader;
  /** Fresh pages kept back for the faults' own bursts. */
  readonly reservedPages: number;
  /**
   * At most this many never-asked pages per phase (default: the rest shared out evenly).
   * Fewer keep unseen GIFs in the catalogue for the late phases' bursts.
   */
  readonly freshPagesPerPhase?: number;
  readonly settleTimeoutMs: number;
  readonly budget?: { readonly startedAt: number; readonly ms: number };
  /** After a phase settled, before its row is written (e.g. a note on re-publications). */
  readonly afterPhase?: (
    fault: F,
    settled: Truth,
    previous: Truth | undefined,
    note: (line: string) => void,
  ) => void;
  /** Called when a phase did not settle (e.g. to print the children's recent output). */
  readonly onUnsettled?: () => void;
  readonly out: (line: string) => void;
  readonly elapsed: () => string;
}): Promise<{ rows: Row[]; notes: string[] }> {
  const { traffic, truth, out, elapsed, budget } = run;
  const rows: Row[] = [];
  const notes: string[] = [];
  const pagesPerPhase = Math.max(
    1,
    Math.min(
      run.freshPagesPerPhase ?? Number.POSITIVE_INFINITY,
      Math.floor((traffic.freshLeft - run.reservedPages) / run.faults.length),
    ),
  );
  let previous: Truth | undefined;
  for (const fault of run.faults) {
    const problems: string[] = [];
    const checks: ((settled: Truth, previous: Truth | undefined) => void)[] = [];
    const note = (line: string) => notes.push(`(${fault.id}) ${line}`);
    const t0 = Date.now();
    if (budget !== undefined && t0 - budget.startedAt > budget.ms) {
      problems.push(`not run: the runner's ${String(budget.ms / 1000)} s budget was spent`);
    } else {
      out(`[${elapsed()}] (${fault.id}) ${fault.title}: injecting`);
      traffic.setPhase(fault.id);
      traffic.setFreshBudget(pagesPerPhase);
      try {
        await run.inject(fault, {
          note,
          fail: (reason) => problems.push(reason),
          afterSettle: (check) => checks.push(check),
        });
      } catch (error) {
        problems.push(
          `injection failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    traffic.setFreshBudget(0);
    // With a budget, bounded by what is left of it too (a minute of grace, at least 10 s).
    const timeoutMs =
      budget === undefined
        ? run.settleTimeoutMs
        : Math.max(
            10_000,
            Math.min(run.settleTimeoutMs, budget.ms + 60_000 - (Date.now() - budget.startedAt)),
          );
    const settled = await settle(truth, timeoutMs);
    for (const check of checks) check(settled.truth, previous);
    run.afterPhase?.(fault, settled.truth, previous, note);
    const unknown = await truth.unknownIds(traffic.seenIds);
    rows.push({
      fault,
      counts: traffic.counts(fault.id),
      truth: settled.truth,
      previous,
      unknownIds: unknown.length,
      problems,
      faultMs: Date.now() - t0 - settled.ms,
      settleMs: settled.ms,
    });
    previous = settled.truth;
    out(`[${elapsed()}] ${settledLine(fault.id, settled)}`);
    if (settled.truth.pending > 0) run.onUnsettled?.();
  }
  return { rows, notes };
}

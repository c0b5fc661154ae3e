// Evaluates readiness in the background, on a timer, and keeps the last result.
// /readyz and the gifmesh_ready gauge read that result; neither runs a check. So a
// scrape costs the same whatever the dependencies do, a slow dependency cannot make
// scrapes or probes slow, and a burst of requests to the admin port cannot turn
// into a burst of queries against PostgreSQL, Kafka or S3. Runs never overlap (the
// next starts after the last has finished), each check is bounded by its timeout,
// and a check that ignores its abort signal is not started again while it hangs.
// Each check's failure is logged once when its state changes, with the cause.
import type { Logger } from "../logging/index.ts";
import {
  READINESS_CODE,
  runReadiness,
  type ReadinessCheck,
  type ReadinessReport,
  type RunningChecks,
} from "./readiness.ts";

/** Options for {@link startReadinessProbe}. */
export interface ReadinessProbeOptions {
  readonly checks: readonly ReadinessCheck[];
  /** Per-check timeout (a check's own `timeoutMs` wins). */
  readonly timeoutMs: number;
  /** Pause between runs while ready or degraded; default 5000 ms. */
  readonly intervalMs?: number;
  /** Pause between runs while not ready, so recovery shows quickly; default 1000 ms. */
  readonly retryIntervalMs?: number;
  readonly logger: Logger;
}

/** The last finished evaluation. */
export interface ReadinessState {
  readonly report: ReadinessReport;
  /** When it finished; undefined before the first run has. */
  readonly checkedAt?: Date;
}

/** A running probe. */
export interface ReadinessProbe {
  /** The latest state; before the first run finishes, every check is NOT_CHECKED. */
  current(): ReadinessState;
  /** Resolves once the first run has finished. */
  readonly firstRun: Promise<void>;
  /** Stops the timer; a run in progress finishes but schedules no other. */
  stop(): void;
}

/** The report before any check ran: nothing known, so not ready (unless nothing to check). */
function notChecked(checks: readonly ReadinessCheck[]): ReadinessReport {
  const required = checks.filter((check) => !(check.optional ?? false)).map((c) => c.name);
  const optional = checks.filter((check) => check.optional ?? false).map((c) => c.name);
  const result = { status: "fail", code: READINESS_CODE.notChecked, durationMs: 0 } as const;
  return {
    ready: required.length === 0,
    failing: required,
    degraded: optional,
    checks: Object.fromEntries(checks.map((check) => [check.name, result])),
    causes: {},
  };
}

/** Logs each check whose state (ok, or its failure code) differs from the last run. */
function logChanges(
  logger: Logger,
  checks: readonly ReadinessCheck[],
  previous: ReadinessReport | undefined,
  next: ReadinessReport,
): void {
  for (const check of checks) {
    const before = previous?.checks[check.name];
    const after = next.checks[check.name];
    if (!after || (before?.status === after.status && before.code === after.code)) continue;
    if (after.status === "ok") {
      if (before) logger.info("readiness check ok", { check: check.name });
      continue;
    }
    logger.warn("readiness check failing", {
      check: check.name,
      code: after.code,
      optional: check.optional ?? false,
      cause: next.causes[check.name],
    });
  }
}

/** Starts evaluating `checks` now and then every interval, until `stop()`. */
export function startReadinessProbe(options: ReadinessProbeOptions): ReadinessProbe {
  const { checks, logger } = options;
  const intervalMs = options.intervalMs ?? 5_000;
  const retryIntervalMs = options.retryIntervalMs ?? 1_000;
  const running: RunningChecks = new Map();
  let state: ReadinessState = { report: notChecked(checks) };
  let evaluated: ReadinessReport | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function run(): Promise<void> {
    try {
      const report = await runReadiness(checks, options.timeoutMs, running);
      logChanges(logger, checks, evaluated, report);
      evaluated = report;
      state = { report, checkedAt: new Date() };
    } catch (error) {
      logger.error("readiness probe failed", { err: error }); // a bug: keep the last state
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        void run().finally(schedule);
      },
      state.report.ready ? intervalMs : retryIntervalMs,
    );
    timer.unref(); // the probe never keeps a process alive on its own
  }

  const firstRun = checks.length === 0 ? Promise.resolve() : run().finally(schedule);
  return {
    current: () => state,
    firstRun,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

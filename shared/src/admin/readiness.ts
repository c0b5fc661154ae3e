// Readiness is the conjunction of named dependency checks (database reachable,
// broker connected, bucket present). They run in parallel, each bounded by a
// timeout, so one hung dependency cannot hang the probe. What a check reports is
// a stable code from a closed set, never the dependency's own error message: that
// message can carry hosts, users and internals, and /readyz answers anyone who
// can reach the admin port. The message goes to the log instead (readiness-probe.ts).
import { redactString } from "../logging/index.ts";

/** One dependency a service needs before it can do useful work. */
export interface ReadinessCheck {
  /** Short stable name, shown in the /readyz body (e.g. "postgres"). */
  readonly name: string;
  /** Resolves when the dependency is usable; rejects (or times out) otherwise. Honour `signal`. */
  readonly check: (signal: AbortSignal) => Promise<void>;
  /** Overrides the server's per-check timeout. */
  readonly timeoutMs?: number;
  /**
   * The service still serves without it, only worse (the gateway without Redis): its
   * failure is reported as `degraded`, never as not ready. A load balancer that took
   * every instance out because an optional dependency is down would turn a slower
   * API into no API.
   */
  readonly optional?: boolean;
}

/** Why a check is not ok: a closed set, so dashboards and runbooks can rely on it. */
export const READINESS_CODE = {
  /** The check rejected. */
  failed: "READINESS.FAILED",
  /** The check did not settle within its timeout. */
  timeout: "READINESS.TIMEOUT",
  /** An earlier run ignored its abort signal and has still not settled: not run again. */
  stillRunning: "READINESS.STILL_RUNNING",
  /** No probe has finished yet (the service just started). */
  notChecked: "READINESS.NOT_CHECKED",
} as const;
export type ReadinessCode = (typeof READINESS_CODE)[keyof typeof READINESS_CODE];

/** Outcome of one check, as /readyz shows it. */
export interface CheckResult {
  readonly status: "ok" | "fail";
  /** Set when status is "fail". */
  readonly code?: ReadinessCode;
  readonly durationMs: number;
}

/** Outcome of all checks. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Required checks that failed. */
  readonly failing: readonly string[];
  /** Optional checks that failed (the service serves, degraded). */
  readonly degraded: readonly string[];
  readonly checks: Readonly<Record<string, CheckResult>>;
  /** Why each failed check failed, redacted: for the log only, never for a response. */
  readonly causes: Readonly<Record<string, string>>;
}

/** Runs of each check that have not settled yet, so a stuck check is never stacked. */
export type RunningChecks = Map<ReadinessCheck, Promise<unknown>>;

interface Outcome {
  readonly result: CheckResult;
  readonly cause?: string;
}

function describeError(error: unknown): string {
  return redactString(error instanceof Error ? error.message : String(error));
}

async function runCheck(
  check: ReadinessCheck,
  timeoutMs: number,
  running: RunningChecks,
): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (running.has(check)) {
    const result = { status: "fail", code: READINESS_CODE.stillRunning, durationMs: 0 } as const;
    return { result, cause: "an earlier run has not settled (it ignores its abort signal)" };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol("timeout");
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => {
      resolve(timedOut); // first, so the race reports the timeout rather than the check's abort error
      controller.abort(new Error(`timed out after ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  const run = Promise.resolve()
    .then(() => check.check(controller.signal))
    .finally(() => running.delete(check));
  running.set(check, run);
  try {
    if ((await Promise.race([run, timeout])) === timedOut) {
      const result = {
        status: "fail",
        code: READINESS_CODE.timeout,
        durationMs: elapsed(),
      } as const;
      return { result, cause: `timed out after ${String(timeoutMs)} ms` };
    }
    return { result: { status: "ok", durationMs: elapsed() } };
  } catch (error) {
    const result = { status: "fail", code: READINESS_CODE.failed, durationMs: elapsed() } as const;
    return { result, cause: describeError(error) };
  } finally {
    clearTimeout(timer);
    run.catch(() => undefined); // a late rejection after the timeout is not unhandled
  }
}

/**
 * Runs every check in parallel, each with its own timeout (default `timeoutMs`).
 * With `running` shared between calls, a check whose earlier run is still pending
 * is reported `READINESS.STILL_RUNNING` instead of being started a second time.
 */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
  running: RunningChecks = new Map(),
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map((check) => runCheck(check, check.timeoutMs ?? timeoutMs, running)),
  );
  const failed = (optional: boolean) =>
    checks
      .filter(
        (check, i) => (check.optional ?? false) === optional && outcomes[i]?.result.status !== "ok",
      )
      .map((check) => check.name);
  const failing = failed(false);
  const causes: Record<string, string> = {};
  checks.forEach((check, i) => {
    const cause = outcomes[i]?.cause;
    if (cause !== undefined) causes[check.name] = cause;
  });
  return {
    ready: failing.length === 0,
    failing,
    degraded: failed(true),
    checks: Object.fromEntries(
      checks.map((check, i) => [check.name, outcomes[i]?.result]),
    ) as Record<string, CheckResult>,
    causes,
  };
}

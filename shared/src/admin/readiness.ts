// Readiness is the conjunction of named dependency checks (database reachable,
// broker connected, bucket present). They run in parallel, each bounded by a
// timeout, so one hung dependency cannot hang the probe.
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

/** Outcome of one check. */
export interface CheckResult {
  readonly status: "ok" | "fail";
  readonly durationMs: number;
  readonly error?: string;
}

/** Outcome of all checks. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Required checks that failed. */
  readonly failing: readonly string[];
  /** Optional checks that failed (the service serves, degraded). */
  readonly degraded: readonly string[];
  readonly checks: Readonly<Record<string, CheckResult>>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      reject(error); // first, so the race reports the timeout rather than the check's abort error
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(controller.signal), timeout]);
    return { status: "ok", durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: "fail",
      durationMs: Math.round(performance.now() - started),
      error: redactString(message),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel, each with its own timeout (default `timeoutMs`). */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map((check) => runCheck(check, check.timeoutMs ?? timeoutMs)),
  );
  const entries = checks.map((check, i) => [check.name, results[i]] as const);
  const failed = (optional: boolean) =>
    checks
      .filter((check, i) => (check.optional ?? false) === optional && results[i]?.status !== "ok")
      .map((check) => check.name);
  const failing = failed(false);
  return {
    ready: failing.length === 0,
    failing,
    degraded: failed(true),
    checks: Object.fromEntries(entries) as Record<string, CheckResult>,
  };
}

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
  readonly failing: readonly string[];
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
  const failing = entries.filter(([, result]) => result?.status !== "ok").map(([name]) => name);
  return {
    ready: failing.length === 0,
    failing,
    checks: Object.fromEntries(entries) as Record<string, CheckResult>,
  };
}

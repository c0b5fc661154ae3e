// The one polling wait of the tests and their stacks: check a condition every few
// milliseconds until it holds, and fail with a message that says what was awaited
// (and why waiting stopped early, e.g. the process that should answer has exited)
// instead of hanging until the test runner's own timeout.
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitForOptions {
  /** Give up after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between checks; default 100 ms. */
  readonly intervalMs?: number;
  /** Returns a reason when waiting is pointless (a child process exited). */
  readonly failFast?: () => string | undefined;
  /** Appended to the failure message (e.g. the last log lines of a child). */
  readonly details?: () => string;
}

/** What a check may return: `undefined` or `false` mean "not yet". */
export type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/**
 * Resolves with the first value of `check` other than `undefined` or `false`;
 * rejects after `timeoutMs` (or at once when `failFast` gives a reason). An error
 * thrown by `check` propagates: it is a failure, not "not yet".
 */
export async function waitFor<T>(
  what: string,
  check: Check<T>,
  options: WaitForOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 30_000,
    intervalMs = 100,
    failFast,
    details,
  } = typeof options === "number" ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  const fail = (why: string): Error => {
    const extra = details?.() ?? "";
    return new Error(`${what}: ${why}${extra === "" ? "" : `\n${extra}`}`);
  };
  for (;;) {
    const dead = failFast?.();
    if (dead !== undefined) throw fail(dead);
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw fail(`timed out after ${String(timeoutMs)} ms`);
    await sleep(intervalMs);
  }
}

// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
// Backoff and Jitter"): spreads the retries of many restarted instances so they
// do not hit a recovering dependency in lockstep.

/** Options for {@link backoffDelay}. */
export interface BackoffOptions {
  /** Ceiling of the first attempt's delay, in ms. */
  readonly initial: number;
  /** Cap on any delay, in ms. */
  readonly max: number;
  /** Uniform [0, 1) source; injectable for tests. Default Math.random. */
  readonly random?: () => number;
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): a uniform
 * random value in [0, min(max, initial × 2^(attempt−1))), in whole ms.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 52));
  const ceiling = Math.min(options.max, options.initial * 2 ** exponent);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

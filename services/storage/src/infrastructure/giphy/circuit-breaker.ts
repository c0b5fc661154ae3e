// A small circuit breaker for the Giphy client: after `threshold` consecutive
// failures it opens for `cooldownMs`, failing fast instead of piling requests on
// a struggling API; then one trial call (half-open) decides whether to close.

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreaker {
  /** False when calls should fail fast. */
  allow(): boolean;
  success(): void;
  failure(): void;
  state(): BreakerState;
}

export function createCircuitBreaker(options: {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}): CircuitBreaker {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;
  const state = (): BreakerState => {
    if (openedAt === undefined) return "closed";
    return now() - openedAt >= options.cooldownMs ? "half-open" : "open";
  };
  return {
    state,
    allow() {
      const current = state();
      if (current === "closed") return true;
      if (current === "open" || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      openedAt = undefined;
      trialInFlight = false;
    },
    failure() {
      failures += 1;
      trialInFlight = false;
      if (failures >= options.threshold || openedAt !== undefined) openedAt = now();
    },
  };
}

// The Giphy client's circuit breaker, after resilience4j's time-based sliding window
// (failureRateThreshold, minimumNumberOfCalls, waitDurationInOpenState,
// permittedNumberOfCallsInHalfOpenState) and Polly's sampling breaker. It opens when
// at least `failureRate` of the calls recorded over the last `windowMs` failed and
// that window holds at least `minimumCalls` calls, so a few slow answers under load
// do not cut search off; it opens when Giphy is really failing. After `openMs` it
// admits `halfOpenCalls` trial calls and rejects the rest; their failure rate
// decides between closing (with an empty window) and another `openMs` open.
//
// Hand-written (the two libraries that fit the stack do not): cockatiel's
// SamplingBreaker rotates one bucket per recorded call, so failures from before an
// idle spell are still counted, and in half-open it parks every further caller on a
// promise that ignores its AbortSignal and deadline; opossum wraps the call with its
// own timeout, cache and timer-driven buckets, and neither takes a clock. This one
// takes `now`, fails fast in half-open, and leaves "what counts as a failure" to
// the caller through a permit.

export type BreakerState = "closed" | "open" | "half-open";

/** How a call admitted by the breaker ended; "ignored" calls are not evidence either way. */
export type CallOutcome = "success" | "failure" | "ignored";

/** One admitted call. Record its outcome once; later records are no-ops. */
export interface BreakerPermit {
  record(outcome: CallOutcome): void;
}

export interface CircuitBreaker {
  /** A permit for one call, or undefined when the call must fail fast. */
  tryAcquire(): BreakerPermit | undefined;
  state(): BreakerState;
}

export interface CircuitBreakerOptions {
  /** Share of failed calls (0 < rate <= 1) at or above which the breaker opens. */
  readonly failureRate: number;
  /** Calls the window must hold before the rate is acted on. */
  readonly minimumCalls: number;
  /** Length of the sliding window, kept in ten buckets. */
  readonly windowMs: number;
  /** Time spent open before trial calls are let through. */
  readonly openMs: number;
  /** Trial calls admitted while half-open. */
  readonly halfOpenCalls: number;
  readonly now?: () => number;
  /** Told of every transition (to log it). */
  readonly onStateChange?: (state: BreakerState) => void;
}

const BUCKETS = 10;

type Mode =
  | { readonly kind: "closed" }
  | { readonly kind: "open"; readonly since: number }
  | { readonly kind: "half-open"; admitted: number; succeeded: number; failed: number };

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failureRate, minimumCalls, openMs, halfOpenCalls } = options;
  if (!(failureRate > 0 && failureRate <= 1)) throw new RangeError("failureRate: (0, 1]");
  if (minimumCalls < 1 || halfOpenCalls < 1 || options.windowMs < BUCKETS)
    throw new RangeError("minimumCalls, halfOpenCalls >= 1 and windowMs >= 10 required");
  const now = options.now ?? Date.now;
  const window = createWindow(Math.ceil(options.windowMs / BUCKETS));
  let mode: Mode = { kind: "closed" };
  // Bumped on every transition: a call admitted before one does not count after it.
  let generation = 0;
  const enter = (next: Mode): void => {
    mode = next;
    generation += 1;
    if (next.kind === "closed") window.clear();
    options.onStateChange?.(next.kind);
  };
  const open = (): void => {
    enter({ kind: "open", since: now() });
  };

  function record(admittedIn: number, outcome: CallOutcome): void {
    if (admittedIn !== generation) return;
    if (mode.kind === "closed") {
      if (outcome === "ignored") return;
      window.add(now(), outcome === "failure");
      const { calls, failures } = window.totals(now());
      if (outcome === "failure" && calls >= minimumCalls && failures >= failureRate * calls) open();
    } else if (mode.kind === "half-open") {
      if (outcome === "ignored") mode.admitted -= 1;
      else if (outcome === "success") mode.succeeded += 1;
      else mode.failed += 1;
      if (mode.failed >= failureRate * halfOpenCalls) open();
      else if (mode.succeeded + mode.failed >= halfOpenCalls) enter({ kind: "closed" });
    }
  }

  return {
    state() {
      if (mode.kind === "open" && now() - mode.since >= openMs) return "half-open";
      return mode.kind;
    },
    tryAcquire() {
      if (mode.kind === "open") {
        if (now() - mode.since < openMs) return undefined;
        enter({ kind: "half-open", admitted: 0, succeeded: 0, failed: 0 });
      }
      if (mode.kind === "half-open") {
        if (mode.admitted >= halfOpenCalls) return undefined;
        mode.admitted += 1;
      }
      const admittedIn = generation;
      let done = false;
      return {
        record(outcome) {
          if (done) return;
          done = true;
          record(admittedIn, outcome);
        },
      };
    },
  };
}

/** Calls and failures per bucket of `bucketMs`; a bucket older than the window is reused. */
function createWindow(bucketMs: number) {
  const buckets = Array.from({ length: BUCKETS }, () => ({ index: -1, calls: 0, failures: 0 }));
  return {
    add(at: number, failed: boolean): void {
      const index = Math.floor(at / bucketMs);
      const bucket = buckets[index % BUCKETS];
      if (bucket === undefined) return;
      if (bucket.index !== index) Object.assign(bucket, { index, calls: 0, failures: 0 });
      bucket.calls += 1;
      if (failed) bucket.failures += 1;
    },
    totals(at: number): { calls: number; failures: number } {
      const oldest = Math.floor(at / bucketMs) - BUCKETS + 1;
      let calls = 0;
      let failures = 0;
      for (const bucket of buckets)
        if (bucket.index >= oldest) {
          calls += bucket.calls;
          failures += bucket.failures;
        }
      return { calls, failures };
    },
    clear(): void {
      for (const bucket of buckets) Object.assign(bucket, { index: -1, calls: 0, failures: 0 });
    },
  };
}

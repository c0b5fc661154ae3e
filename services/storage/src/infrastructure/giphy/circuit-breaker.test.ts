// The breaker on an injected clock: it opens on a failure rate once the window holds
// enough calls, forgets calls older than the window, and half-open admits a bounded
// number of trials whose outcome closes or reopens it.
import { describe, expect, it } from "vitest";
import {
  createCircuitBreaker,
  type BreakerState,
  type CallOutcome,
  type CircuitBreakerOptions,
} from "./circuit-breaker.ts";

function breaker(overrides: Partial<CircuitBreakerOptions> = {}) {
  let now = 1_000_000;
  const changes: BreakerState[] = [];
  const b = createCircuitBreaker({
    failureRate: 0.5,
    minimumCalls: 10,
    windowMs: 10_000,
    openMs: 5_000,
    halfOpenCalls: 2,
    now: () => now,
    onStateChange: (state) => changes.push(state),
    ...overrides,
  });
  /** Makes `count` calls that end with `outcome`; returns how many were admitted. */
  const calls = (count: number, outcome: CallOutcome): number => {
    let admitted = 0;
    for (let i = 0; i < count; i++) {
      const permit = b.tryAcquire();
      if (permit === undefined) continue;
      admitted += 1;
      permit.record(outcome);
    }
    return admitted;
  };
  return { b, calls, changes, advance: (ms: number) => (now += ms) };
}

describe("circuit breaker", () => {
  it("stays closed below the minimum number of calls, however many fail", () => {
    const { b, calls } = breaker();
    expect(calls(9, "failure")).toBe(9);
    expect(b.state()).toBe("closed");
    calls(1, "failure");
    expect(b.state()).toBe("open");
    expect(b.tryAcquire()).toBeUndefined();
  });

  it("opens on the failure rate, not on consecutive failures", () => {
    const { b, calls } = breaker();
    calls(12, "success");
    calls(11, "failure"); // 11 of 23 = 48 %: eleven in a row, still closed
    expect(b.state()).toBe("closed");
    calls(1, "failure"); // 12 of 24 = 50 %
    expect(b.state()).toBe("open");
  });

  it("a few failures among many successes keep it closed", () => {
    const { b, calls } = breaker({ minimumCalls: 5 });
    for (let i = 0; i < 20; i++) {
      calls(4, "success");
      calls(1, "failure");
    }
    expect(b.state()).toBe("closed");
  });

  it("forgets calls older than the window, even after an idle spell", () => {
    const { b, calls, advance } = breaker();
    for (let i = 0; i < 3; i++) {
      calls(3, "failure"); // nine failures spread over three buckets
      advance(1_000);
    }
    advance(60_500);
    calls(1, "failure"); // would be the tenth of ten if any old bucket still counted
    expect(b.state()).toBe("closed");
    advance(1_000);
    calls(8, "success");
    calls(1, "failure"); // 2 of 10 in the window
    expect(b.state()).toBe("closed");
  });

  it("counts calls that are still within the window", () => {
    const { b, calls, advance } = breaker();
    calls(5, "failure");
    advance(8_000);
    calls(5, "failure");
    expect(b.state()).toBe("open");
  });

  it("ignored outcomes are no evidence either way", () => {
    const { b, calls } = breaker();
    calls(50, "ignored");
    calls(9, "failure");
    expect(b.state()).toBe("closed");
  });

  it("half-open after the open duration admits only the trial calls, then closes", () => {
    const { b, calls, advance, changes } = breaker();
    calls(10, "failure");
    advance(4_999);
    expect(b.tryAcquire()).toBeUndefined();
    advance(1);
    expect(b.state()).toBe("half-open");
    const first = b.tryAcquire();
    const second = b.tryAcquire();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(b.tryAcquire()).toBeUndefined(); // fails fast, does not wait for the trials
    first?.record("success");
    expect(b.state()).toBe("half-open");
    second?.record("success");
    expect(b.state()).toBe("closed");
    expect(changes).toEqual(["open", "half-open", "closed"]);
    // Closed with an empty window: the earlier failures are gone.
    calls(9, "failure");
    expect(b.state()).toBe("closed");
  });

  it("a failing trial reopens it for a full open duration", () => {
    const { b, calls, advance } = breaker();
    calls(10, "failure");
    advance(5_000);
    const trial = b.tryAcquire();
    trial?.record("failure"); // 1 of 2 trials = 50 %
    expect(b.state()).toBe("open");
    advance(4_999);
    expect(b.tryAcquire()).toBeUndefined();
    advance(1);
    expect(calls(2, "success")).toBe(2);
    expect(b.state()).toBe("closed");
  });

  it("an ignored trial frees its slot for another", () => {
    const { b, calls, advance } = breaker({ halfOpenCalls: 1 });
    calls(10, "failure");
    advance(5_000);
    b.tryAcquire()?.record("ignored");
    expect(b.state()).toBe("half-open");
    const next = b.tryAcquire();
    expect(next).toBeDefined();
    next?.record("success");
    expect(b.state()).toBe("closed");
  });

  it("a call admitted before a transition does not count after it", () => {
    const { b, calls, advance } = breaker({ halfOpenCalls: 1 });
    const slow = b.tryAcquire(); // admitted while closed
    calls(10, "failure");
    advance(5_000);
    const trial = b.tryAcquire();
    slow?.record("failure"); // ends during half-open: not a trial's outcome
    expect(b.state()).toBe("half-open");
    trial?.record("success");
    trial?.record("failure"); // a permit records once
    expect(b.state()).toBe("closed");
  });

  it("rejects options that make no sense", () => {
    const base = { minimumCalls: 1, windowMs: 1_000, openMs: 1_000, halfOpenCalls: 1 };
    expect(() => createCircuitBreaker({ ...base, failureRate: 0 })).toThrow(RangeError);
    expect(() => createCircuitBreaker({ ...base, failureRate: 1.5 })).toThrow(RangeError);
    expect(() => createCircuitBreaker({ ...base, failureRate: 1, halfOpenCalls: 0 })).toThrow(
      RangeError,
    );
  });
});

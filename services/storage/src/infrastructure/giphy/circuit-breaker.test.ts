// The breaker's states on an injected clock: closed → open after `threshold`
// consecutive failures → half-open after the cooldown with ONE trial call.
import { describe, expect, it } from "vitest";
import { createCircuitBreaker } from "./circuit-breaker.ts";

function breaker(threshold = 3, cooldownMs = 1_000) {
  let now = 0;
  const b = createCircuitBreaker({ threshold, cooldownMs, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

describe("circuit breaker", () => {
  it("opens after consecutive failures only", () => {
    const { b } = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state()).toBe("closed");
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state()).toBe("open");
    expect(b.allow()).toBe(false);
  });

  it("lets one trial through after the cooldown; success closes it", () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    advance(999);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.state()).toBe("half-open");
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.success();
    expect(b.state()).toBe("closed");
    expect(b.allow()).toBe(true);
  });

  it("a failed trial reopens it for a full cooldown", () => {
    const { b, advance } = breaker(2, 500);
    b.failure();
    b.failure();
    advance(500);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state()).toBe("open");
    advance(499);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.allow()).toBe(true);
  });
});

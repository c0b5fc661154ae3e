import { waitFor } from "@gifmesh/shared/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHealthState } from "../transport/rpc/health.ts";
import { startHealthProbe } from "./health-probe.ts";

describe("the PostgreSQL health probe", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("probes at once and on every interval, following PostgreSQL's answers", async () => {
    const health = createHealthState(false);
    let up = true;
    let pings = 0;
    const probe = startHealthProbe({
      ping: () => {
        pings += 1;
        return up ? Promise.resolve() : Promise.reject(new Error("down"));
      },
      health,
      intervalMs: 1_000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(pings).toBe(1);
    expect(health.serving()).toBe(true);
    up = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pings).toBe(2);
    expect(health.serving()).toBe(false);
    probe.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(pings).toBe(2);
  });

  it("counts a ping that outlives its timeout as a failure, and never runs two at once", async () => {
    // AbortSignal.timeout runs on the real clock.
    vi.useRealTimers();
    const health = createHealthState(true);
    let pings = 0;
    const probe = startHealthProbe({
      // A ping stuck on a dead connection: settles only when its signal aborts.
      ping: (signal) => {
        pings += 1;
        return new Promise((_, reject) => {
          signal.addEventListener("abort", () => {
            reject(new Error("timed out"));
          });
        });
      },
      health,
      intervalMs: 10,
      timeoutMs: 1_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Many intervals passed; the first ping still runs, so no second one started.
    expect(pings).toBe(1);
    expect(health.serving()).toBe(true);
    await waitFor("NOT_SERVING after the ping's timeout", () => !health.serving(), 5_000);
    probe.stop();
  });

  it("sets nothing once stopped, even when a ping in flight settles later", async () => {
    const health = createHealthState(false);
    let answer: () => void = () => undefined;
    const probe = startHealthProbe({
      ping: () =>
        new Promise<void>((resolve) => {
          answer = resolve;
        }),
      health,
      intervalMs: 1_000,
    });
    probe.stop();
    answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(health.serving()).toBe(false);
  });
});

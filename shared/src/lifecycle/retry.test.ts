import { describe, expect, it } from "vitest";
import { captureLogLines } from "../testing/log-lines.ts";
import { createLogger } from "../logging/index.ts";
import { backoffDelay, retryUntil } from "./index.ts";

function capture() {
  const { stream, lines } = captureLogLines();
  return { logger: createLogger({ service: "retry-test", stream }), lines };
}

describe("backoffDelay", () => {
  const max = () => 0.999_999;
  it("doubles the ceiling each attempt up to the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      backoffDelay(attempt, { initial: 100, max: 1_000, random: max }),
    );
    expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it("applies full jitter between 0 and the ceiling", () => {
    expect(backoffDelay(3, { initial: 100, max: 10_000, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { initial: 100, max: 10_000, random: () => 0.5 })).toBe(200);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(4, { initial: 100, max: 10_000 });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
    }
  });

  it("does not overflow for huge attempt numbers", () => {
    expect(backoffDelay(10_000, { initial: 100, max: 30_000, random: max })).toBe(29_999);
  });
});

describe("retryUntil", () => {
  it("retries until success, logging each failure with attempt and next delay", async () => {
    const { logger, lines } = capture();
    let calls = 0;
    const result = await retryUntil(
      "connect to postgres",
      () =>
        ++calls < 3 ? Promise.reject(new Error(`refused ${calls}`)) : Promise.resolve("connected"),
      { logger, initialDelayMs: 10, maxDelayMs: 20, random: () => 0.5 },
    );
    expect(result).toBe("connected");
    expect(calls).toBe(3);
    const warnings = lines.filter((l) => l.level === "warn");
    expect(warnings).toMatchObject([
      {
        message: "connect to postgres failed; retrying",
        attempt: 1,
        nextDelayMs: 5,
        err: { message: "refused 1" },
      },
      {
        message: "connect to postgres failed; retrying",
        attempt: 2,
        nextDelayMs: 10,
        err: { message: "refused 2" },
      },
    ]);
    expect(lines.at(-1)).toMatchObject({
      level: "info",
      message: "connect to postgres succeeded",
      attempt: 3,
    });
  });

  it("stops with the abort reason when the signal aborts mid-wait", async () => {
    const { logger } = capture();
    const controller = new AbortController();
    let calls = 0;
    const pending = retryUntil("kafka", () => Promise.reject(new Error(`down ${++calls}`)), {
      logger,
      signal: controller.signal,
      initialDelayMs: 60_000,
      random: () => 0.9,
    });
    setTimeout(() => {
      controller.abort(new Error("shutting down"));
    }, 20);
    await expect(pending).rejects.toThrow("shutting down");
    expect(calls).toBe(1);
  });

  it("never calls fn when already aborted", async () => {
    const { logger } = capture();
    let calls = 0;
    await expect(
      retryUntil("x", () => Promise.resolve(++calls), {
        logger,
        signal: AbortSignal.abort(new Error("gone")),
      }),
    ).rejects.toThrow("gone");
    expect(calls).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for.ts";

describe("waitFor", () => {
  it("resolves with the first value that is neither undefined nor false", async () => {
    let calls = 0;
    const value = await waitFor("the third call", () => (++calls < 3 ? undefined : calls), {
      intervalMs: 1,
    });
    expect(value).toBe(3);
  });

  it("awaits asynchronous checks", async () => {
    let calls = 0;
    await expect(
      waitFor("an async yes", () => Promise.resolve(++calls >= 2 && "yes"), { intervalMs: 1 }),
    ).resolves.toBe("yes");
  });

  it("fails after the timeout, naming what it waited for and the details", async () => {
    await expect(
      waitFor("a thing that never comes", () => false, {
        timeoutMs: 30,
        intervalMs: 5,
        details: () => "last output: nothing",
      }),
    ).rejects.toThrow(/a thing that never comes: timed out after 30 ms\nlast output: nothing/);
  });

  it("takes a bare number as the timeout", async () => {
    await expect(waitFor("never", () => undefined, 20)).rejects.toThrow(/timed out after 20 ms/);
  });

  it("stops at once when failFast gives a reason, without calling the check again", async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      waitFor(
        "a dead child",
        () => {
          calls++;
          return false;
        },
        { timeoutMs: 10_000, intervalMs: 1, failFast: () => (calls >= 2 ? "exited" : undefined) },
      ),
    ).rejects.toThrow("a dead child: exited");
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("lets an error of the check propagate", async () => {
    await expect(
      waitFor("a broken check", () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });
});

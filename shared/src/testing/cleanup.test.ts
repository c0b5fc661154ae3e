// The clean-up registry: newest first, every disposer runs even after one failed,
// failures are named, and an early run takes an entry off the registry.
import { describe, expect, it } from "vitest";
import { cleanupScope, deferCleanup, pendingCleanups, runCleanups } from "./cleanup.ts";

describe("clean-up registry", () => {
  it("runs newest first, runs all despite a failure, and names the failures", async () => {
    const before = pendingCleanups();
    const order: string[] = [];
    deferCleanup("first", () => order.push("first"));
    deferCleanup("broken", () => {
      throw new Error("disk gone");
    });
    deferCleanup("last", async () => {
      await Promise.resolve();
      order.push("last");
    });
    expect(pendingCleanups()).toBe(before + 3);
    await expect(runCleanups()).rejects.toThrow(/clean-up failed: broken \(disk gone\)/);
    expect(order).toEqual(["last", "first"]);
    expect(pendingCleanups()).toBe(0);
  });

  it("runs an entry once when its owner removes it early", async () => {
    let runs = 0;
    const remove = deferCleanup("once", () => {
      runs += 1;
    });
    await Promise.all([remove(), remove()]);
    expect(runs).toBe(1);
    expect(pendingCleanups()).toBe(0);
    await runCleanups();
    expect(runs).toBe(1);
  });
});

describe("clean-up scope", () => {
  it("runs its own disposers early, newest first, and leaves the others for the end", async () => {
    const order: string[] = [];
    deferCleanup("outside", () => order.push("outside"));
    const scope = cleanupScope();
    scope.defer("a", () => order.push("a"));
    scope.defer("b", () => {
      order.push("b");
      throw new Error("b failed");
    });
    scope.defer("c", () => order.push("c"));
    await expect(scope.run()).rejects.toThrow(/b \(b failed\)/);
    expect(order).toEqual(["c", "b", "a"]);
    expect(pendingCleanups()).toBe(1);
    await runCleanups();
    expect(order).toEqual(["c", "b", "a", "outside"]);
  });
});

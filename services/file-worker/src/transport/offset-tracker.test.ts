import { describe, expect, it } from "vitest";
import { createLimiter } from "./limiter.ts";
import { createOffsetTracker } from "./offset-tracker.ts";

describe("offset tracker (contiguous commit watermark)", () => {
  it("never passes an unfinished offset, however many later ones finished", () => {
    const tracker = createOffsetTracker();
    for (const offset of [10n, 11n, 12n, 13n]) tracker.start(offset);
    expect(tracker.finish(12n)).toBeUndefined();
    expect(tracker.finish(13n)).toBeUndefined();
    expect(tracker.watermark).toBeUndefined(); // a crash now redelivers from 10
    expect(tracker.finish(10n)).toBe(10n); // 11 still open: commit 11, not 14
    expect(tracker.pending).toBe(3);
    expect(tracker.finish(11n)).toBe(13n); // the gap closed: 12 and 13 were done
    expect(tracker.pending).toBe(0);
  });

  it("handles gaps between delivered offsets (compaction, transaction markers)", () => {
    const tracker = createOffsetTracker();
    tracker.start(3n);
    tracker.start(7n);
    expect(tracker.finish(7n)).toBeUndefined();
    expect(tracker.finish(3n)).toBe(7n);
  });

  it("matches a sequential model on random finish orders", () => {
    for (let round = 0; round < 200; round += 1) {
      const tracker = createOffsetTracker();
      let next = 100n;
      const offsets = Array.from({ length: 20 }, (_, i) => (next += BigInt(1 + (i % 3))));
      for (const offset of offsets) tracker.start(offset);
      const order = [...offsets].sort(() => Math.random() - 0.5);
      const done = new Set<bigint>();
      for (const offset of order) {
        tracker.finish(offset);
        done.add(offset);
        // Model: the last offset of the longest finished prefix.
        let expected: bigint | undefined;
        for (const o of offsets) {
          if (!done.has(o)) break;
          expected = o;
        }
        expect(tracker.watermark).toBe(expected);
      }
    }
  });

  it("rejects out-of-order starts and double finishes", () => {
    const tracker = createOffsetTracker();
    tracker.start(5n);
    expect(() => {
      tracker.start(5n);
    }).toThrow(/must increase/);
    tracker.finish(5n);
    expect(() => tracker.finish(5n)).toThrow(/not started, or finished twice/);
  });
});

describe("limiter", () => {
  it("admits at most `max` at once and serves waiters in order", async () => {
    const limiter = createLimiter(2);
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const order: number[] = [];
    const third = limiter.acquire().then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire().then((release) => {
      order.push(4);
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(limiter.active).toBe(2);
    first();
    first(); // a second release of the same slot is ignored
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual([3, 4]);
    expect(limiter.active).toBe(0);
  });
});

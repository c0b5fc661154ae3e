// Which offset of one partition may be committed, when messages finish out of order.
//
// Messages with different keys run concurrently, so offset 7 may finish before 5.
// Committing 8 then would make a crash skip 5 (and 6), so the tracker only reports
// the contiguous watermark: the highest offset such that it and every offset started
// before it are finished. Offsets must be started in increasing order (the order
// the partition delivers them); gaps between them (compaction, transaction markers)
// are fine, since only started offsets count.

export interface OffsetTracker {
  /** Registers a delivered message as in flight. Offsets must increase. */
  start(offset: bigint): void;
  /**
   * Marks a started offset finished. Returns the new watermark (the offset to
   * resolve; commit `watermark + 1`) when it advanced, otherwise undefined.
   */
  finish(offset: bigint): bigint | undefined;
  /** Highest contiguous finished offset so far, or undefined when none. */
  readonly watermark: bigint | undefined;
  /** Started offsets not yet covered by the watermark (in flight, or finished above a gap). */
  readonly pending: number;
}

export function createOffsetTracker(): OffsetTracker {
  /** Started, not yet below the watermark, in start order: offset → finished? */
  const open = new Map<bigint, boolean>();
  let last: bigint | undefined;
  let watermark: bigint | undefined;

  return {
    start(offset) {
      if (last !== undefined && offset <= last)
        throw new Error(`offset ${offset} started after ${last}: offsets must increase`);
      last = offset;
      open.set(offset, false);
    },
    finish(offset) {
      if (open.get(offset) !== false)
        throw new Error(`offset ${offset} was not started, or finished twice`);
      open.set(offset, true);
      let advanced: bigint | undefined;
      // Map iteration follows insertion order, which is offset order.
      for (const [candidate, done] of open) {
        if (!done) break;
        open.delete(candidate);
        advanced = candidate;
      }
      if (advanced !== undefined) watermark = advanced;
      return advanced;
    },
    get watermark() {
      return watermark;
    },
    get pending() {
      return open.size;
    },
  };
}

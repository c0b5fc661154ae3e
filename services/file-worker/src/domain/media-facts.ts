// The range of each media fact the worker reports, as the contract promises it
// (proto/gifmesh/gif/v1/gif.proto, MediaFacts): width and height are a GIF's 16-bit
// sizes; frame count and duration fit a signed 32-bit integer, which is what
// storage's PostgreSQL `integer` columns hold. A valid 76 KB GIF of 3,300 frames of
// the longest delay (655.35 s) adds up to 2,162,655,000 ms: the parser saturates at
// the bound instead, and nothing outside these ranges leaves the worker.
import { ArchiveError } from "./archive-error.ts";
import type { GifFacts } from "./gif-parser.ts";

/** Largest frame count and duration reported: 2^31 - 1 (about 24.8 days in ms). */
export const MEDIA_FACT_MAX = 2_147_483_647;
/** Largest width and height: GIF stores them in 16 bits. */
export const GIF_SIZE_MAX = 65_535;

/** a + b, but never above MEDIA_FACT_MAX ("at least this long"). */
export function saturatingAdd(a: number, b: number): number {
  return Math.min(MEDIA_FACT_MAX, a + b);
}

const within = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** The facts unchanged when every one is in its contract range; else ARCHIVE.MALFORMED. */
export function checkedFacts(facts: GifFacts): GifFacts {
  const ok =
    within(facts.width, 1, GIF_SIZE_MAX) &&
    within(facts.height, 1, GIF_SIZE_MAX) &&
    within(facts.frameCount, 1, MEDIA_FACT_MAX) &&
    within(facts.durationMs, 0, MEDIA_FACT_MAX);
  if (!ok)
    throw new ArchiveError(
      "ARCHIVE.MALFORMED",
      `media facts out of range: ${JSON.stringify(facts)}`,
    );
  return facts;
}

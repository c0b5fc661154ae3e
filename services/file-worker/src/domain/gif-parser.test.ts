import { describe, expect, it } from "vitest";
import { makeGif } from "../../test/make-gif.ts";
import { ArchiveError } from "./archive-error.ts";
import { createGifParser } from "./gif-parser.ts";
import { checkedFacts, MEDIA_FACT_MAX } from "./media-facts.ts";

function parse(bytes: Uint8Array, chunkSize = bytes.length) {
  const parser = createGifParser();
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, i + chunkSize));
  return parser.end();
}

function malformed(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).code).toBe("ARCHIVE.MALFORMED");
    return (error as ArchiveError).message;
  }
  throw new Error("expected ARCHIVE.MALFORMED");
}

describe("createGifParser", () => {
  const gif = makeGif({ width: 37, height: 21, frames: 5, delayMs: 70 });

  it("measures size, frames and duration of a real animated GIF", () => {
    expect(parse(gif)).toEqual({ width: 37, height: 21, frameCount: 5, durationMs: 350 });
  });

  it.each([1, 2, 3, 7, 64])("gives the same answer when fed %i bytes at a time", (chunk) => {
    expect(parse(gif, chunk)).toEqual({ width: 37, height: 21, frameCount: 5, durationMs: 350 });
  });

  it("handles a still image (one frame, delay 0) and a larger one", () => {
    expect(parse(makeGif({ width: 1, height: 1, frames: 1, delayMs: 0 }))).toEqual({
      width: 1,
      height: 1,
      frameCount: 1,
      durationMs: 0,
    });
    expect(parse(makeGif({ width: 300, height: 200, frames: 3, delayMs: 40 }), 1000)).toEqual({
      width: 300,
      height: 200,
      frameCount: 3,
      durationMs: 120,
    });
  });

  it("ignores bytes after the trailer", () => {
    expect(parse(Buffer.concat([gif, Buffer.from("trailing junk")]))).toMatchObject({
      frameCount: 5,
    });
  });

  it.each([0.1, 0.5, 0.9])("rejects a GIF truncated at %f of its length", (fraction) => {
    expect(malformed(() => parse(gif.subarray(0, Math.floor(gif.length * fraction))))).toMatch(
      /truncated/,
    );
  });

  it("rejects a GIF missing only its trailer", () => {
    malformed(() => parse(gif.subarray(0, gif.length - 1)));
  });

  it("rejects garbage, empty input and a bare header", () => {
    malformed(() => parse(Buffer.from("<html><body>nope</body></html>")));
    expect(malformed(() => parse(Buffer.alloc(0)))).toMatch(/too short/);
    malformed(() => parse(gif.subarray(0, 13)));
  });

  it("rejects an unknown block introducer after the header", () => {
    const broken = Buffer.from(gif);
    // after header (13) + global color table (gifenc writes one: flag in byte 10)
    const packed = broken[10] ?? 0;
    const gct = (packed & 0x80) === 0 ? 0 : 3 * 2 ** ((packed & 7) + 1);
    broken[13 + gct] = 0x99;
    expect(malformed(() => parse(broken))).toMatch(/unknown block introducer/);
  });

  it("rejects a header-only GIF with a trailer but no image", () => {
    const header = Buffer.from([...Buffer.from("GIF89a"), 10, 0, 10, 0, 0, 0, 0, 0x3b]);
    expect(malformed(() => parse(header))).toMatch(/no image/);
  });

  it("rejects a zero-sized logical screen", () => {
    const zero = Buffer.from(gif);
    zero[6] = 0;
    zero[7] = 0;
    expect(malformed(() => parse(zero))).toMatch(/zero logical screen/);
  });
});

/**
 * A valid GIF of `frames` 1×1 frames, each with the longest delay GIF can express
 * (65535 hundredths of a second), built byte by byte: 23 bytes a frame.
 */
function longGif(frames: number): Buffer {
  const hex = (text: string) => Buffer.from(text.replace(/\s/g, ""), "hex");
  const header = Buffer.concat([Buffer.from("GIF89a"), hex("0100 0100 00 00 00")]); // 1×1, no color table
  const frame = Buffer.concat([
    hex("21 f9 04 00 ffff 00 00"), // graphic control extension: delay 65535
    hex("2c 0000 0000 0100 0100 80"), // image descriptor 1×1, 2-entry local color table
    hex("000000 ffffff"), // the color table
    hex("02 02 4401 00"), // LZW minimum code size 2, one 2-byte sub-block, terminator
  ]);
  return Buffer.concat([header, ...Array<Buffer>(frames).fill(frame), hex("3b")]);
}

describe("facts stay within the contract's ranges", () => {
  it("a 3,300-frame GIF of maximal delays reports the saturated duration, not 2,162,655,000 ms", () => {
    const gif = longGif(3_300);
    expect(gif.length).toBeLessThan(120 * 1024);
    const facts = parse(gif, 4096);
    expect(facts.frameCount).toBe(3_300);
    expect(facts.durationMs).toBe(MEDIA_FACT_MAX);
    expect(checkedFacts(facts)).toEqual(facts);
  });

  it("below the bound the sum is exact", () => {
    expect(parse(longGif(3_000)).durationMs).toBe(3_000 * 655_350);
  });

  it("checkedFacts refuses anything outside the ranges", () => {
    const good = { width: 1, height: 1, frameCount: 1, durationMs: 0 };
    for (const bad of [
      { ...good, durationMs: MEDIA_FACT_MAX + 1 },
      { ...good, durationMs: -1 },
      { ...good, durationMs: 1.5 },
      { ...good, frameCount: 0 },
      { ...good, frameCount: 2 ** 32 },
      { ...good, width: 65_536 },
      { ...good, height: 0 },
    ])
      malformed(() => checkedFacts(bad));
  });
});

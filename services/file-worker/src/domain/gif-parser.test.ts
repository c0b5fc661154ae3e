import { describe, expect, it } from "vitest";
import { makeGif } from "../../test/make-gif.ts";
import { ArchiveError } from "./archive-error.ts";
import { createGifParser } from "./gif-parser.ts";

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

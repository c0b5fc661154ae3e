// The encoder's two promises: its output is a GIF an independent decoder (omggif)
// reads back pixel for pixel, and its length is exactly what encodedGifSize said
// beforehand, for every shape (that is what the API's `size` field relies on).
import fc from "fast-check";
import omggif from "omggif";
import { describe, expect, it } from "vitest";
import { encodedGifSize, encodeGif, type GifImage } from "./gif-encoder.ts";

/** Distinct colours, so a decoded RGBA pixel maps back to one palette index. */
const paletteOf = (bits: number): number[] =>
  Array.from({ length: 2 ** bits }, (_, i) => (i * 0x010305 + 0x102030) & 0xffffff);

function decode(bytes: Buffer, image: GifImage): { indices: number[][]; delays: number[] } {
  const reader = new omggif.GifReader(bytes);
  expect([reader.width, reader.height, reader.numFrames(), reader.loopCount()]).toEqual([
    image.width,
    image.height,
    image.frames.length,
    0,
  ]);
  const byColour = new Map(image.palette.map((rgb, i) => [rgb, i]));
  const rgba = new Uint8Array(image.width * image.height * 4);
  const indices: number[][] = [];
  const delays: number[] = [];
  for (let f = 0; f < reader.numFrames(); f++) {
    reader.decodeAndBlitFrameRGBA(f, rgba);
    delays.push(reader.frameInfo(f).delay);
    const frame: number[] = [];
    for (let p = 0; p < rgba.length; p += 4) {
      const rgb = ((rgba[p] ?? 0) << 16) | ((rgba[p + 1] ?? 0) << 8) | (rgba[p + 2] ?? 0);
      frame.push(byColour.get(rgb) ?? -1);
    }
    indices.push(frame);
  }
  return { indices, delays };
}

/** Positions where two index lists differ (a count, so a failure does not print 100k pixels). */
function mismatches(
  decoded: readonly number[] | undefined,
  expected: Uint8Array | undefined,
): number {
  const a = decoded ?? [];
  const b = expected ?? new Uint8Array(0);
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

const imageArb = fc
  .record({
    width: fc.integer({ min: 1, max: 120 }),
    height: fc.integer({ min: 1, max: 120 }),
    paletteBits: fc.integer({ min: 1, max: 8 }),
    frames: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
  })
  .map(({ width, height, paletteBits, frames, seed }): GifImage => {
    let state = seed >>> 0;
    const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    return {
      width,
      height,
      paletteBits,
      palette: paletteOf(paletteBits),
      frames: Array.from({ length: frames }, () => ({
        indices: Uint8Array.from({ length: width * height }, () => next() % 2 ** paletteBits),
        delayCs: next() % 100,
      })),
    };
  });

const shapeOf = (image: GifImage) => ({
  width: image.width,
  height: image.height,
  frames: image.frames.length,
  paletteBits: image.paletteBits,
});

describe("encodeGif", () => {
  it("writes exactly encodedGifSize bytes that decode back to the same frames", () => {
    fc.assert(
      fc.property(imageArb, (image) => {
        const bytes = encodeGif(image);
        expect(bytes.length).toBe(encodedGifSize(shapeOf(image)));
        const decoded = decode(bytes, image);
        expect(decoded.indices.length).toBe(image.frames.length);
        image.frames.forEach((frame, i) => {
          expect(mismatches(decoded.indices[i], frame.indices)).toBe(0);
        });
        expect(decoded.delays).toEqual(image.frames.map((f) => f.delayCs));
      }),
      { numRuns: 150 },
    );
  });

  it("is exact at the edges: Clear-code and sub-block boundaries, the largest palette", () => {
    // 2**m - 2 literals per Clear: pixel counts on and beside a multiple of it, and an
    // image whose code stream ends exactly on a 255-byte sub-block.
    const cases = [
      { width: 2, height: 1, paletteBits: 2 },
      { width: 3, height: 1, paletteBits: 2 },
      { width: 254, height: 1, paletteBits: 8 },
      { width: 255, height: 1, paletteBits: 8 },
      { width: 1, height: 1, paletteBits: 1 },
      { width: 320, height: 320, paletteBits: 8 },
      { width: 224, height: 1, paletteBits: 8 }, // 226 codes × 9 bits = 255 bytes
    ];
    for (const c of cases) {
      const image: GifImage = {
        ...c,
        palette: paletteOf(c.paletteBits),
        frames: [{ indices: new Uint8Array(c.width * c.height).fill(1), delayCs: 7 }],
      };
      const bytes = encodeGif(image);
      expect(bytes.length).toBe(encodedGifSize(shapeOf(image)));
      expect(mismatches(decode(bytes, image).indices[0], image.frames[0]?.indices)).toBe(0);
    }
  });

  it("does not depend on the pixels: same shape, same length", () => {
    const shape = { width: 50, height: 40, paletteBits: 5 };
    const lengths = [0, 7, 31].map(
      (fill) =>
        encodeGif({
          ...shape,
          palette: paletteOf(5),
          frames: [{ indices: new Uint8Array(2000).fill(fill), delayCs: 1 }],
        }).length,
    );
    expect(new Set(lengths).size).toBe(1);
  });
});

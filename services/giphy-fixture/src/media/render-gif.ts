// Renders a catalogue spec into a real, valid GIF89a file (animated, looping), so
// the file worker downloads and parses genuine media. Rendering is deterministic:
// the same spec and rendition always give the same bytes. What the API reports about
// a file (pixel size, frames, byte size, hash) is derived from the spec alone, without
// rendering, so that answering a search costs no pixel work (see the README).
import { createHash } from "node:crypto";
import type { GifSpec } from "../catalogue/catalogue.ts";
import { createRandom } from "../catalogue/random.ts";
import { encodedGifSize, encodeGif } from "./gif-encoder.ts";

/** Renditions the fixture serves, with the file name used in their URLs. */
export const RENDITIONS = {
  original: "giphy.gif",
  fixed_height: "200.gif",
  fixed_width: "200w.gif",
  fixed_height_still: "200_s.gif",
  preview_gif: "giphy-preview.gif",
} as const;

export type RenditionName = keyof typeof RENDITIONS;

/** Pixel size and frame count of one rendition of a spec. */
export interface RenditionShape {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
}

export function renditionShape(spec: GifSpec, name: RenditionName): RenditionShape {
  const scale = (target: number, from: number, other: number) =>
    Math.max(1, Math.round((other * target) / from));
  switch (name) {
    case "original":
      return { width: spec.width, height: spec.height, frames: spec.frames };
    case "fixed_height":
      return {
        width: scale(100, spec.height, spec.width),
        height: 100,
        frames: Math.min(spec.frames, 6),
      };
    case "fixed_width":
      return {
        width: 100,
        height: scale(100, spec.width, spec.height),
        frames: Math.min(spec.frames, 6),
      };
    case "fixed_height_still":
      return { width: scale(100, spec.height, spec.width), height: 100, frames: 1 };
    case "preview_gif":
      return {
        width: scale(48, spec.height, spec.width),
        height: 48,
        frames: Math.min(spec.frames, 3),
      };
  }
}

/** Byte length of the rendition's file, exactly; computed without rendering it. */
export function renditionSize(spec: GifSpec, name: RenditionName): number {
  return encodedGifSize({ ...renditionShape(spec, name), paletteBits: spec.paletteBits });
}

/**
 * Bump when the bytes `renderGif` produces for a spec change, so `renditionHash`
 * changes with them.
 */
const RENDERER_VERSION = 2;

/**
 * A content fingerprint for `images.original.hash` (md5 hex, like Giphy's): the md5 of
 * everything that determines the file's bytes rather than of the bytes themselves,
 * which would need a render. The inputs determine the bytes, so different files never share a hash.
 */
export function renditionHash(spec: GifSpec, name: RenditionName): string {
  const shape = renditionShape(spec, name);
  const inputs = [
    `gif-v${RENDERER_VERSION}`,
    `${shape.width}x${shape.height}x${shape.frames}`,
    spec.paletteBits,
    spec.seed,
    spec.noise,
    spec.delaysCs.slice(0, shape.frames).join(","),
  ];
  return createHash("md5").update(inputs.join("|")).digest("hex");
}

function palette(spec: GifSpec): number[] {
  const random = createRandom(spec.seed);
  return Array.from({ length: 1 << spec.paletteBits }, () => Math.floor(random() * 0x1000000));
}

/** Diagonal stripes that move one step per frame, with `noise` of the pixels random. */
function frameIndices(spec: GifSpec, shape: RenditionShape, frame: number): Uint8Array {
  const colours = 1 << spec.paletteBits;
  const random = createRandom(spec.seed + frame * 31);
  const pixels = new Uint8Array(shape.width * shape.height);
  const band = 4 + (spec.seed % 12);
  const dx = 1 + (spec.seed % 3);
  const dy = 1 + ((spec.seed >> 3) % 3);
  for (let y = 0; y < shape.height; y++) {
    for (let x = 0; x < shape.width; x++) {
      const stripe = Math.floor((x * dx + y * dy) / band + frame);
      const noisy = spec.noise > 0 && random() < spec.noise;
      pixels[y * shape.width + x] = noisy ? Math.floor(random() * colours) : stripe % colours;
    }
  }
  return pixels;
}

/** Renders one rendition of a GIF: `renditionSize(spec, name)` bytes. */
export function renderGif(spec: GifSpec, name: RenditionName): Buffer {
  const shape = renditionShape(spec, name);
  return encodeGif({
    width: shape.width,
    height: shape.height,
    paletteBits: spec.paletteBits,
    palette: palette(spec),
    frames: Array.from({ length: shape.frames }, (_, frame) => ({
      indices: frameIndices(spec, shape, frame),
      delayCs: spec.delaysCs[frame] ?? 10,
    })),
  });
}

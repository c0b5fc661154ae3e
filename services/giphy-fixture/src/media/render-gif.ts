// Renders a catalogue spec into a real, valid GIF89a file (animated, looping), so
// the file worker downloads and parses genuine media. Rendering is deterministic and
// memoised per process: the same spec and rendition always give the same bytes.
import omggif from "omggif";
import type { GifSpec } from "../catalogue/catalogue.ts";
import { createRandom } from "../catalogue/random.ts";

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

function palette(spec: GifSpec): number[] {
  const random = createRandom(spec.seed);
  return Array.from({ length: 1 << spec.paletteBits }, () => Math.floor(random() * 0x1000000));
}

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

function render(spec: GifSpec, shape: RenditionShape): Buffer {
  const capacity = shape.width * shape.height * shape.frames * 2 + 4096;
  const buffer = Buffer.alloc(capacity);
  const writer = new omggif.GifWriter(buffer, shape.width, shape.height, {
    palette: palette(spec),
    loop: 0,
  });
  for (let frame = 0; frame < shape.frames; frame++) {
    const indices = frameIndices(spec, shape, frame);
    writer.addFrame(0, 0, shape.width, shape.height, indices as unknown as number[], {
      delay: spec.delaysCs[frame] ?? 10,
      disposal: 1,
    });
  }
  return Buffer.from(buffer.subarray(0, writer.end()));
}

const cache = new Map<string, Buffer>();

/** The bytes of one rendition of a GIF; memoised for the life of the process. */
export function renderGif(spec: GifSpec, name: RenditionName): Buffer {
  const key = `${spec.id}/${name}`;
  let bytes = cache.get(key);
  if (bytes === undefined) {
    bytes = render(spec, renditionShape(spec, name));
    cache.set(key, bytes);
  }
  return bytes;
}

// Builds real GIF89a files with gifenc for tests: an animation of `frames` frames
// of `width`×`height`, each shown for `delayMs`.
import * as gifencModule from "gifenc";

// gifenc ships CommonJS (node) and ESM (vite) builds; take GIFEncoder from whichever loaded.
const gifenc: typeof gifencModule.default =
  "GIFEncoder" in gifencModule
    ? (gifencModule as unknown as typeof gifencModule.default)
    : gifencModule.default;

export interface MakeGifOptions {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly delayMs: number;
  /** Varies the pixels, so different seeds give different bytes. */
  readonly seed?: number;
}

export function makeGif(options: MakeGifOptions): Buffer {
  const encoder = gifenc.GIFEncoder();
  const palette = [
    [0, 0, 0],
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
  ];
  for (let f = 0; f < options.frames; f++) {
    const index = new Uint8Array(options.width * options.height);
    for (let i = 0; i < index.length; i++) index[i] = (i + f + (options.seed ?? 0)) % 4;
    encoder.writeFrame(index, options.width, options.height, { palette, delay: options.delayMs });
  }
  encoder.finish();
  return Buffer.from(encoder.bytes());
}

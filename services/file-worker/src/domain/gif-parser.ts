// A push-based walker over the GIF block structure (GIF87a/GIF89a spec): it measures
// width, height, frame count and total duration from the file itself while the bytes
// stream past, holding at most one small structure (≤ 256 bytes) in memory. Pixel
// data (LZW sub-blocks) is skipped, never decoded. Nothing is trusted from metadata.
// Frame count and duration saturate at the contract's bound (media-facts.ts).
import { ArchiveError } from "./archive-error.ts";
import { checkedFacts, saturatingAdd } from "./media-facts.ts";

/** What the worker records about a GIF. */
export interface GifFacts {
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  /**
   * Sum of the graphic control extensions' delays, in milliseconds (delay 0 counts
   * as 0), saturated at MEDIA_FACT_MAX; frameCount saturates there too.
   */
  readonly durationMs: number;
}

/** Feed chunks with push(), then end() returns the facts or throws ARCHIVE.MALFORMED. */
export interface GifParser {
  push(chunk: Uint8Array): void;
  end(): GifFacts;
}

type State =
  | "header"
  | "block"
  | "extLabel"
  | "gceSize"
  | "gce"
  | "imageDescriptor"
  | "lzwMinCodeSize"
  | "subBlockSize"
  | "trailer";

const malformed = (why: string) =>
  new ArchiveError("ARCHIVE.MALFORMED", `GIF does not parse: ${why}`);
const colorTableBytes = (packed: number) =>
  (packed & 0x80) === 0 ? 0 : 3 * 2 ** ((packed & 0x07) + 1);

/** Creates a parser for one GIF stream. */
export function createGifParser(): GifParser {
  let state: State = "header";
  let need = 13; // bytes the current state wants before it can run
  const buf = new Uint8Array(256);
  let have = 0;
  let skip = 0; // bytes to discard before the current state (color tables, sub-block data)
  let width = 0;
  let height = 0;
  let frameCount = 0;
  let durationMs = 0;
  let pendingDelayMs = 0;

  const u8 = (i: number) => buf[i] ?? 0;
  /** Little-endian 16-bit value at i (GIF stores all numbers that way). */
  const u16 = (i: number) => u8(i) | (u8(i + 1) << 8);
  const next = (s: State, bytes: number, skipBefore = 0) => {
    state = s;
    need = bytes;
    skip = skipBefore;
    have = 0;
  };

  /** Runs the current state over `buf[0..need)`. */
  const step = () => {
    switch (state) {
      case "header": {
        const sig = String.fromCharCode(...buf.subarray(0, 6));
        if (sig !== "GIF87a" && sig !== "GIF89a") throw malformed("bad signature");
        width = u16(6);
        height = u16(8);
        if (width === 0 || height === 0) throw malformed("zero logical screen size");
        next("block", 1, colorTableBytes(u8(10)));
        return;
      }
      case "block":
        if (buf[0] === 0x21) next("extLabel", 1);
        else if (buf[0] === 0x2c) next("imageDescriptor", 9);
        else if (buf[0] === 0x3b) next("trailer", 0);
        else throw malformed(`unknown block introducer 0x${u8(0).toString(16)}`);
        return;
      case "extLabel":
        if (buf[0] === 0xf9) next("gceSize", 1);
        else next("subBlockSize", 1); // application, comment, plain text: skip their sub-blocks
        return;
      case "gceSize":
        if (buf[0] !== 4) throw malformed("graphic control extension of wrong size");
        next("gce", 4);
        return;
      case "gce":
        pendingDelayMs = u16(1) * 10;
        next("subBlockSize", 1); // the block terminator
        return;
      case "imageDescriptor":
        if (u16(4) === 0 || u16(6) === 0) throw malformed("empty frame");
        frameCount = saturatingAdd(frameCount, 1);
        durationMs = saturatingAdd(durationMs, pendingDelayMs);
        pendingDelayMs = 0;
        next("lzwMinCodeSize", 1, colorTableBytes(u8(8)));
        return;
      case "lzwMinCodeSize":
        if (u8(0) < 2 || u8(0) > 11) throw malformed("bad LZW minimum code size");
        next("subBlockSize", 1);
        return;
      case "subBlockSize":
        if (buf[0] === 0) next("block", 1);
        else next("subBlockSize", 1, buf[0]);
        return;
      case "trailer":
        return;
    }
  };

  return {
    push(chunk) {
      let i = 0;
      while (i < chunk.length && state !== "trailer") {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - i);
          skip -= n;
          i += n;
          continue;
        }
        const n = Math.min(need - have, chunk.length - i);
        buf.set(chunk.subarray(i, i + n), have);
        have += n;
        i += n;
        if (have === need) step();
      }
      // Bytes after the trailer are ignored, as decoders do.
    },
    end() {
      if (state !== "trailer")
        throw malformed(state === "header" && have < 6 ? "too short" : "truncated");
      if (frameCount === 0) throw malformed("no image");
      return checkedFacts({ width, height, frameCount, durationMs });
    },
  };
}

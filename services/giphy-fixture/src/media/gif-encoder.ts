// A GIF89a encoder whose output length is known before encoding. It writes the LZW
// image data "literal only": every pixel is its own code, with a Clear code before the
// dictionary would grow past the first code width. Any GIF decoder reads such a file
// (it is plain LZW that never references a dictionary entry), and because no code
// depends on the pixels, the file's length depends only on width, height, frame count
// and palette size. That is what lets the fixture's API report `size` without
// rendering anything (see the README): `encodedGifSize` is the formula, `encodeGif`
// produces exactly that many bytes (and checks it).

/** What the length of an encoded GIF depends on, and nothing else. */
export interface GifShape {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** log2 of the global palette size, 1..8. */
  readonly paletteBits: number;
}

export interface GifFrame {
  /** width*height palette indices, row by row, each < 2**paletteBits. */
  readonly indices: Uint8Array;
  /** Delay after this frame, in centiseconds. */
  readonly delayCs: number;
}

export interface GifImage {
  readonly width: number;
  readonly height: number;
  readonly paletteBits: number;
  /** 2**paletteBits colours as 0xRRGGBB. */
  readonly palette: readonly number[];
  readonly frames: readonly GifFrame[];
}

// Header 6 + logical screen descriptor 7; NETSCAPE2.0 loop extension 19; trailer 1.
const HEAD_BYTES = 6 + 7;
const LOOP_BYTES = 19;
const TRAILER_BYTES = 1;
// Per frame: graphic control extension 8, image descriptor 10, LZW minimum code size 1,
// then the data in sub-blocks of at most 255 bytes (one length byte each) and a 0 byte.
const FRAME_HEAD_BYTES = 8 + 10 + 1;

/** LZW minimum code size: GIF requires at least 2. */
const minCodeSize = (paletteBits: number): number => Math.max(2, paletteBits);

/**
 * Literals between two Clear codes. After a Clear the decoder's next entry is
 * 2**m + 2 and each literal but the first adds one, so 2**m - 2 literals leave the
 * table one short of 2**(m+1), where the code width would grow to m + 2.
 */
const literalsPerClear = (m: number): number => 2 ** m - 2;

/** Bytes of LZW data (before sub-block framing) for one frame of `pixels` pixels. */
function lzwDataBytes(pixels: number, paletteBits: number): number {
  const m = minCodeSize(paletteBits);
  const codes = Math.ceil(pixels / literalsPerClear(m)) + pixels + 1; // clears, literals, EOI
  return Math.ceil((codes * (m + 1)) / 8);
}

/** The exact length in bytes of what `encodeGif` writes for an image of this shape. */
export function encodedGifSize(shape: GifShape): number {
  const data = lzwDataBytes(shape.width * shape.height, shape.paletteBits);
  const frame = FRAME_HEAD_BYTES + data + Math.ceil(data / 255) + 1;
  return (
    HEAD_BYTES + 3 * 2 ** shape.paletteBits + LOOP_BYTES + shape.frames * frame + TRAILER_BYTES
  );
}

/** Writes the literal-only LZW code stream of one frame into `out` at `at`; returns the end. */
function writeLzw(out: Buffer, at: number, indices: Uint8Array, paletteBits: number): number {
  const m = minCodeSize(paletteBits);
  const width = m + 1;
  const clear = 2 ** m;
  const perClear = literalsPerClear(m);
  const data = new Uint8Array(lzwDataBytes(indices.length, paletteBits));
  let p = 0;
  let acc = 0;
  let bits = 0;
  const put = (code: number): void => {
    acc |= code << bits;
    bits += width;
    while (bits >= 8) {
      data[p++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  };
  for (let i = 0; i < indices.length; i++) {
    if (i % perClear === 0) put(clear);
    put(indices[i] ?? 0);
  }
  put(clear + 1); // End of Information
  if (bits > 0) data[p++] = acc & 0xff;
  let o = at;
  out[o++] = m;
  for (let start = 0; start < data.length; start += 255) {
    const block = data.subarray(start, start + 255);
    out[o++] = block.length;
    out.set(block, o);
    o += block.length;
  }
  out[o++] = 0;
  return o;
}

/** Encodes an animated, endlessly looping GIF89a with one global palette. */
export function encodeGif(image: GifImage): Buffer {
  const { width, height, paletteBits, frames } = image;
  const size = encodedGifSize({ width, height, frames: frames.length, paletteBits });
  const out = Buffer.alloc(size);
  let o = out.write("GIF89a", 0, "latin1");
  o = out.writeUInt16LE(width, o);
  o = out.writeUInt16LE(height, o);
  // Global colour table present, 8 bits per primary, table size 2**paletteBits.
  out[o++] = 0x80 | 0x70 | (paletteBits - 1);
  out[o++] = 0; // background colour index
  out[o++] = 0; // pixel aspect ratio
  for (let i = 0; i < 2 ** paletteBits; i++) {
    const rgb = image.palette[i] ?? 0;
    out[o++] = (rgb >> 16) & 0xff;
    out[o++] = (rgb >> 8) & 0xff;
    out[o++] = rgb & 0xff;
  }
  o += out.write("\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", o, "latin1"); // loop forever
  for (const frame of frames) {
    if (frame.indices.length !== width * height) throw new Error("frame size ≠ width*height");
    o += out.write("\x21\xf9\x04\x04", o, "latin1"); // GCE, disposal 1 (leave in place)
    o = out.writeUInt16LE(frame.delayCs, o);
    out[o++] = 0; // transparent colour index (unused: no transparency flag)
    out[o++] = 0;
    out[o++] = 0x2c; // image descriptor: whole canvas, no local table, not interlaced
    o = out.writeUInt16LE(0, o);
    o = out.writeUInt16LE(0, o);
    o = out.writeUInt16LE(width, o);
    o = out.writeUInt16LE(height, o);
    out[o++] = 0;
    o = writeLzw(out, o, frame.indices, paletteBits);
  }
  out[o++] = 0x3b;
  // The API already told clients this length: a mismatch must fail loudly, never ship.
  if (o !== size) throw new Error(`GIF encoder wrote ${o} bytes, its formula says ${size}`);
  return out;
}

// Streams a download into a local spool file while, in the same single pass,
// counting bytes against the limit, hashing SHA-256, checking the magic bytes and
// walking the GIF structure. Memory stays bounded (one chunk at a time) whatever the
// file size; the spool file lets S3 get an exact Content-Length and a checksum
// known before the upload starts, which content addressing needs (the key IS the hash).
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArchiveError } from "../domain/archive-error.ts";
import { createGifParser, type GifFacts } from "../domain/gif-parser.ts";
import { SNIFF_BYTES, sniffMediaType } from "../domain/magic-bytes.ts";

/** What one pass over the bytes proved. */
export interface InspectedMedia {
  readonly sha256Hex: string;
  readonly sizeBytes: number;
  readonly contentType: "image/gif";
  readonly facts: GifFacts;
}

/** Options of {@link spoolAndInspect}. */
export interface InspectOptions {
  readonly maxBytes: number;
  readonly spoolPath: string;
  readonly signal: AbortSignal;
}

/** Consumes `body` into `spoolPath`; throws ArchiveError TOO_LARGE, NOT_A_GIF or MALFORMED. */
export async function spoolAndInspect(
  body: Readable,
  options: InspectOptions,
): Promise<InspectedMedia> {
  const hash = createHash("sha256");
  const parser = createGifParser();
  let size = 0;
  let head = Buffer.alloc(0);
  let sniffed = false;

  /** Runs every check on one chunk; throws the first ArchiveError. */
  const inspect = (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxBytes)
      throw new ArchiveError("ARCHIVE.TOO_LARGE", `body exceeds ${options.maxBytes} bytes`);
    if (!sniffed) {
      head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
      if (head.length >= SNIFF_BYTES) {
        checkMagic(head);
        sniffed = true;
      }
    }
    hash.update(chunk);
    parser.push(chunk);
  };
  const inspector = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        inspect(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        if (!sniffed) checkMagic(head); // files shorter than SNIFF_BYTES
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });

  await pipeline(body, inspector, createWriteStream(options.spoolPath, { mode: 0o600 }), {
    signal: options.signal,
  });
  const facts = parser.end();
  return { sha256Hex: hash.digest("hex"), sizeBytes: size, contentType: "image/gif", facts };
}

function checkMagic(head: Buffer): void {
  const type = sniffMediaType(head);
  if (type === "image/gif") return;
  throw new ArchiveError(
    "ARCHIVE.NOT_A_GIF",
    type ? `content is ${type}, not a GIF` : "content does not start with a GIF signature",
  );
}

// Holds a download (memory below a limit, else a spool file: spill-sink.ts) while,
// in the same single pass, counting bytes against the limit, hashing SHA-256,
// checking the magic bytes and walking the GIF structure. Memory stays bounded (the
// in-memory limit) whatever the file size; holding the bytes lets S3 get an exact
// Content-Length and a checksum known before the upload starts, which content
// addressing needs (the key IS the hash).
import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArchiveError } from "../domain/archive-error.ts";
import { createGifParser, type GifFacts } from "../domain/gif-parser.ts";
import { SNIFF_BYTES, sniffMediaType } from "../domain/magic-bytes.ts";
import { createSpillSink, type HeldBytes } from "./spill-sink.ts";

/** What one pass over the bytes proved. */
export interface InspectedMedia {
  readonly sha256Hex: string;
  readonly sizeBytes: number;
  readonly contentType: "image/gif";
  readonly facts: GifFacts;
  /** The bytes themselves, in memory or in the spool file. */
  readonly held: HeldBytes;
}

/** Options of {@link spoolAndInspect}. */
export interface InspectOptions {
  readonly maxBytes: number;
  /** Bodies up to this size stay in memory. */
  readonly memoryMaxBytes: number;
  /** Larger ones are written here (the caller removes it). */
  readonly spoolPath: string;
  readonly signal: AbortSignal;
}

/** Consumes `body` into memory or `spoolPath`; throws ArchiveError TOO_LARGE, NOT_A_GIF or MALFORMED. */
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

  const sink = createSpillSink(options.memoryMaxBytes, options.spoolPath);
  await pipeline(body, inspector, sink.writable, { signal: options.signal });
  const facts = parser.end();
  return {
    sha256Hex: hash.digest("hex"),
    sizeBytes: size,
    contentType: "image/gif",
    facts,
    held: sink.held(),
  };
}

function checkMagic(head: Buffer): void {
  const type = sniffMediaType(head);
  if (type === "image/gif") return;
  throw new ArchiveError(
    "ARCHIVE.NOT_A_GIF",
    type ? `content is ${type}, not a GIF` : "content does not start with a GIF signature",
  );
}

// The dead-letter contract of gifmesh's two dead-letter topics (the file worker's
// for requests, storage's for results): the header names that say why a message is
// there, and the copy, bounded so that it can always be published.
//
// The copy is the original key, value and headers plus the consumer's own headers.
// Whoever produced the original chose its size: another client's limits (Java's
// max.request.size, compression, which the broker checks compressed) can let in a
// message larger than our producer's message.max.bytes (librdkafka: 1,000,000
// bytes, uncompressed). A copy that cannot be published would be retried as an
// outage forever, stalling the partition behind it, which is the thing a
// dead-letter topic exists to prevent.
//
// So a copy over DEAD_LETTER_MAX_BYTES keeps the consumer's headers, drops the
// original headers, cuts the key to MAX_KEPT_KEY_BYTES and the value to what is
// left, and says so: x-gifmesh-truncated, with the original sizes and SHA-256s.
import { createHash } from "node:crypto";

/** Headers stamped on every dead-lettered message; one tool reads both topics. */
export const DEAD_LETTER_HEADERS = {
  /** Stable code, e.g. ARCHIVE.BAD_MESSAGE, EVENT.MALFORMED. */
  code: "x-gifmesh-error-code",
  /** Human-readable reason, at most 1024 characters. */
  reason: "x-gifmesh-error-reason",
  /** Processing attempts (the file worker's). */
  attempts: "x-gifmesh-attempts",
  topic: "x-gifmesh-original-topic",
  partition: "x-gifmesh-original-partition",
  offset: "x-gifmesh-original-offset",
  /** ISO 8601. */
  failedAt: "x-gifmesh-failed-at",
} as const;

/**
 * Key + value + headers of a copy: librdkafka's 1,000,000-byte default less room for
 * the record and batch framing (under 100 bytes).
 */
export const DEAD_LETTER_MAX_BYTES = 990_000;
/** What is kept of an oversized copy's key (GIF ids are at most 64 bytes). */
export const MAX_KEPT_KEY_BYTES = 256;

export const TRUNCATION_HEADERS = {
  truncated: "x-gifmesh-truncated",
  keyBytes: "x-gifmesh-original-key-bytes",
  keySha256: "x-gifmesh-original-key-sha256",
  valueBytes: "x-gifmesh-original-value-bytes",
  valueSha256: "x-gifmesh-original-value-sha256",
  droppedHeaders: "x-gifmesh-dropped-headers",
} as const;

export interface DeadLetterCopy {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

const headerBytes = (headers: Readonly<Record<string, string>>): number =>
  Object.entries(headers).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/**
 * The message to publish on a dead-letter topic for `original`, with `own`
 * headers (code, reason, ...) taking precedence over the original's.
 */
export function deadLetterCopy(
  original: DeadLetterCopy,
  own: Readonly<Record<string, string>>,
  maxBytes = DEAD_LETTER_MAX_BYTES,
): DeadLetterCopy {
  const key = original.key;
  const value = original.value;
  const whole = { ...original.headers, ...own };
  const size = (key?.length ?? 0) + (value?.length ?? 0) + headerBytes(whole);
  if (size <= maxBytes) return { key, value, headers: whole };

  const keptKey = key === null ? null : key.subarray(0, MAX_KEPT_KEY_BYTES);
  const headers: Record<string, string> = {
    ...own,
    [TRUNCATION_HEADERS.truncated]: "true",
    [TRUNCATION_HEADERS.droppedHeaders]: String(Object.keys(original.headers).length),
  };
  if (key !== null) {
    headers[TRUNCATION_HEADERS.keyBytes] = String(key.length);
    headers[TRUNCATION_HEADERS.keySha256] = sha256(key);
  }
  if (value !== null) {
    headers[TRUNCATION_HEADERS.valueBytes] = String(value.length);
    headers[TRUNCATION_HEADERS.valueSha256] = sha256(value);
  }
  const room = Math.max(0, maxBytes - (keptKey?.length ?? 0) - headerBytes(headers));
  return { key: keptKey, value: value === null ? null : value.subarray(0, room), headers };
}

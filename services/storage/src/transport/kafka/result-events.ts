// The file worker's result events (archive.completed / archive.failed), decoded and
// checked field by field against what storage's schema can hold and what the
// contract promises, before anything touches PostgreSQL. Protobuf happily carries
// values PostgreSQL refuses (a uint32 over `integer`, a timestamp past year 9999, a
// NUL in a string, an event id longer than a btree entry): such an UPDATE threw,
// the consumer retried the same offset forever, and every later result on the
// partition waited behind it. Here such a message is malformed, with a reason for
// the dead-letter topic. What a result must agree with in the database (its
// request, the GIF) is checked when it is applied (application/apply-archive-result.ts).
import { fromBinary } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  contentAddressedKey,
  GIF_ID_PATTERN,
  isArchiveContentType,
  type ArchiveCompleted,
  type ArchiveFailed,
} from "@gifmesh/shared/contracts";
import type { ArchiveResult, ArchiveResultBase } from "../../domain/archive-result.ts";

/** PostgreSQL `integer`: frame count, duration and attempts are stored there. */
const INT32_MAX = 2_147_483_647;
/** GIF sizes are 16-bit (gif.proto MediaFacts). */
const GIF_SIZE_MAX = 65_535;
/** Event ids are UUIDs (the worker's randomUUID; the outbox's event_id column is uuid). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RENDITION = /^[a-z0-9_]{1,32}$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** ARCHIVE.TOO_LARGE and the like: dotted upper-case words, stored as a metric label too. */
const FAILURE_CODE = /^[A-Z][A-Z0-9_]{0,31}(\.[A-Z0-9_]{1,32}){1,3}$/;
/** What is kept of a failure's reason (the worker cuts at 1024 characters too). */
export const REASON_MAX_CHARS = 1024;
/** 0001-01-01 .. 9999-12-31: within both PostgreSQL timestamptz and JS Date. */
const TIMESTAMP_SECONDS = { min: -62_135_596_800n, max: 253_402_300_799n };

/** Thrown for the first field that cannot be stored; its message is the DLQ reason. */
class Malformed extends Error {}

const fail = (reason: string): never => {
  throw new Malformed(reason);
};

function within(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`${field} ${value} is outside ${min}..${max}`);
  return value;
}

function matching(value: string, pattern: RegExp, field: string): string {
  if (!pattern.test(value))
    fail(`${field} ${JSON.stringify(value.slice(0, 80))} is not a valid ${field}`);
  return value;
}

function timestamp(value: Timestamp | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (value.seconds < TIMESTAMP_SECONDS.min || value.seconds > TIMESTAMP_SECONDS.max)
    fail(`occurred_at ${value.seconds}s is outside years 1..9999`);
  within(value.nanos, 0, 999_999_999, "occurred_at nanos");
  return new Date(Number(value.seconds) * 1000 + Math.floor(value.nanos / 1_000_000));
}

/** Free text: kept, but without NUL (PostgreSQL text cannot hold it) and cut. */
function reasonText(value: string): string {
  return value.replaceAll("\u0000", "\uFFFD").slice(0, REASON_MAX_CHARS);
}

function base(msg: ArchiveCompleted | ArchiveFailed, key: Buffer | null): ArchiveResultBase {
  if (msg.schemaVersion < 1) fail("schema_version is missing");
  const gifId = matching(msg.gifId, GIF_ID_PATTERN, "gif_id");
  // Results are keyed by GIF id so that one GIF's results stay in order.
  if (key !== null && !key.equals(Buffer.from(gifId)))
    fail("the message key is not the event's gif_id");
  return {
    eventId: matching(msg.eventId, UUID, "event_id"),
    requestEventId: matching(msg.requestEventId, UUID, "request_event_id"),
    gifId,
    rendition: matching(msg.rendition, RENDITION, "rendition"),
    occurredAt: timestamp(msg.occurredAt),
  };
}

function completed(msg: ArchiveCompleted, key: Buffer | null): ArchiveResult {
  const event = base(msg, key);
  const sha256 = matching(msg.sha256, SHA256, "sha256");
  if (!isArchiveContentType(msg.contentType))
    fail(`content_type ${JSON.stringify(msg.contentType.slice(0, 80))} is not an archived type`);
  // Content-addressed: the key is derived from the hash, never taken as sent.
  if (msg.objectKey !== contentAddressedKey(sha256, msg.contentType))
    fail("object_key is not the content-addressed key of sha256 and content_type");
  if (msg.sizeBytes < 1n || msg.sizeBytes > BigInt(Number.MAX_SAFE_INTEGER))
    fail(`size_bytes ${msg.sizeBytes} is outside 1..${Number.MAX_SAFE_INTEGER}`);
  const facts = msg.facts ?? fail("facts are missing");
  return {
    ...event,
    kind: "completed",
    archived: {
      objectKey: msg.objectKey,
      sha256,
      sizeBytes: Number(msg.sizeBytes),
      contentType: msg.contentType,
      width: within(facts.width, 1, GIF_SIZE_MAX, "facts.width"),
      height: within(facts.height, 1, GIF_SIZE_MAX, "facts.height"),
      frameCount: within(facts.frameCount, 1, INT32_MAX, "facts.frame_count"),
      durationMs: within(facts.durationMs, 0, INT32_MAX, "facts.duration_ms"),
    },
  };
}

function failed(msg: ArchiveFailed, key: Buffer | null): ArchiveResult {
  return {
    ...base(msg, key),
    kind: "failed",
    code: matching(msg.code, FAILURE_CODE, "code"),
    reason: reasonText(msg.reason),
    attempts: within(msg.attempts, 0, INT32_MAX, "attempts"),
  };
}

/**
 * Decodes and checks one message (value and key); a string is why it is malformed.
 * Event ids must be lower-case UUIDs (as every UUID library writes them); nothing is
 * rewritten but a failure's reason (NUL replaced, cut at REASON_MAX_CHARS).
 */
export function decodeResult(
  kind: "completed" | "failed",
  value: Buffer | null,
  key: Buffer | null = null,
): ArchiveResult | string {
  if (value === null) return "message has no value";
  try {
    return kind === "completed"
      ? completed(fromBinary(ArchiveCompletedSchema, value), key)
      : failed(fromBinary(ArchiveFailedSchema, value), key);
  } catch (error) {
    if (error instanceof Malformed) return error.message;
    const name = kind === "completed" ? "ArchiveCompleted" : "ArchiveFailed";
    return `not a ${name} message: ${error instanceof Error ? error.message : String(error)}`;
  }
}

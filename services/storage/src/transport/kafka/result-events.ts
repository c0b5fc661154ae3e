// The file worker's result events (archive.completed / archive.failed): decoding
// and validation (anything storage cannot apply safely is malformed, with a reason
// for the dead-letter topic), and applying one in a transaction keyed on event id,
// so a redelivered event is a no-op and archived never regresses.
import { fromBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  type ArchiveCompleted,
  type ArchiveFailed,
} from "@gifmesh/shared/contracts";
import type { Kysely } from "kysely";
import {
  markArchived,
  markEventProcessed,
  markFailed,
} from "../../infrastructure/db/archive-repository.ts";
import type { DB } from "../../infrastructure/db/schema.ts";

export type ResultOutcome = "applied" | "duplicate" | "ignored" | "malformed";

export type ResultEvent =
  | { readonly kind: "completed"; readonly msg: ArchiveCompleted }
  | { readonly kind: "failed"; readonly msg: ArchiveFailed };

const GIF_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Decodes and validates one message value; a string is why it is malformed. */
export function decodeResult(
  kind: "completed" | "failed",
  value: Buffer | null,
): ResultEvent | string {
  if (value === null) return "message has no value";
  let event: ResultEvent;
  try {
    event =
      kind === "completed"
        ? { kind, msg: fromBinary(ArchiveCompletedSchema, value) }
        : { kind, msg: fromBinary(ArchiveFailedSchema, value) };
  } catch (error) {
    return `not a ${kind === "completed" ? "ArchiveCompleted" : "ArchiveFailed"} message: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (event.msg.eventId === "") return "event_id is empty";
  if (!GIF_ID.test(event.msg.gifId)) return "gif_id is not a valid GIF id";
  if (event.kind === "completed") {
    if (event.msg.objectKey === "") return "object_key is empty";
    if (!SHA256.test(event.msg.sha256)) return "sha256 is not 64 lower-case hex digits";
  } else if (event.msg.code === "") return "code is empty";
  return event;
}

/** Applies a valid event once per event id. */
export async function applyEvent(
  db: Kysely<DB>,
  event: ResultEvent,
  topic: string,
  now: Date,
): Promise<Exclude<ResultOutcome, "malformed">> {
  return db.transaction().execute(async (trx) => {
    if (!(await markEventProcessed(trx, event.msg.eventId, topic))) return "duplicate";
    const at = event.msg.occurredAt ? timestampDate(event.msg.occurredAt) : now;
    const changed =
      event.kind === "completed"
        ? await markArchived(trx, {
            gifId: event.msg.gifId,
            objectKey: event.msg.objectKey,
            sha256: event.msg.sha256,
            sizeBytes: Number(event.msg.sizeBytes),
            contentType: event.msg.contentType,
            rendition: event.msg.rendition,
            width: event.msg.facts?.width ?? 0,
            height: event.msg.facts?.height ?? 0,
            frameCount: event.msg.facts?.frameCount ?? 0,
            durationMs: event.msg.facts?.durationMs ?? 0,
            at,
          })
        : await markFailed(trx, {
            gifId: event.msg.gifId,
            code: event.msg.code,
            reason: event.msg.reason,
            attempts: event.msg.attempts,
            at,
          });
    return changed ? "applied" : "ignored";
  });
}

/** Decodes and applies one message value (tests and tools). */
export async function applyResult(
  db: Kysely<DB>,
  kind: "completed" | "failed",
  topic: string,
  value: Buffer | null,
  now: Date,
): Promise<ResultOutcome> {
  const event = decodeResult(kind, value);
  return typeof event === "string" ? "malformed" : applyEvent(db, event, topic, now);
}

// Archive state transitions driven by the file worker's result events. The rules
// that make duplicates and reordering harmless live in the WHERE clauses:
// archived is final; a failure never overwrites an archived GIF. A result is bound
// to the request it answers through `findArchiveRequest` (the outbox row).
import type { Kysely } from "kysely";
import type { ArchivedFacts, ArchiveFailure } from "../../application/ports.ts";
import type { DB } from "./schema.ts";

/** Marks a GIF archived (from pending or failed). Returns whether a row changed. */
export async function markArchived(db: Kysely<DB>, facts: ArchivedFacts): Promise<boolean> {
  const result = await db
    .updateTable("gifs")
    .set({
      archive_state: "archived",
      archive_object_key: facts.objectKey,
      archive_sha256: facts.sha256,
      archive_size_bytes: facts.sizeBytes,
      archive_content_type: facts.contentType,
      archive_rendition: facts.rendition,
      archive_width: facts.width,
      archive_height: facts.height,
      archive_frame_count: facts.frameCount,
      archive_duration_ms: facts.durationMs,
      archived_at: facts.at,
      archive_failure_code: null,
      archive_failure_reason: null,
      updated_at: facts.at,
    })
    .where("id", "=", facts.gifId)
    .where("archive_state", "!=", "archived")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks a GIF failed, unless it is already archived. Returns whether a row changed. */
export async function markFailed(db: Kysely<DB>, failure: ArchiveFailure): Promise<boolean> {
  const result = await db
    .updateTable("gifs")
    .set({
      archive_state: "failed",
      archive_failure_code: failure.code,
      archive_failure_reason: failure.reason,
      archive_attempts: failure.attempts,
      archive_failed_at: failure.at,
      updated_at: failure.at,
    })
    .where("id", "=", failure.gifId)
    .where("archive_state", "!=", "archived")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records an event id; false when it was processed before (a duplicate). */
export async function markEventProcessed(
  db: Kysely<DB>,
  eventId: string,
  topic: string,
): Promise<boolean> {
  const row = await db
    .insertInto("processed_events")
    .values({ event_id: eventId, topic })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .returning("event_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** An ArchiveRequested row of the outbox, as a result is bound to it. */
export interface ArchiveRequestRow {
  readonly gifId: string;
  readonly topic: string;
  readonly payload: Buffer;
}

/**
 * The outbox row of the ArchiveRequested event `eventId` names, if storage wrote
 * one (sent or not: a send acknowledged just before a crash stays unsent). The
 * caller checks the GIF, topic and rendition. `eventId` must be a UUID (the column
 * is uuid; anything else is a data error, not "absent").
 */
export async function findArchiveRequest(
  db: Kysely<DB>,
  eventId: string,
): Promise<ArchiveRequestRow | undefined> {
  const row = await db
    .selectFrom("outbox")
    .select(["aggregate_id", "topic", "payload"])
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { gifId: row.aggregate_id, topic: row.topic, payload: row.payload };
}

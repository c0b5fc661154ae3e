// What parking an outbox row means for the GIF it belongs to. Every ArchiveRequested
// row that can never be published leaves a GIF that would otherwise stay `pending`
// for good, silently; marking it failed with OUTBOX.UNPUBLISHABLE keeps the
// invariant "archived eventually, or visibly failed with a reason". The code is not
// one the re-request policy retries (domain/archive-rerequest.ts): the same request
// would be refused again. An operator who fixes the cause (e.g. raises the topic's
// max.message.bytes) releases the row (docs/operations.md), and a later completed
// result archives the GIF from failed.
import type { Kysely } from "kysely";
import { markFailed } from "../db/archive-repository.ts";
import type { DB, OutboxRow } from "../db/schema.ts";

/** Stable failure code of a GIF whose archive request was parked. */
export const UNPUBLISHABLE_CODE = "OUTBOX.UNPUBLISHABLE";

/** An `onParked` hook for the relay: fails the GIFs of parked rows of `requestedTopic`. */
export function failParkedRequests(requestedTopic: string) {
  return async (trx: Kysely<DB>, rows: readonly OutboxRow[]): Promise<void> => {
    for (const row of rows) {
      if (row.topic !== requestedTopic) continue;
      await markFailed(trx, {
        gifId: row.aggregate_id,
        code: UNPUBLISHABLE_CODE,
        reason: `archive request could not be published: ${row.last_error ?? "unknown"}`,
        attempts: row.attempts,
        at: row.parked_at ?? new Date(),
      });
    }
  };
}

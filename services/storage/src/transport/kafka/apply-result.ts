// Applies one checked result event (result-events.ts) in a transaction keyed on its
// event id, so a redelivered event is a no-op and archived never regresses. Before
// it changes anything the result must be bound to the request it answers: its
// request_event_id must name an ArchiveRequested row storage itself wrote to the
// outbox, for the same GIF and rendition, on the requests topic. Otherwise anyone
// able to produce to a results topic could point any GIF at any bytes, for good,
// because archived is final. An unbound result changes nothing (the transaction,
// including its processed-event mark, rolls back) and goes to the dead-letter topic.
import { fromBinary } from "@bufbuild/protobuf";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";
import type { Kysely } from "kysely";
import {
  findArchiveRequest,
  markArchived,
  markEventProcessed,
  markFailed,
} from "../../infrastructure/db/archive-repository.ts";
import type { DB } from "../../infrastructure/db/schema.ts";
import type { ResultEvent } from "./result-events.ts";

export type AppliedOutcome = "applied" | "duplicate" | "ignored";

/** A result that names no request of its GIF; the message is the DLQ reason. */
export class UnboundResultError extends Error {
  override readonly name = "UnboundResultError";
}

export interface ApplyContext {
  /** The topic the result came from (recorded with its event id). */
  readonly topic: string;
  /** Where storage's ArchiveRequested rows go: a bound request was written for it. */
  readonly requestedTopic: string;
  readonly now: Date;
}

/** Throws UnboundResultError unless the event answers a request storage wrote for its GIF. */
async function checkBinding(db: Kysely<DB>, event: ResultEvent, requestedTopic: string) {
  const request = await findArchiveRequest(db, event.requestEventId);
  if (request === undefined)
    throw new UnboundResultError("request_event_id names no ArchiveRequested row of storage");
  if (request.topic !== requestedTopic || request.gifId !== event.gifId)
    throw new UnboundResultError("request_event_id names a request for another GIF");
  const asked = fromBinary(ArchiveRequestedSchema, request.payload);
  if (asked.gifId !== event.gifId || asked.rendition !== event.rendition)
    throw new UnboundResultError(
      `rendition ${event.rendition} is not the requested rendition ${asked.rendition}`,
    );
}

/**
 * Applies a checked event once per event id. Throws UnboundResultError (nothing
 * changed) or the database's error (nothing changed: the transaction rolled back).
 */
export async function applyResult(
  db: Kysely<DB>,
  event: ResultEvent,
  { topic, requestedTopic, now }: ApplyContext,
): Promise<AppliedOutcome> {
  return db.transaction().execute(async (trx) => {
    if (!(await markEventProcessed(trx, event.eventId, topic))) return "duplicate";
    await checkBinding(trx, event, requestedTopic);
    const at = event.occurredAt ?? now;
    const changed =
      event.kind === "completed"
        ? await markArchived(trx, {
            ...event.archived,
            gifId: event.gifId,
            rendition: event.rendition,
            at,
          })
        : await markFailed(trx, {
            gifId: event.gifId,
            code: event.code,
            reason: event.reason,
            attempts: event.attempts,
            at,
          });
    return changed ? "applied" : "ignored";
  });
}

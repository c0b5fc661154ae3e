// Applies one archive result (completed or failed) to its GIF, once per event id, in
// one transaction, so a redelivered result changes nothing and archived never
// regresses. Before it changes anything the result must be bound to the request it
// answers: its request_event_id must name an ArchiveRequested row storage itself
// wrote to the outbox, for the same GIF and rendition, on the requests topic.
// Otherwise anyone able to produce to a results topic could point any GIF at any
// bytes, for good, because archived is final. An unbound result changes nothing
// (the transaction, its processed-event mark included, rolls back).
import type { ArchiveResult } from "../domain/archive-result.ts";
import {
  DatabaseRejectedError,
  type ArchiveResultStore,
  type ArchiveResultWrites,
  type Clock,
} from "./ports.ts";

/**
 * What became of a result: applied; a duplicate of an event id already applied;
 * ignored (its GIF is already archived, or gone); or refused for good, with the
 * reason: unbound (it answers no request of storage's for its GIF and rendition) or
 * rejected (the database refused one of its values).
 */
export type ArchiveResultOutcome =
  | { readonly kind: "applied" | "duplicate" | "ignored" }
  | { readonly kind: "unbound" | "rejected"; readonly reason: string };

export interface ApplyArchiveResultDeps {
  readonly store: ArchiveResultStore;
  /** The topic storage writes its ArchiveRequested events to: a bound request went there. */
  readonly requestedTopic: string;
  readonly clock: Clock;
}

/**
 * Applies a result that came from `topic` (recorded with its event id). Rejects only
 * when the store may succeed later (database unreachable, timeouts, deadlocks).
 */
export type ApplyArchiveResult = (
  result: ArchiveResult,
  topic: string,
) => Promise<ArchiveResultOutcome>;

/** Thrown inside the transaction so that the processed-event mark rolls back too. */
class UnboundResult extends Error {}

/** Throws UnboundResult unless the result answers a request storage wrote for its GIF. */
async function checkBinding(
  writes: ArchiveResultWrites,
  result: ArchiveResult,
  requestedTopic: string,
): Promise<void> {
  const request = await writes.findArchiveRequest(result.requestEventId);
  if (request === undefined)
    throw new UnboundResult("request_event_id names no ArchiveRequested row of storage");
  if (request.topic !== requestedTopic || request.gifId !== result.gifId)
    throw new UnboundResult("request_event_id names a request for another GIF");
  if (request.requested.gifId !== result.gifId || request.requested.rendition !== result.rendition)
    throw new UnboundResult(
      `rendition ${result.rendition} is not the requested rendition ${request.requested.rendition}`,
    );
}

export function createApplyArchiveResult(deps: ApplyArchiveResultDeps): ApplyArchiveResult {
  const { store, requestedTopic, clock } = deps;
  return async (result, topic) => {
    try {
      return await store.transaction(async (writes): Promise<ArchiveResultOutcome> => {
        if (!(await writes.markEventProcessed(result.eventId, topic))) return { kind: "duplicate" };
        await checkBinding(writes, result, requestedTopic);
        const at = result.occurredAt ?? clock.now();
        const changed =
          result.kind === "completed"
            ? await writes.markArchived({
                ...result.archived,
                gifId: result.gifId,
                rendition: result.rendition,
                at,
              })
            : await writes.markFailed({
                gifId: result.gifId,
                code: result.code,
                reason: result.reason,
                attempts: result.attempts,
                at,
              });
        return { kind: changed ? "applied" : "ignored" };
      });
    } catch (error) {
      if (error instanceof UnboundResult) return { kind: "unbound", reason: error.message };
      if (error instanceof DatabaseRejectedError)
        return { kind: "rejected", reason: error.message };
      throw error;
    }
  };
}

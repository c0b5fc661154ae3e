// The bounded deletes of the retention job, one batch per statement: each locks at
// most `limit` rows for the few milliseconds its own transaction lasts, and skips
// rows another transaction holds (FOR UPDATE SKIP LOCKED), so two storage instances
// pruning at once split the work instead of waiting on each other, and a search
// refreshing a page, or the relay sending a row, is never blocked by a prune.
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/** The tables the retention job prunes (the metric's `table` label). */
export type PrunedTable = "search_results" | "outbox" | "processed_events";

/** Deletes up to `limit` stored result pages fetched before `cutoff`; returns how many. */
export async function pruneSearchResults(
  db: Kysely<DB>,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from search_results where result_key in (
      select result_key from search_results
      where fetched_at < ${cutoff}
      order by fetched_at
      limit ${limit}
      for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Deletes up to `limit` outbox rows sent before `cutoff`. Never an unsent or parked
 * row (sent_at is null), and never a request of a GIF still pending: its result
 * may yet arrive, and is only applied when bound to that row (application/apply-archive-result.ts).
 */
export async function pruneSentOutbox(
  db: Kysely<DB>,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from outbox where id in (
      select o.id from outbox o
      where o.sent_at < ${cutoff}
        and not exists (
          select 1 from gifs g where g.id = o.aggregate_id and g.archive_state = 'pending')
      order by o.sent_at
      limit ${limit}
      for update of o skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Deletes up to `limit` processed-event ids recorded before `cutoff`. */
export async function pruneProcessedEvents(
  db: Kysely<DB>,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from processed_events where event_id in (
      select event_id from processed_events
      where processed_at < ${cutoff}
      order by processed_at
      limit ${limit}
      for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

// The bounded deletes of the retention job, one batch per statement: each locks at
// most `limit` rows for the few milliseconds its own transaction lasts, and skips
// rows another transaction holds (FOR UPDATE SKIP LOCKED), so two storage instances
// pruning at once split the work instead of waiting on each other, and a search
// refreshing a page, or the relay sending a row, is never blocked by a prune.
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/** The tables the retention job prunes (the metric's `table` label). */
export type PrunedTable = "search_results" | "outbox" | "processed_events";

/** The tables whose rows simply age out: each one's key, and the time its age counts from. */
const AGED = {
  search_results: { key: "result_key", at: "fetched_at" },
  processed_events: { key: "event_id", at: "processed_at" },
} as const;

/** Deletes up to `limit` rows of `table`, oldest first, dated before `cutoff`; returns how many. */
async function pruneAged(
  db: Kysely<DB>,
  table: keyof typeof AGED,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const key = sql.ref(AGED[table].key);
  const at = sql.ref(AGED[table].at);
  const result = await sql`
    delete from ${sql.table(table)} where ${key} in (
      select ${key} from ${sql.table(table)}
      where ${at} < ${cutoff}
      order by ${at}
      limit ${limit}
      for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Deletes up to `limit` stored result pages fetched before `cutoff`; returns how many. */
export function pruneSearchResults(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  return pruneAged(db, "search_results", cutoff, limit);
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
export function pruneProcessedEvents(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  return pruneAged(db, "processed_events", cutoff, limit);
}

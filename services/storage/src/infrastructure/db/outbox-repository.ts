// The transactional outbox table. Rows are written in the business transaction;
// the relay claims them with FOR UPDATE SKIP LOCKED. It only ever claims the
// oldest unsent row of each GIF (no earlier unsent row may exist), so two relays
// can never publish one GIF's events out of order, and never the same row twice.
// A parked row (one that can never be published) is never claimed, but it is still
// unsent: it keeps blocking its own GIF's later rows, and only those.
import { sql, type Kysely } from "kysely";
import type { DB, OutboxRow } from "./schema.ts";

export interface NewOutboxMessage {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly topic: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export async function enqueue(
  db: Kysely<DB>,
  messages: readonly NewOutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await db
    .insertInto("outbox")
    .values(
      messages.map((m) => ({
        event_id: m.eventId,
        aggregate_id: m.aggregateId,
        topic: m.topic,
        message_key: m.key,
        payload: Buffer.from(m.payload),
        headers: JSON.stringify(m.headers),
      })),
    )
    .execute();
}

/** Locks up to `limit` publishable rows for the current transaction. */
export async function claimBatch(trx: Kysely<DB>, limit: number): Promise<OutboxRow[]> {
  return trx
    .selectFrom("outbox as o")
    .selectAll()
    .where("o.sent_at", "is", null)
    .where("o.parked_at", "is", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("outbox as p")
            .select(sql`1`.as("one"))
            .whereRef("p.aggregate_id", "=", "o.aggregate_id")
            .where("p.sent_at", "is", null)
            .whereRef("p.id", "<", "o.id"),
        ),
      ),
    )
    .orderBy("o.id")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markSent(trx: Kysely<DB>, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable("outbox")
    .set({ sent_at: at })
    .where("id", "in", [...ids])
    .execute();
}

/** Counts a failed publish attempt (outside the claiming transaction, which rolled back). */
export async function recordFailure(
  db: Kysely<DB>,
  ids: readonly string[],
  error: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("outbox")
    .set((eb) => ({ attempts: eb("attempts", "+", 1), last_error: error.slice(0, 500) }))
    .where("id", "in", [...ids])
    .execute();
}

/**
 * Counts one refusal for good of each row (in the claiming transaction, which
 * commits) and parks those that reached `parkAfter`; returns the parked ones.
 */
export async function recordRejections(
  trx: Kysely<DB>,
  ids: readonly string[],
  error: string,
  parkAfter: number,
  at: Date,
): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .updateTable("outbox")
    .set((eb) => ({
      attempts: eb("attempts", "+", 1),
      rejections: eb("rejections", "+", 1),
      last_error: error.slice(0, 500),
      parked_at: sql<Date | null>`case when rejections + 1 >= ${parkAfter} then ${at}::timestamptz end`,
    }))
    .where("id", "in", [...ids])
    .returningAll()
    .execute();
  return rows.filter((row) => row.parked_at !== null);
}

/** Unsent rows (parked ones included: they are not sent either). */
export async function countUnsent(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("sent_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What the metrics scrape reports about the outbox. */
export interface OutboxStats {
  /** Unsent rows still to publish, counted up to `cap` (the gauge saturates there). */
  readonly backlog: number;
  /** Age of the oldest unsent row still to publish; 0 when none. */
  readonly oldestAgeSeconds: number;
  /** Parked rows (never published; an operator decides), counted up to `cap`. */
  readonly parked: number;
}

/**
 * Backlog, oldest-unsent age and parked rows, read through the partial indexes
 * `outbox_unsent_idx` and `outbox_parked_idx`: scans bounded by `cap`, plus one row
 * for the oldest. Parked rows are not backlog: they would hold the age gauge (and
 * its alert) up forever, so they have their own gauge.
 */
export async function outboxStats(db: Kysely<DB>, cap = 100_000): Promise<OutboxStats> {
  const result = await sql<{ backlog: string; age: string | null; parked: string }>`
    select
      (select count(*) from (select 1 from outbox
        where sent_at is null and parked_at is null limit ${cap}) b) as backlog,
      (select extract(epoch from now() - created_at) from outbox
        where sent_at is null and parked_at is null order by id limit 1) as age,
      (select count(*) from (select 1 from outbox
        where parked_at is not null limit ${cap}) p) as parked`.execute(db);
  const row = result.rows[0];
  return {
    backlog: Number(row?.backlog ?? 0),
    oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)),
    parked: Number(row?.parked ?? 0),
  };
}

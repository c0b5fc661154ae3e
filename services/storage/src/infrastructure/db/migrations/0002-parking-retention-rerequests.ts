// Outbox rows that can never be published are parked (parked_at, after
// `rejections` refusals for good) instead of blocking the rows after them; sent
// rows get an index so the retention job finds old ones without scanning the table; and a failed GIF
// counts how often storage asked for it again (archive_rerequests), which bounds
// the re-request policy (domain/archive-rerequest.ts).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("outbox")
    .addColumn("parked_at", "timestamptz")
    .addColumn("rejections", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // Retention deletes sent rows oldest first; unsent and parked rows have no sent_at.
  await db.schema
    .createIndex("outbox_sent_at_idx")
    .on("outbox")
    .column("sent_at")
    .where(sql.ref("sent_at"), "is not", null)
    .execute();
  // Operators (and the gauge) list what is parked.
  await db.schema
    .createIndex("outbox_parked_idx")
    .on("outbox")
    .column("id")
    .where(sql.ref("parked_at"), "is not", null)
    .execute();
  // Retention deletes processed event ids oldest first.
  await db.schema
    .createIndex("processed_events_processed_at_idx")
    .on("processed_events")
    .column("processed_at")
    .execute();
  await db.schema
    .alterTable("gifs")
    .addColumn("archive_rerequests", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("gifs").dropColumn("archive_rerequests").execute();
  await db.schema.dropIndex("processed_events_processed_at_idx").ifExists().execute();
  await db.schema.dropIndex("outbox_parked_idx").ifExists().execute();
  await db.schema.dropIndex("outbox_sent_at_idx").ifExists().execute();
  await db.schema.alterTable("outbox").dropColumn("parked_at").dropColumn("rejections").execute();
}

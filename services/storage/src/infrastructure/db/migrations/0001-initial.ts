// The first schema: GIFs with their archive state, renditions, stored result pages,
// the transactional outbox and the processed-event ledger of the results consumer.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("gifs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("rating", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("alt_text", "text", (c) => c.notNull())
    .addColumn("embed_url", "text", (c) => c.notNull())
    .addColumn("bitly_url", "text", (c) => c.notNull())
    .addColumn("source_url", "text", (c) => c.notNull())
    .addColumn("source_tld", "text", (c) => c.notNull())
    .addColumn("source_post_url", "text", (c) => c.notNull())
    .addColumn("is_sticker", "boolean", (c) => c.notNull())
    .addColumn("imported_at", "timestamptz")
    .addColumn("trending_at", "timestamptz")
    .addColumn("user_json", "jsonb")
    .addColumn("archive_state", "text", (c) =>
      c.notNull().check(sql`archive_state in ('pending', 'archived', 'failed')`),
    )
    .addColumn("archive_requested_at", "timestamptz", (c) => c.notNull())
    .addColumn("archive_object_key", "text")
    .addColumn("archive_sha256", "text")
    .addColumn("archive_size_bytes", "bigint")
    .addColumn("archive_content_type", "text")
    .addColumn("archive_rendition", "text")
    .addColumn("archive_width", "integer")
    .addColumn("archive_height", "integer")
    .addColumn("archive_frame_count", "integer")
    .addColumn("archive_duration_ms", "integer")
    .addColumn("archived_at", "timestamptz")
    .addColumn("archive_failure_code", "text")
    .addColumn("archive_failure_reason", "text")
    .addColumn("archive_attempts", "integer")
    .addColumn("archive_failed_at", "timestamptz")
    .addColumn("first_seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Operators list what is stuck: "pending for more than an hour", "failed today".
  await db.schema
    .createIndex("gifs_archive_state_idx")
    .on("gifs")
    .columns(["archive_state", "archive_requested_at"])
    .execute();

  await db.schema
    .createTable("renditions")
    .addColumn("gif_id", "text", (c) => c.notNull().references("gifs.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("frames", "integer", (c) => c.notNull())
    .addColumn("mp4_url", "text", (c) => c.notNull())
    .addColumn("mp4_size_bytes", "bigint", (c) => c.notNull())
    .addColumn("webp_url", "text", (c) => c.notNull())
    .addColumn("webp_size_bytes", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("renditions_pk", ["gif_id", "name"])
    .execute();

  await db.schema
    .createTable("search_results")
    .addColumn("result_key", "text", (c) => c.primaryKey())
    .addColumn("gif_ids", sql`text[]`, (c) => c.notNull())
    .addColumn("total_count", "integer", (c) => c.notNull())
    .addColumn("fetched_at", "timestamptz", (c) => c.notNull())
    .execute();
  // For pruning old pages.
  await db.schema
    .createIndex("search_results_fetched_at_idx")
    .on("search_results")
    .column("fetched_at")
    .execute();

  await db.schema
    .createTable("outbox")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("event_id", "uuid", (c) => c.notNull().unique())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("message_key", "text", (c) => c.notNull())
    .addColumn("payload", "bytea", (c) => c.notNull())
    .addColumn("headers", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .execute();
  // The relay scans unsent rows in id order, and checks "no earlier unsent row of this GIF".
  await db.schema
    .createIndex("outbox_unsent_idx")
    .on("outbox")
    .column("id")
    .where(sql.ref("sent_at"), "is", null)
    .execute();
  await db.schema
    .createIndex("outbox_unsent_aggregate_idx")
    .on("outbox")
    .columns(["aggregate_id", "id"])
    .where(sql.ref("sent_at"), "is", null)
    .execute();

  await db.schema
    .createTable("processed_events")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("processed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["processed_events", "outbox", "search_results", "renditions", "gifs"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

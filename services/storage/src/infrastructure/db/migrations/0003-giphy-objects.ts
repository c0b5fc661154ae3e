// Answers are lossless: every GIF keeps Giphy's object as it was received
// (`gifs.giphy_object`, every member, also those gifmesh does not know), and a
// stored answer that is not a plain GIF page (categories, channels, terms, the
// trending searches, emoji v2's cursor) keeps its own shape in
// `search_results.payload`. Both are nullable: rows written before stay valid and
// are served from their typed columns as before.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("gifs").addColumn("giphy_object", "jsonb").execute();
  await db.schema.alterTable("search_results").addColumn("payload", "jsonb").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("search_results").dropColumn("payload").execute();
  await db.schema.alterTable("gifs").dropColumn("giphy_object").execute();
}

// GIF and rendition rows. Plain functions of `db` so they run inside the caller's
// transaction. Upserts are idempotent: the same GIF seen twice is one row, and
// `inserted` tells which GIFs are new (and so need an archive request);
// `claimDueRerequests` tells which failed ones are due to be asked for again.
import { sql, type Kysely } from "kysely";
import { isRerequestDue, type RerequestPolicy } from "../../domain/archive-rerequest.ts";
import { RATING_ORDER, type GifMetadata } from "../../domain/gif.ts";
import { ratingAllowed } from "../../domain/queries.ts";
import type { RandomPick } from "../../application/ports.ts";
import type { DB, GifRow, RenditionRow } from "./schema.ts";

/** Upserts GIFs and their renditions; returns the ids that were inserted (new). */
export async function upsertGifs(
  db: Kysely<DB>,
  gifs: readonly GifMetadata[],
  now: Date,
): Promise<Set<string>> {
  if (gifs.length === 0) return new Set();
  // In id order: the INSERT locks its rows in VALUES order, so two pages that share
  // GIFs (concurrent searches) lock them in the same order and cannot deadlock.
  const unique = [...new Map(gifs.map((gif) => [gif.id, gif])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const rows = await db
    .insertInto("gifs")
    .values(
      unique.map((gif) => ({
        id: gif.id,
        slug: gif.slug,
        title: gif.title,
        url: gif.url,
        rating: gif.rating,
        username: gif.username,
        alt_text: gif.altText,
        embed_url: gif.embedUrl,
        bitly_url: gif.bitlyUrl,
        source_url: gif.sourceUrl,
        source_tld: gif.sourceTld,
        source_post_url: gif.sourcePostUrl,
        is_sticker: gif.isSticker,
        imported_at: gif.importedAt,
        trending_at: gif.trendingAt,
        user_json: gif.user === null ? null : JSON.stringify(gif.user),
        giphy_object: gif.giphyObject === null ? null : JSON.stringify(gif.giphyObject),
        archive_state: "pending" as const,
        archive_requested_at: now,
        first_seen_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        slug: eb.ref("excluded.slug"),
        title: eb.ref("excluded.title"),
        url: eb.ref("excluded.url"),
        rating: eb.ref("excluded.rating"),
        username: eb.ref("excluded.username"),
        alt_text: eb.ref("excluded.alt_text"),
        embed_url: eb.ref("excluded.embed_url"),
        bitly_url: eb.ref("excluded.bitly_url"),
        source_url: eb.ref("excluded.source_url"),
        source_tld: eb.ref("excluded.source_tld"),
        source_post_url: eb.ref("excluded.source_post_url"),
        is_sticker: eb.ref("excluded.is_sticker"),
        imported_at: eb.ref("excluded.imported_at"),
        trending_at: sql`coalesce(excluded.trending_at, gifs.trending_at)`,
        user_json: eb.ref("excluded.user_json"),
        // A GIF seen again without its object (a caller that has only the typed
        // fields) keeps the object it has.
        giphy_object: sql`coalesce(excluded.giphy_object, gifs.giphy_object)`,
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")])
    .execute();
  const renditions = unique.flatMap((gif) =>
    gif.renditions.map((r) => ({
      gif_id: gif.id,
      name: r.name,
      url: r.url,
      width: r.width,
      height: r.height,
      size_bytes: r.sizeBytes,
      frames: r.frames,
      mp4_url: r.mp4Url,
      mp4_size_bytes: r.mp4SizeBytes,
      webp_url: r.webpUrl,
      webp_size_bytes: r.webpSizeBytes,
    })),
  );
  if (renditions.length > 0) {
    await db
      .insertInto("renditions")
      .values(renditions)
      .onConflict((oc) =>
        oc.columns(["gif_id", "name"]).doUpdateSet((eb) => ({
          url: eb.ref("excluded.url"),
          width: eb.ref("excluded.width"),
          height: eb.ref("excluded.height"),
          size_bytes: eb.ref("excluded.size_bytes"),
          frames: eb.ref("excluded.frames"),
          mp4_url: eb.ref("excluded.mp4_url"),
          mp4_size_bytes: eb.ref("excluded.mp4_size_bytes"),
          webp_url: eb.ref("excluded.webp_url"),
          webp_size_bytes: eb.ref("excluded.webp_size_bytes"),
        })),
      )
      .execute();
  }
  return new Set(rows.filter((row) => row.inserted).map((row) => row.id));
}

/** GIF rows with their renditions, for the given ids (any order). */
export async function findGifRows(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<{ gifs: GifRow[]; renditions: RenditionRow[] }> {
  if (ids.length === 0) return { gifs: [], renditions: [] };
  const gifs = await db
    .selectFrom("gifs")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
  const renditions = await db
    .selectFrom("renditions")
    .selectAll()
    .where("gif_id", "in", [...ids])
    .orderBy("gif_id")
    .orderBy("name")
    .execute();
  return { gifs, renditions };
}

export async function findGifRow(db: Kysely<DB>, id: string): Promise<GifRow | undefined> {
  return db.selectFrom("gifs").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Flips the failed GIFs among `ids` that the re-request policy says are due back
 * to pending (one more re-request counted) and returns their ids; the caller writes
 * their ArchiveRequested rows in the same transaction. `archive_state = 'failed'`
 * in the UPDATE makes two concurrent searches re-request a GIF once: the second
 * waits for the first's row lock, then finds it pending.
 */
export async function claimDueRerequests(
  db: Kysely<DB>,
  ids: readonly string[],
  policy: RerequestPolicy,
  now: Date,
): Promise<Set<string>> {
  if (ids.length === 0 || policy.maxRerequests <= 0 || policy.backoffMs <= 0) return new Set();
  const failed = await db
    .selectFrom("gifs")
    .select(["id", "archive_failure_code", "archive_failed_at", "archive_rerequests"])
    .where("id", "in", [...ids])
    .where("archive_state", "=", "failed")
    .execute();
  const due = failed
    .filter((row) =>
      isRerequestDue(
        {
          code: row.archive_failure_code ?? "",
          failedAt: row.archive_failed_at ?? now,
          rerequests: row.archive_rerequests,
        },
        policy,
        now,
      ),
    )
    .map((row) => row.id)
    .sort();
  if (due.length === 0) return new Set();
  const claimed = await db
    .updateTable("gifs")
    .set((eb) => ({
      archive_state: "pending",
      archive_requested_at: now,
      archive_rerequests: eb("archive_rerequests", "+", 1),
      updated_at: now,
    }))
    .where("id", "in", due)
    .where("archive_state", "=", "failed")
    .returning("id")
    .execute();
  return new Set(claimed.map((row) => row.id));
}

/** `%`, `_` and `\\` taken literally in an ILIKE pattern. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The id of one stored GIF that fits a random pick (Giphy's /random while Giphy is
 * down). The type is Giphy's: stickers are `is_sticker`; GIFs are the rest whose
 * object says `"type": "gif"` (or has no object yet). A tag matches the title or
 * slug. Candidates are capped before the shuffle, so the cost stays bounded on a
 * large table.
 */
export async function findRandomGifId(
  db: Kysely<DB>,
  pick: RandomPick,
): Promise<string | undefined> {
  const ratings = RATING_ORDER.filter((rating) => ratingAllowed(rating, pick.rating));
  let candidates = db
    .selectFrom("gifs")
    .select("id")
    .where("rating", "in", ratings)
    .where("is_sticker", "=", pick.type === "stickers");
  if (pick.type === "gifs")
    candidates = candidates.where(sql<string>`coalesce(giphy_object->>'type', 'gif')`, "=", "gif");
  if (pick.tag !== undefined && pick.tag !== "") {
    const pattern = `%${likeLiteral(pick.tag)}%`;
    candidates = candidates.where((eb) =>
      eb.or([eb("title", "ilike", pattern), eb("slug", "ilike", pattern)]),
    );
  }
  const row = await db
    .selectFrom(candidates.limit(1000).as("candidates"))
    .select("id")
    .orderBy(sql`random()`)
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

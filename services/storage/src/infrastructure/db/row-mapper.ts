// Database rows → domain types, in one place.
import type { ArchiveState, GifUser, Rating, Rendition, StoredGif } from "../../domain/gif.ts";
import type { GifRow, RenditionRow } from "./schema.ts";

const RATINGS = new Set<string>(["y", "g", "pg", "pg-13", "r"]);

function archiveOf(row: GifRow): ArchiveState {
  if (row.archive_state === "archived") {
    return {
      kind: "archived",
      objectKey: row.archive_object_key ?? "",
      sha256: row.archive_sha256 ?? "",
      sizeBytes: Number(row.archive_size_bytes ?? 0),
      contentType: row.archive_content_type ?? "",
      rendition: row.archive_rendition ?? "",
      width: row.archive_width ?? 0,
      height: row.archive_height ?? 0,
      frameCount: row.archive_frame_count ?? 0,
      durationMs: row.archive_duration_ms ?? 0,
      archivedAt: row.archived_at ?? row.updated_at,
    };
  }
  if (row.archive_state === "failed") {
    return {
      kind: "failed",
      code: row.archive_failure_code ?? "",
      reason: row.archive_failure_reason ?? "",
      attempts: row.archive_attempts ?? 0,
      failedAt: row.archive_failed_at ?? row.updated_at,
    };
  }
  return { kind: "pending", requestedAt: row.archive_requested_at };
}

export { archiveOf };

function renditionOf(row: RenditionRow): Rendition {
  return {
    name: row.name,
    url: row.url,
    width: row.width,
    height: row.height,
    sizeBytes: Number(row.size_bytes),
    frames: row.frames,
    mp4Url: row.mp4_url,
    mp4SizeBytes: Number(row.mp4_size_bytes),
    webpUrl: row.webp_url,
    webpSizeBytes: Number(row.webp_size_bytes),
  };
}

export function toStoredGif(row: GifRow, renditions: readonly RenditionRow[]): StoredGif {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    url: row.url,
    rating: RATINGS.has(row.rating) ? (row.rating as Rating) : "unrated",
    username: row.username,
    altText: row.alt_text,
    embedUrl: row.embed_url,
    bitlyUrl: row.bitly_url,
    sourceUrl: row.source_url,
    sourceTld: row.source_tld,
    sourcePostUrl: row.source_post_url,
    isSticker: row.is_sticker,
    importedAt: row.imported_at,
    trendingAt: row.trending_at,
    user: (row.user_json ?? null) as GifUser | null,
    renditions: renditions.filter((r) => r.gif_id === row.id).map(renditionOf),
    giphyObject: row.giphy_object,
    archive: archiveOf(row),
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
}

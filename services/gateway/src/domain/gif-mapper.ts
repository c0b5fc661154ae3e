// Anti-corruption layer outward: turns the storage contract's Gif into the object a
// Giphy client expects (strings for numbers, "YYYY-MM-DD HH:MM:SS" dates, 0/1 flags)
// and adds gifmesh's archive state. Archived renditions are pointed at our media
// endpoint, so clients load the archived copy without knowing gifmesh exists.
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { ArchiveState, Gif, Rendition } from "@gifmesh/shared/contracts";
import type { ArchiveInfo, GiphyGif, GiphyRendition } from "./giphy-shape.ts";
import { mediaPathForKey } from "./media-key.ts";
import { ratingToGiphy } from "./rating.ts";

export interface GifMapperOptions {
  /** Public origin of the gateway, e.g. "https://gifs.example.com" (no trailing slash). */
  readonly publicBaseUrl: string;
  /** Point the archived rendition's URL at the media endpoint (default true). */
  readonly rewriteArchivedUrls?: boolean;
}

const NO_DATE = "0000-00-00 00:00:00";

/** Giphy's date format, in UTC. */
export function giphyDate(ts: Timestamp | undefined): string {
  if (!ts) return NO_DATE;
  const date = new Date(Number(ts.seconds) * 1000);
  return date.toISOString().slice(0, 19).replace("T", " ");
}

function isoDate(ts: Timestamp | undefined): string | undefined {
  return ts
    ? new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString()
    : undefined;
}

function rendition(r: Rendition): GiphyRendition {
  const out: GiphyRendition = { url: r.url, width: String(r.width), height: String(r.height) };
  if (r.sizeBytes > 0n) out.size = r.sizeBytes.toString();
  if (r.frames > 0) out.frames = String(r.frames);
  if (r.mp4Url) out.mp4 = r.mp4Url;
  if (r.mp4SizeBytes > 0n) out.mp4_size = r.mp4SizeBytes.toString();
  if (r.webpUrl) out.webp = r.webpUrl;
  if (r.webpSizeBytes > 0n) out.webp_size = r.webpSizeBytes.toString();
  return out;
}

/** The `gifmesh.archive` extension of a GIF object. */
export function archiveInfo(state: ArchiveState | undefined, publicBaseUrl: string): ArchiveInfo {
  const s = state?.state;
  switch (s?.case) {
    case "pending":
      return { status: "pending", requested_at: isoDate(s.value.requestedAt) };
    case "archived":
      return {
        status: "archived",
        url: `${publicBaseUrl}${mediaPathForKey(s.value.objectKey)}`,
        object_key: s.value.objectKey,
        sha256: s.value.sha256,
        size: s.value.sizeBytes.toString(),
        content_type: s.value.contentType,
        rendition: s.value.rendition || "original",
        archived_at: isoDate(s.value.archivedAt),
      };
    case "failed":
      return {
        status: "failed",
        error_code: s.value.code,
        reason: s.value.reason,
        attempts: s.value.attempts,
        failed_at: isoDate(s.value.failedAt),
      };
    default:
      return { status: "unknown" };
  }
}

/** Maps one storage Gif to a Giphy GIF object. */
export function toGiphyGif(gif: Gif, options: GifMapperOptions): GiphyGif {
  const images: Record<string, GiphyRendition> = {};
  for (const r of gif.renditions) images[r.name] = rendition(r);
  const archive = archiveInfo(gif.archive, options.publicBaseUrl);
  if (archive.status === "archived" && archive.url && options.rewriteArchivedUrls !== false) {
    const name = archive.rendition ?? "original";
    const current = images[name];
    images[name] = {
      ...(current ?? { width: "0", height: "0" }),
      url: archive.url,
      ...(archive.size ? { size: archive.size } : {}),
    };
  }
  return {
    type: "gif",
    id: gif.id,
    url: gif.url,
    slug: gif.slug,
    bitly_gif_url: gif.bitlyUrl,
    bitly_url: gif.bitlyUrl,
    embed_url: gif.embedUrl,
    username: gif.username,
    source: gif.sourceUrl,
    title: gif.title,
    rating: ratingToGiphy(gif.rating),
    content_url: "",
    source_tld: gif.sourceTld,
    source_post_url: gif.sourcePostUrl,
    is_sticker: gif.isSticker ? 1 : 0,
    import_datetime: giphyDate(gif.importedAt),
    trending_datetime: giphyDate(gif.trendingAt),
    alt_text: gif.altText,
    ...(gif.user
      ? {
          user: {
            username: gif.user.username,
            display_name: gif.user.displayName,
            avatar_url: gif.user.avatarUrl,
            profile_url: gif.user.profileUrl,
            is_verified: gif.user.isVerified,
          },
        }
      : {}),
    images,
    analytics_response_payload: "",
    gifmesh: { archive },
  };
}

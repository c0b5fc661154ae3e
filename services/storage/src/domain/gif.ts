// The GIF as storage's domain knows it: Giphy's metadata translated into our terms,
// plus the archive state gifmesh tracks. Pure types, no I/O.

export type Rating = "y" | "g" | "pg" | "pg-13" | "r" | "unrated";

/** Ratings from mildest to strongest: "y" (young children) sits below "g". */
export const RATING_ORDER: readonly Rating[] = ["y", "g", "pg", "pg-13", "r"];

/** Giphy's `type` path segment: /v1/{type}/search. */
export type MediaType = "gifs" | "stickers" | "text" | "videos";

/** A JSON value as Giphy sent it. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export interface GifUser {
  readonly username: string;
  readonly displayName: string;
  readonly avatarUrl: string;
  readonly profileUrl: string;
  readonly isVerified: boolean;
}

/** One rendition with Giphy's declared numbers (0 when Giphy gives none). */
export interface Rendition {
  readonly name: string;
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly sizeBytes: number;
  readonly frames: number;
  readonly mp4Url: string;
  readonly mp4SizeBytes: number;
  readonly webpUrl: string;
  readonly webpSizeBytes: number;
}

/** What Giphy tells us about a GIF. */
export interface GifMetadata {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly url: string;
  readonly rating: Rating;
  readonly username: string;
  readonly altText: string;
  readonly embedUrl: string;
  readonly bitlyUrl: string;
  readonly sourceUrl: string;
  readonly sourceTld: string;
  readonly sourcePostUrl: string;
  readonly isSticker: boolean;
  readonly importedAt: Date | null;
  readonly trendingAt: Date | null;
  readonly user: GifUser | null;
  readonly renditions: readonly Rendition[];
  /**
   * Giphy's object exactly as received (validated), every member kept. Null only
   * for GIFs stored before gifmesh kept it (migration 0003).
   */
  readonly giphyObject: JsonObject | null;
}

export type ArchiveState =
  | { readonly kind: "pending"; readonly requestedAt: Date }
  | {
      readonly kind: "archived";
      readonly objectKey: string;
      readonly sha256: string;
      readonly sizeBytes: number;
      readonly contentType: string;
      readonly rendition: string;
      readonly width: number;
      readonly height: number;
      readonly frameCount: number;
      readonly durationMs: number;
      readonly archivedAt: Date;
    }
  | {
      readonly kind: "failed";
      readonly code: string;
      readonly reason: string;
      readonly attempts: number;
      readonly failedAt: Date;
    };

/** A stored GIF: metadata, archive state and our own timestamps. */
export interface StoredGif extends GifMetadata {
  readonly archive: ArchiveState;
  readonly firstSeenAt: Date;
  readonly updatedAt: Date;
}

/** The rendition to archive: Giphy's original, which every GIF has. */
export const ARCHIVED_RENDITION = "original";

/** A page of results from Giphy. */
export interface GifPage {
  readonly gifs: readonly GifMetadata[];
  readonly totalCount: number;
  readonly offset: number;
  /** Emoji v2's `pagination.next_cursor`, as Giphy wrote it (JSON text); absent when none. */
  readonly nextCursor?: string;
}

/** A Giphy category or subcategory (/v1/gifs/categories[/{category}]). */
export interface Category {
  readonly name: string;
  readonly nameEncoded: string;
  readonly subcategories: readonly Category[];
  /** Its representative GIF, stored and archived like any other. */
  readonly gif: GifMetadata | null;
  /** The category object exactly as received, its `gif` member included. */
  readonly giphyObject: JsonObject;
}

export interface CategoryPage {
  readonly categories: readonly Category[];
  readonly totalCount: number;
  readonly offset: number;
}

/** A Giphy channel (/v1/channels/search). */
export interface Channel {
  readonly id: number;
  readonly slug: string;
  readonly displayName: string;
  readonly featuredGif: GifMetadata | null;
  readonly giphyObject: JsonObject;
}

export interface ChannelPage {
  readonly channels: readonly Channel[];
  readonly totalCount: number;
  readonly offset: number;
}

/** A term Giphy suggests (autocomplete, related tags): {"name": ...} and whatever else it sends. */
export interface Term {
  readonly name: string;
  readonly giphyObject: JsonObject;
}

export interface TermPage {
  readonly terms: readonly Term[];
  readonly totalCount: number;
  readonly offset: number;
}

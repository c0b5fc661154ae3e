// The GIF as storage's domain knows it: Giphy's metadata translated into our terms,
// plus the archive state gifmesh tracks. Pure types, no I/O.

export type Rating = "g" | "pg" | "pg-13" | "r" | "unrated";

export const RATING_ORDER: readonly Rating[] = ["g", "pg", "pg-13", "r"];

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
}

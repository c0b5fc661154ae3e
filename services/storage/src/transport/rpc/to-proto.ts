// Domain types → contract messages (gifmesh.gif.v1), and contract enums → domain.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ArchiveStateSchema,
  GifSchema,
  Rating as ProtoRating,
  ResultSource,
  type ArchiveState as ProtoArchiveState,
  type Gif,
} from "@gifmesh/shared/contracts";
import { invalidArgument } from "../../domain/errors.ts";
import type { ArchiveState, Rating, StoredGif } from "../../domain/gif.ts";
import type { PageSource } from "../../application/serve-page.ts";

const TO_PROTO_RATING: Readonly<Record<Rating, ProtoRating>> = {
  g: ProtoRating.G,
  pg: ProtoRating.PG,
  "pg-13": ProtoRating.PG_13,
  r: ProtoRating.R,
  y: ProtoRating.Y,
  unrated: ProtoRating.UNSPECIFIED,
};

/** Request rating → domain; UNSPECIFIED means "any"; unknown numbers are invalid. */
export function ratingFromProto(rating: ProtoRating, field = "rating"): Rating | undefined {
  switch (rating) {
    case ProtoRating.UNSPECIFIED:
      return undefined;
    case ProtoRating.G:
      return "g";
    case ProtoRating.PG:
      return "pg";
    case ProtoRating.PG_13:
      return "pg-13";
    case ProtoRating.R:
      return "r";
    default:
      throw invalidArgument(field, "must be one of RATING_G, RATING_PG, RATING_PG_13, RATING_R");
  }
}

export function sourceToProto(source: PageSource): ResultSource {
  return source === "giphy"
    ? ResultSource.GIPHY
    : source === "database"
      ? ResultSource.DATABASE
      : ResultSource.DATABASE_STALE;
}

export function archiveToProto(archive: ArchiveState): ProtoArchiveState {
  switch (archive.kind) {
    case "pending":
      return create(ArchiveStateSchema, {
        state: { case: "pending", value: { requestedAt: timestampFromDate(archive.requestedAt) } },
      });
    case "archived":
      return create(ArchiveStateSchema, {
        state: {
          case: "archived",
          value: {
            objectKey: archive.objectKey,
            sha256: archive.sha256,
            sizeBytes: BigInt(archive.sizeBytes),
            contentType: archive.contentType,
            rendition: archive.rendition,
            archivedAt: timestampFromDate(archive.archivedAt),
            facts: {
              width: archive.width,
              height: archive.height,
              frameCount: archive.frameCount,
              durationMs: archive.durationMs,
            },
          },
        },
      });
    case "failed":
      return create(ArchiveStateSchema, {
        state: {
          case: "failed",
          value: {
            code: archive.code,
            reason: archive.reason,
            attempts: archive.attempts,
            failedAt: timestampFromDate(archive.failedAt),
          },
        },
      });
  }
}

export function gifToProto(gif: StoredGif): Gif {
  return create(GifSchema, {
    id: gif.id,
    slug: gif.slug,
    title: gif.title,
    url: gif.url,
    rating: TO_PROTO_RATING[gif.rating],
    username: gif.username,
    altText: gif.altText,
    embedUrl: gif.embedUrl,
    bitlyUrl: gif.bitlyUrl,
    sourceUrl: gif.sourceUrl,
    sourceTld: gif.sourceTld,
    sourcePostUrl: gif.sourcePostUrl,
    isSticker: gif.isSticker,
    ...(gif.importedAt ? { importedAt: timestampFromDate(gif.importedAt) } : {}),
    ...(gif.trendingAt ? { trendingAt: timestampFromDate(gif.trendingAt) } : {}),
    ...(gif.user ? { user: gif.user } : {}),
    renditions: gif.renditions.map((r) => ({
      name: r.name,
      url: r.url,
      width: r.width,
      height: r.height,
      sizeBytes: BigInt(r.sizeBytes),
      frames: r.frames,
      mp4Url: r.mp4Url,
      mp4SizeBytes: BigInt(r.mp4SizeBytes),
      webpUrl: r.webpUrl,
      webpSizeBytes: BigInt(r.webpSizeBytes),
    })),
    archive: archiveToProto(gif.archive),
    firstSeenAt: timestampFromDate(gif.firstSeenAt),
    updatedAt: timestampFromDate(gif.updatedAt),
  });
}

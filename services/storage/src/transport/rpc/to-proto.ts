// Domain types → contract messages (gifmesh.gif.v1), and contract enums → domain.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ArchiveStateSchema,
  CategorySchema,
  ChannelSchema,
  GifSchema,
  MediaType as ProtoMediaType,
  PaginationSchema,
  Rating as ProtoRating,
  ResultSource,
  TermSchema,
  type ArchiveState as ProtoArchiveState,
  type Category,
  type Channel,
  type Gif,
  type Pagination,
  type Term as ProtoTerm,
} from "@gifmesh/shared/contracts";
import { invalidArgument } from "../../domain/errors.ts";
import type { ArchiveState, MediaType, Rating, StoredGif, Term } from "../../domain/gif.ts";
import type { PageSource } from "../../application/serve-page.ts";
import type { ServedCategory, ServedChannel } from "../../application/stored-answers.ts";

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
    case ProtoRating.Y:
      return "y";
    default:
      throw invalidArgument(
        field,
        "must be one of RATING_Y, RATING_G, RATING_PG, RATING_PG_13, RATING_R",
      );
  }
}

const TO_PROTO_SOURCE: Readonly<Record<PageSource, ResultSource>> = {
  giphy: ResultSource.GIPHY,
  database: ResultSource.DATABASE,
  database_stale: ResultSource.DATABASE_STALE,
  local: ResultSource.LOCAL,
};

export function sourceToProto(source: PageSource): ResultSource {
  return TO_PROTO_SOURCE[source];
}

/** Request media type → domain; UNSPECIFIED is left to the use case (gifs); unknown numbers are invalid. */
export function mediaTypeFromProto(type: ProtoMediaType): MediaType | undefined {
  switch (type) {
    case ProtoMediaType.UNSPECIFIED:
      return undefined;
    case ProtoMediaType.GIFS:
      return "gifs";
    case ProtoMediaType.STICKERS:
      return "stickers";
    case ProtoMediaType.TEXT:
      return "text";
    case ProtoMediaType.VIDEOS:
      return "videos";
    default:
      throw invalidArgument("type", "must be one of MEDIA_TYPE_GIFS, _STICKERS, _TEXT, _VIDEOS");
  }
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
    ...(gif.giphyObject === null ? {} : { giphyJson: JSON.stringify(gif.giphyObject) }),
    firstSeenAt: timestampFromDate(gif.firstSeenAt),
    updatedAt: timestampFromDate(gif.updatedAt),
  });
}

export function categoryToProto(category: ServedCategory): Category {
  return create(CategorySchema, {
    name: category.name,
    nameEncoded: category.nameEncoded,
    subcategories: category.subcategories.map(categoryToProto),
    ...(category.gif === null ? {} : { gif: gifToProto(category.gif) }),
    giphyJson: JSON.stringify(category.giphyObject),
  });
}

export function channelToProto(channel: ServedChannel): Channel {
  return create(ChannelSchema, {
    id: BigInt(channel.id),
    slug: channel.slug,
    displayName: channel.displayName,
    ...(channel.featuredGif === null ? {} : { featuredGif: gifToProto(channel.featuredGif) }),
    giphyJson: JSON.stringify(channel.giphyObject),
  });
}

export function termToProto(term: Term): ProtoTerm {
  return create(TermSchema, { name: term.name, giphyJson: JSON.stringify(term.giphyObject) });
}

/** A page's pagination as the contract carries it. */
export function paginationOf(
  page: { readonly totalCount: number; readonly offset: number },
  count: number,
  nextCursor?: string,
): Pagination {
  return create(PaginationSchema, {
    totalCount: page.totalCount,
    count,
    offset: page.offset,
    ...(nextCursor === undefined ? {} : { nextCursor }),
  });
}

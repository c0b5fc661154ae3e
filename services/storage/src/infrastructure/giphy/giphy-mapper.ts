// Anti-corruption layer: Giphy's wire shape → storage's domain types. Giphy's
// quirks (0/1 booleans, "0000-00-00 00:00:00" dates, string numbers) end here.
import type { Category, Channel, GifMetadata, Rating, Rendition, Term } from "../../domain/gif.ts";
import type {
  GiphyCategoryEntry,
  GiphyChannelEntry,
  GiphyGifEntry,
  GiphyTermEntry,
} from "./giphy-schema.ts";

const RATINGS: Readonly<Record<string, Rating>> = {
  y: "y",
  g: "g",
  pg: "pg",
  "pg-13": "pg-13",
  r: "r",
};

/** "YYYY-MM-DD HH:MM:SS" (UTC) → Date; zeros, garbage or absent → null. */
export function giphyDate(value: string | undefined): Date | null {
  if (value === undefined || value.startsWith("0000")) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Every rendition Giphy sent that names a file is kept, also those without `url`
 * (looping, original_mp4, preview, hd: mp4 only); one naming no file at all has
 * nothing to archive or serve and stays only in giphyObject.
 */
export function toGifMetadata({ parsed: gif, raw }: GiphyGifEntry): GifMetadata {
  const names = (value: string | undefined): boolean => value !== undefined && value !== "";
  const renditions: Rendition[] = Object.entries(gif.images)
    .filter(([, image]) => names(image.url) || names(image.mp4) || names(image.webp))
    .map(([name, image]) => ({
      name,
      url: image.url ?? "",
      width: image.width,
      height: image.height,
      sizeBytes: image.size,
      frames: image.frames,
      mp4Url: image.mp4 ?? "",
      mp4SizeBytes: image.mp4_size,
      webpUrl: image.webp ?? "",
      webpSizeBytes: image.webp_size,
    }));
  return {
    id: gif.id,
    slug: gif.slug,
    title: gif.title,
    url: gif.url,
    rating: RATINGS[gif.rating.toLowerCase()] ?? "unrated",
    username: gif.username,
    altText: gif.alt_text ?? "",
    embedUrl: gif.embed_url,
    bitlyUrl: gif.bitly_url,
    sourceUrl: gif.source,
    sourceTld: gif.source_tld,
    sourcePostUrl: gif.source_post_url,
    isSticker: gif.is_sticker === 1 || gif.is_sticker === true,
    importedAt: giphyDate(gif.import_datetime),
    trendingAt: giphyDate(gif.trending_datetime),
    user:
      gif.user === undefined
        ? null
        : {
            username: gif.user.username,
            displayName: gif.user.display_name,
            avatarUrl: gif.user.avatar_url,
            profileUrl: gif.user.profile_url,
            isVerified: gif.user.is_verified,
          },
    renditions,
    giphyObject: raw,
  };
}

export function toCategory({ parsed, raw }: GiphyCategoryEntry): Category {
  return {
    name: parsed.name,
    nameEncoded: parsed.name_encoded,
    subcategories: (parsed.subcategories ?? []).map((sub) => ({
      name: sub.parsed.name,
      nameEncoded: sub.parsed.name_encoded,
      subcategories: [],
      gif: null,
      giphyObject: sub.raw,
    })),
    gif: parsed.gif ? toGifMetadata(parsed.gif) : null,
    giphyObject: raw,
  };
}

export function toChannel({ parsed, raw }: GiphyChannelEntry): Channel {
  return {
    id: parsed.id,
    slug: parsed.slug,
    displayName: parsed.display_name,
    featuredGif: parsed.featured_gif ? toGifMetadata(parsed.featured_gif) : null,
    giphyObject: raw,
  };
}

export function toTerm({ parsed, raw }: GiphyTermEntry): Term {
  return { name: parsed.name, giphyObject: raw };
}

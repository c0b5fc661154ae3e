// Zod schemas of Giphy v1 responses. Giphy sends numbers inside `images` as strings,
// sometimes empty; fields come and go. The schemas accept what Giphy documents and
// reject anything we could not map safely.
import { z } from "zod";

/** "123" → 123; "" / missing → 0. Rejects non-numeric strings and values past `max`. */
function numericString(max: number) {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return 0;
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n) || n < 0 || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a number from 0 to ${String(max)}` });
        return z.NEVER;
      }
      return Math.floor(n);
    });
}
/** Pixel dimensions and frame counts: PostgreSQL `integer` columns. */
const count = numericString(2 ** 31 - 1);
/** Byte sizes: PostgreSQL `bigint`, kept exact in a JavaScript number. */
const byteSize = numericString(Number.MAX_SAFE_INTEGER);
/** PostgreSQL text cannot hold U+0000; Giphy never means it, so it is dropped. */
const text = z.string().transform((value) => value.replaceAll("\u0000", ""));

export const giphyImageSchema = z.looseObject({
  url: text.optional(),
  width: count,
  height: count,
  size: byteSize,
  frames: count,
  mp4: text.optional(),
  mp4_size: byteSize,
  webp: text.optional(),
  webp_size: byteSize,
});

export const giphyUserSchema = z.looseObject({
  username: text.optional().default(""),
  display_name: text.optional().default(""),
  avatar_url: text.optional().default(""),
  profile_url: text.optional().default(""),
  is_verified: z.boolean().optional().default(false),
});

export const giphyGifSchema = z.looseObject({
  type: text.optional(),
  id: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
  slug: text.optional().default(""),
  title: text.optional().default(""),
  url: text.optional().default(""),
  rating: text.optional().default(""),
  username: text.optional().default(""),
  alt_text: text.nullish(),
  embed_url: text.optional().default(""),
  bitly_url: text.optional().default(""),
  source: text.optional().default(""),
  source_tld: text.optional().default(""),
  source_post_url: text.optional().default(""),
  is_sticker: z.union([z.number(), z.boolean()]).optional(),
  import_datetime: text.optional(),
  trending_datetime: text.optional(),
  user: giphyUserSchema.optional(),
  images: z
    .record(z.string(), giphyImageSchema)
    .refine(
      (images) => isMediaUrl(images.original?.url),
      "images.original.url must be an absolute http(s) URL of at most 2048 characters",
    ),
});

/** The original rendition is what the file worker downloads; it refuses anything else. */
function isMediaUrl(value: string | undefined): boolean {
  if (value === undefined || value.length > 2048) return false;
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

export type GiphyGif = z.output<typeof giphyGifSchema>;

/**
 * Most items a list answer may hold. Giphy's `limit` goes up to 50 (100 on some
 * keys, and `ids` takes up to 100): 100 covers every honest page.
 */
export const GIPHY_MAX_PAGE_ITEMS = 100;

/**
 * A page's GIFs, parsed one by one: one malformed GIF costs that GIF, not the page
 * (nor the circuit breaker). `dropped` counts what was left out. The length is
 * checked first: millions of `{}` fit in a few MiB and would cost seconds of
 * synchronous per-item parsing; an answer longer than what was asked for is not
 * Giphy's and is refused whole.
 */
function gifPage(maxItems: number) {
  return z.unknown().transform((items, ctx) => {
    if (!Array.isArray(items)) {
      ctx.addIssue({ code: "custom", message: "data must be an array" });
      return z.NEVER;
    }
    if (items.length > maxItems) {
      ctx.addIssue({ code: "custom", message: `data holds more than ${String(maxItems)} items` });
      return z.NEVER;
    }
    const gifs: GiphyGif[] = [];
    for (const item of items as unknown[]) {
      const parsed = giphyGifSchema.safeParse(item);
      if (parsed.success) gifs.push(parsed.data);
    }
    return { gifs, dropped: items.length - gifs.length };
  });
}

export const giphyMetaSchema = z.looseObject({
  status: z.number(),
  msg: text.optional().default(""),
  response_id: text.optional().default(""),
});

export const giphyPaginationSchema = z.looseObject({
  total_count: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});

/** A list answer (search, trending, by ids) of at most `maxItems` GIFs. */
export function giphyListSchemaOf(maxItems: number) {
  return z.looseObject({
    data: gifPage(Math.min(maxItems, GIPHY_MAX_PAGE_ITEMS)),
    pagination: giphyPaginationSchema.optional(),
    meta: giphyMetaSchema,
  });
}

export const giphyListSchema = giphyListSchemaOf(GIPHY_MAX_PAGE_ITEMS);

export const giphySingleSchema = z.looseObject({ data: giphyGifSchema, meta: giphyMetaSchema });

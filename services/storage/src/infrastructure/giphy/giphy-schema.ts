// Zod schemas of Giphy's responses. Giphy sends numbers inside `images` as strings,
// sometimes empty; fields come and go. The schemas check the members storage maps
// and reject anything we could not map safely, and every object keeps its `raw`
// form (the JSON as parsed, every member, unknown ones included): storage stores
// and serves that, not the parsed copy (docs/giphy-api.md).
import { GIF_ID_PATTERN } from "@gifmesh/shared/contracts";
import { z } from "zod";
import type { JsonObject } from "../../domain/gif.ts";

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
  id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(GIF_ID_PATTERN)),
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

/** A JSON object as JSON.parse made it (the body was parsed from text, so it is JSON). */
function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A parsed object beside the object as received. */
export interface WithRaw<T> {
  readonly parsed: T;
  readonly raw: JsonObject;
}

/** `schema` applied to a JSON object, which is kept as received beside the parsed form. */
function keepingRaw<S extends z.ZodType>(schema: S) {
  return z.unknown().transform((value, ctx): WithRaw<z.output<S>> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success || !isJsonObject(value)) {
      ctx.addIssue({ code: "custom", message: "not an object of the expected shape" });
      return z.NEVER;
    }
    return { parsed: parsed.data, raw: value };
  });
}

export const giphyGifEntrySchema = keepingRaw(giphyGifSchema);
export type GiphyGifEntry = z.output<typeof giphyGifEntrySchema>;

/**
 * Most items a list answer may hold. Giphy's `limit` goes up to 50 (100 on some
 * keys, and `ids` takes up to 100): 100 covers every honest page.
 */
export const GIPHY_MAX_PAGE_ITEMS = 100;

/**
 * A list of `item`s, parsed one by one: one malformed item costs that item, not the
 * page (nor the circuit breaker). `dropped` counts what was left out. The length is
 * checked first: millions of `{}` fit in a few MiB and would cost seconds of
 * synchronous per-item parsing; an answer longer than what was asked for is not
 * Giphy's and is refused whole.
 */
function itemList<S extends z.ZodType>(item: S, maxItems: number) {
  return z.unknown().transform((items, ctx) => {
    if (!Array.isArray(items)) {
      ctx.addIssue({ code: "custom", message: "data must be an array" });
      return z.NEVER;
    }
    if (items.length > maxItems) {
      ctx.addIssue({ code: "custom", message: `data holds more than ${String(maxItems)} items` });
      return z.NEVER;
    }
    const kept: z.output<S>[] = [];
    for (const value of items as unknown[]) {
      const parsed = item.safeParse(value);
      if (parsed.success) kept.push(parsed.data);
    }
    return { items: kept, dropped: items.length - kept.length };
  });
}

export const giphyMetaSchema = z.looseObject({
  status: z.number(),
  msg: text.optional().default(""),
  response_id: text.optional().default(""),
});

export const giphyPaginationSchema = z.looseObject({
  total_count: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
  /** Emoji v2: Giphy's cursor for the next page, any JSON; null or absent when none. */
  next_cursor: z.unknown().optional(),
});

const boundedItems = (maxItems: number) => Math.min(maxItems, GIPHY_MAX_PAGE_ITEMS);

function listOf<S extends z.ZodType>(item: S, maxItems: number) {
  return z.looseObject({
    data: itemList(item, boundedItems(maxItems)),
    pagination: giphyPaginationSchema.optional(),
    meta: giphyMetaSchema,
  });
}

/** A list answer (search, trending, by ids, emoji...) of at most `maxItems` GIFs. */
export function giphyListSchemaOf(maxItems: number) {
  return listOf(giphyGifEntrySchema, maxItems);
}

export const giphyListSchema = giphyListSchemaOf(GIPHY_MAX_PAGE_ITEMS);

export const giphySingleSchema = z.looseObject({
  data: giphyGifEntrySchema,
  meta: giphyMetaSchema,
});

/**
 * random and translate: one GIF, or none. Giphy answers `data: []` or `data: {}`
 * when nothing matched; both parse to undefined.
 */
export const giphyMaybeSingleSchema = z.looseObject({
  data: z.union([
    z
      .array(z.never())
      .length(0)
      .transform(() => undefined),
    z.strictObject({}).transform(() => undefined),
    giphyGifEntrySchema,
  ]),
  meta: giphyMetaSchema,
});

/** A category's or channel's GIF: mapped when valid, null when absent or unusable. */
const optionalGif = z.unknown().transform((value) => {
  if (value === undefined || value === null) return null;
  const parsed = giphyGifEntrySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
});

const giphySubcategorySchema = z.looseObject({
  name: text,
  name_encoded: text,
});

export const giphyCategorySchema = keepingRaw(
  z.looseObject({
    name: text,
    name_encoded: text,
    subcategories: z.array(keepingRaw(giphySubcategorySchema)).max(1000).optional(),
    gif: optionalGif.optional(),
  }),
);
export type GiphyCategoryEntry = z.output<typeof giphyCategorySchema>;

export function giphyCategoryListSchemaOf(maxItems: number) {
  return listOf(giphyCategorySchema, maxItems);
}

export const giphyChannelSchema = keepingRaw(
  z.looseObject({
    id: z.number().int().nonnegative(),
    slug: text.optional().default(""),
    display_name: text.optional().default(""),
    featured_gif: optionalGif.optional(),
  }),
);
export type GiphyChannelEntry = z.output<typeof giphyChannelSchema>;

export function giphyChannelListSchemaOf(maxItems: number) {
  return listOf(giphyChannelSchema, maxItems);
}

export const giphyTermSchema = keepingRaw(z.looseObject({ name: text }));
export type GiphyTermEntry = z.output<typeof giphyTermSchema>;

export function giphyTermListSchemaOf(maxItems: number) {
  return listOf(giphyTermSchema, maxItems);
}

/** /v1/trending/searches: plain strings. */
export const giphyTrendingSearchesSchema = z.looseObject({
  data: z.array(text).max(GIPHY_MAX_PAGE_ITEMS),
  meta: giphyMetaSchema,
});

/** /v1/randomid. */
export const giphyRandomIdSchema = z.looseObject({
  data: z.looseObject({ random_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }),
  meta: giphyMetaSchema,
});

// Zod schemas of Giphy v1 responses. Giphy sends numbers inside `images` as strings,
// sometimes empty; fields come and go. The schemas accept what Giphy documents and
// reject anything we could not map safely.
import { z } from "zod";

/** "123" → 123; "" / missing → 0. Rejects non-numeric strings. */
const numericString = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return 0;
    const n = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: "must be a non-negative number" });
      return z.NEVER;
    }
    return Math.floor(n);
  });

export const giphyImageSchema = z.looseObject({
  url: z.string().optional(),
  width: numericString,
  height: numericString,
  size: numericString,
  frames: numericString,
  mp4: z.string().optional(),
  mp4_size: numericString,
  webp: z.string().optional(),
  webp_size: numericString,
});

export const giphyUserSchema = z.looseObject({
  username: z.string().optional().default(""),
  display_name: z.string().optional().default(""),
  avatar_url: z.string().optional().default(""),
  profile_url: z.string().optional().default(""),
  is_verified: z.boolean().optional().default(false),
});

export const giphyGifSchema = z.looseObject({
  type: z.string().optional(),
  id: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
  slug: z.string().optional().default(""),
  title: z.string().optional().default(""),
  url: z.string().optional().default(""),
  rating: z.string().optional().default(""),
  username: z.string().optional().default(""),
  alt_text: z.string().nullish(),
  embed_url: z.string().optional().default(""),
  bitly_url: z.string().optional().default(""),
  source: z.string().optional().default(""),
  source_tld: z.string().optional().default(""),
  source_post_url: z.string().optional().default(""),
  is_sticker: z.union([z.number(), z.boolean()]).optional(),
  import_datetime: z.string().optional(),
  trending_datetime: z.string().optional(),
  user: giphyUserSchema.optional(),
  images: z
    .record(z.string(), giphyImageSchema)
    .refine((images) => images.original?.url !== undefined, "images.original.url is required"),
});

export const giphyMetaSchema = z.looseObject({
  status: z.number(),
  msg: z.string().optional().default(""),
  response_id: z.string().optional().default(""),
});

export const giphyPaginationSchema = z.looseObject({
  total_count: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});

export const giphyListSchema = z.looseObject({
  data: z.array(giphyGifSchema),
  pagination: giphyPaginationSchema.optional(),
  meta: giphyMetaSchema,
});

export const giphySingleSchema = z.looseObject({ data: giphyGifSchema, meta: giphyMetaSchema });

export type GiphyGif = z.output<typeof giphyGifSchema>;

// Giphy's v1 response shape, as zod schemas. They document the API (OpenAPI is
// generated from them), and tests validate real answers against them, so the
// shape a Giphy client expects is written down exactly once.
import { z } from "zod";

/** Giphy sends every number inside `images` as a decimal string. */
const numeric = z.string().regex(/^\d+$/, "a decimal number as a string");

export const renditionSchema = z
  .object({
    url: z.string(),
    width: numeric,
    height: numeric,
    size: numeric.optional(),
    frames: numeric.optional(),
    mp4: z.string().optional(),
    mp4_size: numeric.optional(),
    webp: z.string().optional(),
    webp_size: numeric.optional(),
    hash: z.string().optional(),
  })
  .meta({ id: "Rendition", description: "One rendition; numbers are strings, as in Giphy's API." });

export const archiveInfoSchema = z
  .object({
    status: z.enum(["pending", "archived", "failed", "unknown"]),
    /** Gateway URL of the archived file (archived only). */
    url: z.string().optional(),
    object_key: z.string().optional(),
    sha256: z.string().optional(),
    size: numeric.optional(),
    content_type: z.string().optional(),
    rendition: z.string().optional(),
    requested_at: z.string().optional(),
    archived_at: z.string().optional(),
    failed_at: z.string().optional(),
    error_code: z.string().optional(),
    reason: z.string().optional(),
    attempts: z.number().int().optional(),
  })
  .meta({
    id: "ArchiveInfo",
    description: "gifmesh's archive state of the GIF's media (not in Giphy's API).",
  });

export const giphyUserSchema = z
  .object({
    username: z.string(),
    display_name: z.string(),
    avatar_url: z.string(),
    profile_url: z.string(),
    is_verified: z.boolean(),
  })
  .meta({ id: "User" });

export const giphyGifSchema = z
  .object({
    type: z.literal("gif"),
    id: z.string().min(1),
    url: z.string(),
    slug: z.string(),
    bitly_gif_url: z.string(),
    bitly_url: z.string(),
    embed_url: z.string(),
    username: z.string(),
    source: z.string(),
    title: z.string(),
    rating: z.enum(["g", "pg", "pg-13", "r", ""]),
    content_url: z.string(),
    source_tld: z.string(),
    source_post_url: z.string(),
    is_sticker: z.union([z.literal(0), z.literal(1)]),
    import_datetime: z.string(),
    trending_datetime: z.string(),
    alt_text: z.string(),
    user: giphyUserSchema.optional(),
    images: z.record(z.string(), renditionSchema),
    analytics_response_payload: z.string(),
    gifmesh: z.object({ archive: archiveInfoSchema }),
  })
  .meta({
    id: "Gif",
    description: "A GIF object shaped as Giphy's, plus the `gifmesh` extension.",
  });

export const metaSchema = z
  .object({
    status: z.number().int(),
    msg: z.string(),
    response_id: z.string(),
    error_code: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Meta" });

export const paginationSchema = z
  .object({ total_count: z.number().int(), count: z.number().int(), offset: z.number().int() })
  .meta({ id: "Pagination" });

export const gifListResponseSchema = z
  .object({ data: z.array(giphyGifSchema), pagination: paginationSchema, meta: metaSchema })
  .meta({ id: "GifList" });

export const gifResponseSchema = z
  .object({ data: giphyGifSchema, meta: metaSchema })
  .meta({ id: "GifOne" });

export const errorResponseSchema = z
  .object({ data: z.array(z.unknown()).max(0), meta: metaSchema })
  .meta({ id: "Error", description: "Giphy-style error body with a stable `meta.error_code`." });

export type GiphyGif = z.infer<typeof giphyGifSchema>;
export type GiphyRendition = z.infer<typeof renditionSchema>;
export type ArchiveInfo = z.infer<typeof archiveInfoSchema>;
export type GiphyPagination = z.infer<typeof paginationSchema>;

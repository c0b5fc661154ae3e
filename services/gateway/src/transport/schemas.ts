// Request schemas of the Giphy-compatible API. The same zod objects validate
// requests and generate /openapi.json, so the document cannot drift from the code.
// As on Giphy, parameters nobody defined are ignored (z.object strips them);
// parameters Giphy defines are validated with Giphy's limits (docs/giphy-api.md):
// an invalid value is REQUEST.INVALID naming the field, a q over 50 characters 414.
// q, s, m and tag are forwarded exactly as typed: not trimmed, not lower-cased.
import { z } from "@hono/zod-openapi";
import { GIPHY_RATINGS } from "../domain/rating.ts";

/** Giphy GIF ids: letters, digits, '-' and '_'. */
export const GIF_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_QUERY_LENGTH = 50;
export const MAX_IDS = 100;

/** Parameters Giphy clients (e.g. @giphy/js-fetch-api) send that are accepted and not forwarded. */
const ignored = {
  api_key: z
    .string()
    .optional()
    .openapi({ description: "Client API key (checked unless the gateway is in open mode)." }),
  pingback_id: z
    .string()
    .optional()
    .openapi({ description: "Accepted, not forwarded (per-user analytics)." }),
  random_id: z
    .string()
    .optional()
    .openapi({ description: "Accepted, not forwarded (per-user analytics)." }),
  bundle: z
    .string()
    .optional()
    .openapi({ description: "Accepted; the whole object is always returned." }),
  fields: z
    .string()
    .optional()
    .openapi({ description: "Accepted; the whole object is always returned." }),
};

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(50)
  .default(25)
  .openapi({ description: "Results per page, 1–50.", example: 25 });
const offsetUpTo = (max: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(max)
    .default(0)
    .openapi({ description: `0–${max}.`, example: 0 });
const rating = z
  .enum(GIPHY_RATINGS)
  .optional()
  .openapi({ description: "Highest rating allowed (y, g, pg, pg-13, r); absent means any." });
/** Giphy's language codes: "en", "zh-CN", "zh-TW", ... */
const lang = z
  .string()
  .regex(/^[A-Za-z]{2}(-[A-Za-z]{2,4})?$/, "must be a language code such as en or zh-CN")
  .transform((v) => {
    const [language = "", region] = v.split("-");
    return region === undefined
      ? language.toLowerCase()
      : `${language.toLowerCase()}-${region.toUpperCase()}`;
  })
  .optional()
  .openapi({ description: "Giphy's language code; default en.", example: "en" });
const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .optional();
const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 code")
  .transform((v) => v.toUpperCase())
  .optional()
  .openapi({ description: "ISO 3166-1 alpha-2 country the results are localised for." });
const region = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,10}$/, "must be a region code")
  .optional()
  .openapi({ description: "Region hint, forwarded to Giphy." });

/** No C0/C1 controls other than tab, CR and LF (storage folds those into spaces). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/;

/** A phrase parameter: 1–50 characters, not blank, forwarded as typed. */
const phrase = (description: string, example: string) =>
  z
    .string()
    .min(1)
    .max(MAX_QUERY_LENGTH)
    .refine((v) => v.trim() !== "", "must not be blank")
    // NUL and other controls are never a phrase (and PostgreSQL cannot store NUL).
    .regex(NO_CONTROL_CHARACTERS, "must not contain control characters")
    .openapi({ description, example });

export const searchQuerySchema = z
  .object({
    q: phrase("Search phrase, 1–50 characters (longer: 414), as typed.", "cats"),
    limit,
    offset: offsetUpTo(4999),
    rating,
    lang,
    sort: z.enum(["relevant", "recent"]).optional().openapi({ description: "relevant or recent." }),
    country_code: countryCode,
    region,
    remove_low_contrast: flag.openapi({ description: "Stickers: leave out low-contrast ones." }),
    excludeDynamicResults: flag.openapi({ description: "Text: leave out dynamic results." }),
    ...ignored,
  })
  .openapi("SearchQuery");

export const trendingQuerySchema = z
  .object({ limit, offset: offsetUpTo(499), rating, country_code: countryCode, region, ...ignored })
  .openapi("TrendingQuery");

export const randomQuerySchema = z
  .object({
    tag: z
      .string()
      .max(MAX_QUERY_LENGTH)
      .regex(NO_CONTROL_CHARACTERS, "must not contain control characters")
      .optional()
      .openapi({ description: "Tag the GIF must have, at most 50 characters." }),
    rating,
    ...ignored,
  })
  .openapi("RandomQuery");

export const translateQuerySchema = z
  .object({
    s: phrase("The phrase to translate into a GIF, 1–50 characters.", "ryan gosling"),
    weirdness: z.coerce.number().int().min(0).max(10).optional().openapi({ description: "0–10." }),
    rating,
    lang,
    ...ignored,
  })
  .openapi("TranslateQuery");

const gifId = z
  .string()
  .regex(GIF_ID, "must be a GIF id (letters, digits, '-' or '_', at most 64)");

export const relatedQuerySchema = z
  .object({
    gif_id: gifId.openapi({ description: "The GIF to find related ones for." }),
    limit,
    offset: offsetUpTo(4999),
    rating,
    ...ignored,
  })
  .openapi("RelatedQuery");

export const pageQuerySchema = z
  .object({ limit, offset: offsetUpTo(4999), ...ignored })
  .openapi("PageQuery");

export const ratedPageQuerySchema = z
  .object({ limit, offset: offsetUpTo(4999), rating, ...ignored })
  .openapi("RatedPageQuery");

export const animateQuerySchema = z
  .object({
    m: phrase("The text to animate, 1–50 characters.", "hello"),
    limit,
    offset: offsetUpTo(4999),
    ...ignored,
  })
  .openapi("AnimateQuery");

export const channelSearchQuerySchema = z
  .object({
    q: phrase("Channel phrase, 1–50 characters (longer: 414).", "nba"),
    limit,
    offset: offsetUpTo(4999),
    rating,
    ...ignored,
  })
  .openapi("ChannelSearchQuery");

export const tagSearchQuerySchema = z
  .object({
    q: phrase("Prefix to complete, 1–50 characters (longer: 414).", "ca"),
    limit,
    offset: offsetUpTo(4999),
    ...ignored,
  })
  .openapi("TagSearchQuery");

export const plainQuerySchema = z.object({ ...ignored }).openapi("NoParameters");

export const idsQuerySchema = z
  .object({
    ids: z
      .string()
      .transform((v) => v.split(",").map((id) => id.trim()))
      .pipe(z.array(gifId).min(1).max(MAX_IDS, `at most ${MAX_IDS} ids`))
      .openapi({
        type: "string",
        description: "Comma-separated GIF ids, 1–100.",
        example: "xT9IgG50Fb7Mi0prBC,3o7abKhOpu0NwenH3O",
      }),
    ...ignored,
  })
  .openapi("IdsQuery");

export const gifIdParamSchema = z.object({
  id: gifId.openapi({ param: { name: "id", in: "path" }, example: "xT9IgG50Fb7Mi0prBC" }),
});

/** Giphy's encoded names: "actions", "good-luck", "emoji"-style slugs. */
const slug = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a category name (name_encoded)");

export const categoryParamSchema = z.object({
  category: slug.openapi({ param: { name: "category", in: "path" }, example: "actions" }),
});

export const subcategoryParamSchema = z.object({
  category: slug.openapi({ param: { name: "category", in: "path" }, example: "actions" }),
  subcategory: slug.openapi({ param: { name: "subcategory", in: "path" }, example: "cooking" }),
});

export const termParamSchema = z.object({
  term: phrase("The term.", "cat").openapi({ param: { name: "term", in: "path" } }),
});

export const singleGifQuerySchema = plainQuerySchema;

export type SearchQuery = z.output<typeof searchQuerySchema>;
export type TrendingQuery = z.output<typeof trendingQuerySchema>;

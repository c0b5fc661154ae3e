// Request schemas of the Giphy-compatible API. The same zod objects validate
// requests and generate /openapi.json, so the document cannot drift from the code.
// Parameters Giphy clients send that gifmesh does not use are accepted and ignored;
// any other parameter is rejected (REQUEST.UNKNOWN_PARAMETER).
import { z } from "@hono/zod-openapi";
import { GIF_ID_PATTERN, GIF_ID_RULE } from "@gifmesh/shared/contracts";
import { GIPHY_RATINGS } from "../domain/rating.ts";

export const MAX_QUERY_LENGTH = 50;
export const MAX_IDS = 100;

/** Parameters Giphy clients (e.g. @giphy/js-fetch-api) send that we accept and ignore. */
const ignored = {
  api_key: z
    .string()
    .optional()
    .openapi({ description: "Client API key (checked unless the gateway is in open mode)." }),
  pingback_id: z.string().optional().openapi({ description: "Ignored (Giphy analytics)." }),
  random_id: z.string().optional().openapi({ description: "Ignored." }),
  bundle: z
    .string()
    .optional()
    .openapi({ description: "Ignored; full renditions are always returned." }),
  fields: z
    .string()
    .optional()
    .openapi({ description: "Ignored; the full object is always returned." }),
  country_code: z.string().optional().openapi({ description: "Ignored." }),
  region: z.string().optional().openapi({ description: "Ignored." }),
  excludeDynamicResults: z
    .string()
    .optional()
    .openapi({ description: "Ignored (sent by @giphy/js-fetch-api)." }),
  remove_low_contrast: z.string().optional().openapi({ description: "Ignored." }),
};

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(50)
  .default(25)
  .openapi({ description: "Results per page, 1–50.", example: 25 });
const rating = z
  .enum(GIPHY_RATINGS)
  .optional()
  .openapi({ description: "Highest rating allowed; absent means any." });

/** No C0/C1 controls other than tab, CR and LF (storage folds those into spaces). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/;

export const searchQuerySchema = z
  .strictObject({
    q: z
      .string()
      .trim()
      .min(1)
      .max(MAX_QUERY_LENGTH)
      // NUL and other controls are never a search phrase (and PostgreSQL cannot store NUL).
      .regex(NO_CONTROL_CHARACTERS, "must not contain control characters")
      .openapi({ description: "Search phrase, 1–50 characters (longer: 414).", example: "cats" }),
    limit,
    offset: z.coerce
      .number()
      .int()
      .min(0)
      .max(4999)
      .default(0)
      .openapi({ description: "0–4999.", example: 0 }),
    rating,
    lang: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "must be a 2-letter language code")
      .transform((v) => v.toLowerCase())
      .optional()
      .openapi({ description: "2-letter language code; default en.", example: "en" }),
    ...ignored,
  })
  .openapi("SearchQuery");

export const trendingQuerySchema = z
  .strictObject({
    limit,
    offset: z.coerce
      .number()
      .int()
      .min(0)
      .max(499)
      .default(0)
      .openapi({ description: "0–499.", example: 0 }),
    rating,
    ...ignored,
  })
  .openapi("TrendingQuery");

const gifId = z.string().regex(GIF_ID_PATTERN, GIF_ID_RULE);

export const idsQuerySchema = z
  .strictObject({
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

export const singleGifQuerySchema = z.strictObject({ ...ignored });

export type SearchQuery = z.output<typeof searchQuerySchema>;
export type TrendingQuery = z.output<typeof trendingQuerySchema>;

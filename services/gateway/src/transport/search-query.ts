// The query check of /v1/gifs/search, the hot route: a plain query (each parameter
// once, every value acceptable as it stands) is checked by hand in a few string
// tests; anything else goes to the zod schema, which /openapi.json is built from and
// which alone decides every refusal, so error codes and messages are the schema's.
// zod was about 4 % of the gateway's CPU on a cache hit. The hand check only ever
// accepts what the schema accepts, with the same output (search-query.test.ts
// checks that on generated queries).
import type { MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import { GIPHY_RATINGS } from "../domain/rating.ts";
import { MAX_QUERY_LENGTH, searchQuerySchema, type SearchQuery } from "./schemas.ts";
import { validationError } from "./validation-error.ts";

/** The query as hono hands it to a validator: a repeated parameter is an array. */
export type RawQuery = Readonly<Record<string, string | readonly string[]>>;

/** The schema's parameters that it passes through as any string. */
const PASSED_THROUGH = new Set(
  Object.keys(searchQuerySchema.shape).filter(
    (name) => !["q", "limit", "offset", "rating", "lang"].includes(name),
  ),
);
const RATINGS: ReadonlySet<string> = new Set(GIPHY_RATINGS);
const LIMIT = /^[1-9]\d?$/;
const OFFSET = /^(?:0|[1-9]\d{0,3})$/;
const LANG = /^[A-Za-z]{2}$/;
// The schema's rule for q (schemas.ts), on the trimmed value.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * `raw` checked as the schema would, when it is plain; undefined when the schema
 * must decide (an unusual value, a repeated or unknown parameter, any error).
 */
export function plainSearchQuery(raw: RawQuery): SearchQuery | undefined {
  const out: Record<string, string | number> = { limit: 25, offset: 0 };
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    if (typeof value !== "string") return undefined;
    if (name === "q") {
      const q = value.trim();
      if (q.length === 0 || q.length > MAX_QUERY_LENGTH || CONTROL.test(q)) return undefined;
      out.q = q;
    } else if (name === "limit") {
      if (!LIMIT.test(value) || Number(value) > 50) return undefined;
      out.limit = Number(value);
    } else if (name === "offset") {
      if (!OFFSET.test(value) || Number(value) > 4999) return undefined;
      out.offset = Number(value);
    } else if (name === "rating") {
      if (!RATINGS.has(value)) return undefined;
      out.rating = value;
    } else if (name === "lang") {
      if (!LANG.test(value)) return undefined;
      out.lang = value.toLowerCase();
    } else if (PASSED_THROUGH.has(name)) out[name] = value;
    else return undefined;
  }
  return out.q === undefined ? undefined : (out as SearchQuery);
}

/** The search route's query validator: the hand check, else the schema (and its errors). */
export function searchQuery() {
  return validator("query", async (value: RawQuery): Promise<SearchQuery> => {
    const plain = plainSearchQuery(value);
    if (plain) return plain;
    const result = await searchQuerySchema.safeParseAsync(value);
    if (!result.success) throw validationError(result.error.issues, "query");
    return result.data;
  }) satisfies MiddlewareHandler;
}

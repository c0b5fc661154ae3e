// Giphy's listing endpoints (docs/giphy-api.md's table), each a thin route: the
// query is validated by its schema in ../schemas.ts (the same one /openapi.json
// shows), the use case in endpoint-queries.ts calls the endpoint's storage RPC
// (with the storage deadline) through the cache, and the answer is Giphy's
// envelope: `data`, `pagination` where Giphy sends one, and a fresh `meta`.
//
// Cache policy (config.ts; L1 + Redis, one load per key):
//   search, related, translate, a subcategory's GIFs, channels  CACHE_SEARCH_TTL_MS   (300 s)
//   trending GIFs, trending searches                            CACHE_TRENDING_TTL_MS (300 s)
//   categories, subcategories, emoji, variations, animate       CACHE_CATALOG_TTL_MS  (1 h)
//   tag autocomplete, related tags                              CACHE_TERMS_TTL_MS    (1 h)
//   random, randomid                                            never cached
// Answers with GIFs whose archive is pending, and empty ones, keep the shorter
// CACHE_PENDING_TTL_MS / CACHE_EMPTY_TTL_MS, as GIFs by id do.
//
// These are registered before /v1/gifs/{id} (app.ts), so "search", "trending",
// "random", "translate", "related" and "categories" are never taken for GIF ids.
import { createRoute, z, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { EndpointQueries, GiphyType } from "../../application/endpoint-queries.ts";
import type { CacheOutcome } from "../../application/ports.ts";
import {
  categorySchema,
  channelSchema,
  cursorPaginationSchema,
  errorResponseSchema,
  giphyGifSchema,
  gifResponseSchema,
  listResponseSchema,
  metaSchema,
  termSchema,
} from "../../domain/giphy-shape.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import {
  animateQuerySchema,
  categoryParamSchema,
  channelSearchQuerySchema,
  pageQuerySchema,
  plainQuerySchema,
  randomQuerySchema,
  ratedPageQuerySchema,
  relatedQuerySchema,
  searchQuerySchema,
  subcategoryParamSchema,
  tagSearchQuerySchema,
  termParamSchema,
  translateQuerySchema,
  trendingQuerySchema,
} from "../schemas.ts";
import { dataBody, listBody } from "../fast-body.ts";
import { errors, json } from "./gifs.ts";

const gifList = listResponseSchema("GifList", giphyGifSchema);
const gifCursorList = listResponseSchema("GifCursorList", giphyGifSchema, cursorPaginationSchema);
const gifBareList = listResponseSchema("GifBareList", giphyGifSchema, null);
const categoryList = listResponseSchema("CategoryList", categorySchema);
const channelList = listResponseSchema("ChannelList", channelSchema);
const termList = listResponseSchema("TermList", termSchema);
const trendingSearches = listResponseSchema("TrendingSearches", z.string(), null);
const randomId = z
  .object({ data: z.object({ random_id: z.string() }), meta: metaSchema })
  .meta({ id: "RandomId" });
const tooLong = { 414: json(errorResponseSchema, "q longer than 50 characters") };
const notFound = (what: string) => ({ 404: json(errorResponseSchema, what) });

const mark = (outcome: CacheOutcome): string =>
  outcome === "miss" ? "MISS" : outcome === "stale" ? "STALE" : `HIT-${outcome.toUpperCase()}`;

function get<P extends string, R extends NonNullable<RouteConfig["request"]>>(
  path: P,
  tag: string,
  summary: string,
  request: R,
  ok: z.ZodType,
  extra: Record<number, ReturnType<typeof json>> = {},
) {
  return createRoute({
    method: "get" as const,
    path,
    tags: [tag],
    summary,
    request,
    responses: { 200: json(ok, "OK"), ...extra, ...errors },
  });
}

/** Registers every endpoint of docs/giphy-api.md except GIFs by id (gifs.ts). */
export function giphyRoutes(app: OpenAPIHono, queries: EndpointQueries): void {
  // The answers are cached bytes (fast-body.ts); the casts tell the OpenAPI route
  // types what the bytes hold (the schemas above document them).
  const searchTypes: GiphyType[] = ["gifs", "stickers", "text", "videos"];
  for (const type of searchTypes) {
    app.openapi(
      get(
        `/v1/${type}/search`,
        "gifs",
        `Search ${type}`,
        { query: searchQuerySchema },
        gifList,
        tooLong,
      ),
      async (c) => {
        const q = c.req.valid("query");
        const answer = await queries.search({
          type,
          q: q.q,
          limit: q.limit,
          offset: q.offset,
          rating: q.rating,
          lang: q.lang,
          sort: q.sort,
          country_code: q.country_code,
          region: q.region,
          remove_low_contrast: q.remove_low_contrast,
          excludeDynamicResults: q.excludeDynamicResults,
        });
        return listBody(c, answer.body, mark(answer.outcome)) as never;
      },
    );
    app.openapi(
      get(
        `/v1/${type}/trending`,
        "gifs",
        `Trending ${type}`,
        { query: trendingQuerySchema },
        gifList,
      ),
      async (c) => {
        const q = c.req.valid("query");
        const answer = await queries.trending({
          type,
          limit: q.limit,
          offset: q.offset,
          rating: q.rating,
          country_code: q.country_code,
          region: q.region,
        });
        return listBody(c, answer.body, mark(answer.outcome)) as never;
      },
    );
  }

  for (const type of ["gifs", "stickers"] as const) {
    app.openapi(
      get(
        `/v1/${type}/random`,
        "gifs",
        `A random ${type === "gifs" ? "GIF" : "sticker"} (never cached)`,
        { query: randomQuerySchema },
        gifResponseSchema,
        notFound("Nothing matches (GIF.NOT_FOUND)"),
      ),
      async (c) => {
        const q = c.req.valid("query");
        const answer = await queries.random({ type, tag: q.tag, rating: q.rating });
        c.header("Cache-Control", "no-store");
        return dataBody(c, answer.body, "BYPASS") as never;
      },
    );
    app.openapi(
      get(
        `/v1/${type}/translate`,
        "gifs",
        `The ${type === "gifs" ? "GIF" : "sticker"} for a phrase`,
        { query: translateQuerySchema },
        gifResponseSchema,
        notFound("No GIF for the phrase (GIF.NOT_FOUND)"),
      ),
      async (c) => {
        const q = c.req.valid("query");
        const answer = await queries.translate({
          type,
          s: q.s,
          weirdness: q.weirdness,
          rating: q.rating,
          lang: q.lang,
        });
        if (!answer.value) throw new GatewayError("GIF.NOT_FOUND", "no GIF for this phrase");
        return dataBody(c, answer.body, mark(answer.outcome)) as never;
      },
    );
  }

  for (const type of ["gifs", "stickers", "videos"] as const) {
    app.openapi(
      get(
        `/v1/${type}/related`,
        "gifs",
        `${type} related to a GIF`,
        { query: relatedQuerySchema },
        gifList,
      ),
      async (c) => {
        const q = c.req.valid("query");
        const answer = await queries.related({
          type,
          gif_id: q.gif_id,
          limit: q.limit,
          offset: q.offset,
          rating: q.rating,
        });
        return listBody(c, answer.body, mark(answer.outcome)) as never;
      },
    );
  }

  app.openapi(
    get(
      "/v1/gifs/categories",
      "catalog",
      "GIF categories",
      { query: pageQuerySchema },
      categoryList,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.categories({ limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/gifs/categories/{category}",
      "catalog",
      "The subcategories of a category",
      { params: categoryParamSchema, query: pageQuerySchema },
      categoryList,
      notFound("Unknown category (CATEGORY.NOT_FOUND)"),
    ),
    async (c) => {
      const { category } = c.req.valid("param");
      const q = c.req.valid("query");
      const answer = await queries.subcategories({ category, limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/gifs/categories/{category}/{subcategory}",
      "catalog",
      "The GIFs of a subcategory",
      { params: subcategoryParamSchema, query: ratedPageQuerySchema },
      gifList,
      notFound("Unknown category (CATEGORY.NOT_FOUND)"),
    ),
    async (c) => {
      const p = c.req.valid("param");
      const q = c.req.valid("query");
      const answer = await queries.categoryGifs({
        category: p.category,
        subcategory: p.subcategory,
        limit: q.limit,
        offset: q.offset,
        rating: q.rating,
      });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );

  app.openapi(
    get("/v1/emoji", "catalog", "Emoji (offset pages)", { query: pageQuerySchema }, gifList),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.emoji({ version: 1, limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v2/emoji",
      "catalog",
      "Emoji (next_cursor pages; offset is the previous next_cursor)",
      { query: pageQuerySchema },
      gifCursorList,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.emoji({ version: 2, limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v2/emoji/{id}/variations",
      "catalog",
      "The variations of an emoji (no pagination, as on Giphy)",
      {
        params: z.object({
          id: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a GIF id")
            .openapi({ param: { name: "id", in: "path" }, example: "dalJ0CpF7hwmN1nZXe" }),
        }),
        query: plainQuerySchema,
      },
      gifBareList,
      notFound("Unknown emoji (EMOJI.NOT_FOUND)"),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const answer = await queries.emojiVariations(id);
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );

  app.openapi(
    get(
      "/v1/text/animate",
      "catalog",
      "Animated text stickers for m",
      { query: animateQuerySchema },
      gifList,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.animate({ m: q.m, limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/channels/search",
      "catalog",
      "Channels matching q",
      { query: channelSearchQuerySchema },
      channelList,
      tooLong,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.channels({
        q: q.q,
        limit: q.limit,
        offset: q.offset,
        rating: q.rating,
      });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/gifs/search/tags",
      "terms",
      "Search terms completing q",
      { query: tagSearchQuerySchema },
      termList,
      tooLong,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await queries.autocomplete({ q: q.q, limit: q.limit, offset: q.offset });
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/tags/related/{term}",
      "terms",
      "Tags related to a term",
      { params: termParamSchema, query: plainQuerySchema },
      termList,
    ),
    async (c) => {
      const { term } = c.req.valid("param");
      const answer = await queries.relatedTags(term);
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/trending/searches",
      "terms",
      "What people search for now (no pagination, as on Giphy)",
      { query: plainQuerySchema },
      trendingSearches,
    ),
    async (c) => {
      const answer = await queries.trendingSearches();
      return listBody(c, answer.body, mark(answer.outcome)) as never;
    },
  );
  app.openapi(
    get(
      "/v1/randomid",
      "terms",
      "A random id for personalisation (never cached)",
      { query: plainQuerySchema },
      randomId,
    ),
    async (c) => {
      const answer = await queries.randomId();
      c.header("Cache-Control", "no-store");
      return listBody(c, answer.body, "BYPASS") as never;
    },
  );
}

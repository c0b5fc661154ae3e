// The Giphy-compatible routes. Each validates its query with the schemas in
// ../schemas.ts (the same ones /openapi.json is built from; search first tries a
// hand check of plain queries, ../search-query.ts), asks the use case, and wraps
// the answer in Giphy's envelope with a fresh meta.response_id.
import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import {
  errorResponseSchema,
  gifListResponseSchema,
  gifResponseSchema,
} from "../../domain/giphy-shape.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import type { GifQueries } from "../../application/gif-queries.ts";
import type { CacheOutcome } from "../../application/ports.ts";
import {
  gifIdParamSchema,
  idsQuerySchema,
  searchQuerySchema,
  singleGifQuerySchema,
  trendingQuerySchema,
} from "../schemas.ts";
import { dataBody, listBody } from "../fast-body.ts";
import { searchQuery } from "../search-query.ts";

const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const errors = {
  400: json(
    errorResponseSchema,
    "Invalid parameter (meta.error_code REQUEST.INVALID or REQUEST.UNKNOWN_PARAMETER)",
  ),
  401: json(errorResponseSchema, "Missing API key"),
  403: json(errorResponseSchema, "Unknown API key"),
  429: json(errorResponseSchema, "Rate limited (Retry-After)"),
  503: json(errorResponseSchema, "Storage unavailable (Retry-After)"),
};

/** A GET route of the /v1/gifs family: its own answers, then the errors every one shares. */
function gifsRoute<
  P extends string,
  Req extends RouteConfig["request"],
  Res extends RouteConfig["responses"],
>(path: P, summary: string, request: Req, responses: Res) {
  return createRoute({
    method: "get",
    path,
    tags: ["gifs"],
    summary,
    request,
    responses: { ...responses, ...errors },
  });
}

const search = gifsRoute(
  "/v1/gifs/search",
  "Search GIFs",
  { query: searchQuerySchema },
  {
    200: json(gifListResponseSchema, "GIFs matching q"),
    414: json(errorResponseSchema, "q longer than 50 characters"),
  },
);
const trending = gifsRoute(
  "/v1/gifs/trending",
  "Trending GIFs",
  { query: trendingQuerySchema },
  { 200: json(gifListResponseSchema, "Trending GIFs") },
);
const byIds = gifsRoute(
  "/v1/gifs",
  "GIFs by ids",
  { query: idsQuerySchema },
  { 200: json(gifListResponseSchema, "Found GIFs in the order asked; unknown ids are left out") },
);
const byId = gifsRoute(
  "/v1/gifs/{id}",
  "One GIF by id",
  { params: gifIdParamSchema, query: singleGifQuerySchema },
  {
    200: json(gifResponseSchema, "The GIF"),
    404: json(errorResponseSchema, "Unknown GIF (GIF.NOT_FOUND)"),
  },
);

/** Registers the /v1/gifs routes on `app`. */
export function gifRoutes(app: OpenAPIHono, queries: GifQueries): void {
  const mark = (outcome: CacheOutcome): string =>
    outcome === "miss" ? "MISS" : outcome === "stale" ? "STALE" : `HIT-${outcome.toUpperCase()}`;
  // The answers are cached bytes (fast-body.ts); the casts tell the OpenAPI route
  // types what the bytes hold (the schemas in giphy-shape.ts document them).

  // The hot route: in the document as app.openapi would put it, its query checked by
  // search-query.ts (a hand check for plain queries, this same schema otherwise).
  app.openAPIRegistry.registerPath(search);
  app.get(search.path, searchQuery(), async (c) => {
    const q = c.req.valid("query");
    const answer = await queries.search({
      q: q.q,
      limit: q.limit,
      offset: q.offset,
      rating: q.rating,
      lang: q.lang,
    });
    return listBody(c, answer.body, mark(answer.outcome)) as never;
  });

  app.openapi(trending, async (c) => {
    const q = c.req.valid("query");
    const answer = await queries.trending({ limit: q.limit, offset: q.offset, rating: q.rating });
    return listBody(c, answer.body, mark(answer.outcome)) as never;
  });

  app.openapi(byIds, async (c) => {
    const q = c.req.valid("query");
    const answer = await queries.byIds(q.ids);
    return listBody(c, answer.body, mark(answer.outcome)) as never;
  });

  app.openapi(byId, async (c) => {
    const { id } = c.req.valid("param");
    const answer = await queries.get(id);
    if (!answer.value) throw new GatewayError("GIF.NOT_FOUND", `GIF ${id} not found`);
    return dataBody(c, answer.body, mark(answer.outcome)) as never;
  });
}

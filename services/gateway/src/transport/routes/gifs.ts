// The GIF-by-id routes (the listing endpoints are in giphy.ts). Each validates its query with the schemas in
// ../schemas.ts (the same ones /openapi.json is built from), asks the use case,
// and wraps the answer in Giphy's envelope with a fresh meta.response_id.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  errorResponseSchema,
  gifListResponseSchema,
  gifResponseSchema,
} from "../../domain/giphy-shape.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import type { GifQueries } from "../../application/gif-queries.ts";
import type { CacheOutcome } from "../../application/ports.ts";
import { gifIdParamSchema, idsQuerySchema, singleGifQuerySchema } from "../schemas.ts";
import { dataBody, listBody } from "../fast-body.ts";

export const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
export const errors = {
  400: json(
    errorResponseSchema,
    "Invalid parameter value (meta.error_code REQUEST.INVALID, with the field)",
  ),
  401: json(errorResponseSchema, "Missing API key"),
  403: json(errorResponseSchema, "Unknown API key"),
  429: json(errorResponseSchema, "Rate limited (Retry-After)"),
  503: json(errorResponseSchema, "Storage unavailable (Retry-After)"),
};

const byIds = createRoute({
  method: "get",
  path: "/v1/gifs",
  tags: ["gifs"],
  summary: "GIFs by ids",
  request: { query: idsQuerySchema },
  responses: {
    200: json(gifListResponseSchema, "Found GIFs in the order asked; unknown ids are left out"),
    ...errors,
  },
});
const byId = createRoute({
  method: "get",
  path: "/v1/gifs/{id}",
  tags: ["gifs"],
  summary: "One GIF by id",
  request: { params: gifIdParamSchema, query: singleGifQuerySchema },
  responses: {
    200: json(gifResponseSchema, "The GIF"),
    404: json(errorResponseSchema, "Unknown GIF (GIF.NOT_FOUND)"),
    ...errors,
  },
});

/** Registers /v1/gifs?ids= and /v1/gifs/{id} on `app`, after giphy.ts's static paths. */
export function gifRoutes(app: OpenAPIHono, queries: GifQueries): void {
  const mark = (outcome: CacheOutcome): string =>
    outcome === "miss" ? "MISS" : outcome === "stale" ? "STALE" : `HIT-${outcome.toUpperCase()}`;
  // The answers are cached bytes (fast-body.ts); the casts tell the OpenAPI route
  // types what the bytes hold (the schemas in giphy-shape.ts document them).

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

// The Giphy v1 endpoints the fixture speaks: search, trending, one GIF, many GIFs.
// Validation follows Giphy's documented limits (q ≤ 50 chars → 414, ids ≤ 100,
// offset caps) so clients meet the same errors they would meet in production.
import { createHash } from "node:crypto";
import type { Catalogue, GifSpec } from "../catalogue/catalogue.ts";
import type { Endpoint } from "../stats.ts";
import { meta, toGiphyGif } from "./giphy-shape.ts";

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

const RATING_ORDER = ["g", "pg", "pg-13", "r"];
let responseCounter = 0;

function responseId(): string {
  responseCounter += 1;
  return createHash("sha1").update(`fixture-${responseCounter}`).digest("hex").slice(0, 24);
}

function error(status: number, msg: string): ApiResponse {
  return { status, body: { data: [], meta: meta(status, msg, responseId()) } };
}

function intParam(
  params: URLSearchParams,
  name: string,
  fallback: number,
  max: number,
): number | string {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return `${name} must be a non-negative integer`;
  const value = Number(raw);
  return value > max ? `${name} must be at most ${max}` : value;
}

function page(
  specs: GifSpec[],
  params: URLSearchParams,
  maxOffset: number,
  origin: string,
): ApiResponse {
  const limit = intParam(params, "limit", 25, 1000);
  const offset = intParam(params, "offset", 0, maxOffset);
  if (typeof limit === "string") return error(400, limit);
  if (typeof offset === "string") return error(400, offset);
  const rating = params.get("rating");
  let filtered = specs;
  if (rating !== null && rating !== "") {
    const max = RATING_ORDER.indexOf(rating.toLowerCase());
    if (max < 0) return error(400, "rating must be one of g, pg, pg-13, r");
    filtered = specs.filter((spec) => RATING_ORDER.indexOf(spec.rating) <= max);
  }
  const slice = filtered.slice(offset, offset + Math.min(Math.max(limit, 1), 50));
  return {
    status: 200,
    body: {
      data: slice.map((spec) => toGiphyGif(spec, origin)),
      pagination: { total_count: filtered.length, count: slice.length, offset },
      meta: meta(200, "OK", responseId()),
    },
  };
}

/** Which endpoint a path is, or undefined when the fixture does not serve it. */
export function endpointOf(pathname: string): Endpoint | undefined {
  if (pathname === "/v1/gifs/search") return "search";
  if (pathname === "/v1/gifs/trending") return "trending";
  if (pathname === "/v1/gifs") return "gifs";
  if (/^\/v1\/gifs\/[^/]+$/.test(pathname)) return "gif";
  return undefined;
}

/** Answers one API request (the api_key is already checked). */
export function handleApi(
  catalogue: Catalogue,
  endpoint: Endpoint,
  url: URL,
  origin: string,
): ApiResponse {
  const params = url.searchParams;
  switch (endpoint) {
    case "search": {
      const q = params.get("q") ?? "";
      if (q.trim() === "") return error(400, "Missing required parameter: q");
      if (q.length > 50) return error(414, "URI Too Long: q is limited to 50 characters");
      const lang = params.get("lang");
      if (lang !== null && lang !== "" && !/^[a-z]{2}(-[a-z]{2})?$/i.test(lang))
        return error(400, "Invalid lang");
      return page(catalogue.search(q), params, 4999, origin);
    }
    case "trending":
      return page(catalogue.trending(), params, 499, origin);
    case "gif": {
      const id = decodeURIComponent(url.pathname.slice("/v1/gifs/".length));
      const spec = catalogue.byId(id);
      if (spec === undefined) return error(404, "Not Found");
      return {
        status: 200,
        body: { data: toGiphyGif(spec, origin), meta: meta(200, "OK", responseId()) },
      };
    }
    case "gifs": {
      const ids = (params.get("ids") ?? "").split(",").filter((id) => id !== "");
      if (ids.length === 0) return error(400, "Missing required parameter: ids");
      if (ids.length > 100) return error(400, "ids is limited to 100 ids");
      const found = ids.map((id) => catalogue.byId(id)).filter((spec) => spec !== undefined);
      return {
        status: 200,
        body: {
          data: found.map((spec) => toGiphyGif(spec, origin)),
          pagination: { total_count: found.length, count: found.length, offset: 0 },
          meta: meta(200, "OK", responseId()),
        },
      };
    }
    case "media":
      return error(404, "Not Found");
  }
}

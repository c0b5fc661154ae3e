// The gateway's use cases for Giphy's listing endpoints (search, trending, random,
// translate, related, categories, emoji, animate, channels, tags, trending
// searches, random id). Each looks in the cache, calls its storage RPC on a miss
// and renders the answer as Giphy's envelope body: GIF objects losslessly
// (domain/giphy-object.ts), pagination only where Giphy sends one. A cached answer
// is fresh for its endpoint's TTL (EndpointTtls); random GIFs and random ids are
// never cached, as Giphy's SDK never caches random either.
import { createHash } from "node:crypto";
import {
  MediaType,
  type Category,
  type Channel,
  type Gif,
  type Pagination,
} from "@gifmesh/shared/contracts";
import type { GifMapperOptions } from "../domain/gif-mapper.ts";
import { renderGif, withRenderedGif, type JsonObject } from "../domain/giphy-object.ts";
import { GatewayError, type ErrorCode } from "../domain/gateway-error.ts";
import { ratingFromGiphy, type GiphyRating } from "../domain/rating.ts";
import { CACHE_KEY_VERSION } from "./cache-key.ts";
import type {
  CacheClass,
  CachedBody,
  CacheOutcome,
  CallOptions,
  EndpointStore,
  ResponseCache,
} from "./ports.ts";

/** Freshness per kind of endpoint, in milliseconds (config.ts CACHE_*_TTL_MS). */
export interface EndpointTtls {
  /** search, related, translate, a subcategory's GIFs, channel search. */
  readonly searchMs: number;
  /** trending GIFs and trending searches. */
  readonly trendingMs: number;
  /** categories, subcategories, emoji, emoji variations, animated text. */
  readonly catalogMs: number;
  /** tag autocomplete and related tags. */
  readonly termsMs: number;
}

export const DEFAULT_ENDPOINT_TTLS: EndpointTtls = {
  searchMs: 300_000,
  trendingMs: 300_000,
  catalogMs: 3_600_000,
  termsMs: 3_600_000,
};

export interface EndpointQueriesDeps {
  readonly store: EndpointStore;
  readonly cache: ResponseCache;
  readonly mapper: GifMapperOptions;
  readonly ttls?: EndpointTtls;
}

/** Giphy's `{type}` path segment. */
export type GiphyType = "gifs" | "stickers" | "text" | "videos";

const MEDIA_TYPE: Readonly<Record<GiphyType, MediaType>> = {
  gifs: MediaType.GIFS,
  stickers: MediaType.STICKERS,
  text: MediaType.TEXT,
  videos: MediaType.VIDEOS,
};

/** Giphy's pagination; next_cursor only on cursor pages (v2 emoji). */
export interface GiphyPage {
  readonly total_count?: number;
  readonly count: number;
  readonly offset: number;
  readonly next_cursor?: number | string;
}

/** An envelope body without meta: `data` and, where Giphy sends one, `pagination`. */
export interface Listing<T = unknown> {
  readonly data: T;
  readonly pagination?: GiphyPage;
}

export interface Answer<T> {
  readonly value: T;
  readonly body: CachedBody;
  readonly outcome: CacheOutcome;
}

interface PageParams {
  readonly limit: number;
  readonly offset: number;
}

export interface SearchParams extends PageParams {
  readonly type: GiphyType;
  readonly q: string;
  readonly rating?: GiphyRating;
  readonly lang?: string;
  readonly sort?: "relevant" | "recent";
  readonly country_code?: string;
  readonly region?: string;
  readonly remove_low_contrast?: boolean;
  readonly excludeDynamicResults?: boolean;
}

function classify(gifs: readonly (Gif | undefined)[]): CacheClass {
  const present = gifs.filter((g): g is Gif => g !== undefined);
  if (present.length === 0) return "empty";
  return present.some(
    (g) => g.archive?.state.case !== "archived" && g.archive?.state.case !== "failed",
  )
    ? "pending"
    : "normal";
}

/** Giphy's next_cursor is a JSON number when it is one; otherwise kept as written. */
function cursor(value: string): number | string {
  return /^\d{1,15}$/.test(value) ? Number(value) : value;
}

function giphyPage(p: Pagination | undefined, count: number, offset: number): GiphyPage {
  return {
    total_count: p?.totalCount ?? count,
    count,
    offset: p?.offset ?? offset,
  };
}

/** A stable cache key: endpoint name and its parameters in one fixed order. */
function keyOf(endpoint: string, params: object): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `${CACHE_KEY_VERSION}:${endpoint}:${parts.join("&")}`;
}

/** 404 with the endpoint's own code when storage says NOT_FOUND. */
async function orNotFound<T>(code: ErrorCode, message: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof GatewayError && error.code === "GIF.NOT_FOUND" && code !== error.code)
      throw new GatewayError(code, message, { cause: error });
    throw error;
  }
}

export function createEndpointQueries(deps: EndpointQueriesDeps) {
  const { store, mapper } = deps;
  const ttls = deps.ttls ?? DEFAULT_ENDPOINT_TTLS;
  // Cached answers hold media URLs built from the mapper options, so instances
  // configured differently must not share entries (as in gif-queries.ts).
  const tag = createHash("sha256")
    .update(`${mapper.publicBaseUrl}|${String(mapper.rewriteArchivedUrls !== false)}`)
    .digest("hex")
    .slice(0, 8);
  const cached = <T>(
    key: string,
    freshMs: number,
    load: () => Promise<{ value: T; cacheClass: CacheClass }>,
  ): Promise<Answer<T>> =>
    deps.cache.getOrLoad(`${tag}:${key}`, async () => ({ ...(await load()), freshMs }));
  /** Never cached: serialised per request. */
  const uncached = <T>(value: T): Answer<T> => {
    const bytes = Buffer.from(JSON.stringify(value), "utf8");
    const hash = createHash("sha256").update(bytes).digest("base64url").slice(0, 27);
    return { value, body: { bytes, hash }, outcome: "miss" };
  };
  const gifs = (list: readonly Gif[]) => list.map((g) => renderGif(g, mapper));
  const gifPage = (
    res: { gifs: Gif[]; pagination?: Pagination | undefined },
    offset: number,
  ): { value: Listing; cacheClass: CacheClass } => ({
    value: {
      data: gifs(res.gifs),
      pagination: giphyPage(res.pagination, res.gifs.length, offset),
    },
    cacheClass: classify(res.gifs),
  });
  const category = (c: Category): JsonObject =>
    withRenderedGif(c.giphyJson, "gif", c.gif, mapper, () => ({
      name: c.name,
      name_encoded: c.nameEncoded,
      subcategories: c.subcategories.map((s) => ({ name: s.name, name_encoded: s.nameEncoded })),
    }));
  const channel = (c: Channel): JsonObject =>
    withRenderedGif(c.giphyJson, "featured_gif", c.featuredGif, mapper, () => ({
      id: Number(c.id),
      slug: c.slug,
      display_name: c.displayName,
    }));
  const terms = (list: readonly { name: string; giphyJson: string }[]) =>
    list.map((t) => {
      try {
        const parsed: unknown = t.giphyJson ? JSON.parse(t.giphyJson) : undefined;
        if (typeof parsed === "object" && parsed !== null) return parsed;
      } catch {
        // A broken record falls back to the name, which is all Giphy's term has.
      }
      return { name: t.name };
    });

  return {
    search(p: SearchParams, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("search", p), ttls.searchMs, async () => {
        const res = await store.call(
          "searchGifs",
          {
            query: p.q,
            limit: p.limit,
            offset: p.offset,
            rating: ratingFromGiphy(p.rating),
            lang: p.lang ?? "",
            type: MEDIA_TYPE[p.type],
            sort: p.sort ?? "",
            countryCode: p.country_code ?? "",
            region: p.region ?? "",
            removeLowContrast: p.remove_low_contrast ?? false,
            excludeDynamicResults: p.excludeDynamicResults ?? false,
          },
          o,
        );
        return gifPage(res, p.offset);
      });
    },

    trending(
      p: PageParams & {
        type: GiphyType;
        rating?: GiphyRating;
        country_code?: string;
        region?: string;
      },
      o: CallOptions = {},
    ): Promise<Answer<Listing>> {
      return cached(keyOf("trending", p), ttls.trendingMs, async () => {
        const res = await store.call(
          "listTrendingGifs",
          {
            limit: p.limit,
            offset: p.offset,
            rating: ratingFromGiphy(p.rating),
            type: MEDIA_TYPE[p.type],
            countryCode: p.country_code ?? "",
            region: p.region ?? "",
          },
          o,
        );
        return gifPage(res, p.offset);
      });
    },

    /** Never cached: each call is a new draw. */
    async random(
      p: { type: GiphyType; tag?: string; rating?: GiphyRating },
      o: CallOptions = {},
    ): Promise<Answer<JsonObject>> {
      const res = await store.call(
        "getRandomGif",
        { type: MEDIA_TYPE[p.type], tag: p.tag ?? "", rating: ratingFromGiphy(p.rating) },
        o,
      );
      if (!res.gif) throw new GatewayError("GIF.NOT_FOUND", "no GIF matches");
      return uncached(renderGif(res.gif, mapper));
    },

    translate(
      p: { type: GiphyType; s: string; weirdness?: number; rating?: GiphyRating; lang?: string },
      o: CallOptions = {},
    ): Promise<Answer<JsonObject | null>> {
      return cached(keyOf("translate", p), ttls.searchMs, async () => {
        const res = await orNotFound("GIF.NOT_FOUND", "no GIF for this phrase", () =>
          store.call(
            "translateGif",
            {
              type: MEDIA_TYPE[p.type],
              phrase: p.s,
              weirdness: p.weirdness ?? 0,
              rating: ratingFromGiphy(p.rating),
              lang: p.lang ?? "",
            },
            o,
          ),
        );
        return {
          value: res.gif ? renderGif(res.gif, mapper) : null,
          cacheClass: classify([res.gif]),
        };
      });
    },

    related(
      p: PageParams & { type: GiphyType; gif_id: string; rating?: GiphyRating },
      o: CallOptions = {},
    ): Promise<Answer<Listing>> {
      return cached(keyOf("related", p), ttls.searchMs, async () => {
        const res = await store.call(
          "listRelatedGifs",
          {
            gifId: p.gif_id,
            type: MEDIA_TYPE[p.type],
            limit: p.limit,
            offset: p.offset,
            rating: ratingFromGiphy(p.rating),
          },
          o,
        );
        return gifPage(res, p.offset);
      });
    },

    categories(p: PageParams, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("categories", p), ttls.catalogMs, async () => {
        const res = await store.call("listCategories", { limit: p.limit, offset: p.offset }, o);
        return {
          value: {
            data: res.categories.map(category),
            pagination: giphyPage(res.pagination, res.categories.length, p.offset),
          },
          cacheClass: classify(res.categories.map((c) => c.gif)),
        };
      });
    },

    subcategories(
      p: PageParams & { category: string },
      o: CallOptions = {},
    ): Promise<Answer<Listing>> {
      return cached(keyOf("subcategories", p), ttls.catalogMs, async () => {
        const res = await orNotFound("CATEGORY.NOT_FOUND", `category ${p.category} not found`, () =>
          store.call(
            "listSubcategories",
            { category: p.category, limit: p.limit, offset: p.offset },
            o,
          ),
        );
        return {
          value: {
            data: res.subcategories.map(category),
            pagination: giphyPage(res.pagination, res.subcategories.length, p.offset),
          },
          cacheClass: classify(res.subcategories.map((c) => c.gif)),
        };
      });
    },

    categoryGifs(
      p: PageParams & { category: string; subcategory: string; rating?: GiphyRating },
      o: CallOptions = {},
    ): Promise<Answer<Listing>> {
      return cached(keyOf("category-gifs", p), ttls.searchMs, async () => {
        const res = await orNotFound(
          "CATEGORY.NOT_FOUND",
          `category ${p.category}/${p.subcategory} not found`,
          () =>
            store.call(
              "listCategoryGifs",
              {
                category: p.category,
                subcategory: p.subcategory,
                limit: p.limit,
                offset: p.offset,
                rating: ratingFromGiphy(p.rating),
              },
              o,
            ),
        );
        return gifPage(res, p.offset);
      });
    },

    /** v1 pages by offset (total_count, count, offset); v2 by next_cursor, as Giphy's. */
    emoji(p: PageParams & { version: 1 | 2 }, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("emoji", p), ttls.catalogMs, async () => {
        const res = await store.call(
          "listEmoji",
          { apiVersion: p.version, limit: p.limit, offset: p.offset },
          o,
        );
        if (p.version === 1) return gifPage(res, p.offset);
        const next = res.pagination?.nextCursor ?? "";
        return {
          value: {
            data: gifs(res.gifs),
            // Giphy's v2 page has no total_count (see its captured answers).
            pagination: {
              count: res.gifs.length,
              offset: res.pagination?.offset ?? p.offset,
              ...(next === "" ? {} : { next_cursor: cursor(next) }),
            },
          },
          cacheClass: classify(res.gifs),
        };
      });
    },

    /** Giphy answers variations without pagination. */
    emojiVariations(id: string, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("emoji-variations", { id }), ttls.catalogMs, async () => {
        const res = await orNotFound("EMOJI.NOT_FOUND", `emoji ${id} not found`, () =>
          store.call("listEmojiVariations", { id }, o),
        );
        return { value: { data: gifs(res.gifs) }, cacheClass: classify(res.gifs) };
      });
    },

    animate(p: PageParams & { m: string }, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("animate", p), ttls.catalogMs, async () => {
        const res = await store.call(
          "animateText",
          { text: p.m, limit: p.limit, offset: p.offset },
          o,
        );
        return gifPage(res, p.offset);
      });
    },

    channels(
      p: PageParams & { q: string; rating?: GiphyRating },
      o: CallOptions = {},
    ): Promise<Answer<Listing>> {
      return cached(keyOf("channels", p), ttls.searchMs, async () => {
        const res = await store.call(
          "searchChannels",
          { query: p.q, limit: p.limit, offset: p.offset, rating: ratingFromGiphy(p.rating) },
          o,
        );
        return {
          value: {
            data: res.channels.map(channel),
            pagination: giphyPage(res.pagination, res.channels.length, p.offset),
          },
          cacheClass: classify(res.channels.map((c) => c.featuredGif)),
        };
      });
    },

    autocomplete(p: PageParams & { q: string }, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("autocomplete", p), ttls.termsMs, async () => {
        const res = await store.call(
          "autocompleteTags",
          { query: p.q, limit: p.limit, offset: p.offset },
          o,
        );
        return {
          value: {
            data: terms(res.terms),
            pagination: giphyPage(res.pagination, res.terms.length, p.offset),
          },
          cacheClass: res.terms.length === 0 ? "empty" : "normal",
        };
      });
    },

    relatedTags(term: string, o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("related-tags", { term }), ttls.termsMs, async () => {
        const res = await store.call("listRelatedTags", { term }, o);
        return {
          value: {
            data: terms(res.terms),
            pagination: giphyPage(res.pagination, res.terms.length, 0),
          },
          cacheClass: res.terms.length === 0 ? "empty" : "normal",
        };
      });
    },

    /** The phrases, without pagination, as Giphy answers. */
    trendingSearches(o: CallOptions = {}): Promise<Answer<Listing>> {
      return cached(keyOf("trending-searches", {}), ttls.trendingMs, async () => {
        const res = await store.call("listTrendingSearches", {}, o);
        return {
          value: { data: res.terms },
          cacheClass: res.terms.length === 0 ? "empty" : "normal",
        };
      });
    },

    /** Never cached: an id is per caller. */
    async randomId(o: CallOptions = {}): Promise<Answer<Listing>> {
      const res = await store.call("createRandomId", {}, o);
      return uncached({ data: { random_id: res.randomId } });
    },
  };
}

export type EndpointQueries = ReturnType<typeof createEndpointQueries>;

// The gateway's read use cases: search, trending, one GIF, many GIFs. Each looks in
// the cache, asks storage on a miss, maps the answer to Giphy's shape and tells the
// cache how long it may be kept (empty answers and answers with pending archives
// are kept briefly). meta.response_id is added per response by the transport.
// A load is shared by concurrent requests (single flight), so it is bounded by the
// storage deadline and the process shutdown signal, never by one client's disconnect.
import { createHash } from "node:crypto";
import type { GiphyGif, GiphyPagination } from "../domain/giphy-shape.ts";
import type { Gif } from "@gifmesh/shared/contracts";
import { toGiphyGif, type GifMapperOptions } from "../domain/gif-mapper.ts";
import { ratingFromGiphy, type GiphyRating } from "../domain/rating.ts";
import { gifKey, idsKey, normaliseQuery, searchKey, trendingKey } from "./cache-key.ts";
import { canonicalIds, inRequestedOrder } from "./ids-order.ts";
import type {
  CacheClass,
  CachedBody,
  CacheOutcome,
  CallOptions,
  GifPage,
  GifStore,
  ResponseCache,
} from "./ports.ts";

export interface GifList {
  readonly data: GiphyGif[];
  readonly pagination: GiphyPagination;
}

export interface Answer<T> {
  readonly value: T;
  /** `value` as JSON bytes, serialised once when it was cached. */
  readonly body: CachedBody;
  readonly outcome: CacheOutcome;
}

export interface GifQueriesDeps {
  readonly store: GifStore;
  readonly cache: ResponseCache;
  readonly mapper: GifMapperOptions;
}

function classify(gifs: readonly Gif[]): CacheClass {
  if (gifs.length === 0) return "empty";
  return gifs.some(
    (g) => g.archive?.state.case !== "archived" && g.archive?.state.case !== "failed",
  )
    ? "pending"
    : "normal";
}

export function createGifQueries(deps: GifQueriesDeps) {
  const { store, mapper } = deps;
  // Cached answers hold media URLs built from the mapper options, so instances
  // configured differently must not share entries.
  const tag = createHash("sha256")
    .update(`${mapper.publicBaseUrl}|${String(mapper.rewriteArchivedUrls !== false)}`)
    .digest("hex")
    .slice(0, 8);
  const cache: ResponseCache = {
    getOrLoad: (key, load) => deps.cache.getOrLoad(`${tag}:${key}`, load),
  };
  const toList = (page: GifPage, offset: number): GifList => ({
    data: page.gifs.map((g) => toGiphyGif(g, mapper)),
    pagination: {
      total_count: page.pagination?.totalCount ?? page.gifs.length,
      count: page.gifs.length,
      offset: page.pagination?.offset ?? offset,
    },
  });

  return {
    search(
      p: { q: string; limit: number; offset: number; rating?: GiphyRating; lang?: string },
      options: CallOptions = {},
    ): Promise<Answer<GifList>> {
      return cache.getOrLoad(searchKey(p), async () => {
        const params = {
          query: normaliseQuery(p.q),
          limit: p.limit,
          offset: p.offset,
          rating: ratingFromGiphy(p.rating),
          lang: p.lang ?? "en",
        };
        const page = await store.search(params, options);
        return { value: toList(page, p.offset), cacheClass: classify(page.gifs) };
      });
    },

    trending(
      p: { limit: number; offset: number; rating?: GiphyRating },
      options: CallOptions = {},
    ): Promise<Answer<GifList>> {
      return cache.getOrLoad(trendingKey(p), async () => {
        const page = await store.trending(
          { limit: p.limit, offset: p.offset, rating: ratingFromGiphy(p.rating) },
          options,
        );
        return { value: toList(page, p.offset), cacheClass: classify(page.gifs) };
      });
    },

    /** The GIF, or null when storage does not know it (cached briefly, too). */
    get(id: string, options: CallOptions = {}): Promise<Answer<GiphyGif | null>> {
      return cache.getOrLoad(gifKey(id), async () => {
        const gif = await store.get(id, options);
        return gif
          ? { value: toGiphyGif(gif, mapper), cacheClass: classify([gif]) }
          : { value: null, cacheClass: "empty" };
      });
    },

    /**
     * Found GIFs in the order asked; unknown ids are left out, as Giphy does. Cached
     * once per set of ids, whatever the order (ids-order.ts).
     */
    async byIds(ids: readonly string[], options: CallOptions = {}): Promise<Answer<GifList>> {
      const { wanted, canonical } = canonicalIds(ids);
      const answer = await cache.getOrLoad(idsKey(canonical), async () => {
        const { gifs } = await store.batchGet(canonical, options);
        const value = {
          data: gifs.map((g) => toGiphyGif(g, mapper)).sort((a, b) => (a.id < b.id ? -1 : 1)),
          pagination: { total_count: gifs.length, count: gifs.length, offset: 0 },
        };
        return { value, cacheClass: classify(gifs) };
      });
      return inRequestedOrder(answer, wanted);
    },
  };
}

export type GifQueries = ReturnType<typeof createGifQueries>;

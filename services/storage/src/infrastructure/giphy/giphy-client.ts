// The Giphy client: every endpoint of GiphyPort, each a GET (giphy-http.ts: timeouts,
// retries, circuit breaker, spans) whose validated answer (giphy-response.ts,
// giphy-schema.ts) is mapped to domain types (giphy-mapper.ts).
//
// A list may hold no more items than were asked for (giphy-schema.ts) before any is
// parsed. A 404 from a list endpoint that takes no id is an empty page; where the
// path names an id, category, emoji or term, it is GIPHY.NOT_FOUND.
import { StorageError } from "../../domain/errors.ts";
import type { CategoryPage, GifMetadata, GifPage, MediaType, TermPage } from "../../domain/gif.ts";
import type { CallBounds, GiphyPort } from "../../application/ports.ts";
import type { GiphyPageParams } from "../../application/giphy-port.ts";
import {
  createGiphyGet,
  type GiphyHttpOptions,
  type GiphyRequest,
  type QueryValues,
} from "./giphy-http.ts";
import { toCategory, toChannel, toGifMetadata, toTerm } from "./giphy-mapper.ts";
import {
  GIPHY_MAX_PAGE_ITEMS,
  giphyCategoryListSchemaOf,
  giphyChannelListSchemaOf,
  giphyListSchemaOf,
  giphyMaybeSingleSchema,
  giphyRandomIdSchema,
  giphySingleSchema,
  giphyTermListSchemaOf,
  giphyTrendingSearchesSchema,
} from "./giphy-schema.ts";

export type GiphyClientOptions = GiphyHttpOptions;

/** A list may hold a few more GIFs than asked for (Giphy is not exact); never more than 100. */
const PAGE_SLACK = 5;

/** The list schema's cap for `requested` items (0: Giphy's default page, so the 100 cap alone). */
function maxItemsFor(requested: number | undefined): number {
  return requested !== undefined && requested > 0 ? requested + PAGE_SLACK : GIPHY_MAX_PAGE_ITEMS;
}

/** What every list answer carries, whatever its items are. */
interface ListAnswer {
  readonly data: { readonly items: readonly unknown[] };
  readonly pagination?:
    { readonly total_count?: number | undefined; readonly offset?: number | undefined } | undefined;
}

/** Where a list answer stands; without pagination it is all there is, from `offset`. */
function positionOf(answer: ListAnswer, offset: number): { totalCount: number; offset: number } {
  return {
    totalCount: answer.pagination?.total_count ?? answer.data.items.length,
    offset: answer.pagination?.offset ?? offset,
  };
}

const emptyPage = (offset: number): GifPage => ({ gifs: [], totalCount: 0, offset });

/** Giphy answered 404: the id, category, emoji or term is unknown to it. */
function isNotFound(error: unknown): boolean {
  return error instanceof StorageError && error.code === "GIPHY.NOT_FOUND";
}

/** A 404 on a list endpoint that takes no id: `empty`, as before. */
async function emptyOn404<T>(request: Promise<T>, empty: T): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) return empty;
    throw error;
  }
}

export function createGiphyClient(options: GiphyClientOptions): GiphyPort {
  const get = createGiphyGet(options);

  /** A page of GIFs; `requested` bounds how many the answer may hold. */
  const gifList = async (
    request: GiphyRequest,
    requested: number | undefined,
    bounds: CallBounds | undefined,
  ): Promise<GifPage> => {
    const data = await get(request, giphyListSchemaOf(maxItemsFor(requested)), bounds);
    const cursor = data.pagination?.next_cursor;
    return {
      gifs: data.data.items.map(toGifMetadata),
      ...positionOf(data, 0),
      // Kept as JSON text, as Giphy wrote it (a number today); null/absent: last page.
      ...(cursor === undefined || cursor === null ? {} : { nextCursor: JSON.stringify(cursor) }),
    };
  };
  /** search and trending (/v1/{type}/…): their path names no id, so a 404 is an empty page. */
  const openPage = (
    endpoint: "search" | "trending",
    p: { readonly type?: MediaType | undefined; readonly limit: number; readonly offset: number },
    query: QueryValues,
    bounds: CallBounds | undefined,
  ): Promise<GifPage> => {
    const request = {
      endpoint,
      template: `/v1/{type}/${endpoint}`,
      ids: { type: p.type ?? "gifs" },
      query,
    };
    return emptyOn404(gifList(request, p.limit, bounds), emptyPage(p.offset));
  };
  /** random and translate: one GIF or none; a 404 is none too. */
  const maybeGif = async (
    endpoint: "random" | "translate",
    type: MediaType,
    query: QueryValues,
    bounds: CallBounds | undefined,
  ): Promise<GifMetadata | undefined> => {
    const request = { endpoint, template: `/v1/{type}/${endpoint}`, ids: { type }, query };
    const data = await emptyOn404(get(request, giphyMaybeSingleSchema, bounds), undefined);
    return data?.data === undefined ? undefined : toGifMetadata(data.data);
  };
  /** categories and subcategories: page `p` of the list at `request`. */
  const categoryPage = async (
    request: Omit<GiphyRequest, "query">,
    p: GiphyPageParams,
    bounds: CallBounds | undefined,
  ): Promise<CategoryPage> => {
    const data = await get(
      { ...request, query: { limit: p.limit, offset: p.offset } },
      giphyCategoryListSchemaOf(maxItemsFor(p.limit)),
      bounds,
    );
    return { categories: data.data.items.map(toCategory), ...positionOf(data, p.offset ?? 0) };
  };
  /** autocomplete and related tags: a 404 is no terms. */
  const termPage = async (
    request: GiphyRequest,
    maxItems: number,
    offset: number,
    bounds: CallBounds | undefined,
  ): Promise<TermPage> => {
    const data = await emptyOn404(get(request, giphyTermListSchemaOf(maxItems), bounds), undefined);
    if (data === undefined) return { terms: [], totalCount: 0, offset };
    return { terms: data.data.items.map(toTerm), ...positionOf(data, offset) };
  };

  return {
    search: (p, bounds) =>
      openPage(
        "search",
        p,
        {
          q: p.query,
          limit: p.limit,
          offset: p.offset,
          rating: p.rating,
          lang: p.lang === "" ? undefined : p.lang,
          sort: p.sort,
          country_code: p.countryCode,
          region: p.region,
          remove_low_contrast: p.removeLowContrast,
          excludeDynamicResults: p.excludeDynamicResults,
        },
        bounds,
      ),
    trending: (p, bounds) =>
      openPage(
        "trending",
        p,
        {
          limit: p.limit,
          offset: p.offset,
          rating: p.rating,
          country_code: p.countryCode,
          region: p.region,
        },
        bounds,
      ),
    async getById(id, bounds) {
      const request = {
        endpoint: "gif",
        template: "/v1/gifs/{gif_id}",
        ids: { gif_id: id },
      };
      const data = await emptyOn404(get(request, giphySingleSchema, bounds), undefined);
      return data === undefined ? undefined : toGifMetadata(data.data);
    },
    async getByIds(ids, bounds) {
      if (ids.length === 0) return [];
      const request = { endpoint: "gifs", template: "/v1/gifs", query: { ids: ids.join(",") } };
      return (await emptyOn404(gifList(request, ids.length, bounds), emptyPage(0))).gifs;
    },
    random: (p, bounds) => maybeGif("random", p.type, { tag: p.tag, rating: p.rating }, bounds),
    translate: (p, bounds) =>
      maybeGif(
        "translate",
        p.type,
        { s: p.phrase, weirdness: p.weirdness, rating: p.rating, lang: p.lang },
        bounds,
      ),
    // A 404 names an unknown gif_id: GIPHY.NOT_FOUND.
    related: (p, bounds) =>
      gifList(
        {
          endpoint: "related",
          template: "/v1/{type}/related",
          ids: { type: p.type },
          query: { gif_id: p.gifId, limit: p.limit, offset: p.offset, rating: p.rating },
        },
        p.limit,
        bounds,
      ),
    categories: (p, bounds) =>
      categoryPage({ endpoint: "categories", template: "/v1/gifs/categories" }, p, bounds),
    // A 404 names an unknown category: GIPHY.NOT_FOUND.
    subcategories: (p, bounds) =>
      categoryPage(
        {
          endpoint: "subcategories",
          template: "/v1/gifs/categories/{category}",
          ids: { category: p.category },
        },
        p,
        bounds,
      ),
    categoryGifs: (p, bounds) =>
      gifList(
        {
          endpoint: "category_gifs",
          template: "/v1/gifs/categories/{category}/{subcategory}",
          ids: { category: p.category, subcategory: p.subcategory },
          query: { limit: p.limit, offset: p.offset, rating: p.rating },
        },
        p.limit,
        bounds,
      ),
    emoji: (p, bounds) =>
      gifList(
        {
          ...(p.apiVersion === 1
            ? { endpoint: "emoji", template: "/v1/emoji" }
            : { endpoint: "emoji_v2", template: "/v2/emoji" }),
          query: { limit: p.limit, offset: p.offset },
        },
        p.limit,
        bounds,
      ),
    // A 404 names an unknown emoji: GIPHY.NOT_FOUND.
    emojiVariations: (id, bounds) =>
      gifList(
        {
          endpoint: "emoji_variations",
          template: "/v2/emoji/{gif_id}/variations",
          ids: { gif_id: id },
        },
        undefined,
        bounds,
      ),
    animateText: (p, bounds) =>
      gifList(
        {
          endpoint: "animate",
          template: "/v1/text/animate",
          query: { m: p.text, limit: p.limit, offset: p.offset },
        },
        p.limit,
        bounds,
      ),
    async searchChannels(p, bounds) {
      const request = {
        endpoint: "channels_search",
        template: "/v1/channels/search",
        query: { q: p.query, limit: p.limit, offset: p.offset, rating: p.rating },
      };
      const schema = giphyChannelListSchemaOf(maxItemsFor(p.limit));
      const data = await emptyOn404(get(request, schema, bounds), undefined);
      if (data === undefined) return { channels: [], totalCount: 0, offset: p.offset };
      return { channels: data.data.items.map(toChannel), ...positionOf(data, p.offset) };
    },
    autocompleteTags: (p, bounds) =>
      termPage(
        {
          endpoint: "autocomplete",
          template: "/v1/gifs/search/tags",
          query: { q: p.query, limit: p.limit, offset: p.offset, rating: p.rating },
        },
        maxItemsFor(p.limit),
        p.offset,
        bounds,
      ),
    relatedTags: (term, bounds) =>
      termPage(
        {
          endpoint: "related_tags",
          template: "/v1/tags/related/{term}",
          ids: { term },
        },
        GIPHY_MAX_PAGE_ITEMS,
        0,
        bounds,
      ),
    async trendingSearches(bounds) {
      const request = {
        endpoint: "trending_searches",
        template: "/v1/trending/searches",
      };
      return (await get(request, giphyTrendingSearchesSchema, bounds)).data;
    },
    async randomId(bounds) {
      const request = { endpoint: "randomid", template: "/v1/randomid" };
      return (await get(request, giphyRandomIdSchema, bounds)).data.random_id;
    },
  };
}

// Use cases of Giphy's endpoints that answer with more than GIFs: categories and
// subcategories, channels, terms (tag autocomplete, related tags), the trending
// searches, and random ids. Each stores its answer in its own shape
// (stored-answers.ts) under the freshness policy of serve-page.ts; the GIFs inside
// (a category's gif, a channel's featured_gif) are stored and archived like any.
import { randomBytes } from "node:crypto";
import { isGiphyOutage, orNotFound } from "../domain/errors.ts";
import type { Rating, Term } from "../domain/gif.ts";
import {
  answerKey,
  parseCategoryName,
  parsePage,
  parsePhrase,
  phraseKey,
  type RawPage,
} from "../domain/queries.ts";
import { serveAnswer, type PageSource, type ServedPage } from "./serve-page.ts";
import {
  categoriesAnswer,
  channelsAnswer,
  readCategories,
  readChannels,
  readSearches,
  readTerms,
  searchesAnswer,
  termsAnswer,
  type ServedCategory,
  type ServedChannel,
} from "./stored-answers.ts";
import type { CallContext, UseCaseDeps } from "./use-cases.ts";

export function createListCategories(deps: UseCaseDeps) {
  return async (raw: RawPage, ctx: CallContext): Promise<ServedPage<ServedCategory[]>> => {
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "categories", {
      key: answerKey("categories", [offset, limit]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      fetch: async () => categoriesAnswer(await deps.giphy.categories({ limit, offset }, ctx)),
      read: readCategories,
    });
  };
}

export function createListSubcategories(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { category: string },
    ctx: CallContext,
  ): Promise<ServedPage<ServedCategory[]>> => {
    const category = parseCategoryName(raw.category, "category");
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "subcategories", {
      key: answerKey("subcategories", [offset, limit, category]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      fetch: async () =>
        categoriesAnswer(
          await orNotFound(`category ${category}`, () =>
            deps.giphy.subcategories({ category, limit, offset }, ctx),
          ),
        ),
      read: readCategories,
    });
  };
}

export function createSearchChannels(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { query: string; rating: Rating | undefined },
    ctx: CallContext,
  ): Promise<ServedPage<ServedChannel[]>> => {
    const query = parsePhrase(raw.query, "query");
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "channels", {
      key: answerKey("channels", [raw.rating ?? "any", offset, limit, phraseKey(query)]),
      offset,
      ttlSeconds: deps.searchTtlSeconds,
      fetch: async () =>
        channelsAnswer(
          await deps.giphy.searchChannels({ query, limit, offset, rating: raw.rating }, ctx),
        ),
      read: readChannels,
    });
  };
}

export function createAutocompleteTags(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { query: string },
    ctx: CallContext,
  ): Promise<ServedPage<Term[]>> => {
    const query = parsePhrase(raw.query, "query");
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "autocomplete", {
      key: answerKey("autocomplete", [offset, limit, phraseKey(query)]),
      offset,
      ttlSeconds: deps.termsTtlSeconds,
      fetch: async () =>
        termsAnswer(await deps.giphy.autocompleteTags({ query, limit, offset }, ctx)),
      read: readTerms,
    });
  };
}

export function createListRelatedTags(deps: UseCaseDeps) {
  return async (rawTerm: string, ctx: CallContext): Promise<ServedPage<Term[]>> => {
    const term = parsePhrase(rawTerm, "term");
    return serveAnswer(deps, ctx, "related_tags", {
      key: answerKey("related_tags", [phraseKey(term)]),
      offset: 0,
      ttlSeconds: deps.termsTtlSeconds,
      fetch: async () => termsAnswer(await deps.giphy.relatedTags(term, ctx)),
      read: readTerms,
    });
  };
}

export function createListTrendingSearches(deps: UseCaseDeps) {
  return async (ctx: CallContext): Promise<ServedPage<string[]>> =>
    serveAnswer(deps, ctx, "trending_searches", {
      key: answerKey("trending_searches", []),
      offset: 0,
      ttlSeconds: deps.trendingTtlSeconds,
      fetch: async () => searchesAnswer(await deps.giphy.trendingSearches(ctx)),
      read: readSearches,
    });
}

/**
 * A random id for Giphy's analytics (/v1/randomid). Never stored: each caller
 * gets its own. While Giphy is down, gifmesh makes one in Giphy's shape (32
 * lower-case hex digits), marked as its own (`local`).
 */
export function createCreateRandomId(deps: UseCaseDeps) {
  return async (ctx: CallContext): Promise<{ randomId: string; source: PageSource }> => {
    try {
      return { randomId: await deps.giphy.randomId(ctx), source: "giphy" };
    } catch (error) {
      if (!isGiphyOutage(error)) throw error;
      deps.onStale?.("randomid", error);
      return { randomId: randomBytes(16).toString("hex"), source: "local" };
    }
  };
}

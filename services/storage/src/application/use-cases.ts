// Storage's use cases, one factory each (GIF lookups here; the other endpoints in
// gif-answers.ts and catalog-answers.ts), wired in storage.ts. They validate input
// (domain/queries.ts), apply the freshness policy and talk to ports only.
import { StorageError } from "../domain/errors.ts";
import type { ArchiveState, StoredGif } from "../domain/gif.ts";
import {
  parseGifId,
  parseGifIds,
  parseSearch,
  parseTrending,
  ratingAllowed,
  searchKey,
  trendingKey,
  type RawSearch,
} from "../domain/queries.ts";
import type { CallBounds, CatalogStore, Clock, GiphyPort } from "./ports.ts";
import {
  createAutocompleteTags,
  createCreateRandomId,
  createListCategories,
  createListRelatedTags,
  createListSubcategories,
  createListTrendingSearches,
  createSearchChannels,
} from "./catalog-answers.ts";
import {
  createAnimateText,
  createGetRandomGif,
  createListCategoryGifs,
  createListEmoji,
  createListEmojiVariations,
  createListRelatedGifs,
  createTranslateGif,
} from "./gif-answers.ts";
import { serveAnswer, type PageSource, type ServedPage } from "./serve-page.ts";

export interface UseCaseDeps {
  readonly store: CatalogStore;
  readonly giphy: GiphyPort;
  readonly clock: Clock;
  readonly searchTtlSeconds: number;
  readonly trendingTtlSeconds: number;
  /** Categories, emoji, their variations and animated text. */
  readonly catalogTtlSeconds: number;
  /** Tag autocomplete and related tags. */
  readonly termsTtlSeconds: number;
  readonly onStale?: (operation: string, error: unknown) => void;
}

/** Per-call context: cancellation, deadline and the W3C headers to keep with outbox rows. */
export interface CallContext extends CallBounds {
  readonly traceHeaders: Readonly<Record<string, string>>;
}

export function createSearchGifs(deps: UseCaseDeps) {
  return async (raw: RawSearch, ctx: CallContext): Promise<ServedPage> => {
    const q = parseSearch(raw);
    const page = await serveAnswer(deps, ctx, "search", {
      key: searchKey(q),
      offset: q.offset,
      ttlSeconds: deps.searchTtlSeconds,
      fetch: () => deps.giphy.search(q, ctx),
    });
    // Giphy filters by rating itself; stored pages are re-checked defensively.
    return {
      ...page,
      gifs: page.gifs.filter(
        (gif) => ratingAllowed(gif.rating, q.rating) || gif.rating === "unrated",
      ),
    };
  };
}

export function createListTrending(deps: UseCaseDeps) {
  return async (
    raw: Parameters<typeof parseTrending>[0],
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const q = parseTrending(raw);
    return serveAnswer(deps, ctx, "trending", {
      key: trendingKey(q),
      offset: q.offset,
      ttlSeconds: deps.trendingTtlSeconds,
      fetch: () => deps.giphy.trending(q, ctx),
    });
  };
}

export function createGetGif(deps: UseCaseDeps) {
  return async (
    rawId: string,
    ctx: CallContext,
  ): Promise<{ gif: StoredGif; source: PageSource }> => {
    const id = parseGifId(rawId);
    const [stored] = await deps.store.findGifs([id], ctx);
    if (stored !== undefined) return { gif: stored, source: "database" };
    const found = await deps.giphy.getById(id, ctx);
    if (found === undefined) throw new StorageError("GIF.NOT_FOUND", `gif ${id} not found`);
    const [saved] = await deps.store.saveFromGiphy({
      gifs: [found],
      totalCount: 1,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
    });
    if (saved === undefined) throw new StorageError("GIF.NOT_FOUND", `gif ${id} not found`);
    return { gif: saved, source: "giphy" };
  };
}

/**
 * Known GIFs come from PostgreSQL, the rest from Giphy in one call. When Giphy
 * fails and some ids are known, the known ones are returned and the others listed
 * as missing; when none is known the Giphy error is raised.
 */
export function createBatchGetGifs(deps: UseCaseDeps) {
  return async (
    rawIds: readonly string[],
    ctx: CallContext,
  ): Promise<{ gifs: StoredGif[]; missingIds: string[] }> => {
    const ids = parseGifIds(rawIds);
    const stored = new Map((await deps.store.findGifs(ids, ctx)).map((gif) => [gif.id, gif]));
    const unknown = ids.filter((id) => !stored.has(id));
    if (unknown.length > 0) {
      try {
        const fetched = await deps.giphy.getByIds(unknown, ctx);
        const wanted = fetched.filter((gif) => unknown.includes(gif.id));
        if (wanted.length > 0) {
          const saved = await deps.store.saveFromGiphy({
            gifs: wanted,
            totalCount: wanted.length,
            traceHeaders: ctx.traceHeaders,
            call: ctx,
          });
          for (const gif of saved) stored.set(gif.id, gif);
        }
      } catch (error) {
        if (stored.size === 0) throw error;
        deps.onStale?.("batch_get", error);
      }
    }
    return {
      gifs: ids.map((id) => stored.get(id)).filter((gif) => gif !== undefined),
      missingIds: ids.filter((id) => !stored.has(id)),
    };
  };
}

export function createGetArchiveStatus(deps: UseCaseDeps) {
  return async (rawId: string, call?: CallBounds): Promise<ArchiveState> => {
    const id = parseGifId(rawId, "gif_id");
    const archive = await deps.store.findArchive(id, call);
    if (archive === undefined) throw new StorageError("GIF.NOT_FOUND", `gif ${id} not found`);
    return archive;
  };
}

/** Every use case, one per StorageService RPC. */
export function createUseCases(deps: UseCaseDeps) {
  return {
    searchGifs: createSearchGifs(deps),
    listTrending: createListTrending(deps),
    getGif: createGetGif(deps),
    batchGetGifs: createBatchGetGifs(deps),
    getArchiveStatus: createGetArchiveStatus(deps),
    getRandomGif: createGetRandomGif(deps),
    translateGif: createTranslateGif(deps),
    listRelatedGifs: createListRelatedGifs(deps),
    listCategoryGifs: createListCategoryGifs(deps),
    listEmoji: createListEmoji(deps),
    listEmojiVariations: createListEmojiVariations(deps),
    animateText: createAnimateText(deps),
    listCategories: createListCategories(deps),
    listSubcategories: createListSubcategories(deps),
    searchChannels: createSearchChannels(deps),
    autocompleteTags: createAutocompleteTags(deps),
    listRelatedTags: createListRelatedTags(deps),
    listTrendingSearches: createListTrendingSearches(deps),
    createRandomId: createCreateRandomId(deps),
  };
}

export type StorageUseCases = ReturnType<typeof createUseCases>;

// The StorageService RPC handlers: decode, call a use case, encode. Thin on
// purpose; the rules live in the application layer. The handler's signal (which
// carries the deadline) and the request's trace headers flow into the use cases.
import { Code, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { StorageService } from "@gifmesh/shared/contracts";
import { injectTraceHeaders } from "@gifmesh/shared/tracing";
import type { CallContext, StorageUseCases } from "../../application/use-cases.ts";
import { toConnectError } from "./error-mapping.ts";
import type { ServedPage } from "../../application/serve-page.ts";
import {
  archiveToProto,
  categoryToProto,
  channelToProto,
  gifToProto,
  mediaTypeFromProto,
  paginationOf,
  ratingFromProto,
  sourceToProto,
  termToProto,
} from "./to-proto.ts";

/** Observes errors the caller only sees as a generic `internal` (their cause stays here). */
export type InternalErrorObserver = (error: unknown, procedure: string) => void;

async function guard<T>(
  ctx: HandlerContext,
  fn: () => Promise<T>,
  onInternal?: InternalErrorObserver,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const mapped = toConnectError(error, ctx.signal);
    if (mapped.code === Code.Internal) onInternal?.(error, ctx.method.name);
    throw mapped;
  }
}

/** The handler's signal (cancel or deadline), its deadline, and the trace headers. */
function callContext(ctx: HandlerContext): CallContext {
  const timeoutMs = ctx.timeoutMs();
  return {
    signal: ctx.signal,
    ...(timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs }),
    traceHeaders: injectTraceHeaders(),
  };
}

/** A page of GIFs as the contract carries it. */
function gifPage<T>(page: ServedPage<T>, nextCursor?: string) {
  return {
    gifs: page.gifs.map(gifToProto),
    pagination: paginationOf(page, page.gifs.length, nextCursor),
    source: sourceToProto(page.source),
  };
}

/** Where a page of other items (categories, channels, terms) stands and came from. */
function pageOf(page: ServedPage<readonly unknown[]>) {
  return {
    pagination: paginationOf(page, page.value.length),
    source: sourceToProto(page.source),
  };
}

/** Registers StorageService on a router. */
export function storageRoutes(
  useCases: StorageUseCases,
  options: { onInternal?: InternalErrorObserver } = {},
) {
  /** Runs `fn` with the call's context; its errors leave as ConnectErrors. */
  const run = <T>(ctx: HandlerContext, fn: (call: CallContext) => Promise<T>) =>
    guard(ctx, () => fn(callContext(ctx)), options.onInternal);
  return (router: ConnectRouter): void => {
    router.service(StorageService, {
      searchGifs: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.searchGifs(
            {
              query: req.query,
              limit: req.limit,
              offset: req.offset,
              rating: ratingFromProto(req.rating),
              lang: req.lang,
              type: mediaTypeFromProto(req.type),
              sort: req.sort,
              countryCode: req.countryCode,
              region: req.region,
              removeLowContrast: req.removeLowContrast,
              excludeDynamicResults: req.excludeDynamicResults,
            },
            call,
          );
          return gifPage(page);
        }),
      listTrendingGifs: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listTrending(
            {
              limit: req.limit,
              offset: req.offset,
              rating: ratingFromProto(req.rating),
              type: mediaTypeFromProto(req.type),
              countryCode: req.countryCode,
              region: req.region,
            },
            call,
          );
          return gifPage(page);
        }),
      getGif: (req, ctx) =>
        run(ctx, async (call) => {
          const { gif, source } = await useCases.getGif(req.id, call);
          return { gif: gifToProto(gif), source: sourceToProto(source) };
        }),
      batchGetGifs: (req, ctx) =>
        run(ctx, async (call) => {
          const { gifs, missingIds } = await useCases.batchGetGifs(req.ids, call);
          return { gifs: gifs.map(gifToProto), missingIds };
        }),
      getArchiveStatus: (req, ctx) =>
        run(ctx, async (call) => {
          const archive = await useCases.getArchiveStatus(req.gifId, call);
          return { gifId: req.gifId, archive: archiveToProto(archive) };
        }),
      getRandomGif: (req, ctx) =>
        run(ctx, async (call) => {
          const { gif, source } = await useCases.getRandomGif(
            {
              type: mediaTypeFromProto(req.type),
              tag: req.tag,
              rating: ratingFromProto(req.rating),
            },
            call,
          );
          return { gif: gifToProto(gif), source: sourceToProto(source) };
        }),
      translateGif: (req, ctx) =>
        run(ctx, async (call) => {
          const { gif, source } = await useCases.translateGif(
            {
              type: mediaTypeFromProto(req.type),
              phrase: req.phrase,
              weirdness: req.weirdness,
              rating: ratingFromProto(req.rating),
              lang: req.lang,
            },
            call,
          );
          return { gif: gifToProto(gif), source: sourceToProto(source) };
        }),
      listRelatedGifs: (req, ctx) =>
        run(ctx, async (call) =>
          gifPage(
            await useCases.listRelatedGifs(
              {
                gifId: req.gifId,
                type: mediaTypeFromProto(req.type),
                limit: req.limit,
                offset: req.offset,
                rating: ratingFromProto(req.rating),
              },
              call,
            ),
          ),
        ),
      listCategoryGifs: (req, ctx) =>
        run(ctx, async (call) =>
          gifPage(
            await useCases.listCategoryGifs(
              {
                category: req.category,
                subcategory: req.subcategory,
                limit: req.limit,
                offset: req.offset,
                rating: ratingFromProto(req.rating),
              },
              call,
            ),
          ),
        ),
      listEmoji: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listEmoji(
            { apiVersion: req.apiVersion, limit: req.limit, offset: req.offset },
            call,
          );
          return gifPage(page, page.value);
        }),
      listEmojiVariations: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listEmojiVariations(req.id, call);
          return { gifs: page.gifs.map(gifToProto), source: sourceToProto(page.source) };
        }),
      animateText: (req, ctx) =>
        run(ctx, async (call) =>
          gifPage(
            await useCases.animateText(
              { text: req.text, limit: req.limit, offset: req.offset },
              call,
            ),
          ),
        ),
      listCategories: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listCategories(
            { limit: req.limit, offset: req.offset },
            call,
          );
          return { categories: page.value.map(categoryToProto), ...pageOf(page) };
        }),
      listSubcategories: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listSubcategories(
            { category: req.category, limit: req.limit, offset: req.offset },
            call,
          );
          return { subcategories: page.value.map(categoryToProto), ...pageOf(page) };
        }),
      searchChannels: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.searchChannels(
            {
              query: req.query,
              limit: req.limit,
              offset: req.offset,
              rating: ratingFromProto(req.rating),
            },
            call,
          );
          return { channels: page.value.map(channelToProto), ...pageOf(page) };
        }),
      autocompleteTags: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.autocompleteTags(
            { query: req.query, limit: req.limit, offset: req.offset },
            call,
          );
          return { terms: page.value.map(termToProto), ...pageOf(page) };
        }),
      listRelatedTags: (req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listRelatedTags(req.term, call);
          return { terms: page.value.map(termToProto), ...pageOf(page) };
        }),
      listTrendingSearches: (_req, ctx) =>
        run(ctx, async (call) => {
          const page = await useCases.listTrendingSearches(call);
          return { terms: page.value, source: sourceToProto(page.source) };
        }),
      createRandomId: (_req, ctx) =>
        run(ctx, async (call) => {
          const { randomId, source } = await useCases.createRandomId(call);
          return { randomId, source: sourceToProto(source) };
        }),
    });
  };
}

// The StorageService RPC handlers: decode, call a use case, encode. Thin on
// purpose; the rules live in the application layer. The handler's signal (which
// carries the deadline) and the request's trace headers flow into the use cases.
import { Code, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { StorageService } from "@gifmesh/shared/contracts";
import { injectTraceHeaders } from "@gifmesh/shared/tracing";
import type { CallContext, StorageUseCases } from "../../application/use-cases.ts";
import { toConnectError } from "./error-mapping.ts";
import { archiveToProto, gifToProto, ratingFromProto, sourceToProto } from "./to-proto.ts";

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

/** Registers StorageService on a router. */
export function storageRoutes(
  useCases: StorageUseCases,
  options: { onInternal?: InternalErrorObserver } = {},
) {
  const run = <T>(ctx: HandlerContext, fn: () => Promise<T>) => guard(ctx, fn, options.onInternal);
  return (router: ConnectRouter): void => {
    router.service(StorageService, {
      searchGifs: (req, ctx) =>
        run(ctx, async () => {
          const rating = ratingFromProto(req.rating);
          const page = await useCases.searchGifs(
            { query: req.query, limit: req.limit, offset: req.offset, rating, lang: req.lang },
            callContext(ctx),
          );
          return {
            gifs: page.gifs.map(gifToProto),
            pagination: {
              totalCount: page.totalCount,
              count: page.gifs.length,
              offset: page.offset,
            },
            source: sourceToProto(page.source),
          };
        }),
      listTrendingGifs: (req, ctx) =>
        run(ctx, async () => {
          const page = await useCases.listTrending(
            { limit: req.limit, offset: req.offset, rating: ratingFromProto(req.rating) },
            callContext(ctx),
          );
          return {
            gifs: page.gifs.map(gifToProto),
            pagination: {
              totalCount: page.totalCount,
              count: page.gifs.length,
              offset: page.offset,
            },
            source: sourceToProto(page.source),
          };
        }),
      getGif: (req, ctx) =>
        run(ctx, async () => {
          const { gif, source } = await useCases.getGif(req.id, callContext(ctx));
          return { gif: gifToProto(gif), source: sourceToProto(source) };
        }),
      batchGetGifs: (req, ctx) =>
        run(ctx, async () => {
          const { gifs, missingIds } = await useCases.batchGetGifs(req.ids, callContext(ctx));
          return { gifs: gifs.map(gifToProto), missingIds };
        }),
      getArchiveStatus: (req, ctx) =>
        run(ctx, async () => {
          const archive = await useCases.getArchiveStatus(req.gifId, callContext(ctx));
          return { gifId: req.gifId, archive: archiveToProto(archive) };
        }),
    });
  };
}

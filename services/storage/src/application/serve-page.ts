// Freshness policy shared by search and trending: a stored page younger than its
// TTL is served from PostgreSQL without calling Giphy; otherwise Giphy is asked
// and its answer stored; if Giphy fails, the last stored page is served as stale.
import { isGiphyOutage } from "../domain/errors.ts";
import type { GifPage, StoredGif } from "../domain/gif.ts";
import type { CallBounds, CatalogStore, Clock } from "./ports.ts";

export type PageSource = "database" | "giphy" | "database_stale";

export interface ServedPage {
  readonly gifs: readonly StoredGif[];
  readonly totalCount: number;
  readonly offset: number;
  readonly source: PageSource;
}

export interface ServePageInput {
  readonly key: string;
  readonly offset: number;
  readonly ttlSeconds: number;
  readonly fetch: () => Promise<GifPage>;
  readonly traceHeaders: Readonly<Record<string, string>>;
  /** Signal and deadline of the RPC, passed to every query. */
  readonly call?: CallBounds;
  /** Observes a Giphy failure that stale data covered. */
  readonly onStale?: (error: unknown) => void;
}

export async function servePage(
  deps: { store: CatalogStore; clock: Clock },
  input: ServePageInput,
): Promise<ServedPage> {
  const stored = await deps.store.findResult(input.key, input.call);
  const ageMs =
    stored === undefined ? Infinity : deps.clock.now().getTime() - stored.fetchedAt.getTime();
  if (stored !== undefined && ageMs < input.ttlSeconds * 1000) {
    return {
      gifs: stored.gifs,
      totalCount: stored.totalCount,
      offset: input.offset,
      source: "database",
    };
  }
  let page: GifPage;
  try {
    page = await input.fetch();
  } catch (error) {
    if (stored !== undefined && isGiphyOutage(error)) {
      input.onStale?.(error);
      return {
        gifs: stored.gifs,
        totalCount: stored.totalCount,
        offset: input.offset,
        source: "database_stale",
      };
    }
    throw error;
  }
  const gifs = await deps.store.saveFromGiphy({
    key: input.key,
    gifs: page.gifs,
    totalCount: page.totalCount,
    traceHeaders: input.traceHeaders,
    ...(input.call ? { call: input.call } : {}),
  });
  return { gifs, totalCount: page.totalCount, offset: page.offset, source: "giphy" };
}

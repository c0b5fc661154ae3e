// Freshness policy shared by every stored answer (search, trending, categories,
// channels, terms...): a stored answer younger than its TTL is served from
// PostgreSQL without calling Giphy; otherwise Giphy is asked and its answer stored;
// if Giphy fails, the last stored answer is served as stale. An answer is its GIFs
// (stored in `gifs` and archived) plus, for answers that are more than a page of
// GIFs, a payload in its own shape (stored-answers.ts).
import { isGiphyOutage } from "../domain/errors.ts";
import type { GifMetadata, JsonValue, StoredGif } from "../domain/gif.ts";
import type { CallBounds, CatalogStore, Clock, StoredResult } from "./ports.ts";
import { UnreadablePayload } from "./stored-answers.ts";
import type { CallContext, UseCaseDeps } from "./use-cases.ts";

export type PageSource = "database" | "giphy" | "database_stale" | "local";

export interface ServedPage<T = undefined> {
  readonly gifs: readonly StoredGif[];
  readonly totalCount: number;
  readonly offset: number;
  readonly source: PageSource;
  /** The answer beyond its GIFs, read from the stored payload by the input's `read`. */
  readonly value: T;
}

/** What one Giphy call gave: the GIFs to store and archive, and the rest of the answer. */
export interface FetchedAnswer {
  readonly gifs: readonly GifMetadata[];
  readonly totalCount: number;
  readonly offset: number;
  readonly payload?: JsonValue;
}

export interface ServePageInput<T = undefined> {
  readonly key: string;
  readonly offset: number;
  readonly ttlSeconds: number;
  readonly fetch: () => Promise<FetchedAnswer>;
  readonly traceHeaders: Readonly<Record<string, string>>;
  /** Signal and deadline of the RPC, passed to every query. */
  readonly call?: CallBounds;
  /** Observes a Giphy failure that stale data covered. */
  readonly onStale?: (error: unknown) => void;
  /**
   * Reads the answer's payload (stored-answers.ts) with its stored GIFs. A stored
   * answer it cannot read (it throws) counts as none: Giphy is asked again.
   */
  readonly read?: (payload: unknown, gifs: readonly StoredGif[]) => T;
}

export async function servePage<T = undefined>(
  deps: { store: CatalogStore; clock: Clock },
  input: ServePageInput<T>,
): Promise<ServedPage<T>> {
  const read = (payload: unknown, gifs: readonly StoredGif[]): T =>
    input.read === undefined ? (undefined as T) : input.read(payload, gifs);
  const found = await deps.store.findResult(input.key, input.call);
  const stored = found === undefined ? undefined : readable(found, read);
  const ageMs =
    stored === undefined ? Infinity : deps.clock.now().getTime() - stored.fetchedAt.getTime();
  const fromStore = (from: StoredResult & { readonly value: T }, source: PageSource) => ({
    gifs: from.gifs,
    totalCount: from.totalCount,
    offset: input.offset,
    source,
    value: from.value,
  });
  if (stored !== undefined && ageMs < input.ttlSeconds * 1000) return fromStore(stored, "database");
  let page: FetchedAnswer;
  try {
    page = await input.fetch();
  } catch (error) {
    if (stored !== undefined && isGiphyOutage(error)) {
      input.onStale?.(error);
      return fromStore(stored, "database_stale");
    }
    throw error;
  }
  const gifs = await deps.store.saveFromGiphy({
    key: input.key,
    gifs: page.gifs,
    totalCount: page.totalCount,
    ...(page.payload === undefined ? {} : { payload: page.payload }),
    traceHeaders: input.traceHeaders,
    ...(input.call ? { call: input.call } : {}),
  });
  return {
    gifs,
    totalCount: page.totalCount,
    offset: page.offset,
    source: "giphy",
    value: read(page.payload ?? null, gifs),
  };
}

/**
 * One use case's answer for one RPC under this policy: the call's bounds and trace
 * headers go with every query, and a Giphy failure that stale data covered is
 * reported to `deps.onStale` as `operation`.
 */
export function serveAnswer<T = undefined>(
  deps: Pick<UseCaseDeps, "store" | "clock" | "onStale">,
  call: CallContext,
  operation: string,
  input: Omit<ServePageInput<T>, "traceHeaders" | "call" | "onStale">,
): Promise<ServedPage<T>> {
  return servePage(deps, {
    ...input,
    traceHeaders: call.traceHeaders,
    call,
    onStale: (error) => deps.onStale?.(operation, error),
  });
}

/** The stored answer with its payload read, or undefined when it cannot be read. */
function readable<T>(
  stored: StoredResult,
  read: (payload: unknown, gifs: readonly StoredGif[]) => T,
): (StoredResult & { readonly value: T }) | undefined {
  try {
    return { ...stored, value: read(stored.payload, stored.gifs) };
  } catch (error) {
    if (error instanceof UnreadablePayload) return undefined;
    throw error;
  }
}

// What the gateway's use cases need from the outside world, as interfaces. The
// adapters in infrastructure/ implement them; tests pass in-process versions.
import type { Gif, Pagination, Rating } from "@gifmesh/shared/contracts";

/** Call options every storage read takes: the request's cancellation signal. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface GifPage {
  readonly gifs: readonly Gif[];
  readonly pagination: Pagination | undefined;
}

export interface SearchParams {
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating;
  readonly lang: string;
}

export interface TrendingParams {
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating;
}

/** The storage service, seen from the gateway. Errors are GatewayErrors. */
export interface GifStore {
  search(params: SearchParams, options?: CallOptions): Promise<GifPage>;
  trending(params: TrendingParams, options?: CallOptions): Promise<GifPage>;
  /** Undefined when storage answers NOT_FOUND. */
  get(id: string, options?: CallOptions): Promise<Gif | undefined>;
  batchGet(
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<{ readonly gifs: readonly Gif[]; readonly missingIds: readonly string[] }>;
}

/** How long an answer may be kept: decided by what it contains. */
export type CacheClass = "normal" | "empty" | "pending";

export interface Loaded<T> {
  readonly value: T;
  readonly cacheClass: CacheClass;
}

/** Where a cached answer came from. */
export type CacheOutcome = "l1" | "l2" | "stale" | "miss";

/** A cached value serialised once: its JSON as UTF-8 bytes and a hash of them. */
export interface CachedBody {
  readonly bytes: Buffer;
  /** base64url SHA-256 prefix of `bytes`: an ETag for the data. */
  readonly hash: string;
}

export interface ResponseCache {
  /** The cached value for `key`, or the result of `load` (one flight per key). */
  getOrLoad<T>(
    key: string,
    load: () => Promise<Loaded<T>>,
  ): Promise<{ readonly value: T; readonly body: CachedBody; readonly outcome: CacheOutcome }>;
}

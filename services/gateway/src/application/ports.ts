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

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
  readonly windowSeconds: number;
}

/** Per-client request budget, shared by every gateway instance. */
export interface RateLimiter {
  /** The decision, or undefined when the limiter could not decide (Redis down). */
  check(clientId: string): Promise<RateLimitDecision | undefined>;
}

export interface FailureCount {
  /** Failures in the current window, this one included. */
  readonly count: number;
  /** Whether the client is now over the limit (refuse with 429). */
  readonly blocked: boolean;
  readonly retryAfterSeconds: number;
}

/** Counts invalid API keys per client, so keys cannot be guessed at the rate limit. */
export interface FailureLimiter {
  /** Seconds the client must wait before it may try a key again; 0 = it may try now. */
  blockedFor(client: string): number;
  /** Counts one failure of `client`. */
  recordFailure(client: string): Promise<FailureCount>;
}

export interface MediaObjectInfo {
  readonly size: number;
  readonly contentType: string | undefined;
}

export interface MediaObject extends MediaObjectInfo {
  readonly body: ReadableStream<Uint8Array>;
}

/** The archive's bytes by object key. A missing object is undefined, not an error. */
export interface MediaStore {
  head(key: string, signal?: AbortSignal): Promise<MediaObjectInfo | undefined>;
  /** `range` is inclusive, already checked against the size. */
  get(
    key: string,
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ): Promise<MediaObject | undefined>;
}

/** What the HTTP layer records per request (Prometheus instruments in production). */
export interface HttpMetrics {
  readonly httpRequests: {
    inc(labels: { readonly method: string; readonly route: string; readonly status: string }): void;
  };
  readonly httpDuration: {
    observe(labels: { readonly method: string; readonly route: string }, seconds: number): void;
  };
  readonly apiKeyFailures: { inc(labels: { readonly outcome: "invalid" | "blocked" }): void };
  readonly rateLimited: { inc(): void };
}

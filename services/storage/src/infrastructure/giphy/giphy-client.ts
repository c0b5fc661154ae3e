// The Giphy HTTP client (every endpoint of GiphyPort): timeouts, jittered retries on network errors and 5xx,
// a failure-rate circuit breaker consulted per attempt, zod-validated responses mapped to domain types. The API key
// goes only into the request URL; errors, logs and spans name the path alone.
//
// Outside input is bounded: a body is read only on a 2xx and only up to
// maxResponseBytes (read-capped.ts), nested at most MAX_JSON_DEPTH deep before it
// is parsed (json-depth.ts), and a list may hold no more GIFs than were asked for
// (giphy-schema.ts) before any is parsed; redirects are not followed at all. Giphy's
// API does not redirect, and a followed redirect could downgrade https to http
// (with the api_key in the URL) or lead anywhere; a 3xx is a bad response instead.
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import { redactString } from "@gifmesh/shared/logging";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { z } from "zod";
import { StorageError, type StorageErrorCode } from "../../domain/errors.ts";
import type { GifMetadata, GifPage, MediaType } from "../../domain/gif.ts";
import type { CallBounds, GiphyPort } from "../../application/ports.ts";
import type { CallOutcome, CircuitBreaker } from "./circuit-breaker.ts";
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
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "./json-depth.ts";
import { BodyTooLargeError, readCappedText } from "./read-capped.ts";

export interface GiphyClientOptions {
  /** Ends in /v1/. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Largest body read (decoded bytes); larger is GIPHY.BAD_RESPONSE. Default 2 MiB. */
  readonly maxResponseBytes?: number;
  /** Shared with the owner, which exports its state (metrics); none: every call is made. */
  readonly breaker?: CircuitBreaker;
  /** Observes each HTTP attempt (metrics): outcome is "ok" or a GIPHY.* code. */
  readonly onAttempt?: (endpoint: string, outcome: string, seconds: number) => void;
}

const tracer = trace.getTracer("gifmesh-storage");

/**
 * Default cap of one Giphy answer. A real page of 50 GIFs with all renditions is
 * 300-500 KiB, and 100 GIFs by id about twice that; 2 MiB leaves headroom for longer
 * titles and new fields while keeping what a hostile answer can make us read and
 * parse small (8 MiB of `{}` items cost seconds of synchronous parsing).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** A list may hold a few more GIFs than asked for (Giphy is not exact); never more than 100. */
const PAGE_SLACK = 5;

/** The list schema for `requested` GIFs (0: Giphy's default page, so the 100 cap alone). */
function maxItemsFor(requested: number | undefined): number {
  return requested !== undefined && requested > 0 ? requested + PAGE_SLACK : GIPHY_MAX_PAGE_ITEMS;
}
function listSchemaFor(requested: number | undefined) {
  return giphyListSchemaOf(maxItemsFor(requested));
}

/** Query parameters as given; undefined ones are not sent. */
type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

function query(values: QueryValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) out[key] = String(value);
  return out;
}

const segment = encodeURIComponent;

/** An attempt with less time than this is not started. */
const MIN_ATTEMPT_MS = 50;

/**
 * When Giphy must have answered, given the caller's deadline: 20 % of the time
 * left (between 100 and 500 ms) is kept to store the page and answer the RPC.
 */
export function giphyBudgetEnd(deadline: number | undefined, now = Date.now()): number {
  if (deadline === undefined) return Infinity;
  const left = deadline - now;
  return deadline - Math.min(500, Math.max(100, left * 0.2));
}

/** Raised inside one attempt; `retry` says whether another attempt may help. */
class AttemptError extends StorageError {
  readonly retry: boolean;
  constructor(code: StorageErrorCode, message: string, retry: boolean) {
    super(code, message);
    this.retry = retry;
  }
}

/**
 * What one attempt tells the breaker about Giphy's health (docs/giphy-api.md). Failures
 * are Giphy's own: timeouts, network errors, 5xx, and 429, because a rate-limited key
 * stays limited for its quota window and calling on only burns quota (as .NET's
 * standard HTTP resilience handler counts 429 too). A 4xx (404 unknown id, 400 bad
 * parameter, 401/403) is an API that answered: a success, as Polly counts an outcome
 * it does not handle. An answer whose shape does not fit the endpoint says nothing
 * about Giphy being up or down (one odd object, a wrong base URL): no evidence, like
 * a call the caller gave up.
 */
export function breakerOutcome(error: unknown): CallOutcome {
  if (!(error instanceof AttemptError)) return "ignored";
  switch (error.code) {
    case "GIPHY.UNAVAILABLE":
    case "GIPHY.RATE_LIMITED":
      return "failure";
    case "GIPHY.BAD_RESPONSE":
      return "ignored";
    default:
      return "success";
  }
}

/** Giphy answered 404: the id, category, emoji or term is unknown to it. */
function isNotFound(error: unknown): boolean {
  return error instanceof StorageError && error.code === "GIPHY.NOT_FOUND";
}

const NO_BREAKER: CircuitBreaker = {
  tryAcquire: () => ({ record: () => undefined }),
  state: () => "closed",
};

export function createGiphyClient(options: GiphyClientOptions): GiphyPort {
  const breaker = options.breaker ?? NO_BREAKER;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  /**
   * One attempt in a CLIENT span `GET <url.template>` (HTTP semantic conventions;
   * the template keeps ids out of the name). fetch's own undici span is its child.
   */
  async function attempt<S extends z.ZodType>(
    endpoint: string,
    template: string,
    url: URL,
    schema: S,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<z.output<S>> {
    const started = performance.now();
    return tracer.startActiveSpan(
      `GET ${template}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "http.request.method": "GET",
          "url.template": template,
          "url.full": redactString(url.toString()),
          "server.address": url.hostname,
          "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
          "peer.service": "giphy",
          "gifmesh.giphy.endpoint": endpoint,
        },
      },
      async (span) => {
        try {
          const result = await attemptOnce(endpoint, url, schema, signal, timeoutMs, (status) => {
            span.setAttribute("http.response.status_code", status);
          });
          options.onAttempt?.(endpoint, "ok", (performance.now() - started) / 1000);
          return result;
        } catch (error) {
          const code = error instanceof StorageError ? error.code : "GIPHY.UNAVAILABLE";
          if (error instanceof AttemptError)
            options.onAttempt?.(endpoint, code, (performance.now() - started) / 1000);
          span.setAttribute("error.type", code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  async function attemptOnce<S extends z.ZodType>(
    endpoint: string,
    url: URL,
    schema: S,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    onStatus: (status: number) => void,
  ): Promise<z.output<S>> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { accept: "application/json" },
        redirect: "manual",
      });
    } catch (error) {
      signal?.throwIfAborted();
      const timedOut = timeout.aborted;
      throw new AttemptError(
        "GIPHY.UNAVAILABLE",
        `giphy ${endpoint}: ${timedOut ? `timed out after ${String(timeoutMs)} ms` : `network error (${networkCode(error)})`}`,
        true,
      );
    }
    const status = response.status;
    onStatus(status);
    // Only a 2xx body is used; any other is dropped unread.
    if (status < 200 || status >= 300) await response.body?.cancel().catch(() => undefined);
    if (status >= 300 && status < 400)
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: redirect ${status} not followed`,
        false,
      );
    if (status === 429)
      throw new AttemptError("GIPHY.RATE_LIMITED", `giphy ${endpoint}: rate limited`, false);
    if (status === 401 || status === 403)
      throw new AttemptError(
        "GIPHY.UNAUTHORIZED",
        `giphy ${endpoint}: api key rejected (${status})`,
        false,
      );
    if (status === 404)
      throw new AttemptError("GIPHY.NOT_FOUND", `giphy ${endpoint}: not found (404)`, false);
    if (status >= 500)
      throw new AttemptError(
        "GIPHY.UNAVAILABLE",
        `giphy ${endpoint}: server error ${status}`,
        true,
      );
    if (status >= 400)
      throw new AttemptError(
        "GIPHY.REJECTED",
        `giphy ${endpoint}: request rejected (${status})`,
        false,
      );
    const parsed = schema.safeParse(
      await readJson(response, maxResponseBytes, endpoint, signal, timeout, timeoutMs),
    );
    if (!parsed.success)
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: response does not match the endpoint's shape`,
        false,
      );
    const meta = (parsed.data as { meta: { response_id: string } }).meta;
    if (meta.response_id === "")
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: synthetic response (empty response_id)`,
        false,
      );
    return parsed.data;
  }

  async function call<S extends z.ZodType>(
    endpoint: string,
    template: string,
    path: string,
    params: Record<string, string>,
    schema: S,
    bounds?: CallBounds,
  ): Promise<z.output<S>> {
    const signal = bounds?.signal;
    const budgetEnd = giphyBudgetEnd(bounds?.deadline);
    const outOfTime = (): StorageError =>
      new StorageError(
        "GIPHY.UNAVAILABLE",
        `giphy ${endpoint}: no time left within the call's deadline`,
      );
    const url = new URL(path, options.baseUrl);
    url.searchParams.set("api_key", options.apiKey);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    for (let n = 1; ; n++) {
      const timeoutMs = Math.min(options.timeoutMs, Math.floor(budgetEnd - Date.now()));
      if (timeoutMs < MIN_ATTEMPT_MS) throw outOfTime();
      const permit = breaker.tryAcquire();
      if (permit === undefined)
        throw new StorageError(
          "GIPHY.UNAVAILABLE",
          `giphy ${endpoint}: circuit open (too many recent failures)`,
        );
      try {
        const result = await attempt(endpoint, template, url, schema, signal, timeoutMs);
        permit.record("success");
        return result;
      } catch (error) {
        permit.record(breakerOutcome(error));
        if (!(error instanceof AttemptError)) throw error;
        if (!error.retry || n > options.retries) throw new StorageError(error.code, error.message);
        const delay = backoffDelay(n, { initial: 100, max: 1_000 });
        // No retry that could not finish in time: the last failure is the answer.
        if (Date.now() + delay + MIN_ATTEMPT_MS > budgetEnd)
          throw new StorageError(error.code, error.message);
        await sleep(delay, undefined, signal ? { signal } : undefined);
      }
    }
  }

  const page = (data: z.output<ReturnType<typeof giphyListSchemaOf>>): GifPage => {
    const cursor = data.pagination?.next_cursor;
    return {
      gifs: data.data.items.map(toGifMetadata),
      totalCount: data.pagination?.total_count ?? data.data.items.length,
      offset: data.pagination?.offset ?? 0,
      // Kept as JSON text, as Giphy wrote it (a number today); null/absent: last page.
      ...(cursor === undefined || cursor === null ? {} : { nextCursor: JSON.stringify(cursor) }),
    };
  };
  const emptyPage = (offset: number): GifPage => ({ gifs: [], totalCount: 0, offset });
  /** A 404 on a list endpoint that takes no id: an empty page, as before. */
  const emptyOn404 = async <T>(request: Promise<T>, empty: T): Promise<T> => {
    try {
      return await request;
    } catch (error) {
      if (isNotFound(error)) return empty;
      throw error;
    }
  };
  const undefinedOn404 = async <T>(request: Promise<T>): Promise<T | undefined> => {
    try {
      return await request;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const type = (t: MediaType | undefined): string => segment(t ?? "gifs");
  const gifList = async (
    endpoint: string,
    template: string,
    path: string,
    values: QueryValues,
    requested: number | undefined,
    bounds: CallBounds | undefined,
  ): Promise<GifPage> =>
    page(await call(endpoint, template, path, query(values), listSchemaFor(requested), bounds));

  return {
    search: (p, bounds) =>
      emptyOn404(
        gifList(
          "search",
          "/v1/{type}/search",
          `${type(p.type)}/search`,
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
          p.limit,
          bounds,
        ),
        emptyPage(p.offset),
      ),
    trending: (p, bounds) =>
      emptyOn404(
        gifList(
          "trending",
          "/v1/{type}/trending",
          `${type(p.type)}/trending`,
          {
            limit: p.limit,
            offset: p.offset,
            rating: p.rating,
            country_code: p.countryCode,
            region: p.region,
          },
          p.limit,
          bounds,
        ),
        emptyPage(p.offset),
      ),
    async getById(id, bounds): Promise<GifMetadata | undefined> {
      const data = await undefinedOn404(
        call("gif", "/v1/gifs/{gif_id}", `gifs/${segment(id)}`, {}, giphySingleSchema, bounds),
      );
      return data === undefined ? undefined : toGifMetadata(data.data);
    },
    async getByIds(ids, bounds) {
      if (ids.length === 0) return [];
      const data = await emptyOn404(
        gifList("gifs", "/v1/gifs", "gifs", { ids: ids.join(",") }, ids.length, bounds),
        emptyPage(0),
      );
      return data.gifs;
    },
    async random(p, bounds) {
      const data = await undefinedOn404(
        call(
          "random",
          "/v1/{type}/random",
          `${type(p.type)}/random`,
          query({ tag: p.tag, rating: p.rating }),
          giphyMaybeSingleSchema,
          bounds,
        ),
      );
      return data?.data === undefined ? undefined : toGifMetadata(data.data);
    },
    async translate(p, bounds) {
      const data = await undefinedOn404(
        call(
          "translate",
          "/v1/{type}/translate",
          `${type(p.type)}/translate`,
          query({ s: p.phrase, weirdness: p.weirdness, rating: p.rating, lang: p.lang }),
          giphyMaybeSingleSchema,
          bounds,
        ),
      );
      return data?.data === undefined ? undefined : toGifMetadata(data.data);
    },
    // A 404 names an unknown gif_id: GIPHY.NOT_FOUND.
    related: (p, bounds) =>
      gifList(
        "related",
        "/v1/{type}/related",
        `${type(p.type)}/related`,
        { gif_id: p.gifId, limit: p.limit, offset: p.offset, rating: p.rating },
        p.limit,
        bounds,
      ),
    async categories(p, bounds) {
      const data = await call(
        "categories",
        "/v1/gifs/categories",
        "gifs/categories",
        query({ limit: p.limit, offset: p.offset }),
        giphyCategoryListSchemaOf(maxItemsFor(p.limit)),
        bounds,
      );
      return {
        categories: data.data.items.map(toCategory),
        totalCount: data.pagination?.total_count ?? data.data.items.length,
        offset: data.pagination?.offset ?? p.offset ?? 0,
      };
    },
    // A 404 names an unknown category: GIPHY.NOT_FOUND.
    async subcategories(p, bounds) {
      const data = await call(
        "subcategories",
        "/v1/gifs/categories/{category}",
        `gifs/categories/${segment(p.category)}`,
        query({ limit: p.limit, offset: p.offset }),
        giphyCategoryListSchemaOf(maxItemsFor(p.limit)),
        bounds,
      );
      return {
        categories: data.data.items.map(toCategory),
        totalCount: data.pagination?.total_count ?? data.data.items.length,
        offset: data.pagination?.offset ?? p.offset ?? 0,
      };
    },
    categoryGifs: (p, bounds) =>
      gifList(
        "category_gifs",
        "/v1/gifs/categories/{category}/{subcategory}",
        `gifs/categories/${segment(p.category)}/${segment(p.subcategory)}`,
        { limit: p.limit, offset: p.offset, rating: p.rating },
        p.limit,
        bounds,
      ),
    emoji: (p, bounds) =>
      p.apiVersion === 1
        ? gifList(
            "emoji",
            "/v1/emoji",
            "emoji",
            { limit: p.limit, offset: p.offset },
            p.limit,
            bounds,
          )
        : gifList(
            "emoji_v2",
            "/v2/emoji",
            "../v2/emoji",
            { limit: p.limit, offset: p.offset },
            p.limit,
            bounds,
          ),
    // A 404 names an unknown emoji: GIPHY.NOT_FOUND.
    emojiVariations: (id, bounds) =>
      gifList(
        "emoji_variations",
        "/v2/emoji/{gif_id}/variations",
        `../v2/emoji/${segment(id)}/variations`,
        {},
        undefined,
        bounds,
      ),
    animateText: (p, bounds) =>
      gifList(
        "animate",
        "/v1/text/animate",
        "text/animate",
        { m: p.text, limit: p.limit, offset: p.offset },
        p.limit,
        bounds,
      ),
    async searchChannels(p, bounds) {
      const data = await emptyOn404(
        call(
          "channels_search",
          "/v1/channels/search",
          "channels/search",
          query({ q: p.query, limit: p.limit, offset: p.offset, rating: p.rating }),
          giphyChannelListSchemaOf(maxItemsFor(p.limit)),
          bounds,
        ),
        undefined,
      );
      if (data === undefined) return { channels: [], totalCount: 0, offset: p.offset };
      return {
        channels: data.data.items.map(toChannel),
        totalCount: data.pagination?.total_count ?? data.data.items.length,
        offset: data.pagination?.offset ?? p.offset,
      };
    },
    async autocompleteTags(p, bounds) {
      const data = await emptyOn404(
        call(
          "autocomplete",
          "/v1/gifs/search/tags",
          "gifs/search/tags",
          query({ q: p.query, limit: p.limit, offset: p.offset, rating: p.rating }),
          giphyTermListSchemaOf(maxItemsFor(p.limit)),
          bounds,
        ),
        undefined,
      );
      if (data === undefined) return { terms: [], totalCount: 0, offset: p.offset };
      return {
        terms: data.data.items.map(toTerm),
        totalCount: data.pagination?.total_count ?? data.data.items.length,
        offset: data.pagination?.offset ?? p.offset,
      };
    },
    async relatedTags(term, bounds) {
      const data = await emptyOn404(
        call(
          "related_tags",
          "/v1/tags/related/{term}",
          `tags/related/${segment(term)}`,
          {},
          giphyTermListSchemaOf(GIPHY_MAX_PAGE_ITEMS),
          bounds,
        ),
        undefined,
      );
      if (data === undefined) return { terms: [], totalCount: 0, offset: 0 };
      return {
        terms: data.data.items.map(toTerm),
        totalCount: data.pagination?.total_count ?? data.data.items.length,
        offset: data.pagination?.offset ?? 0,
      };
    },
    async trendingSearches(bounds) {
      const data = await call(
        "trending_searches",
        "/v1/trending/searches",
        "trending/searches",
        {},
        giphyTrendingSearchesSchema,
        bounds,
      );
      return data.data;
    },
    async randomId(bounds) {
      const data = await call(
        "randomid",
        "/v1/randomid",
        "randomid",
        {},
        giphyRandomIdSchema,
        bounds,
      );
      return data.data.random_id;
    },
  };
}

/**
 * The 2xx body as JSON (undefined if it is not JSON: the schema then refuses it),
 * read with the cap. Over the cap is GIPHY.BAD_RESPONSE, not retried: the same
 * request would get the same answer. A timeout or network error while reading is
 * GIPHY.UNAVAILABLE, as before the body.
 */
async function readJson(
  response: Response,
  maxBytes: number,
  endpoint: string,
  signal: AbortSignal | undefined,
  timeout: AbortSignal,
  timeoutMs: number,
): Promise<unknown> {
  let text: string;
  try {
    text = await readCappedText(response, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: response larger than ${String(maxBytes)} bytes`,
        false,
      );
    signal?.throwIfAborted();
    throw new AttemptError(
      "GIPHY.UNAVAILABLE",
      `giphy ${endpoint}: ${timeout.aborted ? `timed out after ${String(timeoutMs)} ms` : `network error (${networkCode(error)})`} while reading the body`,
      true,
    );
  }
  if (jsonNestsDeeperThan(text))
    throw new AttemptError(
      "GIPHY.BAD_RESPONSE",
      `giphy ${endpoint}: response nested deeper than ${String(MAX_JSON_DEPTH)} levels`,
      false,
    );
  try {
    // PostgreSQL text and jsonb cannot hold U+0000 and Giphy never means it: it is
    // dropped from every string, so the stored giphyObject is what Giphy sent less that.
    return text.includes("\\u0000")
      ? (JSON.parse(text, (_key, value: unknown) =>
          typeof value === "string" ? value.replaceAll("\u0000", "") : value,
        ) as unknown)
      : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : "fetch failed";
}

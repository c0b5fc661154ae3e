// The Giphy v1 HTTP client: timeouts, jittered retries on network errors and 5xx,
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
import type { GifMetadata, GifPage } from "../../domain/gif.ts";
import type { CallBounds, GiphyPort } from "../../application/ports.ts";
import type { CallOutcome, CircuitBreaker } from "./circuit-breaker.ts";
import { toGifMetadata } from "./giphy-mapper.ts";
import { GIPHY_MAX_PAGE_ITEMS, giphyListSchemaOf, giphySingleSchema } from "./giphy-schema.ts";
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
function listSchemaFor(requested: number) {
  return giphyListSchemaOf(requested > 0 ? requested + PAGE_SLACK : GIPHY_MAX_PAGE_ITEMS);
}

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
 * What one attempt tells the breaker about Giphy's health. Failures are Giphy's own:
 * timeouts, network errors, 5xx, malformed answers, and 429, because a rate-limited
 * key stays limited for its quota window and calling on only burns quota (as .NET's
 * standard HTTP resilience handler counts 429 too). A 401/403 or another 4xx is our
 * request or key at fault from an API that answered: a success, as Polly counts an
 * outcome it does not handle. Anything else (the caller gave up) is no evidence.
 */
export function breakerOutcome(error: unknown): CallOutcome {
  if (!(error instanceof AttemptError)) return "ignored";
  return error.code === "GIPHY.UNAUTHORIZED" || error.code === "GIPHY.REJECTED"
    ? "success"
    : "failure";
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
  ): Promise<z.output<S> | undefined> {
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
  ): Promise<z.output<S> | undefined> {
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
    if (status === 404) return undefined;
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
        `giphy ${endpoint}: response does not match the v1 shape`,
        true,
      );
    const meta = (parsed.data as { meta: { response_id: string } }).meta;
    if (meta.response_id === "")
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: synthetic response (empty response_id)`,
        true,
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
  ): Promise<z.output<S> | undefined> {
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

  const page = (data: z.output<ReturnType<typeof giphyListSchemaOf>>): GifPage => ({
    gifs: data.data.gifs.map(toGifMetadata),
    totalCount: data.pagination?.total_count ?? data.data.gifs.length,
    offset: data.pagination?.offset ?? 0,
  });

  return {
    async search(p, bounds) {
      const params: Record<string, string> = {
        q: p.query,
        limit: String(p.limit),
        offset: String(p.offset),
        lang: p.lang,
      };
      if (p.rating !== undefined) params.rating = p.rating;
      const data = await call(
        "search",
        "/v1/gifs/search",
        "gifs/search",
        params,
        listSchemaFor(p.limit),
        bounds,
      );
      return data === undefined ? { gifs: [], totalCount: 0, offset: p.offset } : page(data);
    },
    async trending(p, bounds) {
      const params: Record<string, string> = { limit: String(p.limit), offset: String(p.offset) };
      if (p.rating !== undefined) params.rating = p.rating;
      const data = await call(
        "trending",
        "/v1/gifs/trending",
        "gifs/trending",
        params,
        listSchemaFor(p.limit),
        bounds,
      );
      return data === undefined ? { gifs: [], totalCount: 0, offset: p.offset } : page(data);
    },
    async getById(id, bounds): Promise<GifMetadata | undefined> {
      const data = await call(
        "gif",
        "/v1/gifs/{gif_id}",
        `gifs/${encodeURIComponent(id)}`,
        {},
        giphySingleSchema,
        bounds,
      );
      return data === undefined ? undefined : toGifMetadata(data.data);
    },
    async getByIds(ids, bounds) {
      if (ids.length === 0) return [];
      const data = await call(
        "gifs",
        "/v1/gifs",
        "gifs",
        { ids: ids.join(",") },
        listSchemaFor(ids.length),
        bounds,
      );
      return data === undefined ? [] : data.data.gifs.map(toGifMetadata);
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
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : "fetch failed";
}

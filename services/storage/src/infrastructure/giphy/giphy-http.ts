// How one Giphy GET is made: attempts bounded by a timeout and by the caller's
// deadline, jittered retries on network errors and 5xx, a failure-rate circuit
// breaker consulted per attempt, and a CLIENT span per attempt. The API key goes only
// into the request URL; errors, logs and spans name the path alone. What an answer
// means (status, body cap, schema) is giphy-response.ts.
//
// Redirects are not followed at all. Giphy's API does not redirect, and a followed
// redirect could downgrade https to http (with the api_key in the URL) or lead
// anywhere; a 3xx is a bad response instead.
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import { redactString } from "@gifmesh/shared/logging";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { z } from "zod";
import { StorageError } from "../../domain/errors.ts";
import type { CallBounds } from "../../application/ports.ts";
import type { CallOutcome, CircuitBreaker } from "./circuit-breaker.ts";
import {
  AttemptError,
  type AttemptContext,
  readAnswer,
  statusError,
  unreachable,
} from "./giphy-response.ts";

export interface GiphyHttpOptions {
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

/** Query parameters as given; undefined ones are not sent. */
export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** One Giphy endpoint call. */
export interface GiphyRequest {
  /** The name in metrics and spans (`gifmesh.giphy.endpoint`). */
  readonly endpoint: string;
  /**
   * Giphy's path with its ids as placeholders, `/v1/gifs/{gif_id}` (`url.template`,
   * the span's name); the request's path is this with `ids` filled in.
   */
  readonly template: string;
  /** The placeholders' values, as given (they are encoded into the path). */
  readonly ids?: Readonly<Record<string, string>>;
  readonly query?: QueryValues;
}

/** A GET of `request`, its answer checked against `schema`. */
export type GiphyGet = <S extends z.ZodType>(
  request: GiphyRequest,
  schema: S,
  bounds?: CallBounds,
) => Promise<z.output<S>>;

const tracer = trace.getTracer("gifmesh-storage");

/**
 * Default cap of one Giphy answer. A real page of 50 GIFs with all renditions is
 * 300-500 KiB, and 100 GIFs by id about twice that; 2 MiB leaves headroom for longer
 * titles and new fields while keeping what a hostile answer can make us read and
 * parse small (8 MiB of `{}` items cost seconds of synchronous parsing).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

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

const NO_BREAKER: CircuitBreaker = {
  tryAcquire: () => ({ record: () => undefined }),
  state: () => "closed",
};

/** The template with its ids filled in, relative to the base URL (which ends in /v1/). */
function pathOf({ template, ids = {} }: GiphyRequest): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`giphy ${template}: no value for {${name}}`);
    return encodeURIComponent(id);
  });
  return path.startsWith("/v1/") ? path.slice("/v1/".length) : `..${path}`;
}

function requestUrl(options: GiphyHttpOptions, request: GiphyRequest): URL {
  const url = new URL(pathOf(request), options.baseUrl);
  url.searchParams.set("api_key", options.apiKey);
  for (const [key, value] of Object.entries(request.query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

export function createGiphyGet(options: GiphyHttpOptions): GiphyGet {
  const breaker = options.breaker ?? NO_BREAKER;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  /**
   * One attempt in a CLIENT span `GET <url.template>` (HTTP semantic conventions;
   * the template keeps ids out of the name). fetch's own undici span is its child.
   */
  async function attempt<S extends z.ZodType>(
    { endpoint, template }: GiphyRequest,
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
          const timeout = AbortSignal.timeout(timeoutMs);
          const context: AttemptContext = { endpoint, maxBytes, signal, timeout, timeoutMs };
          const result = await attemptOnce(url, schema, context, (status) => {
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
    url: URL,
    schema: S,
    context: AttemptContext,
    onStatus: (status: number) => void,
  ): Promise<z.output<S>> {
    const { signal, timeout } = context;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { accept: "application/json" },
        redirect: "manual",
      });
    } catch (error) {
      throw unreachable(context, error);
    }
    onStatus(response.status);
    const refused = statusError(context.endpoint, response.status);
    if (refused !== undefined) {
      // Only a 2xx body is used; any other is dropped unread.
      await response.body?.cancel().catch(() => undefined);
      throw refused;
    }
    return readAnswer(response, schema, context);
  }

  return async function get<S extends z.ZodType>(
    request: GiphyRequest,
    schema: S,
    bounds?: CallBounds,
  ): Promise<z.output<S>> {
    const { endpoint } = request;
    const signal = bounds?.signal;
    const budgetEnd = giphyBudgetEnd(bounds?.deadline);
    const url = requestUrl(options, request);
    for (let n = 1; ; n++) {
      const timeoutMs = Math.min(options.timeoutMs, Math.floor(budgetEnd - Date.now()));
      if (timeoutMs < MIN_ATTEMPT_MS)
        throw new StorageError(
          "GIPHY.UNAVAILABLE",
          `giphy ${endpoint}: no time left within the call's deadline`,
        );
      const permit = breaker.tryAcquire();
      if (permit === undefined)
        throw new StorageError(
          "GIPHY.UNAVAILABLE",
          `giphy ${endpoint}: circuit open (too many recent failures)`,
        );
      try {
        const result = await attempt(request, url, schema, signal, timeoutMs);
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
  };
}

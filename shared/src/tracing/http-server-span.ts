// The HTTP server span of a request, started by the server's own middleware (the
// gateway's server-span.ts) instead of instrumentation-http's incoming side, which
// patches every Server's emit, binds the context to both emitters and fills about a
// dozen attributes per request: a fifth of the gateway's tracing CPU on a cache hit.
// Same span as before: kind SERVER, stable HTTP semantic conventions (the route and
// status added by the router and at the end), error status on 5xx, untraced probes,
// secret query parameters masked. The parent comes from the global propagator, which
// at the edge extracts nothing (incoming-trust.ts): the client's traceparent is then
// a link, never our parent.
import type { ServerResponse } from "node:http";
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { clientTraceLink } from "./incoming-trust.ts";
import { isUntracedPath, REDACTED_QUERY_PARAMS } from "./instrumentations.ts";

/** A request's span, active in `context`; end it once the response is sent. */
export interface HttpServerSpan {
  readonly span: Span;
  /** The span's context: run the handler in it (`context.with`). */
  readonly context: Context;
  /** Records the response status (5xx = error) and ends the span. Idempotent. */
  end(status: number): void;
  /**
   * Ends the span once `response` is sent or abandoned, with the status it carried
   * (and as an error if it was destroyed with one).
   */
  endWhenSent(response: ServerResponse): void;
}

const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
]);

/** What instrumentation-http wrote for a masked value. */
const MASK = "REDACTED";
const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const SECRET_PARAM = new RegExp(
  `(?:^|&)(?:${REDACTED_QUERY_PARAMS.map(escape).join("|")})(?:[=&]|$)`,
);

/**
 * `query` (no "?") with the values of {@link REDACTED_QUERY_PARAMS} masked. A query
 * without them is returned as it came; one with an escape (`api%5Fkey`) is decoded
 * as the router decodes it, so an encoded name is masked too.
 */
export function redactQuery(query: string): string {
  if (!query.includes("%") && !SECRET_PARAM.test(query)) return query;
  const params = new URLSearchParams(query);
  for (const name of REDACTED_QUERY_PARAMS) if (params.has(name)) params.set(name, MASK);
  return params.toString();
}

/**
 * server.address and server.port from the URL's authority (`name`, `name:port`,
 * `[v6]:port`), which @hono/node-server builds from the Host header.
 */
function serverAttributes(host: string, scheme: string): Attributes {
  if (!host) return {};
  const colon = host.lastIndexOf(":");
  const hasPort = colon > host.lastIndexOf("]") && colon > 0;
  const port = hasPort ? Number(host.slice(colon + 1)) : scheme === "https" ? 443 : 80;
  return {
    "server.address": hasPort ? host.slice(0, colon) : host,
    ...(Number.isInteger(port) ? { "server.port": port } : {}),
  };
}

const requestGetter: TextMapGetter<Request> = {
  keys: (request) => [...request.headers.keys()],
  get: (request, key) => request.headers.get(key) ?? undefined,
};

const tracer = trace.getTracer("@gifmesh/shared/tracing/http-server");

/** A probe's: no span, and none for what it calls (as instrumentation-http suppressed them). */
const UNTRACED: HttpServerSpan = {
  span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
  context: suppressTracing(ROOT_CONTEXT),
  end: () => undefined,
  endWhenSent: () => undefined,
};

/**
 * Starts the SERVER span of `request` (a Fetch API request, as Hono hands it over)
 * as instrumentation-http did. Probe paths get no span and a context in which
 * nothing is traced. Undefined when there is nothing to record or carry (tracing
 * off, no context received): run the handler as it is. `clientAddress`
 * is the server's idea of the client (behind trusted proxies, not the socket's peer).
 */
export function startHttpServerSpan(
  request: Request,
  clientAddress?: string,
): HttpServerSpan | undefined {
  const url = request.url;
  const hostAt = url.indexOf("://") + 3;
  const pathAt = url.indexOf("/", hostAt);
  const queryAt = url.indexOf("?", pathAt);
  const path = pathAt < 0 ? "/" : url.slice(pathAt, queryAt < 0 ? undefined : queryAt);
  if (isUntracedPath(path)) return UNTRACED;
  const scheme = url.startsWith("https:") ? "https" : "http";
  const method = request.method.toUpperCase();
  const known = KNOWN_METHODS.has(method);
  const headers = request.headers;
  const userAgent = headers.get("user-agent");
  const query = queryAt < 0 ? "" : url.slice(queryAt + 1);
  const attributes: Attributes = {
    "http.request.method": known ? method : "_OTHER",
    ...(known ? {} : { "http.request.method_original": request.method }),
    "url.scheme": scheme,
    "url.path": path,
    ...(query ? { "url.query": redactQuery(query) } : {}),
    ...serverAttributes(url.slice(hostAt, pathAt < 0 ? undefined : pathAt), scheme),
    ...(userAgent === null ? {} : { "user_agent.original": userAgent }),
    ...(clientAddress === undefined ? {} : { "client.address": clientAddress }),
  };
  const parent = propagation.extract(ROOT_CONTEXT, request, requestGetter);
  // Nothing continued (the edge, or no valid traceparent): link the client's trace.
  const link: Link | undefined = trace.getSpanContext(parent)
    ? undefined
    : clientTraceLink(headers.get("traceparent") ?? undefined);
  const span = tracer.startSpan(
    known ? method : "HTTP",
    { kind: SpanKind.SERVER, attributes, ...(link ? { links: [link] } : {}) },
    parent,
  );
  if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) return undefined;
  let ended = false;
  const end = (status: number, failure?: Error | null) => {
    if (ended) return;
    ended = true;
    span.setAttribute("http.response.status_code", status);
    if (failure) {
      // The answer broke off (a media stream that failed half-way, a socket error).
      span.recordException(failure);
      span.setAttribute("error.type", failure.name);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    } else if (status >= 500) {
      span.setAttribute("error.type", String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  return {
    span,
    context: trace.setSpan(parent, span),
    end,
    endWhenSent: (response) => {
      if (response.writableFinished || response.destroyed)
        end(response.statusCode, response.errored);
      // 'close' comes after 'finish', and also when the client goes away first.
      else
        response.once("close", () => {
          end(response.statusCode, response.errored);
        });
    },
  };
}

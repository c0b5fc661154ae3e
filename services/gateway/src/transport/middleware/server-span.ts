// The request's HTTP server span (shared/src/tracing/http-server-span.ts), outermost,
// so every other middleware, the handler and the access log run inside it. Started
// here rather than by instrumentation-http's incoming side, which cost about 5 % of
// the gateway's CPU on a cache hit. The client address is the one the rate limiter
// uses (behind TRUST_PROXY_HOPS proxies), the route is set by observe.ts, and the
// span ends once @hono/node-server has sent the response (streamed media included).
import { ServerResponse } from "node:http";
import { context } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { startHttpServerSpan } from "@gifmesh/shared/tracing";
import { clientIp } from "./client-ip.ts";

export interface ServerSpanOptions {
  /** Trusted proxy hops, to find the client address (client-ip.ts). */
  readonly proxyHops: number;
}

/** @hono/node-server's response object; none under app.request() in tests. */
function nodeResponse(c: Context): ServerResponse | undefined {
  const env: unknown = c.env;
  if (typeof env !== "object" || env === null || !("outgoing" in env)) return undefined;
  return env.outgoing instanceof ServerResponse ? env.outgoing : undefined;
}

export function serverSpan(options: ServerSpanOptions): MiddlewareHandler {
  return async (c, next) => {
    const traced = startHttpServerSpan(c.req.raw, clientIp(c, options.proxyHops));
    if (!traced) return next();
    await context.with(traced.context, next);
    const response = nodeResponse(c);
    if (response) traced.endWhenSent(response);
    else traced.end(c.res.status);
  };
}

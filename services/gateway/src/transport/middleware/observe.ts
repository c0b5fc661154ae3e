// One access-log line (shared JSON format) and the HTTP metrics per request. The
// route label is the matched pattern, not the raw path, so metrics stay bounded;
// the logged path has no query string (it may hold an api_key).
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "@gifmesh/shared/logging";
import { activeTraceId, setHttpRoute } from "@gifmesh/shared/tracing";
import type { HttpMetrics } from "../../application/ports.ts";
import { setOutHeader } from "./response-headers.ts";

export interface ObserveOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
}

export function observe(options: ObserveOptions): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    // The trace id, so a client (or an operator) can find the request in Jaeger.
    const traceId = activeTraceId();
    if (traceId) setOutHeader(c, "x-trace-id", traceId);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const pattern = routePath(c);
    const route =
      c.res.status === 404 && (pattern === "*" || pattern === "/*") ? "unmatched" : pattern;
    const status = String(c.res.status);
    options.metrics.httpRequests.inc({ method: c.req.method, route, status });
    options.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    setHttpRoute(c.req.method, route);
    options.logger.info("request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      duration_ms: Math.round(seconds * 1000 * 10) / 10,
      // Read from the recorded headers: touching c.res.headers would rebuild them.
      cache: c.get("outHeaders")["x-cache"],
      user_agent: c.req.header("user-agent"),
    });
  };
}

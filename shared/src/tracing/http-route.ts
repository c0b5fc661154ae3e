// Names the HTTP server span after the matched route. The server span starts
// before routing (http-server-span.ts) and only knows the method ("GET"); the
// router knows the route ("/v1/gifs/search"), which the semantic conventions want
// in the span name and `http.route`, and which keeps span names bounded (the raw
// path is not).
import { context, trace, type Context } from "@opentelemetry/api";

/**
 * Records `route` (a pattern, never the raw path) on the HTTP server span of
 * `ctx` (default: the active context): span name `METHOD route`, `http.route`.
 */
export function setHttpRoute(method: string, route: string, ctx: Context = context.active()): void {
  const span = trace.getSpan(ctx);
  if (!span?.isRecording()) return;
  span.setAttribute("http.route", route);
  span.updateName(`${method} ${route}`);
}

/** The active trace id (32 hex), if a sampled or unsampled span is active. */
export function activeTraceId(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

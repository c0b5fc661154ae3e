// Builds the gateway's HTTP application from its ports, with no server and no I/O
// of its own (buildGateway in gateway.ts passes them; unit tests then call
// app.request()). Middleware order, outermost first: the HTTP server span, request
// id with the security and CORS headers, access log and metrics, then per area CORS
// preflights, compression, API key, rate limit.
import { OpenAPIHono } from "@hono/zod-openapi";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "@gifmesh/shared/logging";
import type { GifQueries } from "../application/gif-queries.ts";
import type { FailureLimiter, HttpMetrics, MediaStore, RateLimiter } from "../application/ports.ts";
import { GatewayError } from "../domain/gateway-error.ts";
import "./context.ts";
import { errorResponse, toGatewayError } from "./error-response.ts";
import { apiKey } from "./middleware/api-key.ts";
import { observe } from "./middleware/observe.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { responseHeaders } from "./middleware/response-headers.ts";
import { serverSpan } from "./middleware/server-span.ts";
import { gifRoutes } from "./routes/gifs.ts";
import { mediaRoutes } from "./routes/media.ts";
import { validationError } from "./validation-error.ts";
import { MEDIA_PREFIX } from "../domain/media-key.ts";
import { webRoutes } from "./web-assets.ts";

export interface AppDeps {
  readonly queries: GifQueries;
  readonly media: MediaStore;
  readonly limiter: RateLimiter;
  /** Counts invalid API keys per client IP (keyed mode); none = not limited. */
  readonly keyFailures?: FailureLimiter;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /** Accepted client keys; empty = open mode. */
  readonly apiKeys: readonly string[];
  /** Proxies in front that append to X-Forwarded-For; 0 = ignore it (client-ip.ts). */
  readonly proxyHops: number;
  /** Allowed CORS origins for the API; ["*"] allows any. */
  readonly corsOrigins: readonly string[];
  readonly redirectUnarchived: boolean;
  /** CSP img-src sources: where the page may load non-archived GIFs from (CSP_IMG_SOURCES). */
  readonly imgSources: readonly string[];
  /** The web page's trace link, {trace_id} replaced by the page; "" = no link. */
  readonly webTraceUrl: string;
}

const csp = (imgSrc: readonly string[]): string =>
  [
    "default-src 'self'",
    `img-src ${imgSrc.join(" ")}`,
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");

const EXPOSE_HEADERS = [
  "X-Request-Id",
  "Retry-After",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
  "ETag",
  "Content-Range",
];

/** Compression only for clients that ask: the hot path then never touches it. */
function compressWhenAsked(): MiddlewareHandler {
  const inner = compress();
  return (c, next) => (c.req.header("accept-encoding") ? inner(c, next) : next());
}

export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues, result.target);
    },
  });
  app.use(serverSpan({ proxyHops: deps.proxyHops }));
  // Request id, security headers and CORS (simple requests) in one precomputed record.
  app.use(
    responseHeaders({
      csp: csp(deps.imgSources),
      corsOrigins: deps.corsOrigins,
      exposeHeaders: EXPOSE_HEADERS,
      corsPrefixes: ["/v1/", "/media/"],
    }),
  );
  app.use(observe({ logger: deps.logger, metrics: deps.metrics }));

  // Preflights (OPTIONS) are answered by hono's cors middleware.
  const origin = deps.corsOrigins.includes("*") ? "*" : [...deps.corsOrigins];
  const apiCors = cors({
    origin,
    allowMethods: ["GET", "HEAD", "OPTIONS"],
    allowHeaders: ["X-Api-Key", "X-Request-Id", "Range", "If-None-Match"],
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  const preflight: MiddlewareHandler = (c, next) =>
    c.req.method === "OPTIONS" ? apiCors(c, next) : next();
  app.use("/v1/*", preflight);
  app.use("/media/*", preflight);
  for (const path of ["/v1/*", "/", "/docs", "/assets/*", "/openapi.json"])
    app.use(path, compressWhenAsked());
  const keyCheck = apiKey({
    keys: deps.apiKeys,
    failures: deps.keyFailures,
    proxyHops: deps.proxyHops,
    onFailure: (outcome) => {
      deps.metrics.apiKeyFailures.inc({ outcome });
    },
  });
  app.use("/v1/*", keyCheck);
  // `/media/gifs/{id}` looks the id up in storage, which may ask Giphy about an id
  // nobody searched: in keyed mode it needs a key, as /v1 does. The URLs the gateway
  // itself hands out (archived renditions, and this route's redirects) are
  // content-addressed `/media/<object key>` paths: they only read S3, never storage
  // or Giphy, so they need no key, and browsers load them from <img> tags.
  app.use(`${MEDIA_PREFIX}gifs/:id`, keyCheck);
  // Media is rate-limited too (per key or IP).
  const limit = rateLimit({
    limiter: deps.limiter,
    proxyHops: deps.proxyHops,
    onLimited: () => {
      deps.metrics.rateLimited.inc();
    },
  });
  app.use("/v1/*", limit);
  app.use("/media/*", limit);

  gifRoutes(app, deps.queries);
  mediaRoutes(app, {
    store: deps.media,
    queries: deps.queries,
    redirectUnarchived: deps.redirectUnarchived,
  });
  webRoutes(app, { traceUrl: deps.webTraceUrl });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "gifmesh gateway",
      version: "1.0.0",
      description:
        "Giphy-compatible GIF API backed by gifmesh's archive. Media under /media/{object key} (content-addressed) and /media/gifs/{id} (redirect).",
    },
    tags: [{ name: "gifs", description: "Giphy v1 compatible" }],
  });

  app.notFound((c) => errorResponse(c, new GatewayError("ROUTE.NOT_FOUND", "Not found")));
  app.onError((error, c) => {
    const err = toGatewayError(error);
    if (err.status >= 500)
      deps.logger.error("request failed", {
        request_id: c.get("requestId"),
        code: err.code,
        err: error,
      });
    return errorResponse(c, err);
  });
  return app;
}

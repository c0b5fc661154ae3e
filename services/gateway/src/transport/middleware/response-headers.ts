// Every response's common headers, computed once: the security headers (the set
// hono's secureHeaders sends, with our CSP), CORS for the API areas, the request id
// and whatever middleware recorded with setOutHeader (rate limit, trace id). The
// hot path (a cached body, see fast-body.ts) puts them into ONE plain record, which
// @hono/node-server writes without building a WHATWG Headers/Response; any other
// response gets them set on c.res after the handler, as hono's middleware would.
import type { Context, MiddlewareHandler } from "hono";

/** hono/secure-headers defaults (hono 4.13), minus what we override; see the unit test. */
const SECURE_DEFAULTS: Readonly<Record<string, string>> = {
  "cross-origin-opener-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

export interface ResponseHeadersOptions {
  /** The Content-Security-Policy header value. */
  readonly csp: string;
  readonly corsOrigins: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Path prefixes that get CORS headers ("/v1/", "/media/"). */
  readonly corsPrefixes: readonly string[];
}

const REQUEST_ID = /^[\w\-=]+$/;

/** Records a header for this response (plain record; applied by responseHeaders). */
export function setOutHeader(c: Context, name: string, value: string): void {
  c.get("outHeaders")[name] = value;
}

/** The full header record of a hot-path response: static + recorded + `own`. */
export function hotHeaders(c: Context, own: Record<string, string>): Record<string, string> {
  c.set("fastResponse", true);
  return { ...c.get("staticHeaders"), ...c.get("outHeaders"), ...own };
}

export function responseHeaders(options: ResponseHeadersOptions): MiddlewareHandler {
  const secure = {
    ...SECURE_DEFAULTS,
    "content-security-policy": options.csp,
    "cross-origin-resource-policy": "cross-origin",
  };
  const anyOrigin = options.corsOrigins.includes("*");
  const corsStatic = {
    ...secure,
    ...(anyOrigin ? { "access-control-allow-origin": "*" } : {}),
    "access-control-expose-headers": options.exposeHeaders.join(","),
  };
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id =
      incoming && incoming.length <= 128 && REQUEST_ID.test(incoming)
        ? incoming
        : crypto.randomUUID();
    c.set("requestId", id);
    const out: Record<string, string> = { "x-request-id": id };
    c.set("outHeaders", out);
    const path = c.req.path;
    const cors = options.corsPrefixes.some((p) => path.startsWith(p));
    let fixed: Record<string, string> = cors ? corsStatic : secure;
    if (cors && !anyOrigin) {
      const origin = c.req.header("origin");
      fixed = { ...fixed, vary: "Origin" };
      if (origin && options.corsOrigins.includes(origin))
        fixed["access-control-allow-origin"] = origin;
    }
    c.set("staticHeaders", fixed);
    await next();
    if (c.get("fastResponse")) return;
    const headers = c.res.headers;
    for (const [k, v] of Object.entries(fixed))
      if (k === "vary") headers.append(k, v);
      else headers.set(k, v);
    for (const [k, v] of Object.entries(out)) headers.set(k, v);
  };
}

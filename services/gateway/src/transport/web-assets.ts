// The web page's files (plain HTML, CSS and JS, no bundler), read once at start-up
// and served from memory with their content type and a short cache lifetime. The page
// learns where to link a search's trace from a <meta> tag filled in here, not from an
// inline script, so the CSP stays `script-src 'self'`.
import { readFileSync } from "node:fs";
import type { OpenAPIHono } from "@hono/zod-openapi";

/** The local stack's trace UI (Zipkin's Lens, `make up`), one trace by id. */
export const DEFAULT_WEB_TRACE_URL = "http://127.0.0.1:9411/zipkin/traces/{trace_id}";

/**
 * An http(s) URL with a {trace_id} slot and nothing that could leave an HTML
 * attribute (quotes, angle brackets, whitespace): a link target, never a script.
 */
export function isTraceUrlTemplate(value: string): boolean {
  if (!value.includes("{trace_id}") || /["'<>\s`\\]/.test(value)) return false;
  try {
    const parsed = new URL(value.replaceAll("{trace_id}", "0"));
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}

const FILES = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/docs": ["docs.html", "text/html; charset=utf-8"],
  "/assets/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/assets/docs.js": ["docs.js", "text/javascript; charset=utf-8"],
  "/assets/style.css": ["style.css", "text/css; charset=utf-8"],
} as const;

export interface WebRoutesOptions {
  /** Trace link template ({trace_id}); "" hides the link. Checked by isTraceUrlTemplate. */
  readonly traceUrl: string;
}

const escapeAttribute = (value: string): string =>
  value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

/** Registers GET routes for the page and its assets. */
export function webRoutes(app: OpenAPIHono, options: WebRoutesOptions): void {
  if (options.traceUrl !== "" && !isTraceUrlTemplate(options.traceUrl))
    throw new Error(`web trace URL is not an http(s) URL with {trace_id}: ${options.traceUrl}`);
  for (const [path, [file, type]] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./web/${file}`, import.meta.url), "utf8").replace(
      "{{WEB_TRACE_URL}}",
      escapeAttribute(options.traceUrl),
    );
    app.get(path, (c) => {
      c.header("Content-Type", type);
      c.header("Cache-Control", "public, max-age=300");
      return c.body(body);
    });
  }
  app.get("/favicon.ico", (c) => c.body(null, 204));
}

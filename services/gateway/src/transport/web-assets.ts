// The web page's files (plain HTML, CSS and JS, no bundler), read once at start-up
// and served from memory with their content type and a short cache lifetime.
import { readFileSync } from "node:fs";
import type { OpenAPIHono } from "@hono/zod-openapi";

const FILES = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/docs": ["docs.html", "text/html; charset=utf-8"],
  "/assets/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/assets/docs.js": ["docs.js", "text/javascript; charset=utf-8"],
  "/assets/style.css": ["style.css", "text/css; charset=utf-8"],
} as const;

/** Registers GET routes for the page and its assets. */
export function webRoutes(app: OpenAPIHono): void {
  for (const [path, [file, type]] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./web/${file}`, import.meta.url), "utf8");
    app.get(path, (c) => {
      c.header("Content-Type", type);
      c.header("Cache-Control", "public, max-age=300");
      return c.body(body);
    });
  }
  app.get("/favicon.ico", (c) => c.body(null, 204));
}

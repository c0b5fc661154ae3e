// Archived media. `/media/<object key>` streams an object from S3 by the
// content-addressed key storage reported (e.g. /media/gifs/sha256/ab/cd/<hash>.gif):
// the ETag is the hash in the key, so If-None-Match is answered without S3, and
// the bytes never change, so they may be cached for a year. Only those answers
// (200, 206, 304) say so: an error (404 for a key not archived YET, 416, 5xx) is
// `no-store` (error-response.ts), or a CDN would keep it for a year, under a
// predictable key. `/media/gifs/{id}` looks the GIF up and redirects to its
// archived file.
import type { Context } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { GIF_ID_RULE, isGifId } from "@gifmesh/shared/contracts";
import type { GifQueries } from "../../application/gif-queries.ts";
import type { MediaStore } from "../../application/ports.ts";
import { etagMatches, parseByteRange } from "../../domain/byte-range.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import { contentTypeForKey, MEDIA_PREFIX, parseMediaKey } from "../../domain/media-key.ts";

export interface MediaRoutesOptions {
  readonly store: MediaStore;
  readonly queries: GifQueries;
  /** For a GIF that is not archived: redirect to Giphy's original instead of 404. */
  readonly redirectUnarchived: boolean;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

async function serveObject(c: Context, store: MediaStore, key: string): Promise<Response> {
  const parsed = parseMediaKey(key);
  if (!parsed) throw new GatewayError("MEDIA.NOT_FOUND", "no such media");
  const etag = `"${parsed.sha256}"`;
  c.header("ETag", etag);
  c.header("Accept-Ranges", "bytes");
  // The key names the bytes: whoever holds this ETag holds this object's bytes.
  if (etagMatches(c.req.header("if-none-match"), etag)) {
    c.header("Cache-Control", IMMUTABLE);
    return c.body(null, 304);
  }

  const info = await store.head(key, c.req.raw.signal);
  if (!info) throw new GatewayError("MEDIA.NOT_FOUND", "no such media");
  c.header("Content-Type", info.contentType ?? contentTypeForKey(key));
  const ifRange = c.req.header("if-range");
  const range =
    ifRange !== undefined && ifRange !== etag
      ? { kind: "none" as const }
      : parseByteRange(c.req.header("range"), info.size);
  if (range.kind === "unsatisfiable") {
    c.header("Content-Range", `bytes */${info.size}`);
    throw new GatewayError("MEDIA.RANGE_NOT_SATISFIABLE", "range not satisfiable");
  }
  const part = range.kind === "range" ? { start: range.start, end: range.end } : undefined;
  const length = part ? part.end - part.start + 1 : info.size;
  c.header("Content-Length", String(length));
  if (part) c.header("Content-Range", `bytes ${part.start}-${part.end}/${info.size}`);
  const status = part ? 206 : 200;
  if (c.req.method === "HEAD") {
    c.header("Cache-Control", IMMUTABLE);
    return c.body(null, status);
  }

  const object = await store.get(key, part, c.req.raw.signal);
  if (!object) throw new GatewayError("MEDIA.NOT_FOUND", "no such media");
  c.header("Cache-Control", IMMUTABLE);
  return c.body(object.body, status);
}

/** Registers /media routes on `app`. */
export function mediaRoutes(app: OpenAPIHono, options: MediaRoutesOptions): void {
  app.get(`${MEDIA_PREFIX}gifs/:id`, async (c) => {
    const id = c.req.param("id");
    if (!isGifId(id))
      throw new GatewayError("REQUEST.INVALID", `id: ${GIF_ID_RULE}`, {
        fields: [{ field: "id", message: GIF_ID_RULE }],
      });
    const { value: gif } = await options.queries.get(id);
    if (!gif) throw new GatewayError("GIF.NOT_FOUND", `GIF ${id} not found`);
    const archive = gif.gifmesh.archive;
    if (archive.status === "archived" && archive.object_key) {
      c.header("Cache-Control", "public, max-age=300");
      return c.redirect(`${MEDIA_PREFIX}${archive.object_key}`, 302);
    }
    const original = gif.images.original?.url;
    if (options.redirectUnarchived && original) return c.redirect(original, 302);
    throw new GatewayError("MEDIA.NOT_ARCHIVED", `GIF ${id} is not archived (${archive.status})`);
  });

  app.get(`${MEDIA_PREFIX}*`, (c) =>
    serveObject(c, options.store, c.req.path.slice(MEDIA_PREFIX.length)),
  );
}

// Answers a cached Giphy envelope from bytes serialised once (two-level-cache.ts):
// the cached JSON is spliced with this response's meta (its response_id is the
// request id, so it differs per response) and sent with one plain header record.
// The ETag is weak and names the cached data: two answers with the same ETag
// differ only in meta.response_id. If-None-Match on it gets a 304.
// Compression stays with the compress middleware, which skips bodies under 1 KiB
// and clients that did not ask; Vary: Accept-Encoding is always sent.
import type { Context } from "hono";
import type { CachedBody } from "../application/ports.ts";
import { hotHeaders, setOutHeader } from "./middleware/response-headers.ts";
import { responseId } from "./response-id.ts";

const OPEN_DATA = Buffer.from('{"data":');
const JSON_TYPE = "application/json";

function metaSuffix(c: Context): Buffer {
  const meta = JSON.stringify({ status: 200, msg: "OK", response_id: responseId(c) });
  return Buffer.from(`,"meta":${meta}}`);
}

function send(c: Context, body: CachedBody, xCache: string, bytes: () => Buffer): Response {
  const etag = `W/"${body.hash}"`;
  setOutHeader(c, "x-cache", xCache);
  const own: Record<string, string> = { etag, vary: "Accept-Encoding" };
  const vary = c.get("staticHeaders").vary;
  if (vary) own.vary = `${vary}, Accept-Encoding`;
  const match = c.req.header("if-none-match");
  if (match !== undefined && match.split(",").some((t) => t.trim() === etag || t.trim() === "*"))
    return new Response(null, { status: 304, headers: hotHeaders(c, own) });
  own["content-type"] = JSON_TYPE;
  return new Response(bytes(), { status: 200, headers: hotHeaders(c, own) });
}

/** `{ ...cached object, meta }` for a cached `{ data, pagination }` JSON object. */
export function listBody(c: Context, body: CachedBody, xCache: string): Response {
  return send(c, body, xCache, () =>
    Buffer.concat([body.bytes.subarray(0, body.bytes.length - 1), metaSuffix(c)]),
  );
}

/** `{ data: cached value, meta }`. */
export function dataBody(c: Context, body: CachedBody, xCache: string): Response {
  return send(c, body, xCache, () => Buffer.concat([OPEN_DATA, body.bytes, metaSuffix(c)]));
}

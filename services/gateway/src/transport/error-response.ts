// Giphy-style error bodies: `{ data: [], meta: { status, msg, response_id,
// error_code, errors? } }`, with Retry-After when a retry may help. `onError`
// uses this for every failure, so no error leaves as a bare 500 page. No error is
// cacheable (`Cache-Control: no-store`, replacing whatever a handler set before it
// failed): a 404 for media not archived yet, a 429 or a 503 must not outlive the
// moment in a CDN or a browser cache.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { GatewayError } from "../domain/gateway-error.ts";
import { responseId } from "./response-id.ts";

export function errorResponse(c: Context, err: GatewayError): Response {
  if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(err.retryAfterSeconds));
  c.header("Cache-Control", "no-store");
  const meta = {
    status: err.status,
    msg: err.message,
    response_id: responseId(c),
    error_code: err.code,
    ...(err.fields.length > 0 ? { errors: err.fields } : {}),
  };
  return c.json({ data: [], meta }, err.status as ContentfulStatusCode);
}

/** Anything thrown, as a GatewayError (unknown errors are INTERNAL and hide their message). */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("INTERNAL", "internal error", { cause: error });
}

// Giphy-style error bodies: `{ data: [], meta: { status, msg, response_id,
// error_code, errors? } }`, with Retry-After when a retry may help. `onError`
// uses this for every failure, so no error leaves as a bare 500 page.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { GatewayError } from "../domain/gateway-error.ts";
import { responseId } from "./response-id.ts";

export function errorResponse(c: Context, err: GatewayError): Response {
  if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(err.retryAfterSeconds));
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

// Every answer carries a non-empty meta.response_id (Giphy clients treat an empty
// one as a failed "synthetic" response). It is the request id, which is also
// sent as X-Request-Id and written in the access log, so one id finds all three.
import type { Context } from "hono";

export function responseId(c: Context): string {
  const id: string | undefined = c.get("requestId");
  return typeof id === "string" && id.length > 0 ? id : crypto.randomUUID();
}

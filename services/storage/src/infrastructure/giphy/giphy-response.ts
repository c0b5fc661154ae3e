// What one Giphy answer means, judged before anything of it is used: the status
// decides first (only a 2xx body is read), then the body is read with a byte cap
// (read-capped.ts), refused if it nests deeper than MAX_JSON_DEPTH (json-depth.ts),
// parsed, and checked against the endpoint's zod schema. Every refusal is an
// AttemptError whose `retry` tells the caller whether another attempt may help.
import type { z } from "zod";
import { StorageError, type StorageErrorCode } from "../../domain/errors.ts";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "./json-depth.ts";
import { BodyTooLargeError, readCappedText } from "./read-capped.ts";

/** Raised inside one attempt; `retry` says whether another attempt may help. */
export class AttemptError extends StorageError {
  readonly retry: boolean;
  constructor(code: StorageErrorCode, message: string, retry: boolean) {
    super(code, message);
    this.retry = retry;
  }
}

/** How one attempt's response is read: its cap and the attempt's own timeout. */
export interface AttemptContext {
  readonly endpoint: string;
  readonly maxBytes: number;
  /** The caller's signal: its abort is rethrown as is, not turned into a Giphy error. */
  readonly signal: AbortSignal | undefined;
  readonly timeout: AbortSignal;
  readonly timeoutMs: number;
}

/**
 * Giphy could not be reached or stopped answering (fetch or the body read threw):
 * GIPHY.UNAVAILABLE, retried. The caller's own abort is rethrown instead.
 */
export function unreachable(context: AttemptContext, error: unknown, during = ""): AttemptError {
  context.signal?.throwIfAborted();
  const why = context.timeout.aborted
    ? `timed out after ${String(context.timeoutMs)} ms`
    : `network error (${networkCode(error)})`;
  return new AttemptError("GIPHY.UNAVAILABLE", `giphy ${context.endpoint}: ${why}${during}`, true);
}

/** What a non-2xx status means (docs/giphy-api.md); undefined for a 2xx. */
export function statusError(endpoint: string, status: number): AttemptError | undefined {
  const refused = (code: StorageErrorCode, what: string, retry = false) =>
    new AttemptError(code, `giphy ${endpoint}: ${what}`, retry);
  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400)
    return refused("GIPHY.BAD_RESPONSE", `redirect ${status} not followed`);
  if (status === 429) return refused("GIPHY.RATE_LIMITED", "rate limited");
  if (status === 401 || status === 403)
    return refused("GIPHY.UNAUTHORIZED", `api key rejected (${status})`);
  if (status === 404) return refused("GIPHY.NOT_FOUND", "not found (404)");
  if (status >= 500) return refused("GIPHY.UNAVAILABLE", `server error ${status}`, true);
  return refused("GIPHY.REJECTED", `request rejected (${status})`);
}

/**
 * The 2xx body checked against `schema`. A body that is not JSON, does not fit the
 * endpoint's shape, or carries an empty response_id (a synthetic answer, not Giphy's)
 * is GIPHY.BAD_RESPONSE, not retried: the same request would get the same answer.
 */
export async function readAnswer<S extends z.ZodType>(
  response: Response,
  schema: S,
  context: AttemptContext,
): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(response, context));
  const badResponse = (what: string) =>
    new AttemptError("GIPHY.BAD_RESPONSE", `giphy ${context.endpoint}: ${what}`, false);
  if (!parsed.success) throw badResponse("response does not match the endpoint's shape");
  const meta = (parsed.data as { meta: { response_id: string } }).meta;
  if (meta.response_id === "") throw badResponse("synthetic response (empty response_id)");
  return parsed.data;
}

/**
 * The 2xx body as JSON (undefined if it is not JSON: the schema then refuses it),
 * read with the cap. Over the cap is GIPHY.BAD_RESPONSE, not retried. A timeout or
 * network error while reading is GIPHY.UNAVAILABLE, as before the body.
 */
async function readJson(response: Response, context: AttemptContext): Promise<unknown> {
  const { endpoint, maxBytes } = context;
  let text: string;
  try {
    text = await readCappedText(response, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new AttemptError(
        "GIPHY.BAD_RESPONSE",
        `giphy ${endpoint}: response larger than ${String(maxBytes)} bytes`,
        false,
      );
    throw unreachable(context, error, " while reading the body");
  }
  if (jsonNestsDeeperThan(text))
    throw new AttemptError(
      "GIPHY.BAD_RESPONSE",
      `giphy ${endpoint}: response nested deeper than ${String(MAX_JSON_DEPTH)} levels`,
      false,
    );
  try {
    // PostgreSQL text and jsonb cannot hold U+0000 and Giphy never means it: it is
    // dropped from every string, so the stored giphyObject is what Giphy sent less that.
    return text.includes("\\u0000")
      ? (JSON.parse(text, (_key, value: unknown) =>
          typeof value === "string" ? value.replaceAll("\u0000", "") : value,
        ) as unknown)
      : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : "fetch failed";
}

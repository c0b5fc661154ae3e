// Maps the storage service's errors to the gateway's error codes, in one place.
// Storage sends its stable code in the response metadata `gifmesh-error-code`
// (e.g. GIPHY.RATE_LIMITED) and, for invalid arguments, the request field in
// `gifmesh-error-field`; the gateway branches on those first and falls back to the
// Connect code. Input is validated before storage is called, so INVALID_ARGUMENT
// here is still the client's fault (400, naming the HTTP parameter); storage's own
// failures are 5xx with a fixed message (the cause is logged, never shown).
import { Code, ConnectError } from "@connectrpc/connect";
import { GatewayError, type ErrorCode, type FieldProblem } from "../domain/gateway-error.ts";

/** Storage's stable codes (services/storage/src/domain/errors.ts) → ours. */
const STORAGE_CODE_MAP: Readonly<Record<string, ErrorCode>> = {
  "REQUEST.INVALID_ARGUMENT": "REQUEST.INVALID",
  "GIF.NOT_FOUND": "GIF.NOT_FOUND",
  "GIPHY.NOT_FOUND": "GIF.NOT_FOUND",
  "GIPHY.RATE_LIMITED": "STORAGE.RESOURCE_EXHAUSTED",
  "GIPHY.UNAVAILABLE": "STORAGE.UNAVAILABLE",
  "GIPHY.BAD_RESPONSE": "STORAGE.UNAVAILABLE",
  "GIPHY.UNAUTHORIZED": "STORAGE.UNAVAILABLE",
  "DATABASE.UNAVAILABLE": "STORAGE.UNAVAILABLE",
  "GIPHY.REJECTED": "STORAGE.FAILED",
  // Storage refused our STORAGE_RPC_TOKEN (services/storage/src/transport/rpc/rpc-auth.ts).
  "RPC.UNAUTHENTICATED": "STORAGE.UNAUTHENTICATED",
  INTERNAL: "STORAGE.FAILED",
};

/** Fallback when storage sent no stable code (or one we do not know). */
const CONNECT_CODE_MAP: Partial<Record<Code, ErrorCode>> = {
  [Code.InvalidArgument]: "REQUEST.INVALID",
  [Code.OutOfRange]: "REQUEST.INVALID",
  [Code.NotFound]: "GIF.NOT_FOUND",
  [Code.ResourceExhausted]: "STORAGE.RESOURCE_EXHAUSTED",
  [Code.Unavailable]: "STORAGE.UNAVAILABLE",
  [Code.DeadlineExceeded]: "STORAGE.TIMEOUT",
  [Code.Canceled]: "STORAGE.UNAVAILABLE",
  [Code.Unauthenticated]: "STORAGE.UNAUTHENTICATED",
  [Code.PermissionDenied]: "STORAGE.UNAUTHENTICATED",
};

/**
 * Node/HTTP-2 error codes that mean the connection or stream to storage broke
 * (storage killed or restarting, GOAWAY, RST_STREAM, socket reset). connect-node
 * reports them as Aborted, Internal or Unknown; they are transport failures, so
 * the client gets 503 + Retry-After, not 502. Matched on the cause chain, so a
 * real Internal error from storage's handler stays 502.
 */
const TRANSPORT_CAUSES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ERR_STREAM_DESTROYED",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_INVALID_STREAM",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_ERROR",
]);

/** True when the call failed because the connection/stream broke, not in storage's code. */
export function isTransportFailure(err: ConnectError): boolean {
  if (err.metadata.has("gifmesh-error-code")) return false;
  if (err.code !== Code.Aborted && err.code !== Code.Internal && err.code !== Code.Unknown)
    return false;
  // connect-node's message for a stream reset by the peer (RST_STREAM).
  if (/http\/2 stream closed with error code/.test(err.rawMessage)) return true;
  const seen = new Set<unknown>();
  for (let e: unknown = err.cause; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSPORT_CAUSES.has(code)) return true;
  }
  return false;
}

/** Storage's RPC field names → the gateway's HTTP parameter names. */
const FIELD_MAP: Readonly<Record<string, string>> = { query: "q", gif_id: "id", gifId: "id" };

/** The HTTP parameter a storage field names ("query" → "q", "ids[3]" → "ids"). */
export function httpField(storageField: string): string {
  const base = storageField.replace(/\[\d+\]$/, "");
  return FIELD_MAP[base] ?? base;
}

/** Retry-After from the server's trailer/header, else one second. */
function retryAfter(err: ConnectError): number {
  const raw = err.metadata.get("retry-after");
  const seconds = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 1;
}

/** The field problem storage named; its message loses storage's "field: " prefix. */
function fieldsOf(err: ConnectError): FieldProblem[] {
  const field = err.metadata.get("gifmesh-error-field");
  if (!field) return [];
  const message = err.rawMessage.startsWith(`${field}: `)
    ? err.rawMessage.slice(field.length + 2)
    : err.rawMessage;
  return [{ field: httpField(field), message }];
}

/** Any error from a storage call as a GatewayError. */
export function fromStorageError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const err = ConnectError.from(error);
  const storageCode = err.metadata.get("gifmesh-error-code");
  const code =
    (storageCode === null ? undefined : STORAGE_CODE_MAP[storageCode]) ??
    (isTransportFailure(err) ? "STORAGE.UNAVAILABLE" : undefined) ??
    CONNECT_CODE_MAP[err.code] ??
    "STORAGE.FAILED";
  const retryable = code === "STORAGE.RESOURCE_EXHAUSTED" || code === "STORAGE.UNAVAILABLE";
  const fields = code === "REQUEST.INVALID" ? fieldsOf(err) : [];
  return new GatewayError(
    code,
    code === "REQUEST.INVALID" && fields[0]
      ? `${fields[0].field}: ${fields[0].message}`
      : code === "REQUEST.INVALID" || code === "GIF.NOT_FOUND"
        ? err.rawMessage
        : (PUBLIC_MESSAGE[code] ?? "storage failed"),
    {
      cause: err,
      fields,
      ...(retryable ? { retryAfterSeconds: retryAfter(err) } : {}),
    },
  );
}

const PUBLIC_MESSAGE: Partial<Record<ErrorCode, string>> = {
  "STORAGE.RESOURCE_EXHAUSTED": "upstream is rate-limited or overloaded, retry later",
  "STORAGE.UNAVAILABLE": "storage is unavailable, retry later",
  "STORAGE.TIMEOUT": "storage did not answer in time",
  "STORAGE.FAILED": "storage failed",
  // The client did nothing wrong, and learns nothing about the gateway's credentials.
  "STORAGE.UNAUTHENTICATED": "service unavailable",
};

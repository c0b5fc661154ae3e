// Maps the storage service's Connect codes to the gateway's error codes, in one
// table. Input is validated before storage is called, so INVALID_ARGUMENT here is
// still the client's fault (400); storage's own failures are 5xx.
import { Code, ConnectError } from "@connectrpc/connect";
import { GatewayError, type ErrorCode, type FieldProblem } from "../domain/gateway-error.ts";

const CODE_MAP: Partial<Record<Code, ErrorCode>> = {
  [Code.InvalidArgument]: "REQUEST.INVALID",
  [Code.OutOfRange]: "REQUEST.INVALID",
  [Code.NotFound]: "GIF.NOT_FOUND",
  [Code.ResourceExhausted]: "STORAGE.RESOURCE_EXHAUSTED",
  [Code.Unavailable]: "STORAGE.UNAVAILABLE",
  [Code.DeadlineExceeded]: "STORAGE.TIMEOUT",
  [Code.Canceled]: "STORAGE.UNAVAILABLE",
};

/** Retry-After from the server's trailer/header, else one second. */
function retryAfter(err: ConnectError): number {
  const raw = err.metadata.get("retry-after");
  const seconds = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 1;
}

/** Field problems, when storage sent them as `field: message` lines or details. */
function fieldsOf(err: ConnectError): FieldProblem[] {
  const fields: FieldProblem[] = [];
  for (const detail of err.details) {
    if ("debug" in detail && detail.debug && typeof detail.debug === "object") {
      const violations = (
        detail.debug as { fieldViolations?: { field?: string; description?: string }[] }
      ).fieldViolations;
      for (const v of violations ?? [])
        fields.push({ field: v.field ?? "", message: v.description ?? "" });
    }
  }
  return fields;
}

/** Any error from a storage call as a GatewayError. */
export function fromStorageError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const err = ConnectError.from(error);
  const code = CODE_MAP[err.code] ?? "STORAGE.FAILED";
  const retryable = code === "STORAGE.RESOURCE_EXHAUSTED" || code === "STORAGE.UNAVAILABLE";
  return new GatewayError(
    code,
    // Client faults keep storage's message; our own failures get a fixed one, so
    // addresses and internals never reach a client (the cause is logged).
    code === "REQUEST.INVALID" || code === "GIF.NOT_FOUND"
      ? err.rawMessage
      : (PUBLIC_MESSAGE[code] ?? "storage failed"),
    {
      cause: err,
      fields: fieldsOf(err),
      ...(retryable ? { retryAfterSeconds: retryAfter(err) } : {}),
    },
  );
}

const PUBLIC_MESSAGE: Partial<Record<ErrorCode, string>> = {
  "STORAGE.RESOURCE_EXHAUSTED": "storage is overloaded, retry later",
  "STORAGE.UNAVAILABLE": "storage is unavailable, retry later",
  "STORAGE.TIMEOUT": "storage did not answer in time",
  "STORAGE.FAILED": "storage failed",
};

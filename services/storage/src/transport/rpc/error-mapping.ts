// The one table from storage's error codes to Connect codes. The stable string code
// and the offending field travel in response metadata (`gifmesh-error-code`,
// `gifmesh-error-field`) so callers branch on them, not on messages.
import { Code, ConnectError } from "@connectrpc/connect";
import { StorageError, type StorageErrorCode } from "../../domain/errors.ts";

const CODES: Readonly<Record<StorageErrorCode, Code>> = {
  "REQUEST.INVALID_ARGUMENT": Code.InvalidArgument,
  "GIF.NOT_FOUND": Code.NotFound,
  "GIPHY.NOT_FOUND": Code.NotFound,
  "GIPHY.RATE_LIMITED": Code.ResourceExhausted,
  "GIPHY.UNAVAILABLE": Code.Unavailable,
  "GIPHY.BAD_RESPONSE": Code.Unavailable,
  "GIPHY.UNAUTHORIZED": Code.Unavailable,
  // Giphy refused a parameter we passed on: the caller's argument is at fault.
  "GIPHY.REJECTED": Code.InvalidArgument,
  "DATABASE.UNAVAILABLE": Code.Unavailable,
  "DATABASE.TIMEOUT": Code.DeadlineExceeded,
};

/** Any error → ConnectError. Unknown errors become `internal` with a generic message. */
export function toConnectError(error: unknown, signal?: AbortSignal): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof StorageError) {
    const metadata = new Headers({ "gifmesh-error-code": error.code });
    if (error.field !== undefined) metadata.set("gifmesh-error-field", error.field);
    return new ConnectError(error.message, CODES[error.code], metadata, undefined, error);
  }
  if (signal?.aborted === true)
    return new ConnectError(
      "deadline exceeded or request cancelled",
      Code.DeadlineExceeded,
      undefined,
      undefined,
      error,
    );
  return new ConnectError(
    "internal error",
    Code.Internal,
    new Headers({ "gifmesh-error-code": "INTERNAL" }),
    undefined,
    error,
  );
}

// The one error type of storage's domain and application layers, with a closed set
// of stable string codes. The RPC layer maps each code to a Connect code in one
// table (transport/rpc/error-mapping.ts); the codes leave the process in error
// metadata and logs, so they never change meaning.

export const STORAGE_ERROR_CODES = [
  "REQUEST.INVALID_ARGUMENT",
  "GIF.NOT_FOUND",
  "GIPHY.RATE_LIMITED",
  "GIPHY.UNAVAILABLE",
  "GIPHY.BAD_RESPONSE",
  "GIPHY.UNAUTHORIZED",
  "GIPHY.NOT_FOUND",
  "GIPHY.REJECTED",
  "DATABASE.UNAVAILABLE",
  "DATABASE.TIMEOUT",
] as const;

export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

export class StorageError extends Error {
  override readonly name = "StorageError";
  readonly code: StorageErrorCode;
  /** For REQUEST.INVALID_ARGUMENT: the request field at fault. */
  readonly field: string | undefined;

  constructor(
    code: StorageErrorCode,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}

export function invalidArgument(field: string, message: string): StorageError {
  return new StorageError("REQUEST.INVALID_ARGUMENT", `${field}: ${message}`, { field });
}

/** Errors that mean "Giphy could not answer", after which stale data may be served. */
export function isGiphyOutage(error: unknown): error is StorageError {
  return (
    error instanceof StorageError &&
    (error.code === "GIPHY.RATE_LIMITED" ||
      error.code === "GIPHY.UNAVAILABLE" ||
      error.code === "GIPHY.BAD_RESPONSE" ||
      error.code === "GIPHY.UNAUTHORIZED")
  );
}

/**
 * Runs a Giphy call about one thing (a GIF id, a category, an emoji); Giphy's 404
 * for it becomes GIF.NOT_FOUND, what callers see as NotFound.
 */
export async function orNotFound<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StorageError && error.code === "GIPHY.NOT_FOUND")
      throw new StorageError("GIF.NOT_FOUND", `${what} not found`, { cause: error });
    throw error;
  }
}

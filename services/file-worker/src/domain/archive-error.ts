// The one error type of the file worker. Every failure that leaves the process
// (failed event, DLQ header, log line, metric label) carries one of these stable
// codes, and whether a code is worth retrying is decided here and nowhere else.

/** The closed set of failure codes, with how the worker treats each one. */
export const ARCHIVE_CODES = {
  /** The media host answered 404/410. */
  "ARCHIVE.NOT_FOUND": "permanent",
  /** The URL's scheme or host is not on the allowlist, or it carries credentials. */
  "ARCHIVE.HOST_NOT_ALLOWED": "permanent",
  /** The host resolves to (or is) a private, loopback, link-local, metadata or reserved address. */
  "ARCHIVE.PRIVATE_ADDRESS": "permanent",
  /** Larger than ARCHIVE_MAX_BYTES (declared or counted while streaming). */
  "ARCHIVE.TOO_LARGE": "permanent",
  /** Content type or magic bytes are not a GIF. */
  "ARCHIVE.NOT_A_GIF": "permanent",
  /** Starts like a GIF but its block structure does not parse. */
  "ARCHIVE.MALFORMED": "permanent",
  /** More redirects than DOWNLOAD_MAX_REDIRECTS, or a redirect without a usable Location. */
  "ARCHIVE.TOO_MANY_REDIRECTS": "permanent",
  /** The media host refused the request with a 4xx other than 404/410/429. */
  "ARCHIVE.UPSTREAM_REJECTED": "permanent",
  /** The request payload could not be decoded or is invalid. */
  "ARCHIVE.BAD_MESSAGE": "permanent",
  /** Connect or total download timeout; retried within the budget. */
  "ARCHIVE.TIMEOUT": "transient",
  /** Network error, 5xx or 429 from the media host; retried within the budget. */
  "ARCHIVE.UPSTREAM_ERROR": "transient",
  /**
   * Our own infrastructure (S3, Kafka result topics) is unavailable. Retried without a
   * budget: an outage of our storage is not the GIF's fault and must only delay it.
   */
  "ARCHIVE.STORAGE_UNAVAILABLE": "infrastructure",
} as const;

export type ArchiveCode = keyof typeof ARCHIVE_CODES;

/** permanent: fail now; transient: retry within the budget; infrastructure: retry until it works. */
export type RetryClass = (typeof ARCHIVE_CODES)[ArchiveCode];

/** The worker's error: a stable code plus a human-readable reason (no secrets, no bodies). */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  readonly code: ArchiveCode;

  constructor(code: ArchiveCode, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.code = code;
  }

  get retryClass(): RetryClass {
    return ARCHIVE_CODES[this.code];
  }
}

/** How a failure should be retried; unknown errors are treated as transient bugs-or-blips. */
export function retryClassOf(error: unknown): RetryClass {
  return error instanceof ArchiveError ? error.retryClass : "transient";
}

/** Maps any thrown value to an ArchiveError, keeping ArchiveErrors as they are. */
export function toArchiveError(
  error: unknown,
  fallback: ArchiveCode = "ARCHIVE.UPSTREAM_ERROR",
): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ArchiveError(fallback, message, { cause: error });
}

// The one error type of the gateway's HTTP boundary. Every failure that reaches a
// client is a GatewayError with a stable string code; the HTTP status is looked up
// in one table here, so routes never pick status numbers themselves.

/** Stable, machine-readable error codes that leave the process in API bodies. */
export const ERROR_STATUS = {
  "REQUEST.INVALID": 400,
  "REQUEST.UNKNOWN_PARAMETER": 400,
  "REQUEST.QUERY_TOO_LONG": 414,
  "AUTH.MISSING_API_KEY": 401,
  "AUTH.INVALID_API_KEY": 403,
  /** Too many invalid keys from one client IP: refused until the window ends. */
  "AUTH.TOO_MANY_FAILURES": 429,
  RATE_LIMITED: 429,
  "GIF.NOT_FOUND": 404,
  "ROUTE.NOT_FOUND": 404,
  "MEDIA.NOT_FOUND": 404,
  "MEDIA.NOT_ARCHIVED": 404,
  "MEDIA.RANGE_NOT_SATISFIABLE": 416,
  "STORAGE.RESOURCE_EXHAUSTED": 429,
  "STORAGE.UNAVAILABLE": 503,
  "STORAGE.TIMEOUT": 504,
  "STORAGE.FAILED": 502,
  /** Storage refused the gateway's STORAGE_RPC_TOKEN: a misconfiguration, not the client's fault. */
  "STORAGE.UNAUTHENTICATED": 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with one input field, for validation errors. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface GatewayErrorOptions {
  readonly fields?: readonly FieldProblem[];
  /** Seconds after which a retry may succeed (429/503); sent as Retry-After. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/** An error with a closed code; its HTTP status follows from the code. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  readonly fields: readonly FieldProblem[];
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

// Keeps secrets out of logs (an architecture invariant). Keys that name a secret
// are blanked at any depth; inside strings, secret query parameters and URL
// passwords are masked, because URLs are what services log most.

/** Key names whose values are never logged. */
export const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential/i;
/** Query parameters that are secret although their name is not in SECRET_KEY. */
const SECRET_PARAM = /^(sig|signature|x-amz-signature|key)$/i;
const QUERY_PARAM = /([?&;])([^=&;\s#"'?]+)=([^&;\s#"']*)/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/?#\s]+)@/gi;
const MAX_DEPTH = 10;

export const REDACTED = "[REDACTED]";

/** Masks secret query parameters (`?api_key=...`) and URL passwords in a string. */
export function redactString(value: string): string {
  if (!value.includes("=") && !value.includes("@")) return value;
  return value
    .replace(QUERY_PARAM, (match, sep: string, name: string) =>
      SECRET_KEY.test(name) || SECRET_PARAM.test(name) ? `${sep}${name}=${REDACTED}` : match,
    )
    .replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** A plain, JSON-safe view of an Error: name, message, stack, code and cause. */
export function serializeError(
  error: Error,
  seen: WeakSet<object> = new WeakSet(),
): Record<string, unknown> {
  const { code, cause } = error as Error & { code?: unknown; cause?: unknown };
  const out: Record<string, unknown> = { name: error.name, message: redactString(error.message) };
  if (code !== undefined) out.code = code;
  if (error.stack !== undefined) out.stack = redactString(error.stack);
  if (cause !== undefined) out.cause = redactValue(cause, seen, 1);
  return out;
}

/**
 * Returns a redacted, JSON-safe copy of `value`: secret keys become "[REDACTED]",
 * strings are scrubbed, Errors serialised, cycles and deep nesting cut off.
 */
export function redactValue(
  value: unknown,
  seen: WeakSet<object> = new WeakSet(),
  depth = 0,
): unknown {
  if (typeof value === "string") return redactString(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(value);
  try {
    if (value instanceof Error) return serializeError(value, seen);
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value))
      return value.map((item: unknown) => redactValue(item, seen, depth + 1));
    if (value instanceof Map) return redactValue(Object.fromEntries(value), seen, depth);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

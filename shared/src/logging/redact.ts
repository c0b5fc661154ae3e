// Keeps secrets out of logs (an architecture invariant). Keys that name a secret
// are blanked at any depth; inside strings, secret query parameters and URL
// passwords are masked, because URLs are what services log most.
//
// Redaction runs on every logged string, and many of them come from outside (a
// User-Agent, a path, a Kafka key). So it must take time linear in the input: each
// pattern below starts on a literal or a separator that none of its repeated parts
// can contain, so two attempts never rescan the same run of characters, and a
// failed attempt gives up after one pass over its run (no nested or adjacent
// quantifiers that could split a run two ways). redact.test.ts pins the growth.
// The earlier URL pattern began with a scheme (`[a-z][a-z0-9+.-]*://`) tried at
// every word boundary, which made `"a." * 7900 + "="` cost a third of a second.
import {
  MAX_KEY_CHARS,
  MAX_STACK_CHARS,
  MAX_STRING_CHARS,
  scanWindow,
  spend,
  truncateString,
  TRUNCATED,
} from "./truncate.ts";
import type { LineBudget } from "./truncate.ts";

/** Key names whose values are never logged. */
export const SECRET_KEY =
  /pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential|private[_-]?key/i;
/** Query parameters that are secret although their name is not in SECRET_KEY. */
const SECRET_PARAM = /^(sig|signature|x-amz-signature|key)$/i;
/**
 * `name=value` after `?`, `&`, `;`, `,`, whitespace or at the start: query strings,
 * and libpq-style `host=h password=p` lists. A value is quoted (`'...'` or `"..."`,
 * as libpq allows) or ends at the next separator or `?`, so `?next=/a?api_key=K`
 * still masks `api_key`. A lone opening quote is part of the unquoted value.
 */
const QUERY_PARAM = /(^|[?&;,\s])([^=&;,\s#"'?]+)=('[^']*'|"[^"]*"|['"]?[^&;\s#"'?]*)/g;
/**
 * `"name": "value"`: JSON (or a JS object dump) written into a string. The name has
 * no quote or backslash, the value runs to its first unescaped quote.
 */
const JSON_MEMBER = /("[^"\\]+"\s*:\s*")((?:[^"\\]|\\.)*)"/g;
/** `Bearer <token>` and `Basic <base64>`: an Authorization header written as text. */
const AUTH_SCHEME = /\b(bearer|basic)(\s+)[\w.~+/-]+=*/gi;
/** Cheap pre-check: a string none of the patterns can match is returned as is. */
const MAYBE_SECRET = /[=@"]|bearer|basic/i;
/**
 * The password of `scheme://user:password@host`, anchored on `://` (the scheme is not
 * needed to find it). The password runs to the last `@` of the authority, as in a URL
 * parser, so a password containing `@` is masked whole.
 */
const URL_PASSWORD = /(:\/\/[^:/?#\s@]*:)[^/?#\s]+@/g;
const MAX_DEPTH = 10;

export const REDACTED = "[REDACTED]";

function isSecretName(name: string): boolean {
  return SECRET_KEY.test(name) || SECRET_PARAM.test(name);
}

/**
 * Where the value of the first secret `name=` after a comma starts in `value`, or -1:
 * a comma ends neither a value nor a secret (`pw=a,b` masks `a,b`), so a comma list
 * (`host=h,password=p`) is split here, once, instead of in the pattern.
 */
function secretAfterComma(value: string): number {
  for (let comma = value.indexOf(","); comma !== -1; comma = value.indexOf(",", comma + 1)) {
    const equals = value.indexOf("=", comma + 1);
    if (equals === -1) return -1;
    const name = value.slice(comma + 1, equals);
    if (!name.includes(",") && isSecretName(name)) return equals + 1;
  }
  return -1;
}

function maskParams(value: string): string {
  return value.replace(QUERY_PARAM, (match, sep: string, name: string, raw: string) => {
    if (isSecretName(name)) return `${sep}${name}=${REDACTED}`;
    const quote = raw.length > 1 && raw[0] === raw.at(-1) ? raw[0] : undefined;
    // A quoted value was consumed whole: mask inside it too (it holds no such quote,
    // so this recursion ends at once and each character is scanned a bounded number of times).
    if (quote === "'" || quote === '"')
      return `${sep}${name}=${quote}${maskParams(raw.slice(1, -1))}${quote}`;
    const at = secretAfterComma(raw);
    return at === -1 ? match : `${sep}${name}=${raw.slice(0, at)}${REDACTED}`;
  });
}

/**
 * Masks secret query parameters (`?api_key=...`, `password='...'`), secret JSON members
 * written into text, `Bearer`/`Basic` credentials and URL passwords in a string.
 */
export function redactString(value: string): string {
  if (!MAYBE_SECRET.test(value)) return value;
  return maskParams(value)
    .replace(JSON_MEMBER, (match, head: string) => {
      const name = head.slice(1, head.indexOf('"', 1));
      return isSecretName(name) ? `${head}${REDACTED}"` : match;
    })
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * `value` redacted and cut to `max` characters. Only a window of twice `max` is
 * scanned: what lies beyond it is dropped anyway, and a megabyte string then costs
 * what 8 KiB does. Masking happens before the cut, never after it, so the cut
 * cannot leave the first half of a password unmasked.
 */
export function redactBounded(value: string, max: number = MAX_STRING_CHARS): string {
  if (value.length <= max) return redactString(value);
  return truncateString(redactString(scanWindow(value, 2 * max)), max, value.length);
}

/** Options of {@link redactValue} and {@link serializeError}. */
export interface RedactOptions {
  /** Shared by all values of one line, so a line stays bounded; default: unbounded. */
  readonly budget?: LineBudget;
  /** @internal objects on the current path (cycle detection). */
  readonly seen?: WeakSet<object>;
  /** @internal nesting depth of the value. */
  readonly depth?: number;
}

/** A plain, JSON-safe view of an Error: name, message, stack, code and cause. */
export function serializeError(error: Error, options: RedactOptions = {}): Record<string, unknown> {
  const { code, cause } = error as Error & { code?: unknown; cause?: unknown };
  const out: Record<string, unknown> = {
    name: redactValue(error.name, options),
    message: redactValue(error.message, options),
  };
  if (code !== undefined) out.code = redactValue(code, options);
  if (error.stack !== undefined) {
    const stack = redactBounded(error.stack, MAX_STACK_CHARS);
    out.stack = options.budget && !spend(options.budget, stack.length) ? TRUNCATED : stack;
  }
  // The cause is one level deeper than its error, so MAX_DEPTH also bounds a chain of
  // causes (restarting at 1 let 5,000 linked Errors overflow the stack).
  if (cause !== undefined)
    out.cause = redactValue(cause, { ...options, depth: (options.depth ?? 0) + 1 });
  return out;
}

/**
 * Returns a redacted, JSON-safe copy of `value`: secret keys become "[REDACTED]",
 * strings are scrubbed and cut to a few KiB, Errors serialised, cycles and deep
 * nesting cut off, and, with a `budget`, whatever exceeds it replaced by a marker.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  const { budget, depth = 0 } = options;
  if (typeof value === "string") {
    const text = redactBounded(value);
    return budget && !spend(budget, text.length) ? TRUNCATED : text;
  }
  if (budget && !spend(budget, 1)) return TRUNCATED;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  const seen = options.seen ?? new WeakSet<object>();
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return TRUNCATED;
  seen.add(value);
  const inner: RedactOptions = { seen, depth: depth + 1, ...(budget ? { budget } : {}) };
  try {
    if (value instanceof Error) return serializeError(value, { ...inner, depth });
    if (Buffer.isBuffer(value)) return `[Buffer ${String(value.length)} bytes]`;
    if (value instanceof Date) return value.toISOString();
    // JSON.stringify would call an own toJSON after redaction and log what it returns
    // unredacted: call it first and redact its result instead.
    if (typeof (value as { toJSON?: unknown }).toJSON === "function")
      return redactValue(callToJSON(value as { toJSON: () => unknown }), { ...inner, depth });
    if (Array.isArray(value)) return redactArray(value, inner);
    if (value instanceof Map) return redactValue(Object.fromEntries(value), { ...inner, depth });
    return redactEntries(Object.entries(value), inner);
  } finally {
    seen.delete(value);
  }
}

function callToJSON(value: { toJSON: () => unknown }): unknown {
  try {
    return value.toJSON();
  } catch {
    return "[toJSON failed]";
  }
}

function redactArray(items: readonly unknown[], options: RedactOptions): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (options.budget && options.budget.remaining <= 0) {
      out.push(`[Truncated ${String(items.length - out.length)} more items]`);
      break;
    }
    out.push(redactValue(item, options));
  }
  return out;
}

/**
 * What redactValue does to the entries of an object (`names[i]` holding `values[i]`),
 * written straight into `target` instead of a new object: the logger's top level,
 * which then needs no copy of the redacted metadata. `options` are those of the
 * entries (depth 1 for a line's fields); the caller has spent the object's own node.
 */
export function redactFieldsInto(
  target: Record<string, unknown>,
  names: readonly string[],
  values: readonly unknown[],
  options: RedactOptions,
): void {
  for (let i = 0; i < names.length; i++) {
    const key = names[i] ?? "";
    if (options.budget && !spend(options.budget, Math.min(key.length, MAX_KEY_CHARS))) {
      target["[truncated]"] = `${String(names.length - i)} more keys`;
      return;
    }
    target[redactBounded(key, MAX_KEY_CHARS)] = SECRET_KEY.test(key)
      ? REDACTED
      : redactValue(values[i], options);
  }
}

/** Built with fromEntries, so a key such as "__proto__" stays a plain field. */
function redactEntries(
  entries: readonly (readonly [string, unknown])[],
  options: RedactOptions,
): Record<string, unknown> {
  const out: [string, unknown][] = [];
  for (const [key, item] of entries) {
    if (options.budget && !spend(options.budget, Math.min(key.length, MAX_KEY_CHARS))) {
      out.push(["[truncated]", `${String(entries.length - out.length)} more keys`]);
      break;
    }
    // A key can hold a secret too (`{ "postgres://u:p@h/db": 1 }`).
    const shownKey = redactBounded(key, MAX_KEY_CHARS);
    out.push([shownKey, SECRET_KEY.test(key) ? REDACTED : redactValue(item, options)]);
  }
  return Object.fromEntries(out);
}

// Hostile inputs for the gateway's HTTP surface, shared by the in-process
// (app.request) and the real-HTTP hostile suites: fast-check arbitraries for query
// values and paths, hand-picked attack strings, and the one check every answer
// must pass (a 2xx/3xx, or a 4xx Giphy-style JSON error with a stable code).
import fc from "fast-check";
import { expect } from "vitest";
import { ERROR_STATUS } from "../../src/domain/gateway-error.ts";

/** Attack strings no generator is likely to hit by chance. */
export const NASTY_VALUES: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\r\nSet-Cookie: pwned=1",
  "cats\r\nX-Injected: 1",
  "\u2028\u2029",
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fpasswd",
  "....//....//etc/passwd",
  "%2e%2e%2f",
  "' OR '1'='1",
  "'; DROP TABLE gifs; --",
  "1; SELECT pg_sleep(10)--",
  '" OR ""="',
  "$(reboot)",
  "`id`",
  "<script>alert(1)</script>",
  "{{7*7}}",
  "${jndi:ldap://x}",
  "%s%s%s%n",
  "\uFEFFcats",
  "\u202Ecats",
  "c\u200Bats",
  "e\u0301".repeat(40),
  "🐱".repeat(30),
  "👨‍👩‍👧‍👦".repeat(10),
  "\uD800",
  "\uDFFF cats",
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "1e309",
  "0x10",
  "0b11",
  "1.5",
  " 25",
  "25abc",
  "9".repeat(400),
  "-9".repeat(50),
  "null",
  "undefined",
  "[object Object]",
  "__proto__",
  "constructor",
  "a".repeat(51),
  "a".repeat(10_000),
  ",".repeat(200),
  "a,".repeat(150),
];

/** Every parameter name the Giphy routes know, plus a few they must refuse. */
export const PARAM_NAMES: readonly string[] = [
  "q",
  "limit",
  "offset",
  "rating",
  "lang",
  "ids",
  "api_key",
  "pingback_id",
  "random_id",
  "bundle",
  "fields",
  "country_code",
  "region",
  "__proto__",
  "constructor",
  "q[]",
  "limit[0]",
  "",
  "Q",
];

/** Percent-encodes raw bytes, so invalid UTF-8 (%FF, a lone %C3) reaches the server too. */
export function percentEncode(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A string as UTF-8, percent-encoded (lone surrogates become U+FFFD, as in a browser). */
export const encodeValue = (value: string): string => percentEncode(Buffer.from(value, "utf8"));

/** Hostile values: any Unicode, control characters, raw bytes, numbers-that-aren't, huge. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_VALUES).map(encodeValue) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 80 }).map(encodeValue) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }).map(encodeValue) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 60 }).map(percentEncode) },
  {
    weight: 2,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => encodeValue(String(n))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 51, max: 20_000 }).map((n) => "x".repeat(n)) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z ]{1,20}$/).map(encodeValue) },
);

/** A query string of 0–6 parameters, names known or not, some repeated. */
export const hostileQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...PARAM_NAMES) },
        { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
      ),
      hostileValue,
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([name, value]) => `${encodeValue(name)}=${value}`).join("&"));

/** Path segments: traversal, encoded separators, id-like, raw bytes, huge. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E%2E%2F",
    "..%2F..%2F",
    "%252e%252e%252f",
    "%00",
    "%0d%0a",
    "etc",
    "passwd",
    "gifs",
    "sha256",
    "aa",
    "%C0%AE%C0%AE",
    "%FF",
    "~",
    "arch1",
    "media",
    "v1",
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
  fc.string({ unit: "binary", maxLength: 30 }).map(encodeValue),
  fc.uint8Array({ maxLength: 20 }).map(percentEncode),
  fc.integer({ min: 65, max: 5_000 }).map((n) => "z".repeat(n)),
);

export const PATH_PREFIXES = [
  "/v1/gifs/",
  "/v1/",
  "/media/",
  "/media/gifs/",
  "/media/gifs/sha256/",
  "/",
  "/assets/",
];

export const hostilePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...PATH_PREFIXES),
    fc.array(hostileSegment, { minLength: 1, maxLength: 5 }),
  )
  .map(([prefix, segments]) => `${prefix}${segments.join("/")}`);

/** The codes a client may see for bad input (4xx); 5xx codes are not in it. */
export const CLIENT_ERROR_CODES = new Set(
  Object.entries(ERROR_STATUS)
    .filter(([, status]) => status < 500)
    .map(([code]) => code),
);

interface ErrorBody {
  data: unknown;
  meta: { status: number; msg: string; response_id: string; error_code: string };
}

/**
 * The invariant: never 5xx; a 4xx is a Giphy-style JSON error whose meta.error_code is
 * a known client-error code and whose meta.status equals the HTTP status; no header
 * carries injected text. Returns the error code, or the status for non-errors.
 */
export async function expectCleanAnswer(res: Response, what: string): Promise<string> {
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get("set-cookie"), what).toBeNull();
  expect(res.headers.get("x-injected"), what).toBeNull();
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 400) {
    expect(type, what).toContain("application/json");
    const body = (await res.json()) as ErrorBody;
    expect(body.meta.status, what).toBe(res.status);
    expect(CLIENT_ERROR_CODES.has(body.meta.error_code), `${what}: ${body.meta.error_code}`).toBe(
      true,
    );
    expect(ERROR_STATUS[body.meta.error_code as keyof typeof ERROR_STATUS], what).toBe(res.status);
    expect(body.meta.response_id, what).not.toBe("");
    expect(body.data, what).toEqual([]);
    return body.meta.error_code;
  }
  if (type.includes("application/json")) {
    const body = (await res.json()) as { meta?: { status: number } };
    if (body.meta !== undefined) expect(body.meta.status, what).toBe(res.status);
  } else await res.arrayBuffer();
  return String(res.status);
}

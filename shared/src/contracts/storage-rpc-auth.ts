// How a caller proves to storage's RPC that it may call it: a shared bearer token in
// the `authorization` header. Storage (which checks) and the gateway (which sends)
// both import these three names, so the header, its format and the comparison live
// in one place and cannot drift apart.
import { createHash, timingSafeEqual } from "node:crypto";

/** The request header that carries the token (lower case: HTTP/2 header names are). */
export const STORAGE_RPC_AUTH_HEADER = "authorization";

const BEARER_PREFIX = "Bearer ";

/** The header value a caller sends: `Bearer <token>`. */
export function bearer(token: string): string {
  return `${BEARER_PREFIX}${token}`;
}

/**
 * Whether `header` carries `expected` as a bearer token. Both sides are hashed with
 * SHA-256 first and the digests compared in constant time, so neither the token's
 * content nor its length can be learned from how long a refusal takes. An empty
 * expected token never matches: "no token configured" must not mean "empty token
 * accepted".
 */
export function tokenMatches(expected: string, header: string | null | undefined): boolean {
  if (expected === "" || header === null || header === undefined) return false;
  // The scheme is case-insensitive (RFC 9110 §11.1); the token itself is not.
  const scheme = header.slice(0, BEARER_PREFIX.length);
  if (scheme.toLowerCase() !== BEARER_PREFIX.toLowerCase()) return false;
  const presented = header.slice(BEARER_PREFIX.length);
  return timingSafeEqual(digest(expected), digest(presented));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

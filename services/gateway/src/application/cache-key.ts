// Cache keys for API answers, normalised so that requests asking the same thing
// share one entry: q is trimmed, lower-cased and its whitespace collapsed; defaults
// are filled in; parameters are written in one fixed order; ignored parameters
// (api_key, pingback_id, ...) never reach the key.
import { createHash } from "node:crypto";

export const CACHE_KEY_VERSION = "v1";

/** Giphy matches phrases case-insensitively; so do we. */
export function normaliseQuery(q: string): string {
  return q.trim().replace(/\s+/g, " ").toLowerCase();
}

export function searchKey(p: {
  q: string;
  limit: number;
  offset: number;
  rating?: string;
  lang?: string;
}): string {
  const q = encodeURIComponent(normaliseQuery(p.q));
  return `${CACHE_KEY_VERSION}:search:q=${q}&limit=${p.limit}&offset=${p.offset}&rating=${p.rating ?? "any"}&lang=${p.lang ?? "en"}`;
}

export function trendingKey(p: { limit: number; offset: number; rating?: string }): string {
  return `${CACHE_KEY_VERSION}:trending:limit=${p.limit}&offset=${p.offset}&rating=${p.rating ?? "any"}`;
}

export function gifKey(id: string): string {
  return `${CACHE_KEY_VERSION}:gif:${id}`;
}

/**
 * The key of a SET of ids: the caller passes them sorted and de-duplicated
 * (ids-order.ts canonicalIds), so every order of one list shares one entry; the
 * answer is re-ordered per request. Hashed, so 100 long ids make a short key.
 */
export function idsKey(canonical: readonly string[]): string {
  const unique = canonical.join(",");
  const digest = createHash("sha256").update(unique).digest("base64url");
  return `${CACHE_KEY_VERSION}:ids:${digest}`;
}

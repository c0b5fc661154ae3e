// Cache keys for answers by GIF id (the listing endpoints' keys are built in
// endpoint-queries.ts from their parameters in one fixed order, q as typed, since
// storage forwards it as typed). Ignored parameters (api_key, ...) never reach a key.
import { createHash } from "node:crypto";

// v2: answers are Giphy's objects as received (giphy-object.ts), not the typed mapping.
export const CACHE_KEY_VERSION = "v2";

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

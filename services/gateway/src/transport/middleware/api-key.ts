// Checks the client's `api_key` (query, as Giphy clients send it, or the
// `X-Api-Key` header) against the gateway's own keys. With no keys configured
// the gateway is in open mode. A client's key is never forwarded anywhere; the
// rate limiter gets a hash of it as the client's identity.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../../domain/gateway-error.ts";

export interface ApiKeyOptions {
  /** Accepted keys; empty means open mode (any or no key). */
  readonly keys: readonly string[];
}

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

/** A short, non-reversible id of a key, safe for logs and Redis keys. */
export function keyId(key: string): string {
  return digest(key).toString("hex").slice(0, 16);
}

export function apiKey(options: ApiKeyOptions): MiddlewareHandler {
  const accepted = options.keys.map(digest);
  return async (c, next) => {
    const key = c.req.query("api_key") ?? c.req.header("x-api-key");
    if (accepted.length > 0) {
      if (!key) throw new GatewayError("AUTH.MISSING_API_KEY", "No API key found in request");
      const d = digest(key);
      if (!accepted.some((k) => timingSafeEqual(k, d)))
        throw new GatewayError("AUTH.INVALID_API_KEY", "Invalid API key");
    }
    if (key && accepted.length > 0) c.set("clientKeyId", keyId(key));
    await next();
  };
}

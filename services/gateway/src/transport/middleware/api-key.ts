// Checks the client's `api_key` (query, as Giphy clients send it, or the
// `X-Api-Key` header) against the gateway's own keys. With no keys configured
// the gateway is in open mode. A client's key is never forwarded anywhere, nor
// logged; the rate limiter gets a hash of it as the client's identity.
// Guessing is limited: invalid keys are counted per client IP (failure limiter),
// and a client over the limit gets 429 AUTH.TOO_MANY_FAILURES for the rest of the
// window, whatever key it sends, so a right guess in that time tells it nothing.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { FailureLimiter } from "../../application/ports.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import { clientIp } from "./client-ip.ts";

export interface ApiKeyOptions {
  /** Accepted keys; empty means open mode (any or no key). */
  readonly keys: readonly string[];
  /** Counts invalid keys per client IP; none = unlimited guesses (tests only). */
  readonly failures?: FailureLimiter;
  /** Trusted proxy hops, to find the client IP (client-ip.ts). */
  readonly proxyHops?: number;
  /** Called per invalid key and per refusal of a blocked client (metrics). */
  readonly onFailure?: (outcome: "invalid" | "blocked") => void;
}

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

/** The short id of a key from its digest (one SHA-256 per request serves both uses). */
const idOfDigest = (d: Buffer): string => d.toString("hex").slice(0, 16);

/** A short, non-reversible id of a key, safe for logs and Redis keys. */
export function keyId(key: string): string {
  return idOfDigest(digest(key));
}

function tooManyFailures(retryAfterSeconds: number): GatewayError {
  return new GatewayError("AUTH.TOO_MANY_FAILURES", "Too many invalid API keys, retry later", {
    retryAfterSeconds,
  });
}

export function apiKey(options: ApiKeyOptions): MiddlewareHandler {
  const accepted = options.keys.map(digest);
  const { failures } = options;
  return async (c, next) => {
    const key = c.req.query("api_key") ?? c.req.header("x-api-key");
    if (accepted.length > 0) {
      const client = `ip:${clientIp(c, options.proxyHops ?? 0)}`;
      const wait = failures?.blockedFor(client) ?? 0;
      if (wait > 0) {
        options.onFailure?.("blocked");
        throw tooManyFailures(wait);
      }
      if (!key) throw new GatewayError("AUTH.MISSING_API_KEY", "No API key found in request");
      const d = digest(key);
      if (!accepted.some((k) => timingSafeEqual(k, d))) {
        options.onFailure?.("invalid");
        const counted = await failures?.recordFailure(client);
        if (counted?.blocked) throw tooManyFailures(counted.retryAfterSeconds);
        throw new GatewayError("AUTH.INVALID_API_KEY", "Invalid API key");
      }
      c.set("clientKeyId", idOfDigest(d));
    }
    await next();
  };
}

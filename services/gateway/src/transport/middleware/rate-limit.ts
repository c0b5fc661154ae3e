// Per-client rate limiting: the client is its API key (hashed) when keys are in
// use, else its IP. Every answer carries RateLimit-* headers (IETF draft), and a
// refusal is a Giphy-style 429 with Retry-After. No decision (Redis down) = pass.
import type { MiddlewareHandler } from "hono";
import type { RateLimiter } from "../../application/ports.ts";
import { GatewayError } from "../../domain/gateway-error.ts";
import { clientIp } from "./client-ip.ts";
import { setOutHeader } from "./response-headers.ts";

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** Trusted proxy hops, to find the client IP (client-ip.ts). */
  readonly proxyHops: number;
  readonly onLimited?: () => void;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const keyId: string | undefined = c.get("clientKeyId");
    const client =
      typeof keyId === "string" ? `key:${keyId}` : `ip:${clientIp(c, options.proxyHops)}`;
    const decision = await options.limiter.check(client);
    if (decision) {
      setOutHeader(c, "ratelimit-policy", `${decision.limit};w=${decision.windowSeconds}`);
      setOutHeader(c, "ratelimit-limit", String(decision.limit));
      setOutHeader(c, "ratelimit-remaining", String(decision.remaining));
      setOutHeader(c, "ratelimit-reset", String(decision.resetSeconds));
      if (!decision.allowed) {
        options.onLimited?.();
        throw new GatewayError("RATE_LIMITED", "API rate limit exceeded", {
          retryAfterSeconds: decision.resetSeconds,
        });
      }
    }
    await next();
  };
}

// The rate-limit middleware with an in-memory limiter: which identity a client is
// counted under, the RateLimit-* headers on every decided answer, the 429 with
// Retry-After, and that no decision (Redis down) lets the request through.
import type { MiddlewareHandler } from "hono";
import { describe, expect, it } from "vitest";
import type { RateLimitDecision, RateLimiter } from "../../application/ports.ts";
import { middlewareApp, testResponseHeaders } from "../../testing/middleware-app.ts";
import { rateLimit } from "./rate-limit.ts";

/** Answers `decide(n)` for a client's n-th request and records who asked. */
function scriptedLimiter(decide: (n: number) => RateLimitDecision | undefined) {
  const asked: string[] = [];
  const limiter: RateLimiter = {
    check(client) {
      asked.push(client);
      return Promise.resolve(decide(asked.filter((c) => c === client).length));
    },
  };
  return { limiter, asked };
}

const budget = (limit: number) => (n: number) => ({
  allowed: n <= limit,
  limit,
  remaining: Math.max(0, limit - n),
  resetSeconds: 17,
  windowSeconds: 60,
});

function appWith(limiter: RateLimiter, options: { keyId?: string; proxyHops?: number } = {}) {
  let limited = 0;
  const { keyId } = options;
  // What apiKey leaves for a request with a key, when the test names one.
  const asKeyed: MiddlewareHandler = async (c, next) => {
    if (keyId !== undefined) c.set("clientKeyId", keyId);
    await next();
  };
  const app = middlewareApp(
    testResponseHeaders(),
    asKeyed,
    rateLimit({
      limiter,
      proxyHops: options.proxyHops ?? 0,
      onLimited: () => {
        limited++;
      },
    }),
  );
  app.get("/v1/x", (c) => c.text("ok"));
  return { app, limited: () => limited };
}

describe("rateLimit", () => {
  it("counts a client with a key under its key id, else under its IP", async () => {
    const keyed = scriptedLimiter(budget(5));
    await appWith(keyed.limiter, { keyId: "abc123" }).app.request("/v1/x");
    expect(keyed.asked).toEqual(["key:abc123"]);

    const anonymous = scriptedLimiter(budget(5));
    await appWith(anonymous.limiter, { proxyHops: 1 }).app.request("/v1/x", {
      headers: { "x-forwarded-for": "192.0.2.44" },
    });
    expect(anonymous.asked).toEqual(["ip:192.0.2.44"]);
  });

  it("sends the RateLimit-* headers with an allowed answer", async () => {
    const res = await appWith(scriptedLimiter(budget(5)).limiter).app.request("/v1/x");
    expect(res.status).toBe(200);
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith("ratelimit")))).toEqual(
      {
        "ratelimit-limit": "5",
        "ratelimit-policy": "5;w=60",
        "ratelimit-remaining": "4",
        "ratelimit-reset": "17",
      },
    );
  });

  it("refuses the request over the limit with 429 RATE_LIMITED and Retry-After", async () => {
    const { app, limited } = appWith(scriptedLimiter(budget(1)).limiter);
    expect((await app.request("/v1/x")).status).toBe(200);
    const res = await app.request("/v1/x");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("17");
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    const body = (await res.json()) as { meta: { error_code: string } };
    expect(body.meta.error_code).toBe("RATE_LIMITED");
    expect(limited()).toBe(1);
  });

  it("lets the request through without headers when the limiter cannot decide", async () => {
    const { app, limited } = appWith(scriptedLimiter(() => undefined).limiter);
    const res = await app.request("/v1/x");
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBeNull();
    expect(limited()).toBe(0);
  });
});

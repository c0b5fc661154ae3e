// The common response headers: a request id (the client's when it is safe, else a
// fresh one), the security headers on every answer, CORS only on the API areas
// (any origin, or the listed ones with Vary: Origin), headers that middleware
// recorded, and the hot path that gets them all in one record.
import { describe, expect, it } from "vitest";
import { middlewareApp, testResponseHeaders } from "../../testing/middleware-app.ts";
import { hotHeaders, setOutHeader, type ResponseHeadersOptions } from "./response-headers.ts";

const CSP = "default-src 'self'; img-src 'self'";

function appWith(options: Partial<ResponseHeadersOptions> = {}) {
  const app = middlewareApp(
    testResponseHeaders({
      csp: CSP,
      exposeHeaders: ["X-Request-Id", "ETag"],
      corsPrefixes: ["/v1/"],
      ...options,
    }),
  );
  app.get("/v1/x", (c) => {
    setOutHeader(c, "ratelimit-limit", "10");
    return c.json({ requestId: c.get("requestId") });
  });
  app.get("/page", (c) => c.text("page"));
  app.get(
    "/v1/hot",
    (c) => new Response("{}", { headers: hotHeaders(c, { "content-type": "application/json" }) }),
  );
  return app;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("responseHeaders: request id", () => {
  it("keeps a well-formed X-Request-Id and answers with it", async () => {
    const res = await appWith().request("/v1/x", { headers: { "x-request-id": "abc-DEF_1=" } });
    expect(res.headers.get("x-request-id")).toBe("abc-DEF_1=");
    expect(await res.json()).toEqual({ requestId: "abc-DEF_1=" });
  });

  it.each([
    ["with characters a log could trip over", 'a b"c'],
    ["over 128 characters", "a".repeat(129)],
  ])("replaces one %s by a fresh UUID", async (_, incoming) => {
    const res = await appWith().request("/v1/x", { headers: { "x-request-id": incoming } });
    expect(res.headers.get("x-request-id")).toMatch(UUID);
  });

  it("gives each request without one its own id", async () => {
    const app = appWith();
    const [a, b] = await Promise.all([app.request("/v1/x"), app.request("/v1/x")]);
    expect(a.headers.get("x-request-id")).toMatch(UUID);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});

describe("responseHeaders: security and CORS", () => {
  it("sends the security headers with our CSP on every answer", async () => {
    for (const path of ["/v1/x", "/page"]) {
      const res = await appWith().request(path);
      expect(res.headers.get("content-security-policy")).toBe(CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    }
  });

  it("adds CORS for any origin on the API prefixes only", async () => {
    const app = appWith();
    const api = await app.request("/v1/x", { headers: { origin: "https://a.example" } });
    expect(api.headers.get("access-control-allow-origin")).toBe("*");
    expect(api.headers.get("access-control-expose-headers")).toBe("X-Request-Id,ETag");
    const page = await app.request("/page", { headers: { origin: "https://a.example" } });
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("with listed origins, allows only those and varies on Origin", async () => {
    const app = appWith({ corsOrigins: ["https://ok.example"] });
    const ok = await app.request("/v1/x", { headers: { origin: "https://ok.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://ok.example");
    expect(ok.headers.get("vary")).toContain("Origin");
    const other = await app.request("/v1/x", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("vary")).toContain("Origin");
  });

  it("does not let one request's allowed origin leak into the next", async () => {
    const app = appWith({ corsOrigins: ["https://ok.example"] });
    await app.request("/v1/x", { headers: { origin: "https://ok.example" } });
    const next = await app.request("/v1/x");
    expect(next.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("responseHeaders: recorded headers and the hot path", () => {
  it("applies headers recorded with setOutHeader", async () => {
    const res = await appWith().request("/v1/x");
    expect(res.headers.get("ratelimit-limit")).toBe("10");
  });

  it("gives a hot-path answer the static, recorded and its own headers in one record", async () => {
    const res = await appWith().request("/v1/hot", { headers: { "x-request-id": "hot-1" } });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toBe("hot-1");
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

// Cached answers leave as cached bytes spliced with a fresh meta: the same data and
// weak ETag on every hit, a per-response response_id, 304 on If-None-Match, and the
// security/CORS headers hono's own middleware would send.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../testing/test-app.ts";

describe("cached answers", () => {
  it("serves the cached bytes with a fresh response_id, a weak ETag and 304 on If-None-Match", async () => {
    const { app } = createTestApp();
    const first = await app.request("/v1/gifs/search?q=cats");
    const second = await app.request("/v1/gifs/search?q=cats");
    expect(second.headers.get("x-cache")).toBe("HIT-L1");
    const [a, b] = [
      (await first.json()) as { data: unknown; meta: { response_id: string } },
      (await second.json()) as { data: unknown; meta: { response_id: string } },
    ];
    expect(b.data).toEqual(a.data);
    expect(b.meta.response_id).not.toBe(a.meta.response_id);
    expect(second.headers.get("x-request-id")).toBe(b.meta.response_id);
    const etag = second.headers.get("etag");
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers.get("etag")).toBe(etag);
    expect(second.headers.get("vary")).toContain("Accept-Encoding");
    const notModified = await app.request("/v1/gifs/search?q=cats", {
      headers: { "if-none-match": etag ?? "" },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
  });

  it("sends the security headers hono's secureHeaders would, plus CORS on the API", async () => {
    const probe = new Hono();
    probe.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
    probe.get("/", (c) => c.body(null));
    const expected = (await probe.request("/")).headers;
    const { app } = createTestApp();
    const res = await app.request("/v1/gifs/search?q=cats");
    for (const [name, value] of expected)
      if (name !== "content-security-policy")
        expect([name, res.headers.get(name)]).toEqual([name, value]);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

// Route tests through app.request(): Giphy shape, validation, errors, cache, keys,
// rate limits. Storage is the in-process Connect router from testing/.
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  gifListResponseSchema,
  gifResponseSchema,
  errorResponseSchema,
} from "../domain/giphy-shape.ts";
import { OBJECT_KEY } from "../testing/fake-storage.ts";
import { countingLimiter, createTestApp } from "../testing/test-app.ts";

async function body(res: Response): Promise<{
  data: unknown;
  meta: {
    status: number;
    msg: string;
    response_id: string;
    error_code?: string;
    errors?: { field: string }[];
  };
}> {
  return (await res.json()) as never;
}

describe("GET /v1/gifs/search", () => {
  it("answers in Giphy's shape with archive state and archived URLs rewritten", async () => {
    const { app } = createTestApp();
    const res = await app.request("/v1/gifs/search?q=cats&api_key=x&pingback_id=y");
    expect(res.status).toBe(200);
    const json: unknown = await res.json();
    const parsed = gifListResponseSchema.parse(json);
    expect(parsed.meta.response_id).not.toBe("");
    expect(res.headers.get("x-request-id")).toBe(parsed.meta.response_id);
    expect(parsed.pagination).toEqual({ total_count: 3, count: 3, offset: 0 });
    const [archived, pending, failed] = parsed.data;
    expect(archived?.images.original?.url).toBe(`http://gw.test/media/${OBJECT_KEY}`);
    expect(archived?.images.original?.width).toBe("480");
    expect(archived?.images.fixed_width?.url).toContain("media.giphy.com");
    expect(archived?.gifmesh.archive).toMatchObject({
      status: "archived",
      sha256: "a".repeat(64),
      size: "1234",
    });
    expect(pending?.gifmesh.archive.status).toBe("pending");
    expect(pending?.images.original?.url).toContain("media.giphy.com");
    expect(failed?.gifmesh.archive).toMatchObject({
      status: "failed",
      error_code: "ARCHIVE.TOO_LARGE",
    });
    expect(archived?.import_datetime).toBe("2020-05-06 07:08:09");
    expect(archived?.trending_datetime).toBe("0000-00-00 00:00:00");
  });

  it("serves a repeated search from cache, with normalised keys, without calling storage again", async () => {
    const { app, storage } = createTestApp();
    const first = await app.request("/v1/gifs/search?q=Funny%20Cats");
    expect(first.headers.get("x-cache")).toBe("MISS");
    const second = await app.request(
      "/v1/gifs/search?q=%20funny%20%20cats%20&limit=25&offset=0&api_key=other",
    );
    expect(second.headers.get("x-cache")).toBe("HIT-L1");
    expect(storage.calls.searchGifs).toBe(1);
    expect((await body(first)).meta.response_id).not.toBe((await body(second)).meta.response_id);
  });

  it("makes one storage call for concurrent identical searches (single flight)", async () => {
    const { app, storage } = createTestApp();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => Promise.resolve(app.request("/v1/gifs/search?q=dogs"))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(storage.calls.searchGifs).toBe(1);
  });

  it.each([
    ["", 400, "REQUEST.INVALID"],
    ["?q=", 400, "REQUEST.INVALID"],
    [`?q=${"a".repeat(51)}`, 414, "REQUEST.QUERY_TOO_LONG"],
    ["?q=cat%00", 400, "REQUEST.INVALID"],
    ["?q=%07bell", 400, "REQUEST.INVALID"],
    ["?q=cats&limit=0", 400, "REQUEST.INVALID"],
    ["?q=cats&limit=51", 400, "REQUEST.INVALID"],
    ["?q=cats&limit=abc", 400, "REQUEST.INVALID"],
    ["?q=cats&offset=-1", 400, "REQUEST.INVALID"],
    ["?q=cats&offset=5000", 400, "REQUEST.INVALID"],
    ["?q=cats&rating=nc-17", 400, "REQUEST.INVALID"],
    ["?q=cats&lang=eng", 400, "REQUEST.INVALID"],
    ["?q=cats&q=dogs", 400, "REQUEST.INVALID"],
    ["?q=cats&color=red", 400, "REQUEST.UNKNOWN_PARAMETER"],
  ])("rejects %s with %i %s", async (query, status, code) => {
    const { app, storage } = createTestApp();
    const res = await app.request(`/v1/gifs/search${query}`);
    expect(res.status).toBe(status);
    const json = errorResponseSchema.parse(await res.json());
    expect(json.meta).toMatchObject({ status, error_code: code });
    expect(json.meta.response_id).not.toBe("");
    expect(storage.calls.searchGifs).toBeUndefined();
  });

  it("accepts every Giphy rating and a 2-letter lang", async () => {
    const { app } = createTestApp();
    for (const rating of ["g", "pg", "pg-13", "r"]) {
      expect((await app.request(`/v1/gifs/search?q=cats&rating=${rating}&lang=EN`)).status).toBe(
        200,
      );
    }
  });

  it.each([
    [Code.Unavailable, 503, "STORAGE.UNAVAILABLE", "1"],
    [Code.ResourceExhausted, 429, "STORAGE.RESOURCE_EXHAUSTED", "1"],
    [Code.DeadlineExceeded, 504, "STORAGE.TIMEOUT", null],
    [Code.InvalidArgument, 400, "REQUEST.INVALID", null],
    [Code.Internal, 502, "STORAGE.FAILED", null],
  ])("maps storage code %i to HTTP %i", async (code, status, errorCode, retryAfter) => {
    const { app, storage } = createTestApp();
    storage.failWith = code;
    const res = await app.request("/v1/gifs/search?q=cats");
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBe(retryAfter);
    expect((await body(res)).meta.error_code).toBe(errorCode);
  });
});

describe("other Giphy routes", () => {
  it("trending, by id and by ids validate against Giphy's shape", async () => {
    const { app } = createTestApp();
    gifListResponseSchema.parse(
      await (await app.request("/v1/gifs/trending?limit=2&rating=pg-13")).json(),
    );
    const one = gifResponseSchema.parse(await (await app.request("/v1/gifs/arch1")).json());
    expect(one.data.id).toBe("arch1");
    const many = gifListResponseSchema.parse(
      await (await app.request("/v1/gifs?ids=fail1,arch1,unknown")).json(),
    );
    // The fake storage answers in its own order; the client gets the order it asked.
    expect(many.data.map((g) => g.id)).toEqual(["fail1", "arch1"]);
    expect(many.pagination.count).toBe(2);
  });

  it("404s an unknown GIF and caches that briefly", async () => {
    const { app, storage } = createTestApp();
    const res = await app.request("/v1/gifs/nope");
    expect(res.status).toBe(404);
    expect((await body(res)).meta.error_code).toBe("GIF.NOT_FOUND");
    await app.request("/v1/gifs/nope");
    expect(storage.calls.getGif).toBe(1);
  });

  it.each([
    ["/v1/gifs?ids=", 400],
    [`/v1/gifs?ids=${Array.from({ length: 101 }, (_, i) => `id${i}`).join(",")}`, 400],
    ["/v1/gifs?ids=ok,bad%20id", 400],
    ["/v1/gifs/bad%20id", 400],
    ["/v1/gifs/trending?offset=500", 400],
    ["/v1/nothing", 404],
  ])("rejects %s with %i", async (path, status) => {
    const { app } = createTestApp();
    const res = await app.request(path);
    expect(res.status).toBe(status);
    expect((await body(res)).meta.status).toBe(status);
  });
});

describe("API keys and rate limits", () => {
  it("open mode accepts any key; configured keys are enforced", async () => {
    expect((await createTestApp().app.request("/v1/gifs/trending")).status).toBe(200);
    const { app } = createTestApp({ apiKeys: ["secret-1", "secret-2"] });
    const missing = await app.request("/v1/gifs/trending");
    expect([missing.status, (await body(missing)).meta.error_code]).toEqual([
      401,
      "AUTH.MISSING_API_KEY",
    ]);
    const wrong = await app.request("/v1/gifs/trending?api_key=nope");
    expect([wrong.status, (await body(wrong)).meta.error_code]).toEqual([
      403,
      "AUTH.INVALID_API_KEY",
    ]);
    expect((await app.request("/v1/gifs/trending?api_key=secret-2")).status).toBe(200);
    expect(
      (await app.request("/v1/gifs/trending", { headers: { "X-Api-Key": "secret-1" } })).status,
    ).toBe(200);
  });

  it("answers 429 with Retry-After and RateLimit headers past the limit", async () => {
    const { app } = createTestApp({ limiter: countingLimiter(2) });
    const ok = await app.request("/v1/gifs/trending");
    expect(ok.headers.get("ratelimit-limit")).toBe("2");
    expect(ok.headers.get("ratelimit-remaining")).toBe("1");
    await app.request("/v1/gifs/trending");
    const limited = await app.request("/v1/gifs/trending");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("42");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect((await body(limited)).meta.error_code).toBe("RATE_LIMITED");
  });
});

describe("HTTP hygiene, page and OpenAPI", () => {
  it("sets security headers, CORS and compresses JSON", async () => {
    const { app } = createTestApp();
    const res = await app.request("/v1/gifs/trending", {
      headers: { Origin: "https://example.com", "Accept-Encoding": "gzip" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it("serves the page, the docs page and an OpenAPI 3.1 document built from the schemas", async () => {
    const { app } = createTestApp();
    const page = await app.request("/");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('id="search"');
    expect((await app.request("/docs")).status).toBe(200);
    const doc = (await (await app.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, { get: { parameters: { name: string }[] } }>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/gifs/search", "/v1/gifs/trending", "/v1/gifs", "/v1/gifs/{id}"]),
    );
    expect(doc.paths["/v1/gifs/search"]?.get.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(["q", "limit", "offset", "rating", "lang"]),
    );
  });
});

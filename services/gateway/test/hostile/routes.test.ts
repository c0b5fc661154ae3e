// Hostile input against the gateway's HTTP app in-process (app.request, the fake
// storage of src/testing): thousands of generated query strings, paths and headers.
// Every answer must be a 2xx/3xx or a clean 4xx Giphy-style JSON error with a
// stable code, never a 5xx (see hostile-inputs.ts for the invariant).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OBJECT_KEY } from "../../src/testing/fake-storage.ts";
import { createTestApp } from "../../src/testing/test-app.ts";
import {
  encodeValue,
  expectCleanAnswer,
  hostilePath,
  hostileQuery,
  hostileValue,
  NASTY_VALUES,
  PARAM_NAMES,
} from "./hostile-inputs.ts";

const SEED = 20_261_108;
const ROUTES = ["/v1/gifs/search", "/v1/gifs/trending", "/v1/gifs", "/v1/gifs/arch1"] as const;
const GIF_BYTES = new Uint8Array(Buffer.from("GIF89a-archived-bytes-for-hostile-tests"));

function app(overrides: Parameters<typeof createTestApp>[0] = {}) {
  return createTestApp(overrides, { [OBJECT_KEY]: GIF_BYTES });
}

/** A header value the Fetch API accepts (it refuses CR, LF and NUL itself). */
function headerSafe(value: string): string | undefined {
  try {
    new Headers({ x: value });
    return value;
  } catch {
    return undefined;
  }
}

const headerValue = fc
  .oneof(
    fc.constantFrom(...NASTY_VALUES),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.string({ maxLength: 200 }),
    fc.stringMatching(/^bytes=[-0-9, ]{0,30}$/),
    fc.stringMatching(/^(W\/)?"[0-9a-f*]{0,66}"(, ?"[a-z]*")?$/),
  )
  .map(headerSafe)
  .filter((v): v is string => v !== undefined);

describe("gateway query parameters (in-process)", () => {
  it("answers any query string on every route with a clean 4xx or a 200, never a 5xx", async () => {
    const { app: gateway } = app();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), hostileQuery, async (route, query) => {
        const path = `${route}?${query}`;
        await expectCleanAnswer(await gateway.request(path), path);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("treats each Giphy parameter's hostile values as a 400/414 with the field named, or accepts them", async () => {
    const { app: gateway, storage } = app();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("q", "limit", "offset", "rating", "lang"),
        hostileValue,
        async (name, value) => {
          const query = name === "q" ? `q=${value}` : `q=cats&${name}=${value}`;
          const path = `/v1/gifs/search?${query}`;
          const code = await expectCleanAnswer(await gateway.request(path), path);
          expect(["200", "REQUEST.INVALID", "REQUEST.QUERY_TOO_LONG"], path).toContain(code);
        },
      ),
      { seed: SEED, numRuns: 800 },
    );
    // Storage only ever saw what validation let through.
    expect(storage.calls.searchGifs ?? 0).toBeGreaterThan(0);
  });

  it("rejects every repeated parameter, including the ignored ones, with REQUEST.INVALID", async () => {
    const { app: gateway, storage } = app();
    for (const name of PARAM_NAMES.slice(0, 13)) {
      const base = name === "q" ? "" : "q=cats&";
      const path = `/v1/gifs/search?${base}${encodeValue(name)}=1&${encodeValue(name)}=2`;
      const code = await expectCleanAnswer(await gateway.request(path), path);
      expect(["REQUEST.INVALID", "REQUEST.UNKNOWN_PARAMETER"], path).toContain(code);
    }
    expect(storage.calls.searchGifs).toBeUndefined();
  });

  it("ids lists: huge, empty, hostile members → 400; never a storage call with a bad id", async () => {
    const { app: gateway } = app();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), hostileValue), {
          maxLength: 160,
        }),
        async (ids) => {
          const path = `/v1/gifs?ids=${ids.join(",")}`;
          await expectCleanAnswer(await gateway.request(path), path.slice(0, 200));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("enforces API keys against hostile keys in the query and the header", async () => {
    // Every hostile key is a failed guess: the failed-key limit (tested in
    // api-key.test.ts) is lifted so each answer is about the key itself.
    const { app: gateway } = app({ apiKeys: ["the-real-key"], keyFailureMax: 1_000_000 });
    await fc.assert(
      fc.asyncProperty(hostileValue, headerValue, async (queryKey, headerKey) => {
        const byQuery = await gateway.request(`/v1/gifs/trending?api_key=${queryKey}`);
        const code = await expectCleanAnswer(byQuery, queryKey);
        expect(["AUTH.MISSING_API_KEY", "AUTH.INVALID_API_KEY"]).toContain(code);
        const byHeader = await gateway.request("/v1/gifs/trending", {
          headers: { "x-api-key": headerKey },
        });
        expect(["AUTH.MISSING_API_KEY", "AUTH.INVALID_API_KEY"]).toContain(
          await expectCleanAnswer(byHeader, headerKey),
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("gateway paths and headers (in-process)", () => {
  it("answers any path (traversal, encoded separators, raw bytes, huge) without a 5xx", async () => {
    const { app: gateway } = app();
    await fc.assert(
      fc.asyncProperty(
        hostilePath,
        fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"),
        async (path, method) => {
          const res = await gateway.request(path, { method });
          if (method === "HEAD" || res.status === 204 || res.status === 304) {
            expect(res.status, `${method} ${path}`).toBeLessThan(500);
            return;
          }
          await expectCleanAnswer(res, `${method} ${path}`);
        },
      ),
      { seed: SEED, numRuns: 1_500 },
    );
  });

  it("never serves a media key outside the content-addressed shape", async () => {
    const { app: gateway } = app();
    await fc.assert(
      fc.asyncProperty(hostilePath, async (path) => {
        const res = await gateway.request(`/media/${path}`);
        const code = await expectCleanAnswer(res, path);
        expect([
          "MEDIA.NOT_FOUND",
          "REQUEST.INVALID",
          "GIF.NOT_FOUND",
          "ROUTE.NOT_FOUND",
        ]).toContain(code);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("survives hostile Range, If-Range, If-None-Match, X-Request-Id and X-Forwarded-For", async () => {
    const { app: gateway } = app({ proxyHops: 2 });
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        headerValue,
        headerValue,
        headerValue,
        async (range, ifRange, etag, other) => {
          const media = await gateway.request(`/media/${OBJECT_KEY}`, {
            headers: { range, "if-range": ifRange, "if-none-match": etag, "x-request-id": other },
          });
          expect([200, 206, 304, 416], `${range} | ${ifRange} | ${etag}`).toContain(media.status);
          if (media.status === 416) await expectCleanAnswer(media, range);
          else await media.arrayBuffer();
          const search = await gateway.request("/v1/gifs/search?q=cats", {
            headers: { "x-forwarded-for": other, "x-request-id": other, "accept-encoding": etag },
          });
          await expectCleanAnswer(search, other);
          const id = search.headers.get("x-request-id") ?? "";
          expect(id.length).toBeLessThanOrEqual(255);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});

// Every GiphyPort method against a Giphy stand-in on loopback: the path and query
// Giphy receives (parameters as given, q as typed, no bundle/fields, encoded
// segments), the answer mapped, and what 404, 400, a bad shape and 503 do to the
// call and the breaker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCircuitBreaker } from "./circuit-breaker.ts";
import { createGiphyClient } from "./giphy-client.ts";

const fixture = (name: string): { data: unknown } =>
  JSON.parse(readFileSync(new URL(`testdata/${name}.json`, import.meta.url), "utf8")) as {
    data: unknown;
  };
const gifObject = fixture("gif").data as Record<string, unknown>;
const meta = { status: 200, msg: "OK", response_id: "r1" };
const list = (data: unknown[], pagination: Record<string, unknown> = {}) => ({
  data,
  pagination: { total_count: 77, count: data.length, offset: 3, ...pagination },
  meta,
});

let server: Server;
let base = "";
let reply: { status: number; body: unknown } = { status: 200, body: {} };
const seen: URL[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(new URL(req.url ?? "/", "http://giphy.test"));
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

function client(
  breaker = createCircuitBreaker({
    failureRate: 0.5,
    minimumCalls: 5,
    windowMs: 60_000,
    openMs: 60_000,
    halfOpenCalls: 1,
  }),
) {
  return {
    breaker,
    giphy: createGiphyClient({
      baseUrl: base,
      apiKey: "secret-key",
      timeoutMs: 2_000,
      retries: 2,
      breaker,
    }),
  };
}

/** The last request: its path and its query without the api_key. */
function last(): { path: string; query: Record<string, string> } {
  const url = seen.at(-1);
  if (url === undefined) throw new Error("no request");
  const query = Object.fromEntries(url.searchParams);
  expect(query.api_key).toBe("secret-key");
  delete query.api_key;
  return { path: url.pathname, query };
}

describe("giphy endpoints", () => {
  it("search: /v1/{type}/search, every parameter as given, q as typed", async () => {
    reply = { status: 200, body: list([gifObject]) };
    const { giphy } = client();
    const page = await giphy.search({
      query: "Happy  Cats ü/&?",
      limit: 10,
      offset: 3,
      rating: "y",
      lang: "zh-CN",
      type: "stickers",
      sort: "recent",
      countryCode: "US",
      region: "CA",
      removeLowContrast: true,
      excludeDynamicResults: false,
    });
    expect(last()).toEqual({
      path: "/v1/stickers/search",
      query: {
        q: "Happy  Cats ü/&?",
        limit: "10",
        offset: "3",
        rating: "y",
        lang: "zh-CN",
        sort: "recent",
        country_code: "US",
        region: "CA",
        remove_low_contrast: "true",
        excludeDynamicResults: "false",
      },
    });
    expect(page).toMatchObject({ totalCount: 77, offset: 3 });
    expect(page.gifs[0]?.id).toBe(gifObject.id);
    expect(page.gifs[0]?.giphyObject).toEqual(gifObject);
  });

  it("trending, optional parameters left out", async () => {
    reply = { status: 200, body: list([gifObject]) };
    const { giphy } = client();
    await giphy.trending({ limit: 5, offset: 0, rating: undefined });
    expect(last()).toEqual({ path: "/v1/gifs/trending", query: { limit: "5", offset: "0" } });
    await giphy.trending({
      limit: 5,
      offset: 0,
      rating: "g",
      type: "videos",
      countryCode: "DE",
      region: "BY",
    });
    expect(last()).toEqual({
      path: "/v1/videos/trending",
      query: { limit: "5", offset: "0", rating: "g", country_code: "DE", region: "BY" },
    });
  });

  it("getById and getByIds; 404 is undefined", async () => {
    reply = { status: 200, body: { data: gifObject, meta } };
    const { giphy, breaker } = client();
    expect((await giphy.getById("l0HlyLQsbvhciAuKA"))?.giphyObject).toEqual(gifObject);
    expect(last().path).toBe("/v1/gifs/l0HlyLQsbvhciAuKA");
    reply = { status: 200, body: list([gifObject]) };
    expect(await giphy.getByIds(["a1", "b2"])).toHaveLength(1);
    expect(last()).toEqual({ path: "/v1/gifs", query: { ids: "a1,b2" } });
    reply = { status: 404, body: { meta: { status: 404 } } };
    expect(await giphy.getById("x y")).toBeUndefined();
    expect(seen.at(-1)?.pathname).toBe("/v1/gifs/x%20y");
    expect(seen).toHaveLength(3);
    expect(breaker.state()).toBe("closed");
  });

  it("random: tag and rating; data [] or {} is undefined", async () => {
    const { giphy } = client();
    reply = { status: 200, body: { data: gifObject, meta } };
    expect((await giphy.random({ type: "stickers", tag: "Cat Dance", rating: "pg-13" }))?.id).toBe(
      gifObject.id,
    );
    expect(last()).toEqual({
      path: "/v1/stickers/random",
      query: { tag: "Cat Dance", rating: "pg-13" },
    });
    for (const data of [[], {}]) {
      reply = { status: 200, body: { data, meta } };
      expect(await giphy.random({ type: "gifs", rating: undefined })).toBeUndefined();
      expect(last()).toEqual({ path: "/v1/gifs/random", query: {} });
    }
  });

  it("translate: s and weirdness", async () => {
    const { giphy } = client();
    reply = { status: 200, body: { data: gifObject, meta } };
    expect(
      (
        await giphy.translate({
          type: "gifs",
          phrase: "Good Morning",
          weirdness: 7,
          rating: "r",
          lang: "es",
        })
      )?.id,
    ).toBe(gifObject.id);
    expect(last()).toEqual({
      path: "/v1/gifs/translate",
      query: { s: "Good Morning", weirdness: "7", rating: "r", lang: "es" },
    });
    reply = { status: 200, body: { data: [], meta } };
    expect(
      await giphy.translate({ type: "stickers", phrase: "zzz", rating: undefined }),
    ).toBeUndefined();
  });

  it("related: gif_id; 404 is GIPHY.NOT_FOUND", async () => {
    const { giphy } = client();
    reply = { status: 200, body: list([gifObject]) };
    await giphy.related({ gifId: "abc", type: "videos", limit: 4, offset: 8, rating: "g" });
    expect(last()).toEqual({
      path: "/v1/videos/related",
      query: { gif_id: "abc", limit: "4", offset: "8", rating: "g" },
    });
    reply = { status: 404, body: {} };
    await expect(
      giphy.related({ gifId: "nope", type: "gifs", limit: 4, offset: 0, rating: undefined }),
    ).rejects.toMatchObject({ code: "GIPHY.NOT_FOUND" });
  });

  it("categories, subcategories (encoded), category GIFs", async () => {
    const { giphy } = client();
    const category = {
      name: "Actions",
      name_encoded: "actions",
      subcategories: [{ name: "Cooking", name_encoded: "cooking", extra: 1 }],
      gif: gifObject,
      future_member: { a: [1] },
    };
    reply = { status: 200, body: list([category, { name: "No gif", name_encoded: "no-gif" }]) };
    const page = await giphy.categories({});
    expect(last()).toEqual({ path: "/v1/gifs/categories", query: {} });
    expect(page.categories).toHaveLength(2);
    expect(page.categories[0]).toMatchObject({
      name: "Actions",
      nameEncoded: "actions",
      giphyObject: category,
    });
    expect(page.categories[0]?.subcategories[0]).toMatchObject({
      nameEncoded: "cooking",
      giphyObject: category.subcategories[0],
    });
    expect(page.categories[0]?.gif?.giphyObject).toEqual(gifObject);
    expect(page.categories[1]?.gif).toBeNull();
    await giphy.subcategories({ category: "food & drink", limit: 10, offset: 20 });
    expect(last()).toEqual({
      path: "/v1/gifs/categories/food%20%26%20drink",
      query: { limit: "10", offset: "20" },
    });
    reply = { status: 200, body: list([gifObject]) };
    await giphy.categoryGifs({
      category: "a/b",
      subcategory: "c?d",
      limit: 2,
      offset: 0,
      rating: "pg",
    });
    expect(last()).toEqual({
      path: "/v1/gifs/categories/a%2Fb/c%3Fd",
      query: { limit: "2", offset: "0", rating: "pg" },
    });
    reply = { status: 404, body: {} };
    await expect(giphy.subcategories({ category: "nope" })).rejects.toMatchObject({
      code: "GIPHY.NOT_FOUND",
    });
  });

  it("emoji v1 and v2 (next_cursor), variations", async () => {
    const { giphy } = client();
    reply = { status: 200, body: list([gifObject]) };
    expect((await giphy.emoji({ apiVersion: 1, limit: 3, offset: 6 })).nextCursor).toBeUndefined();
    expect(last()).toEqual({ path: "/v1/emoji", query: { limit: "3", offset: "6" } });
    reply = { status: 200, body: list([gifObject], { next_cursor: 1234 }) };
    expect((await giphy.emoji({ apiVersion: 2, limit: 3, offset: 0 })).nextCursor).toBe("1234");
    expect(last()).toEqual({ path: "/v2/emoji", query: { limit: "3", offset: "0" } });
    reply = { status: 200, body: fixture("emoji-variations") };
    const variations = await giphy.emojiVariations("dalJ0CpF7hwmN1nZXe");
    expect(last()).toEqual({ path: "/v2/emoji/dalJ0CpF7hwmN1nZXe/variations", query: {} });
    expect(variations.gifs.length).toBe((fixture("emoji-variations").data as unknown[]).length);
    reply = { status: 404, body: {} };
    await expect(giphy.emojiVariations("nope")).rejects.toMatchObject({ code: "GIPHY.NOT_FOUND" });
  });

  it("animate text: m", async () => {
    const { giphy } = client();
    reply = { status: 200, body: list([gifObject]) };
    await giphy.animateText({ text: "Hello World!", limit: 5, offset: 0 });
    expect(last()).toEqual({
      path: "/v1/text/animate",
      query: { m: "Hello World!", limit: "5", offset: "0" },
    });
  });

  it("channels, autocomplete, related tags, trending searches, random id", async () => {
    const { giphy } = client();
    reply = { status: 200, body: fixture("channels-search") };
    const channels = await giphy.searchChannels({ query: "NBA Finals", limit: 10, offset: 0 });
    expect(last()).toEqual({
      path: "/v1/channels/search",
      query: { q: "NBA Finals", limit: "10", offset: "0" },
    });
    expect(channels.channels[0]?.giphyObject).toEqual(
      (fixture("channels-search").data as unknown[])[0],
    );
    const term = { name: "cats", analytics_response_payload: "x" };
    reply = { status: 200, body: list([term]) };
    const tags = await giphy.autocompleteTags({ query: "Ca", limit: 5, offset: 0, rating: "g" });
    expect(last()).toEqual({
      path: "/v1/gifs/search/tags",
      query: { q: "Ca", limit: "5", offset: "0", rating: "g" },
    });
    expect(tags.terms).toEqual([{ name: "cats", giphyObject: term }]);
    await giphy.relatedTags("funny cats/dogs");
    expect(last()).toEqual({ path: "/v1/tags/related/funny%20cats%2Fdogs", query: {} });
    reply = { status: 200, body: fixture("trending-searches") };
    expect(await giphy.trendingSearches()).toEqual(fixture("trending-searches").data);
    expect(last()).toEqual({ path: "/v1/trending/searches", query: {} });
    reply = { status: 200, body: { data: { random_id: "e0771ef8a3d1a4e4" }, meta } };
    expect(await giphy.randomId()).toBe("e0771ef8a3d1a4e4");
    expect(last()).toEqual({ path: "/v1/randomid", query: {} });
  });

  it("never sends bundle or fields", async () => {
    reply = { status: 200, body: list([gifObject]) };
    const { giphy } = client();
    await giphy.search({ query: "x", limit: 1, offset: 0, rating: undefined, lang: "en" });
    expect(seen.at(-1)?.searchParams.has("bundle")).toBe(false);
    expect(seen.at(-1)?.searchParams.has("fields")).toBe(false);
  });

  it("400 is GIPHY.REJECTED, tried once; the breaker stays closed", async () => {
    reply = { status: 400, body: { meta: { status: 400 } } };
    const { giphy, breaker } = client();
    await expect(
      giphy.search({ query: "x", limit: 1, offset: 0, rating: undefined, lang: "en" }),
    ).rejects.toMatchObject({ code: "GIPHY.REJECTED" });
    expect(seen).toHaveLength(1);
    expect(breaker.state()).toBe("closed");
  });

  it("10 answers of the wrong shape and 10 404s leave the breaker closed; 5 × 503 open it", async () => {
    const { giphy, breaker } = client();
    reply = { status: 200, body: { data: { not: "a list" }, meta } };
    for (let i = 0; i < 10; i++)
      await expect(
        giphy.trending({ limit: 1, offset: 0, rating: undefined }),
      ).rejects.toMatchObject({ code: "GIPHY.BAD_RESPONSE" });
    expect(seen).toHaveLength(10); // not retried
    reply = { status: 404, body: {} };
    for (let i = 0; i < 10; i++)
      await expect(giphy.emojiVariations("x")).rejects.toMatchObject({ code: "GIPHY.NOT_FOUND" });
    expect(seen).toHaveLength(20);
    expect(breaker.state()).toBe("closed");

    const fresh = client();
    reply = { status: 503, body: {} };
    const noRetry = createGiphyClient({
      baseUrl: base,
      apiKey: "k",
      timeoutMs: 2_000,
      retries: 0,
      breaker: fresh.breaker,
    });
    for (let i = 0; i < 5; i++)
      await expect(
        noRetry.trending({ limit: 1, offset: 0, rating: undefined }),
      ).rejects.toMatchObject({ code: "GIPHY.UNAVAILABLE" });
    expect(fresh.breaker.state()).toBe("open");
  });
});

describe("giphy answers PostgreSQL cannot hold", () => {
  it("drops U+0000 from every string of the kept object", async () => {
    reply = {
      status: 200,
      body: `{"data":${JSON.stringify({ ...gifObject, title: "a\u0000b", extra: ["x\u0000"] })},"meta":{"status":200,"response_id":"r"}}`,
    };
    const gif = await client().giphy.getById("l0HlyLQsbvhciAuKA");
    expect(gif?.title).toBe("ab");
    expect(gif?.giphyObject?.title).toBe("ab");
    expect(gif?.giphyObject?.extra).toEqual(["x"]);
  });
});

// The read use cases with an in-memory GifStore and an in-memory cache: what they
// ask storage (normalised query, defaults, the contract's rating), how answers are
// shaped (Giphy objects with archived media URLs, pagination), how long each may be
// cached (empty and pending answers briefly), and that a repeated question is one
// load, whatever the order of its ids.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { PaginationSchema, Rating, type Gif } from "@gifmesh/shared/contracts";
import { fixtureGif, OBJECT_KEY } from "../testing/fake-storage.ts";
import { createGifQueries } from "./gif-queries.ts";
import type {
  CacheClass,
  CachedBody,
  GifPage,
  GifStore,
  Loaded,
  ResponseCache,
  SearchParams,
  TrendingParams,
} from "./ports.ts";

/** Storage as a list of GIFs, recording every call. */
function memoryStore(gifs: Gif[]) {
  const calls: { method: string; params: unknown }[] = [];
  const page = (list: Gif[], offset: number, limit: number): GifPage => ({
    gifs: list.slice(offset, offset + limit),
    pagination: create(PaginationSchema, {
      totalCount: list.length,
      count: Math.min(limit, list.length),
      offset,
    }),
  });
  const store: GifStore = {
    search(params: SearchParams) {
      calls.push({ method: "search", params });
      return Promise.resolve(
        params.query === "nothing" ? page([], 0, 0) : page(gifs, params.offset, params.limit),
      );
    },
    trending(params: TrendingParams) {
      calls.push({ method: "trending", params });
      return Promise.resolve(page(gifs, params.offset, params.limit));
    },
    get(id) {
      calls.push({ method: "get", params: id });
      return Promise.resolve(gifs.find((g) => g.id === id));
    },
    batchGet(ids) {
      calls.push({ method: "batchGet", params: [...ids] });
      return Promise.resolve({
        gifs: gifs.filter((g) => ids.includes(g.id)),
        missingIds: ids.filter((id) => !gifs.some((g) => g.id === id)),
      });
    },
  };
  return { store, calls };
}

/** A cache that keeps everything, recording each key and the class it was stored with. */
function memoryCache() {
  const entries = new Map<string, { value: unknown; body: CachedBody; cacheClass: CacheClass }>();
  const cache: ResponseCache = {
    async getOrLoad<T>(key: string, load: () => Promise<Loaded<T>>) {
      const hit = entries.get(key);
      if (hit) return { value: hit.value as T, body: hit.body, outcome: "l1" as const };
      const loaded = await load();
      const bytes = Buffer.from(JSON.stringify(loaded.value));
      const body = { bytes, hash: createHash("sha256").update(bytes).digest("base64url") };
      entries.set(key, { value: loaded.value, body, cacheClass: loaded.cacheClass });
      return { value: loaded.value, body, outcome: "miss" as const };
    },
  };
  return { cache, entries };
}

const BASE = "http://gw.example";

function setup(gifs: Gif[] = [fixtureGif("arch1", "archived"), fixtureGif("fail1", "failed")]) {
  const storage = memoryStore(gifs);
  const cached = memoryCache();
  const queries = createGifQueries({
    store: storage.store,
    cache: cached.cache,
    mapper: { publicBaseUrl: BASE },
  });
  const classes = () => [...cached.entries.values()].map((e) => e.cacheClass);
  return { queries, calls: storage.calls, entries: cached.entries, classes };
}

describe("search", () => {
  it("asks storage with the normalised query, language en and any rating by default", async () => {
    const { queries, calls } = setup();
    await queries.search({ q: "  Funny   CATS ", limit: 10, offset: 0 });
    expect(calls).toEqual([
      {
        method: "search",
        params: {
          query: "funny cats",
          limit: 10,
          offset: 0,
          rating: Rating.UNSPECIFIED,
          lang: "en",
        },
      },
    ]);
  });

  it("passes the Giphy rating as the contract's and the language as given", async () => {
    const { queries, calls } = setup();
    await queries.search({ q: "cats", limit: 5, offset: 2, rating: "pg-13", lang: "de" });
    expect(calls[0]?.params).toMatchObject({ rating: Rating.PG_13, lang: "de", offset: 2 });
  });

  it("answers Giphy objects whose archived rendition points at the gateway's media URL", async () => {
    const { queries } = setup();
    const { value, outcome } = await queries.search({ q: "cats", limit: 25, offset: 0 });
    expect(outcome).toBe("miss");
    expect(value.data.map((g) => g.id)).toEqual(["arch1", "fail1"]);
    expect(value.data[0]?.images.original?.url).toBe(`${BASE}/media/${OBJECT_KEY}`);
    expect(value.data[0]?.gifmesh.archive.status).toBe("archived");
    expect(value.data[1]?.images.original?.url).toBe(
      "https://media.giphy.com/media/fail1/giphy.gif",
    );
    expect(value.pagination).toEqual({ total_count: 2, count: 2, offset: 0 });
  });

  it("asks storage once for the same question, however the phrase is spelled", async () => {
    const { queries, calls } = setup();
    const first = await queries.search({ q: "Cats", limit: 25, offset: 0 });
    const again = await queries.search({ q: " cats ", limit: 25, offset: 0 });
    expect(calls).toHaveLength(1);
    expect(again.outcome).toBe("l1");
    expect(again.body.hash).toBe(first.body.hash);
  });

  it("keeps a full answer normally, an empty one and one with a pending archive briefly", async () => {
    const done = setup();
    await done.queries.search({ q: "cats", limit: 25, offset: 0 });
    await done.queries.search({ q: "nothing", limit: 25, offset: 0 });
    expect(done.classes()).toEqual(["normal", "empty"]);

    const pending = setup([fixtureGif("arch1", "archived"), fixtureGif("pend1", "pending")]);
    await pending.queries.search({ q: "cats", limit: 25, offset: 0 });
    expect(pending.classes()).toEqual(["pending"]);
  });
});

describe("trending", () => {
  it("asks storage with the page and rating, and pages the answer", async () => {
    const { queries, calls } = setup();
    const { value } = await queries.trending({ limit: 1, offset: 1, rating: "g" });
    expect(calls).toEqual([
      { method: "trending", params: { limit: 1, offset: 1, rating: Rating.G } },
    ]);
    expect(value.data.map((g) => g.id)).toEqual(["fail1"]);
    expect(value.pagination).toEqual({ total_count: 2, count: 1, offset: 1 });
  });
});

describe("get", () => {
  it("answers the GIF, and null (kept as an empty answer) for an id storage does not know", async () => {
    const { queries, classes } = setup();
    expect((await queries.get("arch1")).value?.id).toBe("arch1");
    expect((await queries.get("nope")).value).toBeNull();
    expect(classes()).toEqual(["normal", "empty"]);
  });
});

describe("byIds", () => {
  it("answers the found GIFs in the order asked, leaving unknown ids out", async () => {
    const { queries, calls } = setup();
    const { value } = await queries.byIds(["fail1", "nope", "arch1"]);
    expect(value.data.map((g) => g.id)).toEqual(["fail1", "arch1"]);
    expect(calls).toEqual([{ method: "batchGet", params: ["arch1", "fail1", "nope"] }]);
  });

  it("shares one load and one cache entry between every order of the same ids", async () => {
    const { queries, calls, entries } = setup();
    await queries.byIds(["fail1", "arch1"]);
    const reversed = await queries.byIds(["arch1", "fail1", "arch1"]);
    expect(calls).toHaveLength(1);
    expect(entries.size).toBe(1);
    expect(reversed.value.data.map((g) => g.id)).toEqual(["arch1", "fail1"]);
  });
});

describe("cache keys", () => {
  it("differ between gateways with different public URLs, whose answers hold different media URLs", async () => {
    const cached = memoryCache();
    const { store } = memoryStore([fixtureGif("arch1", "archived")]);
    const a = createGifQueries({
      store,
      cache: cached.cache,
      mapper: { publicBaseUrl: "http://a" },
    });
    const b = createGifQueries({
      store,
      cache: cached.cache,
      mapper: { publicBaseUrl: "http://b" },
    });
    await a.get("arch1");
    const fromB = await b.get("arch1");
    expect(cached.entries.size).toBe(2);
    expect(fromB.value?.gifmesh.archive.url).toBe(`http://b/media/${OBJECT_KEY}`);
  });
});

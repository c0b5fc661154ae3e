// Stale-while-open: with Giphy failing, search and trending serve the stored page
// however old it is, first after Giphy's own failures and then, once the breaker has
// opened, without calling Giphy at all; a page with nothing stored fails with the
// stable GIPHY.UNAVAILABLE code. The real Giphy client and breaker, a fetch that
// answers 503, and a catalogue in memory. Then each use case against in-memory
// ports (testing/fake-ports.ts): validation, database first, Giphy for the rest.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StorageError } from "../domain/errors.ts";
import type { GifPage, StoredGif } from "../domain/gif.ts";
import { parseSearch, parseTrending, searchKey, trendingKey } from "../domain/queries.ts";
import { createCircuitBreaker } from "../infrastructure/giphy/circuit-breaker.ts";
import { createGiphyClient } from "../infrastructure/giphy/giphy-client.ts";
import {
  fakeClock,
  gifMetadata,
  memoryCatalog,
  scriptedGiphy,
  storedGif as fakeStoredGif,
} from "../testing/fake-ports.ts";
import type { CatalogStore, StoredResult } from "./ports.ts";
import { createUseCases } from "./use-cases.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const DAY_AGO = new Date(NOW.getTime() - 86_400_000);

function storedGif(id: string): StoredGif {
  return fakeStoredGif(id, { giphyObject: null }, DAY_AGO);
}

const search = (query: string) => ({ query, limit: 25, offset: 0, rating: undefined, lang: "en" });
const trending = { limit: 25, offset: 0, rating: undefined };
const ctx = { traceHeaders: {} };

function memoryStore(results: ReadonlyMap<string, StoredResult>): CatalogStore {
  return {
    findResult: (key) => Promise.resolve(results.get(key)),
    saveFromGiphy: () => Promise.reject(new Error("nothing is saved while Giphy fails")),
    findGifs: () => Promise.resolve([]),
    findArchive: () => Promise.resolve(undefined),
    findRandomGif: () => Promise.resolve(undefined),
  };
}

describe("stale pages while Giphy fails and the breaker is open", () => {
  let giphyCalls = 0;
  beforeEach(() => {
    giphyCalls = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(() => {
      giphyCalls += 1;
      return Promise.resolve(
        new Response(JSON.stringify({ meta: { status: 503, msg: "down" } }), { status: 503 }),
      );
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("serves stored pages, stale or not, and fails a miss with GIPHY.UNAVAILABLE", async () => {
    const page = (id: string): StoredResult => ({
      gifs: [storedGif(id)],
      totalCount: 1,
      fetchedAt: DAY_AGO,
      payload: null,
    });
    const store = memoryStore(
      new Map([
        [searchKey(parseSearch(search("cats"))), page("cat1")],
        [trendingKey(parseTrending(trending)), page("hot1")],
      ]),
    );
    const breaker = createCircuitBreaker({
      failureRate: 0.5,
      minimumCalls: 2,
      windowMs: 10_000,
      openMs: 60_000,
      halfOpenCalls: 1,
    });
    const giphy = createGiphyClient({
      baseUrl: "http://giphy.invalid/v1/",
      apiKey: "k",
      timeoutMs: 1_000,
      retries: 0,
      breaker,
    });
    const stale: string[] = [];
    const useCases = createUseCases({
      store,
      giphy,
      clock: { now: () => NOW },
      searchTtlSeconds: 300,
      trendingTtlSeconds: 60,
      catalogTtlSeconds: 86_400,
      termsTtlSeconds: 3_600,
      onStale: (operation, error) => {
        stale.push(`${operation}: ${error instanceof StorageError ? error.code : "?"}`);
      },
    });

    // Giphy is asked and fails: the day-old page is served, and the breaker opens.
    for (let i = 0; i < 2; i++) {
      const served = await useCases.searchGifs(search("cats"), ctx);
      expect(served.source).toBe("database_stale");
      expect(served.gifs.map((gif) => gif.id)).toEqual(["cat1"]);
    }
    expect(giphyCalls).toBe(2);
    expect(breaker.state()).toBe("open");

    // Open: stored pages are still served, without a call to Giphy.
    const cats = await useCases.searchGifs(search("cats"), ctx);
    expect(cats).toMatchObject({ source: "database_stale", totalCount: 1 });
    const hot = await useCases.listTrending(trending, ctx);
    expect(hot.source).toBe("database_stale");
    expect(hot.gifs.map((gif) => gif.id)).toEqual(["hot1"]);
    expect(giphyCalls).toBe(2);
    expect(stale).toEqual(
      Array.from({ length: 4 }, (_, i) => `${i === 3 ? "trending" : "search"}: GIPHY.UNAVAILABLE`),
    );

    // Nothing stored for this page: the stable error code, still no call.
    const miss = useCases.searchGifs(search("dogs"), ctx);
    await expect(miss).rejects.toBeInstanceOf(StorageError);
    await expect(miss).rejects.toMatchObject({ code: "GIPHY.UNAVAILABLE" });
    expect(giphyCalls).toBe(2);
  });
});

describe("use cases against in-memory ports", () => {
  function setup(script: Parameters<typeof scriptedGiphy>[0] = {}) {
    const clock = fakeClock(NOW);
    const store = memoryCatalog(clock);
    const giphy = scriptedGiphy(script);
    const stale: string[] = [];
    const useCases = createUseCases({
      store,
      giphy,
      clock,
      searchTtlSeconds: 300,
      trendingTtlSeconds: 60,
      catalogTtlSeconds: 86_400,
      termsTtlSeconds: 3_600,
      onStale: (operation) => stale.push(operation),
    });
    return { store, giphy, stale, useCases };
  }
  const page = (...ids: string[]): GifPage => ({
    gifs: ids.map((id) => gifMetadata(id)),
    totalCount: ids.length,
    offset: 0,
  });

  describe("searchGifs", () => {
    it("refuses an invalid request with the field at fault, before any port is asked", async () => {
      const { useCases, giphy, store } = setup();
      store.failWith = new Error("the store must not be asked");
      await expect(useCases.searchGifs({ ...search("cats"), limit: 51 }, ctx)).rejects.toEqual(
        expect.objectContaining({ code: "REQUEST.INVALID_ARGUMENT", field: "limit" }),
      );
      await expect(useCases.searchGifs(search(""), ctx)).rejects.toMatchObject({
        code: "REQUEST.INVALID_ARGUMENT",
        field: "query",
      });
      expect(giphy.calls).toEqual([]);
    });

    it("asks Giphy with the parsed query, stores the page, and serves it from the database next", async () => {
      const asked: unknown[] = [];
      const { useCases, giphy, store } = setup({
        search: (params) => {
          asked.push(params);
          return Promise.resolve(page("c1", "c2"));
        },
      });
      const first = await useCases.searchGifs(search("funny cats"), ctx);
      expect(first.source).toBe("giphy");
      expect(first.gifs.map((gif) => gif.id)).toEqual(["c1", "c2"]);
      expect(asked).toMatchObject([{ query: "funny cats", limit: 25, offset: 0, lang: "en" }]);
      expect(store.archiveRequests).toEqual(["c1", "c2"]);
      const second = await useCases.searchGifs(search("funny cats"), ctx);
      expect(second.source).toBe("database");
      expect(giphy.calls).toEqual(["search"]);
    });

    it("re-checks the rating of stored pages: a GIF above the asked rating is not served", async () => {
      const { useCases, store } = setup();
      store.results.set(searchKey(parseSearch({ ...search("cats"), rating: "g" })), {
        gifs: [fakeStoredGif("mild"), { ...fakeStoredGif("strong"), rating: "r" }],
        totalCount: 2,
        fetchedAt: NOW,
        payload: null,
      });
      const served = await useCases.searchGifs({ ...search("cats"), rating: "g" }, ctx);
      expect(served.gifs.map((gif) => gif.id)).toEqual(["mild"]);
    });
  });

  describe("getGif", () => {
    it("serves a known GIF from the database without asking Giphy", async () => {
      const { useCases, store, giphy } = setup();
      store.gifs.set("known1", fakeStoredGif("known1"));
      expect(await useCases.getGif("known1", ctx)).toMatchObject({
        source: "database",
        gif: { id: "known1" },
      });
      expect(giphy.calls).toEqual([]);
    });

    it("fetches an unknown GIF from Giphy, stores it and requests its archive", async () => {
      const { useCases, store } = setup({
        getById: (id) => Promise.resolve(gifMetadata(id)),
      });
      const { gif, source } = await useCases.getGif("new1", ctx);
      expect(source).toBe("giphy");
      expect(gif.archive.kind).toBe("pending");
      expect(store.archiveRequests).toEqual(["new1"]);
    });

    it("is GIF.NOT_FOUND when Giphy has no such GIF", async () => {
      const { useCases } = setup({ getById: () => Promise.resolve(undefined) });
      await expect(useCases.getGif("nope", ctx)).rejects.toMatchObject({ code: "GIF.NOT_FOUND" });
    });

    it("refuses an id that breaks the GIF id rule", async () => {
      const { useCases, giphy } = setup();
      await expect(useCases.getGif("../etc", ctx)).rejects.toMatchObject({
        code: "REQUEST.INVALID_ARGUMENT",
        field: "id",
      });
      expect(giphy.calls).toEqual([]);
    });
  });

  describe("batchGetGifs", () => {
    it("takes known GIFs from the database and only the unknown ones from Giphy, in the asked order", async () => {
      const asked: (readonly string[])[] = [];
      const { useCases, store } = setup({
        getByIds: (ids) => {
          asked.push(ids);
          // Giphy may answer with GIFs nobody asked for: they are not stored.
          return Promise.resolve([gifMetadata("b"), gifMetadata("extra")]);
        },
      });
      store.gifs.set("a", fakeStoredGif("a"));
      const answer = await useCases.batchGetGifs(["b", "a", "c"], ctx);
      expect(asked).toEqual([["b", "c"]]);
      expect(answer.gifs.map((gif) => gif.id)).toEqual(["b", "a"]);
      expect(answer.missingIds).toEqual(["c"]);
      expect(store.archiveRequests).toEqual(["b"]);
    });

    it("with Giphy down, serves the known GIFs and lists the rest as missing", async () => {
      const { useCases, store, stale } = setup({
        getByIds: () => Promise.reject(new StorageError("GIPHY.UNAVAILABLE", "down")),
      });
      store.gifs.set("a", fakeStoredGif("a"));
      const answer = await useCases.batchGetGifs(["a", "b"], ctx);
      expect(answer.gifs.map((gif) => gif.id)).toEqual(["a"]);
      expect(answer.missingIds).toEqual(["b"]);
      expect(stale).toEqual(["batch_get"]);
    });

    it("with Giphy down and nothing known, fails with Giphy's error", async () => {
      const { useCases } = setup({
        getByIds: () => Promise.reject(new StorageError("GIPHY.UNAVAILABLE", "down")),
      });
      await expect(useCases.batchGetGifs(["a", "b"], ctx)).rejects.toMatchObject({
        code: "GIPHY.UNAVAILABLE",
      });
    });
  });

  describe("getArchiveStatus", () => {
    it("answers the stored archive state", async () => {
      const { useCases, store } = setup();
      const failed = {
        kind: "failed",
        code: "ARCHIVE.TOO_LARGE",
        reason: "too big",
        attempts: 3,
        failedAt: NOW,
      } as const;
      store.gifs.set("a", { ...fakeStoredGif("a"), archive: failed });
      expect(await useCases.getArchiveStatus("a")).toEqual(failed);
    });

    it("is GIF.NOT_FOUND for a GIF storage does not have, and names gif_id when the id is invalid", async () => {
      const { useCases } = setup();
      await expect(useCases.getArchiveStatus("unknown")).rejects.toMatchObject({
        code: "GIF.NOT_FOUND",
      });
      await expect(useCases.getArchiveStatus("")).rejects.toMatchObject({
        code: "REQUEST.INVALID_ARGUMENT",
        field: "gif_id",
      });
    });

    it("passes PostgreSQL's outage on as DATABASE.UNAVAILABLE", async () => {
      const { useCases, store } = setup();
      store.failWith = new StorageError("DATABASE.UNAVAILABLE", "postgres down");
      await expect(useCases.getArchiveStatus("a")).rejects.toMatchObject({
        code: "DATABASE.UNAVAILABLE",
      });
    });
  });

  describe("listTrending", () => {
    it("serves the stale stored page when Giphy is down, and reports it", async () => {
      const { useCases, store, stale } = setup({
        trending: () => Promise.reject(new StorageError("GIPHY.RATE_LIMITED", "slow down")),
      });
      store.results.set(trendingKey(parseTrending(trending)), {
        gifs: [fakeStoredGif("hot1")],
        totalCount: 1,
        fetchedAt: DAY_AGO,
        payload: null,
      });
      const served = await useCases.listTrending(trending, ctx);
      expect(served.source).toBe("database_stale");
      expect(served.gifs.map((gif) => gif.id)).toEqual(["hot1"]);
      expect(stale).toEqual(["trending"]);
    });
  });
});

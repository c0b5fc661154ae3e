// Stale-while-open: with Giphy failing, search and trending serve the stored page
// however old it is, first after Giphy's own failures and then, once the breaker has
// opened, without calling Giphy at all; a page with nothing stored fails with the
// stable GIPHY.UNAVAILABLE code. The real Giphy client and breaker, a fetch that
// answers 503, and a catalogue in memory.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StorageError } from "../domain/errors.ts";
import type { StoredGif } from "../domain/gif.ts";
import { parseSearch, parseTrending, searchKey, trendingKey } from "../domain/queries.ts";
import { createCircuitBreaker } from "../infrastructure/giphy/circuit-breaker.ts";
import { createGiphyClient } from "../infrastructure/giphy/giphy-client.ts";
import type { CatalogStore, StoredResult } from "./ports.ts";
import { createUseCases } from "./use-cases.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const DAY_AGO = new Date(NOW.getTime() - 86_400_000);

function storedGif(id: string): StoredGif {
  return {
    id,
    slug: `gif-${id}`,
    title: `GIF ${id}`,
    url: `https://giphy.com/gifs/${id}`,
    rating: "g",
    username: "",
    altText: "",
    embedUrl: "",
    bitlyUrl: "",
    sourceUrl: "",
    sourceTld: "",
    sourcePostUrl: "",
    isSticker: false,
    importedAt: null,
    trendingAt: null,
    user: null,
    renditions: [],
    giphyObject: null,
    archive: { kind: "pending", requestedAt: DAY_AGO },
    firstSeenAt: DAY_AGO,
    updatedAt: DAY_AGO,
  };
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

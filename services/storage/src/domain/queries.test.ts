// Request validation: every rejection names its field; a phrase is kept exactly
// as typed (Giphy matches on it), and every parameter that changes Giphy's answer
// is in the stored-answer key.
import { describe, expect, it } from "vitest";
import { StorageError } from "./errors.ts";
import {
  answerKey,
  parseCategoryName,
  parseGifId,
  parseGifIds,
  parsePage,
  parseSearch,
  parseTrending,
  phraseKey,
  ratingAllowed,
  searchKey,
  trendingKey,
} from "./queries.ts";

const search = (overrides: Partial<Parameters<typeof parseSearch>[0]> = {}) => ({
  query: "cats",
  limit: 10,
  offset: 0,
  rating: undefined,
  lang: "",
  ...overrides,
});

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof StorageError && error.code === "REQUEST.INVALID_ARGUMENT")
      return error.field;
    throw error;
  }
  return undefined;
}

describe("parseSearch", () => {
  it("keeps the query as typed and defaults limit, lang and type", () => {
    const q = parseSearch(search({ query: "  Happy   CAT ", limit: 0 }));
    expect(q).toEqual({
      query: "  Happy   CAT ",
      limit: 25,
      offset: 0,
      rating: undefined,
      lang: "en",
      type: "gifs",
    });
    // Spellings Giphy answers alike share one stored page.
    expect(searchKey(q)).toBe(searchKey(parseSearch(search({ query: "happy cat", limit: 25 }))));
    for (const other of [
      { query: "happy cats", limit: 25 },
      { query: "  Happy   CAT ", limit: 25, rating: "g" as const },
      { query: "  Happy   CAT ", limit: 25, type: "stickers" as const },
      { query: "  Happy   CAT ", limit: 25, sort: "recent" },
      { query: "  Happy   CAT ", limit: 25, countryCode: "de" },
      { query: "  Happy   CAT ", limit: 25, excludeDynamicResults: true },
    ])
      expect(searchKey(q)).not.toBe(searchKey(parseSearch(search(other))));
  });

  it("takes Giphy's optional parameters and refuses values Giphy does not know", () => {
    const q = parseSearch(
      search({
        lang: "zh-cn",
        sort: "recent",
        countryCode: "us",
        region: "us-ca",
        removeLowContrast: true,
      }),
    );
    expect(q).toMatchObject({
      lang: "zh-CN",
      sort: "recent",
      countryCode: "US",
      region: "US-CA",
      removeLowContrast: true,
    });
    expect(fieldOf(() => parseSearch(search({ sort: "best" })))).toBe("sort");
    expect(fieldOf(() => parseSearch(search({ countryCode: "USA" })))).toBe("country_code");
    expect(fieldOf(() => parseSearch(search({ region: "a b" })))).toBe("region");
    expect(fieldOf(() => parseSearch(search({ lang: "zh-CHN" })))).toBe("lang");
  });

  it("names the field of each invalid argument", () => {
    expect(fieldOf(() => parseSearch(search({ query: "   " })))).toBe("query");
    expect(fieldOf(() => parseSearch(search({ query: "x".repeat(51) })))).toBe("query");
    expect(parseSearch(search({ query: "é".repeat(50) })).query).toHaveLength(50);
    expect(fieldOf(() => parseSearch(search({ limit: 51 })))).toBe("limit");
    expect(fieldOf(() => parseSearch(search({ limit: -1 })))).toBe("limit");
    expect(fieldOf(() => parseSearch(search({ limit: 1.5 })))).toBe("limit");
    expect(fieldOf(() => parseSearch(search({ offset: 5000 })))).toBe("offset");
    expect(parseSearch(search({ offset: 4999 })).offset).toBe(4999);
    expect(fieldOf(() => parseSearch(search({ lang: "eng" })))).toBe("lang");
    expect(fieldOf(() => parseSearch(search({ lang: "e1" })))).toBe("lang");
  });
});

describe("trending and ids", () => {
  it("bounds trending offsets lower than search", () => {
    expect(parseTrending({ limit: 0, offset: 499, rating: "pg" })).toEqual({
      limit: 25,
      offset: 499,
      rating: "pg",
      type: "gifs",
    });
    expect(fieldOf(() => parseTrending({ limit: 5, offset: 500, rating: undefined }))).toBe(
      "offset",
    );
    expect(trendingKey(parseTrending({ limit: 5, offset: 0, rating: undefined }))).not.toBe(
      trendingKey(parseTrending({ limit: 5, offset: 0, rating: undefined, type: "stickers" })),
    );
  });

  it("validates ids, names the index at fault, and de-duplicates in order", () => {
    expect(parseGifId("abc-_1")).toBe("abc-_1");
    expect(fieldOf(() => parseGifId("a/b"))).toBe("id");
    expect(fieldOf(() => parseGifId("", "gif_id"))).toBe("gif_id");
    expect(fieldOf(() => parseGifId("x".repeat(65)))).toBe("id");
    expect(parseGifIds(["b", "a", "b"])).toEqual(["b", "a"]);
    expect(fieldOf(() => parseGifIds([]))).toBe("ids");
    expect(fieldOf(() => parseGifIds(Array.from({ length: 101 }, (_, i) => `id${i}`)))).toBe("ids");
    expect(parseGifIds(Array.from({ length: 100 }, (_, i) => `id${i}`))).toHaveLength(100);
    expect(fieldOf(() => parseGifIds(["ok", "not ok"]))).toBe("ids[1]");
  });

  it("orders ratings y < g < pg < pg-13 < r", () => {
    expect(ratingAllowed("y", "g")).toBe(true);
    expect(ratingAllowed("g", "y")).toBe(false);
    expect(ratingAllowed("pg", "pg-13")).toBe(true);
    expect(ratingAllowed("r", "pg-13")).toBe(false);
    expect(ratingAllowed("unrated", "r")).toBe(false);
    expect(ratingAllowed("r", undefined)).toBe(true);
  });
});

describe("search query text", () => {
  it("refuses control characters such as NUL, which PostgreSQL cannot store", () => {
    expect(fieldOf(() => parseSearch(search({ query: "cat\u0000" })))).toBe("query");
    expect(fieldOf(() => parseSearch(search({ query: "\u0007bell" })))).toBe("query");
  });

  it("keeps tabs and newlines, which Giphy takes as spaces", () => {
    expect(parseSearch(search({ query: "happy\t\ncat" })).query).toBe("happy\t\ncat");
  });

  it("counts the 50-character limit in UTF-16 units, as Giphy does", () => {
    expect(parseSearch(search({ query: "a".repeat(50) })).query).toHaveLength(50);
    // 25 cats are 50 UTF-16 units; 26 are 52, which Giphy would answer with 414.
    expect(parseSearch(search({ query: "🐱".repeat(25) })).query).toHaveLength(50);
    expect(fieldOf(() => parseSearch(search({ query: "🐱".repeat(26) })))).toBe("query");
    // Not lower-cased any more: "İ" stays one unit.
    expect(parseSearch(search({ query: "İ".repeat(26) })).query).toHaveLength(26);
  });
});

describe("pages, category names and stored-answer keys of the other endpoints", () => {
  it("defaults a page's limit and bounds its offset like search unless told", () => {
    expect(parsePage({ limit: 0, offset: 4999 })).toEqual({ limit: 25, offset: 4999 });
    expect(parsePage({ limit: 50, offset: 0 })).toEqual({ limit: 50, offset: 0 });
    expect(fieldOf(() => parsePage({ limit: 51, offset: 0 }))).toBe("limit");
    expect(fieldOf(() => parsePage({ limit: -1, offset: 0 }))).toBe("limit");
    expect(fieldOf(() => parsePage({ limit: 5, offset: 5000 }))).toBe("offset");
    expect(fieldOf(() => parsePage({ limit: 5, offset: 100 }, 99))).toBe("offset");
    expect(fieldOf(() => parsePage({ limit: 5, offset: 1.5 }))).toBe("offset");
  });

  it("takes Giphy's encoded category names and nothing that could leave the path", () => {
    expect(parseCategoryName("tv-shows", "category")).toBe("tv-shows");
    expect(parseCategoryName("new%20year", "subcategory")).toBe("new%20year");
    for (const bad of ["", "../etc", "tv shows", "a/b", "-lead", "x".repeat(101)])
      expect(
        fieldOf(() => parseCategoryName(bad, "subcategory")),
        bad,
      ).toBe("subcategory");
  });

  it("keeps parameters apart in a key, whatever they hold, and unset ones as null", () => {
    expect(answerKey("animate", [0, 25, "a,b"])).not.toBe(answerKey("animate", [0, 25, "a", "b"]));
    expect(answerKey("animate", [0, 25, "a:b"])).not.toBe(answerKey("animate:0", [25, "a:b"]));
    expect(answerKey("translate", ["gifs", undefined])).toBe('translate:["gifs",null]');
  });

  it("folds the spellings of a phrase Giphy answers alike into one key", () => {
    expect(phraseKey("  Happy \t Otter ")).toBe("happy otter");
    expect(phraseKey("happy otter")).toBe(phraseKey("HAPPY  OTTER"));
    expect(phraseKey("happy otter")).not.toBe(phraseKey("happyotter"));
  });
});

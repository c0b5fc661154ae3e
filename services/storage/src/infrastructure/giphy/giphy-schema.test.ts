// Giphy's wire shape through the zod schemas and the mapper: string numbers,
// missing fields, wrong types, huge arrays, and what "synthetic" looks like.
import { describe, expect, it } from "vitest";
import { giphyDate, toGifMetadata } from "./giphy-mapper.ts";
import {
  GIPHY_MAX_PAGE_ITEMS,
  giphyGifEntrySchema,
  giphyGifSchema,
  giphyListSchema,
  giphyListSchemaOf,
  giphySingleSchema,
} from "./giphy-schema.ts";

const gif = (overrides: Record<string, unknown> = {}) => ({
  type: "gif",
  id: "abc123",
  slug: "happy-cat-abc123",
  title: "happy cat GIF",
  url: "https://giphy.com/gifs/happy-cat-abc123",
  rating: "pg-13",
  username: "someone",
  is_sticker: 0,
  import_datetime: "2021-03-04 05:06:07",
  trending_datetime: "0000-00-00 00:00:00",
  images: {
    original: {
      url: "https://media1.giphy.com/media/abc123/giphy.gif",
      width: "480",
      height: "270",
      size: "123456",
      frames: "12",
      mp4: "https://media1.giphy.com/media/abc123/giphy.mp4",
      mp4_size: "9999",
      webp_size: "",
    },
    fixed_height_still: {
      url: "https://media1.giphy.com/media/abc123/200_s.gif",
      width: "356",
      height: "200",
    },
  },
  ...overrides,
});

const list = (data: unknown[], responseId = "r1") => ({
  data,
  pagination: { total_count: 1000, count: data.length, offset: 0 },
  meta: { status: 200, msg: "OK", response_id: responseId },
});

describe("giphy schema and mapper", () => {
  it("turns Giphy's string numbers into numbers and quirks into domain values", () => {
    const parsed = giphyGifSchema.parse(gif());
    const meta = toGifMetadata({ parsed, raw: gif() });
    const original = meta.renditions.find((r) => r.name === "original");
    expect(original).toMatchObject({
      width: 480,
      height: 270,
      sizeBytes: 123456,
      frames: 12,
      mp4SizeBytes: 9999,
      webpSizeBytes: 0,
    });
    expect(meta.renditions.find((r) => r.name === "fixed_height_still")?.sizeBytes).toBe(0);
    expect(meta.rating).toBe("pg-13");
    expect(meta.isSticker).toBe(false);
    expect(meta.importedAt?.toISOString()).toBe("2021-03-04T05:06:07.000Z");
    expect(meta.trendingAt).toBeNull();
    expect(meta.altText).toBe("");
    expect(meta.user).toBeNull();
  });

  it("accepts missing optional fields and numeric ids, and maps unknown ratings to unrated", () => {
    const minimal = { id: 42, images: { original: { url: "https://i.giphy.com/42.gif" } } };
    const meta = toGifMetadata(
      giphyGifEntrySchema.parse({ ...minimal, rating: "nsfw", is_sticker: 1 }),
    );
    expect(meta).toMatchObject({
      id: "42",
      title: "",
      slug: "",
      rating: "unrated",
      isSticker: true,
    });
    expect(meta.renditions).toEqual([
      expect.objectContaining({ name: "original", width: 0, height: 0, sizeBytes: 0 }),
    ]);
  });

  it("rejects wrong types and values it cannot map safely", () => {
    const bad = [
      gif({ id: "../etc/passwd" }),
      gif({ id: "" }),
      gif({ id: null }),
      gif({ title: 5 }),
      gif({ images: { original: { url: "u", width: "wide" } } }),
      gif({ images: { original: { url: "u", size: "-1" } } }),
      gif({ images: { fixed_height: { url: "u" } } }),
      gif({ images: "none" }),
      gif({ is_sticker: "yes" }),
      // Past the PostgreSQL columns: integer for pixels and frames, exact bigint for bytes.
      gif({ images: { original: { url: "u", width: "3000000000" } } }),
      gif({ images: { original: { url: "u", frames: "2147483648" } } }),
      gif({ images: { original: { url: "u", size: "1e20" } } }),
    ];
    for (const value of bad)
      expect(giphyGifSchema.safeParse(value).success, JSON.stringify(value).slice(0, 80)).toBe(
        false,
      );
    expect(giphyListSchema.safeParse({ data: "x", meta: { status: 200 } }).success).toBe(false);
    expect(giphyListSchema.safeParse({ data: [] }).success).toBe(false);
    expect(giphyListSchema.safeParse({ data: [], meta: { status: "200" } }).success).toBe(false);
    expect(giphyListSchema.safeParse(list([]).pagination).success).toBe(false);
    expect(giphySingleSchema.safeParse(list([gif()])).success).toBe(false);
  });

  it("drops NUL from text, which PostgreSQL cannot store", () => {
    const parsed = giphyGifSchema.parse(gif({ title: "a\u0000b", slug: "\u0000" }));
    expect(parsed.title).toBe("ab");
    expect(parsed.slug).toBe("");
  });

  it("parses a synthetic response (empty response_id) so the client can reject it", () => {
    const parsed = giphyListSchema.parse(list([gif()], ""));
    expect(parsed.meta.response_id).toBe("");
    expect(giphyListSchema.parse({ data: [], meta: { status: 200 } }).meta.response_id).toBe("");
  });

  it("parses a full page, one bad GIF costs only that GIF, and a longer list is refused", () => {
    const many = Array.from({ length: GIPHY_MAX_PAGE_ITEMS - 1 }, (_, i) => gif({ id: `id${i}` }));
    const parsed = giphyListSchema.parse(list(many));
    expect(parsed.data.items.map(toGifMetadata)).toHaveLength(many.length);
    const poisoned = giphyListSchema.parse(list([...many, gif({ id: "bad id!" })]));
    expect(poisoned.data.items).toHaveLength(many.length);
    expect(poisoned.data.dropped).toBe(1);
    // More items than a page may hold: refused whole, before any is parsed.
    expect(giphyListSchema.safeParse(list([...many, gif(), gif()])).success).toBe(false);
    expect(giphyListSchemaOf(10).safeParse(list(many.slice(0, 11))).success).toBe(false);
    expect(giphyListSchemaOf(10).safeParse(list(many.slice(0, 10))).success).toBe(true);
  });

  it("refuses an original rendition the file worker could not download", () => {
    for (const url of [
      "",
      "ftp://media.giphy.com/x.gif",
      "/media/x.gif",
      `https://a/${"x".repeat(2048)}`,
    ])
      expect(giphyGifSchema.safeParse(gif({ images: { original: { url } } })).success, url).toBe(
        false,
      );
  });

  it("reads Giphy dates as UTC and refuses garbage", () => {
    expect(giphyDate("2020-01-02 03:04:05")?.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    expect(giphyDate("2020-01-02T03:04:05")?.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    expect(giphyDate("0000-00-00 00:00:00")).toBeNull();
    expect(giphyDate("yesterday")).toBeNull();
    expect(giphyDate("2020-13-45 99:99:99")).toBeNull();
    expect(giphyDate(undefined)).toBeNull();
  });
});

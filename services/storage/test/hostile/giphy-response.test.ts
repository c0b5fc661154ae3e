// Hostile Giphy responses, unit level: any JSON, valid GIFs with fields deleted or
// replaced by wrong types, huge arrays. The zod schemas never throw, the mapper
// never throws on what they accept and yields well-formed domain values, and the
// HTTP client (against a loopback server serving the generated bodies) answers
// with data or a StorageError carrying a GIPHY.* code, never a TypeError.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GIF_ID_PATTERN } from "@gifmesh/shared/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError } from "../../src/domain/errors.ts";
import type { GifMetadata } from "../../src/domain/gif.ts";
import { createGiphyClient } from "../../src/infrastructure/giphy/giphy-client.ts";
import { toGifMetadata } from "../../src/infrastructure/giphy/giphy-mapper.ts";
import {
  giphyGifEntrySchema,
  giphyGifSchema,
  giphyListSchema,
  giphySingleSchema,
} from "../../src/infrastructure/giphy/giphy-schema.ts";

const SEED = 20_261_108;

const validGif = (id: string) => ({
  type: "gif",
  id,
  slug: `slug-${id}`,
  title: "happy cat GIF",
  url: `https://giphy.com/gifs/${id}`,
  rating: "pg",
  username: "u",
  is_sticker: 0,
  import_datetime: "2021-03-04 05:06:07",
  trending_datetime: "0000-00-00 00:00:00",
  user: { username: "u", display_name: "U", is_verified: false },
  images: {
    original: {
      url: `https://media.giphy.com/media/${id}/giphy.gif`,
      width: "480",
      height: "270",
      size: "12345",
      frames: "10",
    },
    fixed_height: {
      url: `https://media.giphy.com/media/${id}/200.gif`,
      width: "356",
      height: "200",
    },
  },
});

const wrongValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER,
    "",
    "NaN",
    "-5",
    "1e400",
    "12abc",
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);
const FIELDS = [
  "id",
  "slug",
  "title",
  "url",
  "rating",
  "is_sticker",
  "import_datetime",
  "trending_datetime",
  "user",
  "images",
  "alt_text",
  "type",
];
const IMAGE_FIELDS = [
  "url",
  "width",
  "height",
  "size",
  "frames",
  "mp4",
  "mp4_size",
  "webp",
  "webp_size",
];

/** A valid GIF with some fields removed and some replaced by wrong types. */
const mutatedGif = fc
  .record({
    id: fc.stringMatching(GIF_ID_PATTERN),
    drop: fc.subarray(FIELDS),
    replace: fc.array(fc.tuple(fc.constantFrom(...FIELDS), wrongValue), { maxLength: 3 }),
    imageEdits: fc.array(
      fc.tuple(
        fc.constantFrom("original", "fixed_height", "x"),
        fc.constantFrom(...IMAGE_FIELDS),
        fc.option(wrongValue),
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ id, drop, replace, imageEdits }) => {
    const gif: Record<string, unknown> = validGif(id);
    const images = gif.images as Record<string, Record<string, unknown>>;
    for (const [name, field, value] of imageEdits) {
      const image = (images[name] ??= {});
      if (value === null) Reflect.deleteProperty(image, field);
      else image[field] = value;
    }
    for (const field of drop) Reflect.deleteProperty(gif, field);
    for (const [field, value] of replace) gif[field] = value;
    return gif;
  });

const hostileBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(mutatedGif, { maxLength: 5 }).map((data) => ({
      data,
      pagination: { total_count: 9, count: data.length, offset: 0 },
      meta: { status: 200, msg: "OK", response_id: "r" },
    })),
  },
  {
    weight: 1,
    arbitrary: mutatedGif.map((data) => ({ data, meta: { status: 200, response_id: "r" } })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        data: fc.oneof(wrongValue, fc.array(wrongValue)),
        pagination: fc.oneof(wrongValue, fc.record({ count: wrongValue, offset: wrongValue })),
        meta: fc.oneof(wrongValue, fc.record({ status: wrongValue, response_id: wrongValue })),
      },
      { requiredKeys: [] },
    ),
  },
);

/** What every mapped GIF must look like, whatever Giphy sent. */
function expectWellFormed(gif: GifMetadata): void {
  expect(gif.id).toMatch(GIF_ID_PATTERN);
  for (const text of [gif.slug, gif.title, gif.url, gif.username, gif.altText, gif.embedUrl])
    expect(typeof text).toBe("string");
  expect(["y", "g", "pg", "pg-13", "r", "unrated"]).toContain(gif.rating);
  for (const date of [gif.importedAt, gif.trendingAt])
    if (date !== null) expect(Number.isNaN(date.getTime())).toBe(false);
  for (const r of gif.renditions) {
    // A rendition names at least one file (mp4-only renditions have no url).
    expect(
      [r.url, r.mp4Url, r.webpUrl].some((u) => u !== ""),
      r.name,
    ).toBe(true);
    for (const n of [r.width, r.height, r.sizeBytes, r.frames, r.mp4SizeBytes, r.webpSizeBytes]) {
      expect(Number.isInteger(n), `${r.name}: ${n}`).toBe(true);
      expect(n).toBeGreaterThanOrEqual(0);
    }
  }
}

describe("Giphy schema and mapper against hostile bodies", () => {
  it("never throw; what parses maps to well-formed GIFs", () => {
    fc.assert(
      fc.property(hostileBody, (body) => {
        const list = giphyListSchema.safeParse(body);
        if (list.success)
          for (const gif of list.data.data.items) expectWellFormed(toGifMetadata(gif));
        const single = giphySingleSchema.safeParse(body);
        if (single.success) expectWellFormed(toGifMetadata(single.data.data));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it("rejects every GIF whose id or original URL is missing or of the wrong type", () => {
    fc.assert(
      fc.property(mutatedGif, fc.constantFrom("id", "images"), wrongValue, (gif, field, value) => {
        const bad = { ...gif, [field]: field === "images" ? { original: { width: "1" } } : value };
        const parsed = giphyGifSchema.safeParse(bad);
        if (!parsed.success) return;
        // Only a numeric id or a valid string id may pass.
        expect(["string", "number"]).toContain(typeof value);
        expect(typeof value === "number" ? String(value) : value).toMatch(GIF_ID_PATTERN);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it("parses a full page and drops just its bad member; refuses a huge page whole", () => {
    const many = Array.from({ length: 99 }, (_, i) => validGif(`g${i}`));
    const meta = { status: 200, response_id: "r" };
    expect(giphyListSchema.safeParse({ data: many, meta }).success).toBe(true);
    const poisoned = [...many, { ...validGif("x"), images: [] }];
    const survived = giphyListSchema.parse({ data: poisoned, meta });
    expect(survived.data.items).toHaveLength(99);
    expect(survived.data.dropped).toBe(1);
    const huge = Array.from({ length: 20_000 }, (_, i) => validGif(`g${i}`));
    expect(giphyListSchema.safeParse({ data: huge, meta }).success).toBe(false);
    const hugeImages = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [
        `r${i}`,
        { url: `https://i.giphy.com/${i}.gif`, width: String(i) },
      ]),
    );
    const gif = giphyGifEntrySchema.parse({
      ...validGif("wide"),
      images: { ...hugeImages, original: { url: "https://i.giphy.com/o.gif" } },
    });
    expectWellFormed(toGifMetadata(gif));
  });
});

describe("Giphy client against a server answering hostile bodies", () => {
  let server: Server;
  let body = "";
  let status = 200;
  let baseUrl = "";

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );

  it("returns data or a StorageError with a GIPHY code, for any body and status", async () => {
    const client = createGiphyClient({
      baseUrl,
      apiKey: "k",
      timeoutMs: 2_000,
      retries: 0,
    });
    const raw = fc.oneof(
      { weight: 4, arbitrary: hostileBody.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
      { weight: 1, arbitrary: hostileBody.map((v) => JSON.stringify(v).slice(0, 40)) },
    );
    await fc.assert(
      fc.asyncProperty(
        raw,
        fc.constantFrom(200, 200, 200, 201, 204, 301, 400, 404, 414, 429, 500, 503),
        fc.constantFrom("search", "trending", "getById", "getByIds"),
        async (text, code, call) => {
          body = text;
          status = code;
          try {
            const result =
              call === "search"
                ? (
                    await client.search({
                      query: "cats",
                      limit: 5,
                      offset: 0,
                      rating: undefined,
                      lang: "en",
                    })
                  ).gifs
                : call === "trending"
                  ? (await client.trending({ limit: 5, offset: 0, rating: undefined })).gifs
                  : call === "getById"
                    ? [await client.getById("abc")].filter((g) => g !== undefined)
                    : await client.getByIds(["abc", "def"]);
            result.forEach(expectWellFormed);
          } catch (error) {
            expect(error, `${call} ${code} ${text.slice(0, 120)}`).toBeInstanceOf(StorageError);
            expect((error as StorageError).code).toMatch(/^GIPHY\./);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

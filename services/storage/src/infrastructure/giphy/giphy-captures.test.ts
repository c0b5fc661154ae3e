// Giphy's own captured answers (giphy-js mock-data, testdata/, copied from
// Giphy/giphy-js@901de258 packages/react-components/stories/mock-data) through the
// schemas and the mapper: every object comes out member for member as received,
// and every rendition Giphy sent is a mapped rendition, mp4-only ones included.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toChannel, toGifMetadata } from "./giphy-mapper.ts";
import {
  giphyChannelListSchemaOf,
  giphyListSchema,
  giphySingleSchema,
  giphyTrendingSearchesSchema,
} from "./giphy-schema.ts";

type Raw = Record<string, unknown> & { images: Record<string, unknown> };

const capture = (name: string): { data: unknown; pagination?: unknown } =>
  JSON.parse(readFileSync(new URL(`testdata/${name}.json`, import.meta.url), "utf8")) as {
    data: unknown;
  };

function expectWhole(gif: ReturnType<typeof toGifMetadata>, raw: Raw): void {
  expect(gif.giphyObject).toEqual(raw);
  expect(gif.renditions.map((r) => r.name).sort()).toEqual(Object.keys(raw.images).sort());
}

describe("Giphy's captured answers", () => {
  it("gif: the object whole, every rendition", () => {
    const body = capture("gif");
    const gif = toGifMetadata(giphySingleSchema.parse(body).data);
    expectWhole(gif, body.data as Raw);
  });

  it.each(["gifs", "default-emoji-variations", "emoji-variations"])(
    "%s: every GIF kept whole, none dropped",
    (name) => {
      const body = capture(name);
      const parsed = giphyListSchema.parse(body);
      const raws = body.data as Raw[];
      expect(parsed.data.dropped).toBe(0);
      expect(parsed.data.items).toHaveLength(raws.length);
      parsed.data.items.forEach((entry, i) => {
        expectWhole(toGifMetadata(entry), raws[i] as Raw);
      });
    },
  );

  it("gifs: renditions without url are kept with their mp4", () => {
    const parsed = giphyListSchema.parse(capture("gifs"));
    const first = parsed.data.items[0];
    if (first === undefined) throw new Error("empty capture");
    const renditions = toGifMetadata(first).renditions;
    for (const name of ["looping", "original_mp4", "preview", "downsized_small"]) {
      const rendition = renditions.find((r) => r.name === name);
      expect(rendition, name).toBeDefined();
      expect(rendition?.url, name).toBe("");
      expect(rendition?.mp4Url, name).toMatch(/^https:\/\//);
    }
    const original = renditions.find((r) => r.name === "original");
    expect(original?.width).toBeGreaterThan(0);
    expect(original?.sizeBytes).toBeGreaterThan(0);
  });

  it("channels-search: channels whole, featured GIF mapped", () => {
    const body = capture("channels-search");
    const raws = body.data as Record<string, unknown>[];
    const parsed = giphyChannelListSchemaOf(100).parse(body);
    expect(parsed.data.dropped).toBe(0);
    const channels = parsed.data.items.map(toChannel);
    expect(channels).toHaveLength(raws.length);
    channels.forEach((channel, i) => {
      const raw = raws[i] as Record<string, unknown>;
      expect(channel.giphyObject).toEqual(raw);
      expect(channel.id).toBe(raw.id);
      if (raw.featured_gif === null || raw.featured_gif === undefined)
        expect(channel.featuredGif).toBeNull();
      else
        expectWhole(
          channel.featuredGif as ReturnType<typeof toGifMetadata>,
          raw.featured_gif as Raw,
        );
    });
    expect(channels.some((c) => c.featuredGif !== null)).toBe(true);
  });

  it("trending-searches: the terms as sent", () => {
    const body = capture("trending-searches");
    expect(giphyTrendingSearchesSchema.parse(body).data).toEqual(body.data);
  });
});

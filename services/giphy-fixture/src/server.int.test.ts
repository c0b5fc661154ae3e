// The fixture over HTTP: declared numbers match the real files, answering the API
// renders nothing, keys and limits are enforced like Giphy, faults and counters work.
import omggif from "omggif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureServer, type FixtureServer } from "./index.ts";

let fixture: FixtureServer;
const api = (path: string) =>
  fetch(`${fixture.baseUrl}${path}${path.includes("?") ? "&" : "?"}api_key=${fixture.apiKey}`);

beforeAll(async () => {
  fixture = await createFixtureServer({ port: 0 });
});
afterAll(() => fixture.close());

describe("giphy fixture", () => {
  it("declares the real width, height, frames and size of the original", async () => {
    const body = (await (await api("gifs/search?q=happy%20cat&limit=4")).json()) as {
      data: { images: { original: Record<string, string> } }[];
      meta: { response_id: string };
    };
    expect(body.data).toHaveLength(4);
    expect(body.meta.response_id).not.toBe("");
    for (const gif of body.data) {
      const o = gif.images.original;
      const bytes = Buffer.from(await (await fetch(o.url ?? "")).arrayBuffer());
      expect(bytes.subarray(0, 6).toString()).toBe("GIF89a");
      const reader = new omggif.GifReader(bytes);
      expect([
        String(reader.width),
        String(reader.height),
        String(reader.numFrames()),
        String(bytes.length),
      ]).toEqual([o.width, o.height, o.frames, o.size]);
    }
  });

  it("enforces keys and limits like Giphy", async () => {
    expect((await fetch(`${fixture.baseUrl}gifs/search?q=cat`)).status).toBe(401);
    expect((await fetch(`${fixture.baseUrl}gifs/search?q=cat&api_key=wrong`)).status).toBe(401);
    expect((await api(`gifs/search?q=${"x".repeat(51)}`)).status).toBe(414);
    expect(
      (await api(`gifs?ids=${Array.from({ length: 101 }, (_, i) => `a${i}`).join(",")}`)).status,
    ).toBe(400);
    expect((await api("gifs/NoSuchId")).status).toBe(404);
    expect((await fetch(`${fixture.url}/media/NoSuchId/giphy.gif`)).status).toBe(404);
  });

  it("injects faults for the next N calls and counts calls", async () => {
    fixture.reset();
    await fetch(`${fixture.url}/__fixture/faults`, {
      method: "POST",
      body: JSON.stringify({ status: 429, count: 1 }),
    });
    expect((await api("gifs/trending")).status).toBe(429);
    expect((await api("gifs/trending")).status).toBe(200);
    fixture.setFault({ synthetic: true, count: 1 });
    expect(
      ((await (await api("gifs/trending")).json()) as { meta: { response_id: string } }).meta
        .response_id,
    ).toBe("");
    const stats = (await (await fetch(`${fixture.url}/__fixture/stats`)).json()) as {
      byEndpoint: { trending: number };
      faulted: number;
      recent: { path: string }[];
    };
    expect(stats.byEndpoint.trending).toBe(3);
    expect(stats.faulted).toBe(2);
    expect(JSON.stringify(stats.recent)).not.toContain(fixture.apiKey);
  });
});

interface Rendition {
  url: string;
  width: string;
  height: string;
  size: string;
  frames?: string;
}

describe("giphy fixture, first answers", () => {
  it("answers never-seen pages without rendering, with sizes the served files then have", async () => {
    const fresh = await createFixtureServer({ port: 0 });
    try {
      const pages = [
        "gifs/trending?limit=25",
        "gifs/trending?limit=25&offset=25",
        "gifs/search?q=happy&limit=25",
        "gifs/search?q=cat%20dance&limit=25&offset=10",
        "gifs/search?q=dog&limit=10&rating=g",
      ];
      const gifs = new Map<string, Record<string, Rendition>>();
      for (const page of pages) {
        const res = await fetch(`${fresh.baseUrl}${page}&api_key=${fresh.apiKey}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          data: { id: string; images: Record<string, Rendition> }[];
        };
        expect(body.data.length).toBeGreaterThan(0);
        for (const gif of body.data) gifs.set(gif.id, gif.images);
      }
      expect(fresh.stats()).toMatchObject({ api: pages.length, rendered: 0 });

      let files = 0;
      for (const images of gifs.values()) {
        for (const image of Object.values(images)) {
          const res = await fetch(image.url);
          const bytes = Buffer.from(await res.arrayBuffer());
          expect(res.headers.get("content-length")).toBe(image.size);
          expect(String(bytes.length)).toBe(image.size);
          const reader = new omggif.GifReader(bytes);
          expect([String(reader.width), String(reader.height)]).toEqual([
            image.width,
            image.height,
          ]);
          if (image.frames !== undefined) expect(String(reader.numFrames())).toBe(image.frames);
          files++;
        }
      }
      expect(gifs.size).toBeGreaterThan(60);
      // Each file was rendered when first downloaded, not before (and not twice).
      expect(fresh.stats().rendered).toBe(files);
    } finally {
      await fresh.close();
    }
  });
});

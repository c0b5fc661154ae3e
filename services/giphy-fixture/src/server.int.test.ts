// The fixture over HTTP: declared numbers match the real files, keys and limits
// are enforced like Giphy, faults and counters work.
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

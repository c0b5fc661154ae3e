// NOT RUN YET (the name keeps it out of vitest's *.int.test.ts glob): the acceptance test of
// the drop-in Giphy surface, written ahead of the surface it checks. Rename it to drop-in.int.test.ts
// once storage, the worker, the gateway and the fixture serve every rendition file.
// The drop-in promise, end to end, on a private gifmesh (stack.ts: fixture, storage,
// file worker and gateway as child processes over the real PostgreSQL, Kafka, S3
// and Redis):
// 1. Giphy's own captured answers (tests/fixtures/giphy, from Giphy's SDK repository)
//    served as the Giphy API come back through gifmesh member for member; the only
//    addition is the `gifmesh` member.
// 2. Once a GIF is archived and Giphy is gone, every rendition file an app can show
//    (each rendition's url, mp4 and webp) loads from the gateway's /media copy, with
//    the right content type, its ETag and byte ranges.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GiphyFetch, setServerUrl } from "@giphy/js-fetch-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2EStack, type E2EStack } from "./stack.ts";

const CAPTURED = join(import.meta.dirname, "../fixtures/giphy");
type Json = Record<string, unknown>;
const captured = (name: string): Json =>
  JSON.parse(readFileSync(join(CAPTURED, `${name}.json`), "utf8")) as Json;

/** Giphy's captured answers, served by path as if they were Giphy's API. */
function capturedGiphy(): Promise<{ url: string; server: Server; hits: string[] }> {
  const gif = captured("gif");
  const id = (gif.data as Json).id as string;
  const routes: Record<string, Json> = {
    [`/v1/gifs/${id}`]: gif,
    "/v1/gifs/search": captured("gifs"),
    "/v1/channels/search": captured("channels-search"),
    "/v2/emoji": captured("default-emoji-variations"),
    "/v1/trending/searches": captured("trending-searches"),
  };
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.push(path);
    const variations = /^\/v2\/emoji\/[\w-]+\/variations$/.test(path)
      ? captured("emoji-variations")
      : undefined;
    const body = routes[path] ?? variations;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { meta: { status: 404, msg: "Not Found" }, data: [] }));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${String(port)}/v1/`, server, hits });
    });
  });
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  expect(res.status, `${url}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as Json;
}

/** The object without gifmesh's own member. */
function withoutGifmesh(object: unknown): unknown {
  const rest = { ...(object as Json) };
  delete rest.gifmesh;
  return rest;
}

describe("Giphy's captured answers come back member for member", () => {
  let stack: E2EStack;
  let giphy: Awaited<ReturnType<typeof capturedGiphy>>;
  beforeAll(async () => {
    giphy = await capturedGiphy();
    stack = await startE2EStack({ giphyBaseUrl: giphy.url });
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    giphy.server.close();
  });

  it("one GIF (gif.json): every member, unknown ones included, plus gifmesh", async () => {
    const expected = captured("gif").data as Json;
    const body = await getJson(`${stack.gatewayUrl}/v1/gifs/${String(expected.id)}`);
    const data = body.data as Json;
    expect(withoutGifmesh(data)).toEqual(expected);
    expect((data.gifmesh as Json).archive).toBeDefined();
    expect(giphy.hits).toContain(`/v1/gifs/${String(expected.id)}`);
  });

  it("a search page (gifs.json): each object as Giphy sent it, in Giphy's order", async () => {
    const expected = captured("gifs");
    const body = await getJson(`${stack.gatewayUrl}/v1/gifs/search?q=Always%20Sunny&limit=5`);
    expect((body.data as Json[]).map(withoutGifmesh)).toEqual(expected.data);
    expect(body.pagination).toEqual(expected.pagination);
  });

  it("channels, emoji v2 with next_cursor, variations and trending searches", async () => {
    const channels = captured("channels-search");
    const gotChannels = await getJson(`${stack.gatewayUrl}/v1/channels/search?q=nba`);
    const strip = (channel: Json) => {
      const { featured_gif: featured, ...rest } = channel;
      return { ...rest, featured_gif: featured ? withoutGifmesh(featured) : featured };
    };
    expect((gotChannels.data as Json[]).map(strip)).toEqual(channels.data);

    const emoji = captured("default-emoji-variations");
    const gotEmoji = await getJson(`${stack.gatewayUrl.replace(/$/, "")}/v2/emoji?limit=5`);
    expect((gotEmoji.data as Json[]).map(withoutGifmesh)).toEqual(emoji.data);
    expect((gotEmoji.pagination as Json).next_cursor).toEqual(
      (emoji.pagination as Json).next_cursor,
    );

    const variations = captured("emoji-variations");
    const first = (emoji.data as Json[])[0]?.id as string;
    const gotVariations = await getJson(`${stack.gatewayUrl}/v2/emoji/${first}/variations`);
    expect((gotVariations.data as Json[]).map(withoutGifmesh)).toEqual(variations.data);

    const searches = await getJson(`${stack.gatewayUrl}/v1/trending/searches`);
    expect(searches.data).toEqual(captured("trending-searches").data);
  });
});

const MEMBERS = ["url", "mp4", "webp"] as const;
const TYPE_OF_EXTENSION: Record<string, string> = {
  gif: "image/gif",
  jpg: "image/jpeg",
  mp4: "video/mp4",
  webp: "image/webp",
};

/** Every rendition member naming a file: ["fixed_height.mp4", url]. */
function mediaMembers(gif: Json): [string, string][] {
  const images = gif.images as Record<string, Record<string, string>>;
  return Object.entries(images).flatMap(([rendition, members]) =>
    MEMBERS.filter((m) => typeof members[m] === "string" && members[m] !== "").map(
      (m): [string, string] => [`${rendition}.${m}`, members[m] as string],
    ),
  );
}

describe("with Giphy gone, every rendition file loads from /media", () => {
  let stack: E2EStack;
  beforeAll(async () => {
    stack = await startE2EStack();
  }, 120_000);
  afterAll(() => stack.stop());

  it("archives each rendition's url, mp4 and webp, then serves them without Giphy", async () => {
    setServerUrl(`${stack.gatewayUrl}/v1/`);
    const gf = new GiphyFetch("e2e-open-mode");
    const page = await gf.search("cat", { limit: 2 });
    expect(page.data.length).toBe(2);
    const ids = page.data.map((gif) => String(gif.id));

    // Wait until storage reports each GIF archived (every file of the default set).
    const deadline = Date.now() + 150_000;
    let gifs: Json[];
    for (;;) {
      gifs = await Promise.all(
        ids.map(async (id) => (await getJson(`${stack.gatewayUrl}/v1/gifs/${id}`)).data as Json),
      );
      const states = gifs.map((gif) => ((gif.gifmesh as Json).archive as Json).status);
      if (states.every((s) => s === "archived")) break;
      expect(states, "an archive failed").not.toContain("failed");
      if (Date.now() > deadline) throw new Error(`not archived in time: ${states.join(", ")}`);
      await sleep(1000);
    }

    await stack.children.fixture.stop();
    // Giphy is gone: its media host refuses connections.
    const fixtureDown = await fetch(`${stack.fixtureUrl}/healthz`).catch(() => undefined);
    expect(fixtureDown).toBeUndefined();

    for (const gif of gifs) {
      const members = mediaMembers(gif);
      expect(Object.keys(gif.images as Json).length).toBeGreaterThanOrEqual(20);
      expect(members.some(([name]) => name.endsWith(".mp4"))).toBe(true);
      expect(members.some(([name]) => name.endsWith(".webp"))).toBe(true);
      for (const [name, url] of members) {
        expect(url, name).toMatch(
          new RegExp(`^${stack.gatewayUrl}/media/gifs/sha256/[0-9a-f/]+\\.(gif|jpg|mp4|webp)$`),
        );
        const res = await fetch(url);
        expect(res.status, `${name} ${url}`).toBe(200);
        const ext = url.split(".").pop() ?? "";
        expect(res.headers.get("content-type"), name).toBe(TYPE_OF_EXTENSION[ext]);
        const bytes = Buffer.from(await res.arrayBuffer());
        const sha = createHash("sha256").update(bytes).digest("hex");
        expect(url, `${name}: the key names the bytes`).toContain(sha);
        expect(res.headers.get("etag")).toBe(`"${sha}"`);
      }
      // A video player asks for byte ranges.
      const mp4 = members.find(([name]) => name === "original.mp4")?.[1] ?? "";
      const part = await fetch(mp4, { headers: { range: "bytes=0-99" } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).length).toBe(100);
    }

    // The same search keeps answering without Giphy, with the archived URLs.
    const again = await getJson(`${stack.gatewayUrl}/v1/gifs/search?q=cat&limit=2&rating=pg-13`);
    expect((again.data as Json[]).map((gif) => gif.id)).toEqual(ids);
    const originals = (again.data as Json[]).map(
      (gif) => (gif.images as Record<string, Json>).original?.url,
    );
    for (const url of originals) expect(String(url)).toContain(`${stack.gatewayUrl}/media/`);
  }, 240_000);
});

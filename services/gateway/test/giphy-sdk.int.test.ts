// Giphy's official SDK (@giphy/js-fetch-api), pointed at the gateway with
// setServerUrl only, runs search, trending, gif-by-id and gifs-by-ids; every
// answer validates against Giphy's response shape. Behind the gateway runs the
// real stack of stack.ts: the storage service (child process, private PostgreSQL
// database and Kafka topics) over the Giphy fixture, real Redis and S3.
import { GiphyFetch, setServerUrl } from "@giphy/js-fetch-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gifListResponseSchema, gifResponseSchema } from "../src/domain/giphy-shape.ts";
import { startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

describe("@giphy/js-fetch-api against the gateway and the real storage", () => {
  let stack: Stack;
  let gw: RunningGateway;
  let gf: GiphyFetch;
  beforeAll(async () => {
    stack = await startStack();
    gw = await startGateway(stack.storage);
    setServerUrl(`${gw.url}/v1/`);
    gf = new GiphyFetch("any-key-open-mode");
  });
  afterAll(async () => {
    await gw.close();
    await stack.stop();
  });

  it("searches and pages; fresh GIFs are pending and keep Giphy's URLs", async () => {
    const page = await gf.search("dog", { limit: 5, offset: 0 });
    expect(page.data.length).toBe(5);
    expect(page.meta.response_id).not.toBe("");
    expect(page.pagination.count).toBe(5);
    // Real answers from the fixture's catalogue via storage (the SDK adds rating=pg-13).
    for (const gif of page.data) expect(gif.title.toLowerCase()).toContain("dog");
    const first = page.data[0] as unknown as {
      images: { original: { width: number; url: string } };
      gifmesh: { archive: { status: string } };
    };
    expect(typeof first.images.original.width).toBe("number"); // the SDK parsed our string
    // A fresh database: storage has just asked for the archive, nothing is archived yet.
    expect(first.gifmesh.archive.status).toBe("pending");
    expect(first.images.original.url).toContain(stack.fixture.url);
    const next = await gf.search("dog", { limit: 5, offset: 5 });
    expect(next.pagination.offset).toBe(5);
    const firstIds = new Set(page.data.map((g) => String(g.id)));
    expect(next.data.some((g) => firstIds.has(String(g.id)))).toBe(false);
  });

  it("gets trending, one GIF and several GIFs", async () => {
    const trending = await gf.trending({ limit: 3 });
    expect(trending.data.length).toBe(3);
    const id = String(trending.data[0]?.id);
    const one = await gf.gif(id);
    expect(String(one.data.id)).toBe(id);
    const ids = trending.data.map((g) => String(g.id));
    const many = await gf.gifs(ids);
    expect(many.data.map((g) => String(g.id))).toEqual(ids);
  });

  it("answers validate against Giphy's response shape (raw JSON)", async () => {
    gifListResponseSchema.parse(
      await (await fetch(`${gw.url}/v1/gifs/search?q=dog&limit=3&rating=pg-13`)).json(),
    );
    gifListResponseSchema.parse(await (await fetch(`${gw.url}/v1/gifs/trending?limit=3`)).json());
    // An id storage has not seen yet: storage fetches it from Giphy (the fixture).
    const id = stack.fixture.catalogue.all.at(-1)?.id ?? "";
    gifResponseSchema.parse(await (await fetch(`${gw.url}/v1/gifs/${id}`)).json());
    gifListResponseSchema.parse(await (await fetch(`${gw.url}/v1/gifs?ids=${id}`)).json());
  });

  it("surfaces gateway errors as SDK errors", async () => {
    await expect(gf.gif("does-not-exist")).rejects.toMatchObject({ status: 404 });
  });
});

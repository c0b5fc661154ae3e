// Giphy's official SDK (@giphy/js-fetch-api), pointed at the gateway with
// setServerUrl only, runs search, trending, gif-by-id and gifs-by-ids; every
// answer validates against Giphy's response shape. Storage here is an in-process
// StorageService over the Giphy fixture's catalogue (see support.ts).
import { GiphyFetch, setServerUrl } from "@giphy/js-fetch-api";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gifListResponseSchema, gifResponseSchema } from "../src/domain/giphy-shape.ts";
import { fixtureStorage, startGateway, testS3, type RunningGateway } from "./support.ts";

describe("@giphy/js-fetch-api against the gateway", () => {
  const s3 = testS3();
  let fixture: FixtureServer;
  let gw: RunningGateway;
  let gf: GiphyFetch;
  beforeAll(async () => {
    fixture = await createFixtureServer({ port: 0 });
    gw = await startGateway(fixtureStorage(fixture, s3, 2).client);
    setServerUrl(`${gw.url}/v1/`);
    gf = new GiphyFetch("any-key-open-mode");
  });
  afterAll(async () => {
    await gw.close();
    await fixture.close();
    s3.destroy();
  });

  it("searches, pages and sees archive state", async () => {
    const page = await gf.search("dog", { limit: 5, offset: 0 });
    expect(page.data.length).toBe(5);
    expect(page.meta.response_id).not.toBe("");
    expect(page.pagination.count).toBe(5);
    const first = page.data[0] as unknown as {
      images: { original: { width: number; url: string } };
      gifmesh: { archive: { status: string } };
    };
    expect(typeof first.images.original.width).toBe("number"); // the SDK parsed our string
    expect(first.gifmesh.archive.status).toBe("archived");
    expect(first.images.original.url).toContain(`${gw.url}/media/sha256/`);
    const next = await gf.search("dog", { limit: 5, offset: 5 });
    expect(next.pagination.offset).toBe(5);
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
    const id = fixture.catalogue.all[0]?.id ?? "";
    gifResponseSchema.parse(await (await fetch(`${gw.url}/v1/gifs/${id}`)).json());
    gifListResponseSchema.parse(await (await fetch(`${gw.url}/v1/gifs?ids=${id}`)).json());
  });

  it("surfaces gateway errors as SDK errors", async () => {
    await expect(gf.gif("does-not-exist")).rejects.toMatchObject({ status: 404 });
  });
});

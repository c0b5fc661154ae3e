// /v1/gifs?ids=: one cache entry per SET of ids, answers in the order asked. Through
// the real app, cache and Connect client (fake storage, which answers in its own
// order), with 50 full-size GIFs; and the splice against a plain re-serialisation.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { gifListResponseSchema, type GiphyGif } from "../domain/giphy-shape.ts";
import { fixtureGif } from "../testing/fake-storage.ts";
import { createTestApp } from "../testing/test-app.ts";
import { canonicalIds, inRequestedOrder } from "./ids-order.ts";

const IDS = Array.from({ length: 50 }, (_, i) => `gif${String(i).padStart(2, "0")}xyz`);

/** A deterministic shuffle (seeded), so the 300 orders are the same every run. */
function shuffled(ids: readonly string[], seed: number): string[] {
  const out = [...ids];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

function appWith50() {
  const t = createTestApp();
  t.storage.gifs = IDS.map((id, i) => fixtureGif(id, i % 3 === 0 ? "archived" : "failed"));
  return t;
}

describe("GET /v1/gifs?ids=", () => {
  it("serves 300 orders of the same 50 ids from one cache entry, each in the order asked", async () => {
    const { app, storage, cache } = appWith50();
    const etags = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const order = shuffled(IDS, seed);
      const res = await app.request(`/v1/gifs?ids=${order.join(",")}`);
      expect(res.status).toBe(200);
      const parsed = gifListResponseSchema.parse(await res.json());
      expect(parsed.data.map((g) => g.id)).toEqual(order);
      expect(parsed.pagination).toEqual({ total_count: 50, count: 50, offset: 0 });
      etags.add(res.headers.get("etag") ?? "");
    }
    expect(storage.calls.batchGetGifs).toBe(1);
    expect(cache.l1Usage().entries).toBe(1);
    // One ETag per order: a client's If-None-Match never matches another order.
    expect(etags.size).toBe(300);
  });

  it("drops repeats and unknown ids, keeps the asked order, and 304s its own ETag", async () => {
    const { app, storage } = appWith50();
    const res = await app.request("/v1/gifs?ids=gif07xyz,nope,gif03xyz,gif07xyz,gif05xyz");
    const ids = gifListResponseSchema.parse(await res.json()).data.map((g) => g.id);
    expect(ids).toEqual(["gif07xyz", "gif03xyz", "gif05xyz"]);
    const etag = res.headers.get("etag") ?? "";
    const again = await app.request("/v1/gifs?ids=gif07xyz,gif03xyz,gif05xyz,nope", {
      headers: { "if-none-match": etag },
    });
    expect([again.status, again.headers.get("x-cache")]).toEqual([304, "HIT-L1"]);
    const otherOrder = await app.request("/v1/gifs?ids=gif03xyz,gif05xyz,gif07xyz,nope", {
      headers: { "if-none-match": etag },
    });
    expect(otherOrder.status).toBe(200);
    expect(storage.calls.batchGetGifs).toBe(1);
  });
});

describe("inRequestedOrder", () => {
  const gifs = ["b", "a", "c"].map((id) => ({ id, title: `"${id}" ü` }) as unknown as GiphyGif);
  const sorted = [...gifs].sort((x, y) => (x.id < y.id ? -1 : 1));
  const value = { data: sorted, pagination: { total_count: 3, count: 3, offset: 0 } };
  const json = JSON.stringify(value);
  const body = { bytes: Buffer.from(json), hash: createHash("sha256").update(json).digest("hex") };

  it("splices the cached bytes into exactly what serialising the re-ordered value gives", () => {
    const { wanted } = canonicalIds(["c", "a", "c", "b"]);
    const out = inRequestedOrder({ value, body, outcome: "l1" }, wanted);
    const expected = JSON.stringify({
      ...value,
      data: wanted.map((id) => gifs.find((g) => g.id === id)),
    });
    expect(out.body.bytes.toString()).toBe(expected);
    expect(out.value.data.map((g) => g.id)).toEqual(["c", "a", "b"]);
  });

  it("returns the cached answer itself when the order is already right", () => {
    const answer = { value, body, outcome: "l1" as const };
    expect(inRequestedOrder(answer, ["a", "b", "c"])).toBe(answer);
  });

  it("serialises instead when the cached bytes are not laid out as expected", () => {
    const odd = { bytes: Buffer.from(JSON.stringify(value, null, 1)), hash: "x" };
    const out = inRequestedOrder({ value, body: odd, outcome: "l2" }, ["c", "b", "a"]);
    expect(JSON.parse(out.body.bytes.toString())).toEqual({
      ...value,
      data: ["c", "b", "a"].map((id) => gifs.find((g) => g.id === id)),
    });
  });
});

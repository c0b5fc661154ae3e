// Answers beyond GIF pages survive the round trip through their stored shape, and
// a stored payload that does not fit is never served: Giphy is asked instead.
import { describe, expect, it } from "vitest";
import type { Category, StoredGif } from "../domain/gif.ts";
import type { CatalogStore } from "./ports.ts";
import { storedGif } from "../testing/fake-ports.ts";
import { servePage } from "./serve-page.ts";
import {
  categoriesAnswer,
  readCategories,
  readCursor,
  readTerms,
  termsAnswer,
} from "./stored-answers.ts";

const NOW = new Date("2026-01-01T00:00:00Z");

function gif(id: string): StoredGif {
  return storedGif(id, { slug: id, title: id, url: "" }, NOW);
}

const category = (name: string, gifId: string, subcategories: Category[] = []): Category => ({
  name,
  nameEncoded: name,
  subcategories,
  gif: gif(gifId),
  giphyObject: { name, name_encoded: name, unknown_member: [1, { deep: true }] },
});

describe("stored answers", () => {
  it("round-trips categories with their GIFs, taken from the stored GIFs by id", () => {
    const answer = categoriesAnswer({
      categories: [category("actions", "g1", [category("dancing", "g2")])],
      totalCount: 1,
      offset: 0,
    });
    expect(answer.gifs.map((g) => g.id)).toEqual(["g1", "g2"]);
    const stored = JSON.parse(JSON.stringify(answer.payload)) as unknown;
    const archived = {
      ...gif("g1"),
      archive: { kind: "failed", code: "X", reason: "", attempts: 1, failedAt: NOW },
    } as StoredGif;
    const [served] = readCategories(stored, [archived, gif("g2")]);
    expect(served?.gif?.archive.kind).toBe("failed");
    expect(served?.subcategories[0]?.gif?.id).toBe("g2");
    expect(served?.giphyObject).toEqual({
      name: "actions",
      name_encoded: "actions",
      unknown_member: [1, { deep: true }],
    });
  });

  it("round-trips terms and reads no cursor from a plain page", () => {
    const answer = termsAnswer({
      terms: [{ name: "cat", giphyObject: { name: "cat", x: 1 } }],
      totalCount: 1,
      offset: 0,
    });
    expect(readTerms(JSON.parse(JSON.stringify(answer.payload)))).toEqual([
      { name: "cat", giphyObject: { name: "cat", x: 1 } },
    ]);
    expect(readCursor(null)).toBeUndefined();
  });

  it("asks Giphy again when the stored payload does not fit its shape", async () => {
    let fetched = 0;
    const store: CatalogStore = {
      findResult: () =>
        Promise.resolve({
          gifs: [],
          totalCount: 0,
          fetchedAt: NOW,
          payload: { terms: "not a list" },
        }),
      saveFromGiphy: () => Promise.resolve([]),
      findGifs: () => Promise.resolve([]),
      findArchive: () => Promise.resolve(undefined),
      findRandomGif: () => Promise.resolve(undefined),
    };
    const page = await servePage(
      { store, clock: { now: () => NOW } },
      {
        key: "k",
        offset: 0,
        ttlSeconds: 3600,
        traceHeaders: {},
        fetch: () => {
          fetched += 1;
          return Promise.resolve(
            termsAnswer({
              terms: [{ name: "dog", giphyObject: { name: "dog" } }],
              totalCount: 1,
              offset: 0,
            }),
          );
        },
        read: readTerms,
      },
    );
    expect(fetched).toBe(1);
    expect(page.source).toBe("giphy");
    expect(page.value.map((t) => t.name)).toEqual(["dog"]);
  });
});

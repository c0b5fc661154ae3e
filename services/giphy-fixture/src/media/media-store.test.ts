// The media cache renders a file once while it is cached, and holds no more bytes
// than it is allowed (a 2,000-GIF catalogue would not fit in memory).
import { describe, expect, it } from "vitest";
import { createCatalogue } from "../catalogue/catalogue.ts";
import { createMediaStore } from "./media-store.ts";
import { renditionSize } from "./render-gif.ts";

const specs = createCatalogue(40).all;

describe("media store", () => {
  it("renders each file once while it stays cached", () => {
    let renders = 0;
    const store = createMediaStore({
      onRender: () => {
        renders++;
      },
    });
    const spec = specs[1] ?? specs[0];
    if (spec === undefined) throw new Error("empty catalogue");
    const first = store.bytes(spec, "fixed_height");
    expect(store.bytes(spec, "fixed_height")).toBe(first);
    expect(renders).toBe(1);
    store.bytes(spec, "preview_gif");
    expect(renders).toBe(2);
  });

  it("evicts the least recently used files beyond its byte bound", () => {
    let renders = 0;
    const sizes = specs.map((spec) => renditionSize(spec, "original"));
    const maxBytes = Math.max(...sizes) * 2;
    const store = createMediaStore({
      maxBytes,
      onRender: () => {
        renders++;
      },
    });
    const [a, b] = specs;
    if (a === undefined || b === undefined) throw new Error("empty catalogue");
    store.bytes(a, "original");
    for (const spec of specs.slice(1)) {
      store.bytes(spec, "original");
      store.bytes(a, "original"); // keeps `a` the most recently used
    }
    expect(renders).toBe(specs.length); // `a` was never evicted
    store.bytes(b, "original"); // long gone: rendered again
    expect(renders).toBe(specs.length + 1);
  });
});

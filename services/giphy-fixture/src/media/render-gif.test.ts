// What the API reports about a file without rendering it (size, shape, hash) must be
// what rendering then produces, for the catalogue's real specs and every rendition.
import { createHash } from "node:crypto";
import omggif from "omggif";
import { describe, expect, it } from "vitest";
import { createCatalogue } from "../catalogue/catalogue.ts";
import {
  RENDITIONS,
  renderGif,
  renditionHash,
  renditionShape,
  renditionSize,
  type RenditionName,
} from "./render-gif.ts";

const NAMES = Object.keys(RENDITIONS) as RenditionName[];
const catalogue = createCatalogue(360);
// Every 9th GIF (40 of them) plus the one with the most pixels: 1 to 32 frames,
// palettes of 4 to 256 colours, files of 2 KB to 500 KB.
const largest = catalogue.all.reduce((a, b) =>
  b.width * b.height * b.frames > a.width * a.height * a.frames ? b : a,
);
const sample = [...catalogue.all.filter((spec) => spec.index % 9 === 0), largest];

describe("renderGif", () => {
  it("renders exactly renditionSize bytes with the reported shape", () => {
    for (const spec of sample) {
      for (const name of NAMES) {
        const bytes = renderGif(spec, name);
        const shape = renditionShape(spec, name);
        const reader = new omggif.GifReader(bytes);
        expect({ id: spec.id, name, size: bytes.length }).toEqual({
          id: spec.id,
          name,
          size: renditionSize(spec, name),
        });
        expect([reader.width, reader.height, reader.numFrames()]).toEqual([
          shape.width,
          shape.height,
          shape.frames,
        ]);
      }
    }
  });

  it("renders the same bytes every time", () => {
    const spec = sample[3] ?? largest;
    expect(renderGif(spec, "original").equals(renderGif(spec, "original"))).toBe(true);
  });

  it("never gives two different files the same hash", () => {
    const byHash = new Map<string, Set<string>>();
    for (const spec of sample)
      for (const name of NAMES) {
        const digest = createHash("sha256").update(renderGif(spec, name)).digest("hex");
        const hash = renditionHash(spec, name);
        expect(hash).toMatch(/^[0-9a-f]{32}$/);
        byHash.set(hash, (byHash.get(hash) ?? new Set()).add(digest));
      }
    const contents = new Set([...byHash.values()].flatMap((set) => [...set]));
    expect([...byHash.values()].every((set) => set.size === 1)).toBe(true);
    expect(byHash.size).toBe(contents.size);
    expect(byHash.size).toBeGreaterThan(sample.length * 3);
  });
});

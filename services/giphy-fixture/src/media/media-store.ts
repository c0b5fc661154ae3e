// The bytes behind /media: rendered when a file is first asked for (never when the
// API mentions it) and kept in a small LRU bounded by bytes, since a large catalogue
// (the bench asks for 2,000 GIFs) would not fit in memory for the process's life,
// and rendering one file again takes milliseconds.
import type { GifSpec } from "../catalogue/catalogue.ts";
import { renderGif, type RenditionName } from "./render-gif.ts";

export interface MediaStoreOptions {
  /** Most bytes kept rendered; default 64 MiB. */
  readonly maxBytes?: number;
  /** Called once per render, so /__fixture/stats can show how many happened. */
  readonly onRender?: () => void;
}

export interface MediaStore {
  /** The file of one rendition, rendered now if it is not cached. */
  bytes(spec: GifSpec, name: RenditionName): Buffer;
}

export function createMediaStore(options: MediaStoreOptions = {}): MediaStore {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the LRU.
  const cache = new Map<string, Buffer>();
  let held = 0;
  return {
    bytes(spec, name) {
      const key = `${spec.id}/${name}`;
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const bytes = renderGif(spec, name);
      options.onRender?.();
      cache.set(key, bytes);
      held += bytes.length;
      for (const [oldest, old] of cache) {
        if (held <= maxBytes || oldest === key) break;
        cache.delete(oldest);
        held -= old.length;
      }
      return bytes;
    },
  };
}

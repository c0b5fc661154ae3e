// Deterministic randomness for the catalogue: the same index always yields the same
// GIF (id, title, size, frames), on every machine and every run, so tests can rely
// on it and nothing needs to be committed as binary data.

/** A small, fast, seedable PRNG (mulberry32). Returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], inclusive. */
export function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A Giphy-looking id (18 alphanumerics) derived from the catalogue index. */
export function giphyId(index: number): string {
  const random = createRandom(0x9e3779b9 ^ (index * 2654435761));
  let id = "";
  for (let i = 0; i < 18; i++) id += ID_ALPHABET.charAt(Math.floor(random() * ID_ALPHABET.length));
  return id;
}

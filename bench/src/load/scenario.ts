// What the load generator asks for: a weighted mix of endpoints, search terms drawn
// from a Zipf-like distribution (rank r has weight 1/r^s: a few hot queries, a long
// tail), and ids learned from earlier answers for get-by-id and media fetches.
import { createCatalogue } from "@gifmesh/giphy-fixture";

export type Endpoint = "search" | "trending" | "gif" | "media";
export const ENDPOINTS: readonly Endpoint[] = ["search", "trending", "gif", "media"];

/** Terms from the fixture's vocabulary (so queries hit), as one- and two-word queries. */
export function queryVocabulary(): string[] {
  const words = new Map<string, number>();
  for (const spec of createCatalogue().all)
    for (const word of spec.title.toLowerCase().split(/\s+/))
      if (word !== "gif") words.set(word, (words.get(word) ?? 0) + 1);
  const single = [...words].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const pairs = single.flatMap((a, i) => single.slice(i + 1, i + 6).map((b) => `${a} ${b}`));
  return [...single, ...pairs];
}

/** Draws ranks 0..n-1 with P(r) ∝ 1/(r+1)^s by inverting the cumulative weights. */
export function createZipf(n: number, s: number, random: () => number = Math.random): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) cumulative.push((total += 1 / r ** s));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** "search=60,trending=10,gif=20,media=10" → a picker. */
export function createMix(spec: string, random: () => number = Math.random): () => Endpoint {
  const weights = new Map<Endpoint, number>();
  for (const part of spec.split(",")) {
    const [name, weight] = part.split("=");
    if (!ENDPOINTS.includes(name as Endpoint) || !(Number(weight) >= 0))
      throw new Error(`LOAD_MIX: bad entry "${part}" (endpoints: ${ENDPOINTS.join(", ")})`);
    weights.set(name as Endpoint, Number(weight));
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error("LOAD_MIX: weights sum to 0");
  return () => {
    let x = random() * total;
    for (const [name, weight] of weights) if ((x -= weight) < 0) return name;
    return "search";
  };
}

/** A bounded pool of GIF ids seen in answers, for get-by-id and media requests. */
export function createIdPool(max = 5_000) {
  const ids: string[] = [];
  const seen = new Set<string>();
  return {
    add(id: string): void {
      if (seen.has(id) || ids.length >= max) return;
      seen.add(id);
      ids.push(id);
    },
    pick(random: () => number = Math.random): string | undefined {
      return ids[Math.floor(random() * ids.length)];
    },
    get size(): number {
      return ids.length;
    },
  };
}

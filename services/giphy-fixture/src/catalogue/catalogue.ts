// The fixture's catalogue: a few hundred GIFs described by deterministic specs.
// A spec says everything about a GIF (title, rating, pixel size, frame count, delays);
// the bytes are rendered from it on demand (see media/render-gif.ts).
import { createRandom, giphyId, intBetween, pick } from "./random.ts";
import { ACTIONS, MOODS, RATINGS, SUBJECTS, USERNAMES, type FixtureRating } from "./words.ts";

/** Everything the fixture knows about one GIF. Numbers are the real file's. */
export interface GifSpec {
  readonly index: number;
  readonly id: string;
  readonly title: string;
  readonly slug: string;
  readonly rating: FixtureRating;
  readonly username: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** Delay of each frame in centiseconds (GIF's unit). */
  readonly delaysCs: readonly number[];
  /** 0..1, how much pixel noise the frames carry: drives the file size. */
  readonly noise: number;
  /** log2 of the palette size, 1..8. */
  readonly paletteBits: number;
  readonly seed: number;
  readonly trending: boolean;
  /** "YYYY-MM-DD HH:MM:SS", like Giphy. */
  readonly importDatetime: string;
}

/** Size of the default catalogue. */
export const CATALOGUE_SIZE = 360;
/** Largest pixel count over all frames, which keeps files under about 500 KB. */
const MAX_PIXELS = 450_000;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function buildSpec(index: number): GifSpec {
  const random = createRandom(index * 7919 + 17);
  const words = [pick(random, MOODS), pick(random, SUBJECTS), pick(random, ACTIONS)];
  if (random() < 0.3) words.push(pick(random, SUBJECTS));
  const title = `${words.join(" ")} GIF`;
  const id = giphyId(index);
  let width = intBetween(random, 40, 320);
  let height = intBetween(random, 40, 320);
  const frames = random() < 0.15 ? 1 : intBetween(random, 2, 32);
  while (width * height * frames > MAX_PIXELS) {
    width = Math.max(16, Math.floor(width * 0.8));
    height = Math.max(16, Math.floor(height * 0.8));
  }
  const baseDelay = pick(random, [2, 3, 4, 5, 6, 8, 10, 12, 20]);
  const delaysCs = Array.from({ length: frames }, () =>
    random() < 0.2 ? intBetween(random, 1, 50) : baseDelay,
  );
  const day = new Date(Date.UTC(2016, 0, 1) + intBetween(random, 0, 3000) * 86_400_000);
  const importDatetime = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())} ${pad(intBetween(random, 0, 23))}:${pad(intBetween(random, 0, 59))}:${pad(intBetween(random, 0, 59))}`;
  return {
    index,
    id,
    title,
    slug: `${words.join("-")}-${id}`,
    rating: pick(random, RATINGS),
    username: pick(random, USERNAMES),
    width,
    height,
    frames,
    delaysCs,
    noise: pick(random, [0, 0.02, 0.05, 0.1, 0.3, 0.6]),
    paletteBits: intBetween(random, 2, 8),
    seed: Math.floor(random() * 2 ** 31),
    trending: index % 6 === 0,
    importDatetime,
  };
}

/** The read-only catalogue, with lookups used by the API routes. */
export interface Catalogue {
  readonly all: readonly GifSpec[];
  byId(id: string): GifSpec | undefined;
  /** GIFs whose title shares words with the query, best match first, then by index. */
  search(query: string): GifSpec[];
  trending(): GifSpec[];
}

export function createCatalogue(size: number = CATALOGUE_SIZE): Catalogue {
  const all = Array.from({ length: size }, (_, index) => buildSpec(index));
  const ids = new Map(all.map((spec) => [spec.id, spec]));
  const tokens = all.map((spec) => new Set(spec.title.toLowerCase().split(/\s+/)));
  return {
    all,
    byId: (id) => ids.get(id),
    search(query) {
      const words = query
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((word) => word.length > 0);
      const scored: { spec: GifSpec; score: number }[] = [];
      all.forEach((spec, i) => {
        const score = words.filter((word) => tokens[i]?.has(word) === true).length;
        if (score > 0) scored.push({ spec, score });
      });
      scored.sort((a, b) => b.score - a.score || a.spec.index - b.spec.index);
      return scored.map((entry) => entry.spec);
    },
    trending: () => all.filter((spec) => spec.trending),
  };
}

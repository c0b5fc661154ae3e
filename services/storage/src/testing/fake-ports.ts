// In-memory implementations of storage's ports for unit tests of the use cases: a
// catalogue that stores what it is given, a Giphy whose every method answers as the
// test scripts it (and fails loudly when called unscripted), and an archive result
// store whose transactions keep nothing of a unit of work that threw.
import type { ArchiveState, GifMetadata, StoredGif } from "../domain/gif.ts";
import type {
  ArchiveFailure,
  ArchivedFacts,
  ArchiveRequestRecord,
  ArchiveResultStore,
  ArchiveResultWrites,
  CatalogStore,
  Clock,
  GiphyPort,
  StoredResult,
} from "../application/ports.ts";

export const T0 = new Date("2025-06-01T12:00:00Z");

/** A GIF as the Giphy adapter yields it. */
export function gifMetadata(id: string, overrides: Partial<GifMetadata> = {}): GifMetadata {
  return {
    id,
    slug: `gif-${id}`,
    title: `GIF ${id}`,
    url: `https://giphy.com/gifs/${id}`,
    rating: "g",
    username: "",
    altText: "",
    embedUrl: "",
    bitlyUrl: "",
    sourceUrl: "",
    sourceTld: "",
    sourcePostUrl: "",
    isSticker: false,
    importedAt: null,
    trendingAt: null,
    user: null,
    renditions: [],
    giphyObject: { id },
    ...overrides,
  };
}

export function storedGif(
  id: string,
  overrides: Partial<StoredGif> = {},
  at: Date = T0,
): StoredGif {
  return {
    ...gifMetadata(id),
    archive: { kind: "pending", requestedAt: at },
    firstSeenAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A manual clock: `now` is whatever the test set. */
export function fakeClock(start: Date = T0): Clock & { set(at: Date): void } {
  let now = start;
  return {
    now: () => now,
    set(at) {
      now = at;
    },
  };
}

export interface MemoryCatalog extends CatalogStore {
  /** Stored answers by result key. */
  readonly results: Map<string, StoredResult>;
  readonly gifs: Map<string, StoredGif>;
  /** Ids of the GIFs an archive request was written for, in order. */
  readonly archiveRequests: string[];
  /** The inputs of every saveFromGiphy call. */
  readonly saves: Parameters<CatalogStore["saveFromGiphy"]>[0][];
  /** When set, every call rejects with it (PostgreSQL down). */
  failWith: Error | undefined;
}

export function memoryCatalog(clock: Clock = fakeClock()): MemoryCatalog {
  const results = new Map<string, StoredResult>();
  const gifs = new Map<string, StoredGif>();
  const archiveRequests: string[] = [];
  const saves: MemoryCatalog["saves"] = [];
  const catalog: MemoryCatalog = {
    results,
    gifs,
    archiveRequests,
    saves,
    failWith: undefined,
    findResult: (key) => guarded(() => results.get(key)),
    saveFromGiphy: (input) =>
      guarded(() => {
        saves.push(input);
        const at = clock.now();
        const saved = input.gifs.map((gif) => {
          const known = gifs.get(gif.id);
          if (known === undefined) archiveRequests.push(gif.id);
          const stored: StoredGif = {
            ...gif,
            archive: known?.archive ?? { kind: "pending", requestedAt: at },
            firstSeenAt: known?.firstSeenAt ?? at,
            updatedAt: at,
          };
          gifs.set(gif.id, stored);
          return stored;
        });
        if (input.key !== undefined)
          results.set(input.key, {
            gifs: saved,
            totalCount: input.totalCount,
            fetchedAt: at,
            payload: input.payload ?? null,
          });
        return saved;
      }),
    findGifs: (ids) =>
      guarded(() => ids.map((id) => gifs.get(id)).filter((gif) => gif !== undefined)),
    findArchive: (id) => guarded(() => gifs.get(id)?.archive),
    findRandomGif: () => guarded(() => gifs.values().next().value),
  };
  function guarded<T>(read: () => T): Promise<T> {
    if (catalog.failWith !== undefined) return Promise.reject(catalog.failWith);
    return Promise.resolve(read());
  }
  return catalog;
}

/** A Giphy that answers only what the test scripted; `calls` lists the methods called. */
export function scriptedGiphy(
  script: Partial<GiphyPort> = {},
): GiphyPort & { readonly calls: (keyof GiphyPort)[] } {
  const calls: (keyof GiphyPort)[] = [];
  const methods = [
    "search",
    "trending",
    "getById",
    "getByIds",
    "random",
    "translate",
    "related",
    "categories",
    "subcategories",
    "categoryGifs",
    "emoji",
    "emojiVariations",
    "animateText",
    "searchChannels",
    "autocompleteTags",
    "relatedTags",
    "trendingSearches",
    "randomId",
  ] as const satisfies readonly (keyof GiphyPort)[];
  const port = Object.fromEntries(
    methods.map((name) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        const answer = script[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        return answer === undefined
          ? Promise.reject(new Error(`Giphy ${name} was called but not scripted`))
          : answer(...args);
      },
    ]),
  ) as unknown as GiphyPort;
  return Object.assign(port, { calls });
}

export interface MemoryArchiveResults extends ArchiveResultStore {
  /** Event ids recorded as processed, with their topic. */
  readonly processed: Map<string, string>;
  /** The outbox's ArchiveRequested rows by event id. */
  readonly requests: Map<string, ArchiveRequestRecord>;
  /** Archive state by GIF id; a GIF not in it does not exist. */
  readonly gifs: Map<string, ArchiveState>;
  /** Transactions committed. */
  commits: number;
  /** The next write rejects with it (then it is cleared). */
  failNextWrite: unknown;
}

export function memoryArchiveResults(): MemoryArchiveResults {
  const store: MemoryArchiveResults = {
    processed: new Map(),
    requests: new Map(),
    gifs: new Map(),
    commits: 0,
    failNextWrite: undefined,
    async transaction(work) {
      // Writes go to copies; only a unit of work that returns is copied back.
      const processed = new Map(store.processed);
      const gifs = new Map(store.gifs);
      const fail = (): void => {
        const error = store.failNextWrite;
        if (error === undefined) return;
        store.failNextWrite = undefined;
        throw error as Error;
      };
      /** A result settles a GIF that exists and is not archived yet, as the real store's guard. */
      const settle = (gifId: string, state: ArchiveState): Promise<boolean> =>
        Promise.resolve().then(() => {
          fail();
          const now = gifs.get(gifId);
          if (now === undefined || now.kind === "archived") return false;
          gifs.set(gifId, state);
          return true;
        });
      const writes: ArchiveResultWrites = {
        markEventProcessed: (eventId, topic) =>
          Promise.resolve().then(() => {
            fail();
            if (processed.has(eventId)) return false;
            processed.set(eventId, topic);
            return true;
          }),
        findArchiveRequest: (eventId) => Promise.resolve(store.requests.get(eventId)),
        markArchived: (facts: ArchivedFacts) =>
          settle(facts.gifId, {
            kind: "archived",
            objectKey: facts.objectKey,
            sha256: facts.sha256,
            sizeBytes: facts.sizeBytes,
            contentType: facts.contentType,
            rendition: facts.rendition,
            width: facts.width,
            height: facts.height,
            frameCount: facts.frameCount,
            durationMs: facts.durationMs,
            archivedAt: facts.at,
          }),
        markFailed: (failure: ArchiveFailure) =>
          settle(failure.gifId, {
            kind: "failed",
            code: failure.code,
            reason: failure.reason,
            attempts: failure.attempts,
            failedAt: failure.at,
          }),
      };
      const result = await work(writes);
      for (const [k, v] of processed) store.processed.set(k, v);
      store.gifs.clear();
      for (const [k, v] of gifs) store.gifs.set(k, v);
      store.commits += 1;
      return result;
    },
  };
  return store;
}

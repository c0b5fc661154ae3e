// Two-level response cache: an in-process LRU (short TTL) in front of Redis (longer
// TTL, shared by every gateway instance). One load per key at a time (single
// flight); an expired entry is still served for a stale window while one
// background load refreshes it (stale-while-revalidate). Redis is best-effort:
// when it is down or slow, the cache degrades to L1 and storage, never fails.
// An entry is serialised ONCE, when it is stored: L1 keeps the value with its JSON
// bytes and a strong hash, L2 keeps the JSON text, so a hit answers with cached
// bytes instead of re-serialising a 50 KB page per request (bench/ANALYSIS.md).
// L1 is bounded by BYTES as well as by count: a count alone let 5,000 entries of
// any size pile up (300 distinct 50-GIF answers grew the process by 147 MB, with
// a 512 Mi pod limit). An entry larger than the per-entry bound skips L1 (it is
// still answered, and still shared through Redis).
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type {
  CacheClass,
  CacheOutcome,
  CachedBody,
  Loaded,
  ResponseCache,
} from "../application/ports.ts";

/** Freshness rules, in milliseconds. */
export interface CacheTtls {
  /** How long L1 keeps an entry before asking Redis again. */
  readonly l1Ms: number;
  /** How long an ordinary answer is fresh. */
  readonly freshMs: number;
  /** How long after that it may still be served while refreshing. */
  readonly staleMs: number;
  /** Freshness of empty answers and unknown ids (negative caching). */
  readonly emptyMs: number;
  /** Freshness of answers with GIFs whose archive is pending. */
  readonly pendingMs: number;
}

/** The few Redis calls the cache makes; an ioredis client fits. */
export interface CacheRedis {
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", ms: number): Promise<unknown>;
}

export interface CacheEvents {
  lookup(level: "l1" | "l2", outcome: "hit" | "miss" | "stale"): void;
  redisError(error: unknown): void;
  refreshError(key: string, error: unknown): void;
}

interface Entry<T> {
  readonly v: T;
  /** The value's JSON, as UTF-8 bytes, with a hash of them (for ETags). */
  readonly body: CachedBody;
  /** Epoch ms until which the entry is fresh, and until which it may be served stale. */
  readonly f: number;
  readonly s: number;
}

function encode(json: string): CachedBody {
  const bytes = Buffer.from(json, "utf8");
  return { bytes, hash: createHash("sha256").update(bytes).digest("base64url").slice(0, 22) };
}

/** L2 format: `<fresh until>,<stale until>\n<JSON of the value>` (no re-escaping of the JSON). */
function toL2(entry: Entry<unknown>): string {
  return `${String(entry.f)},${String(entry.s)}\n${entry.body.bytes.toString("utf8")}`;
}

function fromL2(raw: string): Entry<unknown> | undefined {
  const nl = raw.indexOf("\n");
  const [f, s] = raw.slice(0, nl).split(",").map(Number);
  if (nl < 0 || f === undefined || s === undefined || !Number.isFinite(f) || !Number.isFinite(s))
    return undefined; // an entry written by an older gateway: treated as a miss
  const json = raw.slice(nl + 1);
  return { v: JSON.parse(json) as unknown, body: encode(json), f, s };
}

/**
 * What an L1 entry costs the heap, estimated: its JSON bytes, plus the parsed value
 * (measured at 1.07 x the JSON for a 50-GIF page, so counted as the same again),
 * plus the key (UTF-16) and a fixed overhead for the entry's own objects.
 */
export function l1EntrySize(key: string, body: CachedBody): number {
  return 2 * body.bytes.length + 2 * key.length + 256;
}

export interface TwoLevelCacheOptions {
  readonly redis: CacheRedis | undefined;
  readonly ttls: CacheTtls;
  readonly l1MaxEntries: number;
  /** Bound of L1's estimated size in bytes (l1EntrySize summed). */
  readonly l1MaxBytes: number;
  /** Entries estimated larger than this are not kept in L1. */
  readonly l1MaxEntryBytes: number;
  readonly prefix?: string;
  readonly events?: Partial<CacheEvents>;
  readonly now?: () => number;
}

export function createTwoLevelCache(
  options: TwoLevelCacheOptions,
): ResponseCache & { clearL1(): void; l1Usage(): { entries: number; bytes: number } } {
  const { redis, ttls } = options;
  const prefix = options.prefix ?? "gifmesh:gw:";
  const now = options.now ?? Date.now;
  const events = options.events ?? {};
  const l1 = new LRUCache<string, { entry: Entry<unknown>; until: number }>({
    max: options.l1MaxEntries,
    maxSize: options.l1MaxBytes,
    maxEntrySize: Math.min(options.l1MaxEntryBytes, options.l1MaxBytes),
    sizeCalculation: (value, key) => l1EntrySize(key, value.entry.body),
  });
  const flights = new Map<string, Promise<Entry<unknown>>>();

  const freshFor = (c: CacheClass): number =>
    c === "empty" ? ttls.emptyMs : c === "pending" ? ttls.pendingMs : ttls.freshMs;

  async function readL2(key: string): Promise<Entry<unknown> | undefined> {
    if (!redis || redis.status !== "ready") return undefined;
    try {
      const raw = await redis.get(prefix + key);
      return raw === null ? undefined : fromL2(raw);
    } catch (error) {
      events.redisError?.(error);
      return undefined;
    }
  }

  function writeL1(key: string, entry: Entry<unknown>): void {
    l1.set(key, { entry, until: Math.min(now() + ttls.l1Ms, entry.f) });
  }

  function writeL2(key: string, entry: Entry<unknown>): void {
    if (!redis || redis.status !== "ready") return;
    const ms = entry.s - now();
    if (ms <= 0) return;
    redis
      .set(prefix + key, toL2(entry), "PX", ms)
      .catch((error: unknown) => events.redisError?.(error));
  }

  function load(key: string, loader: () => Promise<Loaded<unknown>>): Promise<Entry<unknown>> {
    const running = flights.get(key);
    if (running) return running;
    const flight = (async () => {
      const loaded = await loader();
      const fresh = freshFor(loaded.cacheClass);
      const t = now();
      // Pending answers get no long stale window either: they change soon.
      const stale = loaded.cacheClass === "pending" ? fresh : ttls.staleMs;
      // JSON.stringify(undefined) is undefined at run time, whatever its type says.
      const json = JSON.stringify(loaded.value) as string | undefined;
      const body = encode(json ?? "null");
      const entry: Entry<unknown> = { v: loaded.value, body, f: t + fresh, s: t + fresh + stale };
      writeL1(key, entry);
      writeL2(key, entry);
      return entry;
    })().finally(() => flights.delete(key));
    flights.set(key, flight);
    return flight;
  }

  function refreshInBackground(key: string, loader: () => Promise<Loaded<unknown>>): void {
    if (flights.has(key)) return;
    load(key, loader).catch((error: unknown) => events.refreshError?.(key, error));
  }

  return {
    async getOrLoad<T>(
      key: string,
      loader: () => Promise<Loaded<T>>,
    ): Promise<{ value: T; body: CachedBody; outcome: CacheOutcome }> {
      const t = now();
      const local = l1.get(key);
      if (local && t < local.until) {
        events.lookup?.("l1", "hit");
        return { value: local.entry.v as T, body: local.entry.body, outcome: "l1" };
      }
      events.lookup?.("l1", "miss");
      const shared = await readL2(key);
      if (shared && t < shared.f) {
        events.lookup?.("l2", "hit");
        writeL1(key, shared);
        return { value: shared.v as T, body: shared.body, outcome: "l2" };
      }
      // Redis had nothing fresh (or is down) but L1 still holds a fresh entry.
      if (local && t < local.entry.f) {
        events.lookup?.("l1", "hit");
        writeL1(key, local.entry);
        return { value: local.entry.v as T, body: local.entry.body, outcome: "l1" };
      }
      // An expired entry from either level may be served while one load refreshes it.
      const stale = [shared, local?.entry].find((e) => e !== undefined && t < e.s);
      if (stale) {
        events.lookup?.(shared === stale ? "l2" : "l1", "stale");
        refreshInBackground(key, loader);
        return { value: stale.v as T, body: stale.body, outcome: "stale" };
      }
      if (redis?.status === "ready") events.lookup?.("l2", "miss");
      const entry = await load(key, loader);
      return { value: entry.v as T, body: entry.body, outcome: "miss" };
    },
    clearL1() {
      l1.clear();
    },
    l1Usage() {
      return { entries: l1.size, bytes: l1.calculatedSize };
    },
  };
}

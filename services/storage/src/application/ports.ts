// The ports the use cases depend on. Infrastructure implements them (Giphy over
// HTTP, PostgreSQL through Kysely); tests can implement them in a few lines.
import type {
  ArchiveState,
  GifMetadata,
  JsonValue,
  MediaType,
  Rating,
  StoredGif,
} from "../domain/gif.ts";

export type { GiphyPort, GiphySearchParams } from "./giphy-port.ts";

/**
 * How long a call may keep the database busy: the RPC's cancellation signal and,
 * when the client set one, its deadline (epoch ms). Adapters stop their queries
 * when either fires.
 */
export interface CallBounds {
  readonly signal?: AbortSignal;
  readonly deadline?: number;
}

export interface StoredResult {
  readonly gifs: readonly StoredGif[];
  readonly totalCount: number;
  readonly fetchedAt: Date;
  /** What the answer holds beyond its GIFs (stored-answers.ts), as it was stored; null for none. */
  readonly payload: unknown;
}

/** Which stored GIF a random pick may return when Giphy cannot be asked. */
export interface RandomPick {
  readonly type: MediaType;
  /** Undefined: any GIF. */
  readonly tag?: string;
  readonly rating: Rating | undefined;
}

/** The system of record. Throws StorageError DATABASE.UNAVAILABLE when PostgreSQL is down. */
export interface CatalogStore {
  /** The stored page for a result key, with its GIFs in stored order. */
  findResult(key: string, call?: CallBounds): Promise<StoredResult | undefined>;
  /**
   * In ONE transaction: upsert the GIFs, store the result page under `key` (when given),
   * and write one archive request to the outbox for every GIF that is new.
   * `traceHeaders` (W3C) are kept with the outbox rows for the relay.
   */
  saveFromGiphy(input: {
    readonly key?: string;
    readonly gifs: readonly GifMetadata[];
    readonly totalCount: number;
    /** Stored with the page under `key`: the answer's shape beyond its GIFs. */
    readonly payload?: JsonValue;
    readonly traceHeaders: Readonly<Record<string, string>>;
    readonly call?: CallBounds;
  }): Promise<readonly StoredGif[]>;
  findGifs(ids: readonly string[], call?: CallBounds): Promise<readonly StoredGif[]>;
  findArchive(id: string, call?: CallBounds): Promise<ArchiveState | undefined>;
  /** One stored GIF matching the pick, chosen at random; undefined when none does. */
  findRandomGif(pick: RandomPick, call?: CallBounds): Promise<StoredGif | undefined>;
}

export interface Clock {
  now(): Date;
}

/** Called after a commit that wrote outbox rows, to wake the relay early. */
export type OutboxNotifier = () => void;

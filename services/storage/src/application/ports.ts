// The ports the use cases and the transport adapters depend on. Infrastructure
// implements them (Giphy over HTTP, PostgreSQL through Kysely, Kafka); tests can
// implement them in a few lines.
import type { RawKafkaMessage } from "@gifmesh/shared/kafka";
import type { ArchivedObject } from "../domain/archive-result.ts";
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

/** The ArchiveRequested event storage wrote to its outbox, as a result is bound to it. */
export interface ArchiveRequestRecord {
  /** The topic the request was written for. */
  readonly topic: string;
  /** The GIF the outbox row is about (its aggregate). */
  readonly gifId: string;
  /** What the request's payload asked for. */
  readonly requested: { readonly gifId: string; readonly rendition: string };
}

/** A completed archive as it is written to its GIF. */
export interface ArchivedFacts extends ArchivedObject {
  readonly gifId: string;
  readonly rendition: string;
  readonly at: Date;
}

/** A failed archive as it is written to its GIF. */
export interface ArchiveFailure {
  readonly gifId: string;
  readonly code: string;
  readonly reason: string;
  readonly attempts: number;
  readonly at: Date;
}

/** The writes of one archive result, inside one transaction. */
export interface ArchiveResultWrites {
  /** Records the event id; false when it was recorded before (a duplicate). */
  markEventProcessed(eventId: string, topic: string): Promise<boolean>;
  /** The outbox request `requestEventId` names, sent or not; undefined when storage wrote none. */
  findArchiveRequest(requestEventId: string): Promise<ArchiveRequestRecord | undefined>;
  /** Marks the GIF archived unless it already is (archived is final); whether a row changed. */
  markArchived(facts: ArchivedFacts): Promise<boolean>;
  /** Marks the GIF failed unless it is archived; whether a row changed. */
  markFailed(failure: ArchiveFailure): Promise<boolean>;
}

/** Where archive results are written (the gifs rows, the processed-event ids, the outbox). */
export interface ArchiveResultStore {
  /**
   * Runs `work` in one transaction: when it throws, nothing it wrote stays. Rejects
   * with DatabaseRejectedError when the database refuses a value as data (the same
   * input always fails the same way); with anything else when it may succeed later.
   */
  transaction<T>(work: (writes: ArchiveResultWrites) => Promise<T>): Promise<T>;
}

/** The database refused a value as data: retrying the same input can never succeed. */
export class DatabaseRejectedError extends Error {
  override readonly name = "DatabaseRejectedError";
}

/** A message as it came off a topic, kept intact for the dead-letter topic. */
export type RawMessage = RawKafkaMessage;

/**
 * Copies a message that can never apply to the dead-letter topic, with its stable
 * code and the reason; resolves once the broker acknowledged the copy.
 */
export type DeadLetter = (input: {
  readonly message: RawMessage;
  readonly code: string;
  readonly reason: string;
}) => Promise<void>;

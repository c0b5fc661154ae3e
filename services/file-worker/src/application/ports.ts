// The ports the archive use case depends on. Adapters in infrastructure/ implement
// them; tests and main.ts inject them. Every call takes an AbortSignal.
import type { RawKafkaMessage } from "@gifmesh/shared/kafka";
import type { Readable } from "node:stream";
import type { ArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob, ArchivedMedia } from "../domain/archive-job.ts";
import type { HeldBytes } from "./spill-sink.ts";

/** A successful download: a byte stream plus what the server declared (untrusted). */
export interface DownloadedBody {
  readonly body: Readable;
  /** Declared Content-Type, lowercased without parameters; "" when absent. */
  readonly contentType: string;
  /** Declared Content-Length, or undefined. */
  readonly contentLength: number | undefined;
  /** The URL that finally answered, after redirects. */
  readonly finalUrl: string;
}

/** Fetches a URL safely (allowlist, address checks, redirects, timeouts); throws ArchiveError. */
export interface MediaDownloader {
  download(url: string, signal: AbortSignal): Promise<DownloadedBody>;
}

/** What an object is stored with. */
export interface StoreObjectInput {
  readonly key: string;
  /** Exactly the bytes to store: in memory, or a local file. */
  readonly body: HeldBytes;
  readonly sizeBytes: number;
  readonly sha256Hex: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Content-addressed object storage; throws ArchiveError STORAGE_UNAVAILABLE on outages. */
export interface ObjectSink {
  readonly bucket: string;
  /** Stores the file under `key` unless an object with the same sha256 is already there. */
  put(input: StoreObjectInput, signal: AbortSignal): Promise<{ readonly alreadyStored: boolean }>;
}

/** The raw request as it came off the topic, kept intact for the dead-letter topic. */
export type RawRequest = RawKafkaMessage;

/** Publishes outcomes; resolves only once the broker acknowledged (acks=all). Throws ArchiveError STORAGE_UNAVAILABLE. */
export interface ResultPublisher {
  completed(job: ArchiveJob, media: ArchivedMedia): Promise<void>;
  /** Publishes archive.failed (when the job decoded) and the original message to the dead-letter topic, together. */
  failed(
    job: ArchiveJob | undefined,
    raw: RawRequest,
    error: ArchiveError,
    attempts: number,
  ): Promise<void>;
}

/**
 * What the archive consumer counts. The Prometheus instruments of
 * infrastructure/worker-metrics.ts fit it as they are; tests pass plain recorders.
 */
export interface ConsumerMetrics {
  /** Messages taken from the topic, redeliveries included. */
  readonly consumed: { inc(): void };
  /** Finished requests by result: completed, deduplicated, failed, dead_lettered. */
  readonly processed: { inc(labels: { readonly result: string }): void };
  /** Requests failed for good, by ARCHIVE.* code. */
  readonly failed: { inc(labels: { readonly code: string }): void };
  /** Attempts scheduled for a retry, by ARCHIVE.* code. */
  readonly retries: { inc(labels: { readonly code: string }): void };
  readonly inFlight: { inc(): void; dec(): void };
  /** Messages behind the high watermark, per partition, as of the last batch. */
  readonly consumerLag: {
    set(labels: { readonly topic: string; readonly partition: string }, value: number): void;
  };
}

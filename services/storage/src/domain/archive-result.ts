// The file worker's answer to one archive request, as storage applies it: checked
// field by field already (transport/kafka/result-events.ts), so every value fits
// the gifs row it is written to.

/** What storage keeps of a completed archive (the gifs row's archive_* columns). */
export interface ArchivedObject {
  readonly objectKey: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  readonly durationMs: number;
}

/** The fields every result has. */
export interface ArchiveResultBase {
  readonly eventId: string;
  /** The ArchiveRequested event this answers; the result applies only when bound to it. */
  readonly requestEventId: string;
  readonly gifId: string;
  readonly rendition: string;
  /** Undefined when the producer left it out (then "now" is used). */
  readonly occurredAt: Date | undefined;
}

/** A completed or failed archive, every field of which storage can store. */
export type ArchiveResult =
  | (ArchiveResultBase & { readonly kind: "completed"; readonly archived: ArchivedObject })
  | (ArchiveResultBase & {
      readonly kind: "failed";
      readonly code: string;
      readonly reason: string;
      readonly attempts: number;
    });

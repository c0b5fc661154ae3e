// The use case: download one rendition, prove it is a well-formed GIF, store it
// content-addressed. It knows nothing of Kafka; retries and results are decided
// by the caller from the ArchiveError it throws.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { ArchiveError, toArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob, ArchivedMedia } from "../domain/archive-job.ts";
import { spoolAndInspect } from "./inspect-media.ts";
import type { MediaDownloader, ObjectSink } from "./ports.ts";

/** Hooks for metrics; all optional so tests can leave them out. */
export interface ArchiveObserver {
  downloaded?(seconds: number): void;
  uploaded?(seconds: number, bytes: number, alreadyStored: boolean): void;
}

export interface ArchiveMediaDeps {
  readonly downloader: MediaDownloader;
  readonly sink: ObjectSink;
  /** Directory for spool files (one per in-flight job above the memory limit, removed afterwards). */
  readonly spoolDir: string;
  readonly maxBytes: number;
  /** Downloads up to this size are held in memory instead of a spool file. */
  readonly memoryMaxBytes: number;
  readonly observer?: ArchiveObserver;
}

export type ArchiveMedia = (job: ArchiveJob, signal: AbortSignal) => Promise<ArchivedMedia>;

const tracer = trace.getTracer("gifmesh-file-worker");

/** Runs `fn` in a span that records the ArchiveError code on failure. */
async function inSpan<T>(
  name: string,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const archiveError = toArchiveError(error);
      span.setAttribute("archive.error_code", archiveError.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: archiveError.code });
      throw error;
    } finally {
      span.end();
    }
  });
}

export function createArchiveMedia(deps: ArchiveMediaDeps): ArchiveMedia {
  return async (job, signal) => {
    if (job.declaredSizeBytes > BigInt(deps.maxBytes)) {
      throw new ArchiveError(
        "ARCHIVE.TOO_LARGE",
        `declared size ${job.declaredSizeBytes} exceeds ${deps.maxBytes} bytes`,
      );
    }
    const spoolPath = join(deps.spoolDir, `gifmesh-${randomUUID()}.part`);
    try {
      const started = performance.now();
      const inspected = await inSpan(
        "archive.download",
        { "gif.id": job.gifId, "url.host": new URL(job.sourceUrl).host },
        async (span) => {
          const response = await deps.downloader.download(job.sourceUrl, signal);
          checkDeclaredType(response.contentType);
          if (response.contentLength !== undefined && response.contentLength > deps.maxBytes) {
            response.body.destroy();
            throw new ArchiveError(
              "ARCHIVE.TOO_LARGE",
              `Content-Length ${response.contentLength} exceeds ${deps.maxBytes} bytes`,
            );
          }
          const result = await spoolAndInspect(response.body, {
            maxBytes: deps.maxBytes,
            memoryMaxBytes: deps.memoryMaxBytes,
            spoolPath,
            signal,
          }).catch((error: unknown) => {
            response.body.destroy();
            throw signal.aborted
              ? new ArchiveError("ARCHIVE.TIMEOUT", "download did not finish in time", {
                  cause: error,
                })
              : error;
          });
          span.setAttribute("archive.bytes", result.sizeBytes);
          return result;
        },
      );
      deps.observer?.downloaded?.((performance.now() - started) / 1000);

      const key = contentAddressedKey(inspected.sha256Hex, inspected.contentType);
      const uploadStarted = performance.now();
      const { alreadyStored } = await inSpan(
        "archive.s3.put",
        { "s3.bucket": deps.sink.bucket, "s3.key": key },
        async (span) => {
          const stored = await deps.sink.put(
            {
              key,
              body: inspected.held,
              sizeBytes: inspected.sizeBytes,
              sha256Hex: inspected.sha256Hex,
              contentType: inspected.contentType,
              metadata: {
                "gif-id": job.gifId,
                rendition: job.rendition,
                "content-type": inspected.contentType,
                "source-url": stripQuery(job.sourceUrl),
              },
            },
            signal,
          );
          span.setAttribute("archive.already_stored", stored.alreadyStored);
          return stored;
        },
      );
      deps.observer?.uploaded?.(
        (performance.now() - uploadStarted) / 1000,
        inspected.sizeBytes,
        alreadyStored,
      );

      return {
        bucket: deps.sink.bucket,
        key,
        sha256Hex: inspected.sha256Hex,
        sizeBytes: inspected.sizeBytes,
        contentType: inspected.contentType,
        facts: inspected.facts,
        alreadyStored,
      };
    } finally {
      await rm(spoolPath, { force: true });
    }
  };
}

/** A server that says text/html (an error page) is not serving a GIF, whatever the bytes. */
function checkDeclaredType(contentType: string): void {
  if (
    contentType === "" ||
    contentType === "image/gif" ||
    contentType === "application/octet-stream"
  )
    return;
  throw new ArchiveError("ARCHIVE.NOT_A_GIF", `server declared Content-Type ${contentType}`);
}

/** Query strings can carry tokens (Giphy's cid, signed URLs); metadata keeps only origin and path. */
function stripQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

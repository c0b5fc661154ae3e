// Turns one raw request into exactly one decision: done (commit the offset) or
// retry later (do not commit; the consumer pauses the partition for the delay).
// Retry policy lives here: permanent codes fail at once, transient ones within
// the budget, infrastructure outages (S3, Kafka) are waited out without a budget.
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import { toArchiveError, type ArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob } from "../domain/archive-job.ts";
import type { ArchiveMedia } from "./archive-media.ts";
import type { RawRequest, ResultPublisher } from "./ports.ts";

export type Outcome =
  | { readonly kind: "completed"; readonly alreadyStored: boolean }
  | { readonly kind: "failed"; readonly code: string }
  | {
      readonly kind: "retry";
      readonly delayMs: number;
      readonly error: ArchiveError;
      readonly attempt: number;
    };

export interface RetryBudget {
  /** Attempts for transient codes, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly random?: () => number;
}

export interface HandleRequestDeps {
  /** Decodes and validates the payload; the key must agree with it (request-codec.ts). */
  readonly decode: (value: Buffer | null, key: Buffer | null) => ArchiveJob;
  readonly archive: ArchiveMedia;
  readonly publisher: ResultPublisher;
  readonly retry: RetryBudget;
}

export type HandleRequest = (raw: RawRequest, signal: AbortSignal) => Promise<Outcome>;

export function createHandleRequest(deps: HandleRequestDeps): HandleRequest {
  /** Attempts so far per message, in memory: a restart starts the budget again, which is safe. */
  const attempts = new Map<string, number>();

  return async (raw, signal) => {
    const id = `${raw.topic}/${raw.partition}/${raw.offset}`;
    const attempt = (attempts.get(id) ?? 0) + 1;
    let job: ArchiveJob | undefined;
    try {
      job = deps.decode(raw.value, raw.key);
      const media = await deps.archive(job, signal);
      await deps.publisher.completed(job, media);
      attempts.delete(id);
      return { kind: "completed", alreadyStored: media.alreadyStored };
    } catch (thrown) {
      const error = toArchiveError(thrown);
      const giveUp =
        !signal.aborted &&
        (error.retryClass === "permanent" ||
          (error.retryClass === "transient" && attempt >= deps.retry.maxAttempts));
      if (giveUp) {
        try {
          await deps.publisher.failed(job, raw, error, attempt);
          attempts.delete(id);
          return { kind: "failed", code: error.code };
        } catch (publishError) {
          attempts.set(id, attempt);
          return retry(toArchiveError(publishError, "ARCHIVE.STORAGE_UNAVAILABLE"), attempt);
        }
      }
      attempts.set(id, attempt);
      return retry(error, attempt);
    }
  };

  function retry(error: ArchiveError, attempt: number): Outcome {
    const delayMs = backoffDelay(attempt, {
      initial: deps.retry.initialDelayMs,
      max: deps.retry.maxDelayMs,
      random: deps.retry.random,
    });
    return { kind: "retry", delayMs, error, attempt };
  }
}

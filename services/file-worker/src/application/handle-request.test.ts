// The retry policy of one request, with in-memory ports: a result publisher that
// records what it was asked to publish, and an archive step that answers as told.
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob, ArchivedMedia } from "../domain/archive-job.ts";
import type { ArchiveMedia } from "./archive-media.ts";
import { createHandleRequest, type Outcome } from "./handle-request.ts";
import type { RawRequest, ResultPublisher } from "./ports.ts";

const job: ArchiveJob = {
  eventId: "ev-1",
  gifId: "abc123",
  rendition: "original",
  sourceUrl: "https://media.giphy.com/media/abc123/giphy.gif",
  expectedContentType: "image/gif",
  declaredSizeBytes: 0n,
};

const media: ArchivedMedia = {
  bucket: "gifs",
  key: "gifs/sha256/aa/bb/aabb.gif",
  sha256Hex: "aabb",
  sizeBytes: 42,
  contentType: "image/gif",
  facts: { width: 1, height: 1, frameCount: 1, durationMs: 0 },
  alreadyStored: false,
};

const raw = (offset = "7"): RawRequest => ({
  topic: "requests",
  partition: 0,
  offset,
  key: Buffer.from(job.gifId),
  value: Buffer.from("a request"),
  headers: {},
});

/** A ResultPublisher that keeps what it published; `failing` makes it throw like a Kafka outage. */
class RecordingPublisher implements ResultPublisher {
  readonly completedJobs: { job: ArchiveJob; media: ArchivedMedia }[] = [];
  readonly failures: { job: ArchiveJob | undefined; code: string; attempts: number }[] = [];
  failing = false;

  completed(done: ArchiveJob, stored: ArchivedMedia): Promise<void> {
    if (this.failing) return Promise.reject(new Error("broker down"));
    this.completedJobs.push({ job: done, media: stored });
    return Promise.resolve();
  }

  failed(
    failedJob: ArchiveJob | undefined,
    _raw: RawRequest,
    error: ArchiveError,
    attempts: number,
  ): Promise<void> {
    if (this.failing) return Promise.reject(new Error("broker down"));
    this.failures.push({ job: failedJob, code: error.code, attempts });
    return Promise.resolve();
  }
}

function setup(archive: ArchiveMedia, decode: () => ArchiveJob = () => job) {
  const publisher = new RecordingPublisher();
  const handle = createHandleRequest({
    decode,
    archive,
    publisher,
    retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 },
  });
  return { publisher, handle };
}

const signal = new AbortController().signal;
const throwing =
  (error: unknown): ArchiveMedia =>
  () =>
    Promise.reject(error instanceof Error ? error : new Error(String(error)));

describe("handle request", () => {
  it("publishes archive.completed once the media is stored, and says completed", async () => {
    const { publisher, handle } = setup(() => Promise.resolve(media));
    const outcome = await handle(raw(), signal);
    expect(outcome).toEqual({ kind: "completed", alreadyStored: false });
    expect(publisher.completedJobs).toEqual([{ job, media }]);
    expect(publisher.failures).toEqual([]);
  });

  it("reports a deduplicated upload as completed and already stored", async () => {
    const { handle } = setup(() => Promise.resolve({ ...media, alreadyStored: true }));
    expect(await handle(raw(), signal)).toEqual({ kind: "completed", alreadyStored: true });
  });

  it("fails bad media at once with its stable code, after one attempt", async () => {
    const { publisher, handle } = setup(
      throwing(new ArchiveError("ARCHIVE.NOT_A_GIF", "magic bytes are PNG")),
    );
    expect(await handle(raw(), signal)).toEqual({ kind: "failed", code: "ARCHIVE.NOT_A_GIF" });
    expect(publisher.failures).toEqual([{ job, code: "ARCHIVE.NOT_A_GIF", attempts: 1 }]);
  });

  it("dead-letters a message that does not decode, without a job", async () => {
    const archived: ArchiveJob[] = [];
    const { publisher, handle } = setup(
      (j) => {
        archived.push(j);
        return Promise.resolve(media);
      },
      () => {
        throw new ArchiveError("ARCHIVE.BAD_MESSAGE", "empty payload");
      },
    );
    expect(await handle(raw(), signal)).toEqual({ kind: "failed", code: "ARCHIVE.BAD_MESSAGE" });
    expect(publisher.failures).toEqual([
      { job: undefined, code: "ARCHIVE.BAD_MESSAGE", attempts: 1 },
    ]);
    expect(archived).toEqual([]);
  });

  it("retries a transient error with growing delays, then fails it when the budget is spent", async () => {
    const { publisher, handle } = setup(
      throwing(new ArchiveError("ARCHIVE.UPSTREAM_ERROR", "503 from the media host")),
    );
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 3; i++) outcomes.push(await handle(raw(), signal));
    expect(outcomes.map((o) => o.kind)).toEqual(["retry", "retry", "failed"]);
    // Half the backoff ceiling (random 0.5): of 100 ms, then of 200 ms.
    expect(outcomes.slice(0, 2)).toMatchObject([
      { kind: "retry", attempt: 1, delayMs: 50 },
      { kind: "retry", attempt: 2, delayMs: 100 },
    ]);
    expect(publisher.failures).toEqual([{ job, code: "ARCHIVE.UPSTREAM_ERROR", attempts: 3 }]);
  });

  it("counts attempts per message: another offset starts its own budget", async () => {
    const { handle } = setup(throwing(new ArchiveError("ARCHIVE.TIMEOUT", "slow host")));
    await handle(raw("1"), signal);
    await handle(raw("1"), signal);
    expect(await handle(raw("2"), signal)).toMatchObject({ kind: "retry", attempt: 1 });
  });

  it("an unknown error is retried within the budget as an upstream error", async () => {
    const { handle } = setup(throwing(new Error("socket hang up")));
    const outcome = await handle(raw(), signal);
    expect(outcome).toMatchObject({ kind: "retry", attempt: 1 });
    expect(outcome.kind === "retry" && outcome.error.code).toBe("ARCHIVE.UPSTREAM_ERROR");
  });

  it("waits out a storage outage without a budget: never fails the GIF for it", async () => {
    const { publisher, handle } = setup(
      throwing(new ArchiveError("ARCHIVE.STORAGE_UNAVAILABLE", "S3 refused the connection")),
    );
    for (let attempt = 1; attempt <= 10; attempt++)
      expect(await handle(raw(), signal)).toMatchObject({ kind: "retry", attempt });
    expect(publisher.failures).toEqual([]);
  });

  it("retries when the failure cannot be published, so the message is not committed unreported", async () => {
    const { publisher, handle } = setup(
      throwing(new ArchiveError("ARCHIVE.NOT_FOUND", "404 from the media host")),
    );
    publisher.failing = true;
    const outcome = await handle(raw(), signal);
    expect(outcome).toMatchObject({ kind: "retry" });
    expect(outcome.kind === "retry" && outcome.error.code).toBe("ARCHIVE.STORAGE_UNAVAILABLE");
    publisher.failing = false;
    expect(await handle(raw(), signal)).toEqual({ kind: "failed", code: "ARCHIVE.NOT_FOUND" });
    expect(publisher.failures).toEqual([{ job, code: "ARCHIVE.NOT_FOUND", attempts: 2 }]);
  });

  it("retries when archive.completed cannot be published", async () => {
    const { publisher, handle } = setup(() => Promise.resolve(media));
    publisher.failing = true;
    expect(await handle(raw(), signal)).toMatchObject({ kind: "retry" });
    expect(publisher.completedJobs).toEqual([]);
  });

  it("never fails a message for good while shutting down: the next owner retries it", async () => {
    const stopping = new AbortController();
    stopping.abort(new Error("shutting down"));
    const { publisher, handle } = setup(
      throwing(new ArchiveError("ARCHIVE.TIMEOUT", "download did not finish in time")),
    );
    for (let i = 0; i < 4; i++)
      expect(await handle(raw(), stopping.signal)).toMatchObject({ kind: "retry" });
    expect(publisher.failures).toEqual([]);
  });
});

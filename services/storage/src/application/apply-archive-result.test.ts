import { describe, expect, it } from "vitest";
import type { ArchiveResult } from "../domain/archive-result.ts";
import { fakeClock, memoryArchiveResults, T0 } from "../testing/fake-ports.ts";
import { createApplyArchiveResult } from "./apply-archive-result.ts";
import { DatabaseRejectedError } from "./ports.ts";

const REQUESTED = "run.requested";
const COMPLETED = "run.completed";
const FAILED = "run.failed";
const OCCURRED = new Date("2025-06-01T11:59:00Z");

const archived = {
  objectKey: "sha256/ab/abcd.gif",
  sha256: "ab".repeat(32),
  sizeBytes: 1234,
  contentType: "image/gif",
  width: 10,
  height: 20,
  frameCount: 3,
  durationMs: 300,
};

/** What the results here answer, unless a test says otherwise: request r-1 of gif1 (see setup). */
const ANSWERING = {
  requestEventId: "r-1",
  gifId: "gif1",
  rendition: "original",
  occurredAt: OCCURRED,
};

function completed(overrides: Partial<ArchiveResult> = {}): ArchiveResult {
  return {
    kind: "completed",
    eventId: "e-completed",
    ...ANSWERING,
    archived,
    ...overrides,
  } as ArchiveResult;
}

function failed(overrides: Partial<ArchiveResult> = {}): ArchiveResult {
  return {
    kind: "failed",
    eventId: "e-failed",
    ...ANSWERING,
    code: "ARCHIVE.TOO_LARGE",
    reason: "too big",
    attempts: 3,
    ...overrides,
  } as ArchiveResult;
}

/** A store with gif1 pending and storage's request r-1 for its original rendition. */
function setup() {
  const store = memoryArchiveResults();
  store.gifs.set("gif1", { kind: "pending", requestedAt: T0 });
  store.requests.set("r-1", {
    topic: REQUESTED,
    gifId: "gif1",
    requested: { gifId: "gif1", rendition: "original" },
  });
  const clock = fakeClock(T0);
  const apply = createApplyArchiveResult({ store, requestedTopic: REQUESTED, clock });
  return { store, clock, apply };
}

describe("applying an archive result", () => {
  it("marks the GIF archived with the object's facts at the time the result occurred", async () => {
    const { store, apply } = setup();
    expect(await apply(completed(), COMPLETED)).toEqual({ kind: "applied" });
    expect(store.gifs.get("gif1")).toEqual({
      kind: "archived",
      ...archived,
      rendition: "original",
      archivedAt: OCCURRED,
    });
    expect(store.processed.get("e-completed")).toBe(COMPLETED);
  });

  it("uses the clock when the producer left occurred_at out", async () => {
    const { store, clock, apply } = setup();
    const later = new Date("2025-06-02T00:00:00Z");
    clock.set(later);
    await apply(failed({ occurredAt: undefined }), FAILED);
    expect(store.gifs.get("gif1")).toMatchObject({ kind: "failed", failedAt: later });
  });

  it("marks the GIF failed with its code, reason and attempts", async () => {
    const { store, apply } = setup();
    expect(await apply(failed(), FAILED)).toEqual({ kind: "applied" });
    expect(store.gifs.get("gif1")).toEqual({
      kind: "failed",
      code: "ARCHIVE.TOO_LARGE",
      reason: "too big",
      attempts: 3,
      failedAt: OCCURRED,
    });
  });

  it("applies an event id once: a redelivery is a duplicate and changes nothing", async () => {
    const { store, apply } = setup();
    await apply(failed(), FAILED);
    const before = store.gifs.get("gif1");
    expect(await apply(failed({ reason: "other" }), FAILED)).toEqual({
      kind: "duplicate",
    });
    expect(store.gifs.get("gif1")).toBe(before);
  });

  it("never regresses archived: a later failure is ignored, and so is a second archive", async () => {
    const { store, apply } = setup();
    await apply(completed(), COMPLETED);
    expect(await apply(failed(), FAILED)).toEqual({ kind: "ignored" });
    expect(
      await apply(
        completed({ eventId: "e-again", archived: { ...archived, width: 99 } }),
        COMPLETED,
      ),
    ).toEqual({ kind: "ignored" });
    expect(store.gifs.get("gif1")).toMatchObject({ kind: "archived", width: 10 });
  });

  it("archives a GIF that failed before (a later, successful attempt)", async () => {
    const { store, apply } = setup();
    await apply(failed(), FAILED);
    expect(await apply(completed(), COMPLETED)).toEqual({ kind: "applied" });
    expect(store.gifs.get("gif1")?.kind).toBe("archived");
  });

  it("ignores a result for a GIF storage does not have", async () => {
    const { store, apply } = setup();
    store.gifs.delete("gif1");
    expect(await apply(completed(), COMPLETED)).toEqual({ kind: "ignored" });
    expect(store.gifs.has("gif1")).toBe(false);
  });

  describe("refuses a result not bound to storage's request, changing nothing", () => {
    const cases: [string, (s: ReturnType<typeof setup>) => ArchiveResult, RegExp][] = [
      ["no request of that id", () => completed({ requestEventId: "r-unknown" }), /names no/],
      [
        "a request for another GIF",
        ({ store }) => {
          store.gifs.set("gif2", { kind: "pending", requestedAt: T0 });
          return completed({ gifId: "gif2" });
        },
        /another GIF/,
      ],
      [
        "a request written for another topic",
        ({ store }) => {
          store.requests.set("r-other", {
            topic: "elsewhere",
            gifId: "gif1",
            requested: { gifId: "gif1", rendition: "original" },
          });
          return completed({ requestEventId: "r-other" });
        },
        /another GIF/,
      ],
      [
        "a rendition other than the one requested",
        () => completed({ rendition: "fixed_width" }),
        /rendition fixed_width is not the requested rendition original/,
      ],
    ];
    for (const [what, result, reason] of cases)
      it(what, async () => {
        const s = setup();
        const outcome = await s.apply(result(s), COMPLETED);
        expect(outcome.kind).toBe("unbound");
        expect("reason" in outcome ? outcome.reason : "").toMatch(reason);
        // The processed-event mark rolled back with the rest: nothing was committed.
        expect(s.store.processed.size).toBe(0);
        expect(s.store.commits).toBe(0);
        expect(s.store.gifs.get("gif1")).toEqual({ kind: "pending", requestedAt: T0 });
      });
  });

  it("reports a value the database refuses as rejected, with the database's reason", async () => {
    const { store, apply } = setup();
    store.failNextWrite = new DatabaseRejectedError("PostgreSQL 22003: integer out of range");
    expect(await apply(completed(), COMPLETED)).toEqual({
      kind: "rejected",
      reason: "PostgreSQL 22003: integer out of range",
    });
    expect(store.processed.size).toBe(0);
  });

  it("rejects on a transient failure, so the caller retries, and applies on the retry", async () => {
    const { store, apply } = setup();
    const outage = new Error("connection terminated");
    store.failNextWrite = outage;
    await expect(apply(completed(), COMPLETED)).rejects.toBe(outage);
    expect(store.processed.size).toBe(0);
    expect(await apply(completed(), COMPLETED)).toEqual({ kind: "applied" });
  });
});

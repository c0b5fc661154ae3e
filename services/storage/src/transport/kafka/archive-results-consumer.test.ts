// The results consumer's decisions, with an in-memory Kafka consumer, apply use case
// and dead-letter port: what is committed, what is dead-lettered with which code,
// and how a transient failure pauses the partition and leaves the offset alone.
import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ArchiveCompletedSchema,
  contentAddressedKey,
} from "@gifmesh/shared/contracts";
import { createLogger } from "@gifmesh/shared/logging";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ArchiveResultOutcome } from "../../application/apply-archive-result.ts";
import type { DeadLetter } from "../../application/ports.ts";
import type { ArchiveResult } from "../../domain/archive-result.ts";
import {
  startResultsConsumer,
  type MessageConsumer,
  type ResultMessagePayload,
  type ResultOutcome,
} from "./archive-results-consumer.ts";

const COMPLETED = "run.completed";
const FAILED = "run.failed";
const silent = createLogger({
  service: "results-test",
  level: "error",
  stream: new Writable({
    write: (_c, _e, cb) => {
      cb();
    },
  }),
});

function completedValue(gifId: string): Buffer {
  const sha256 = "ab".repeat(32);
  return Buffer.from(
    toBinary(
      ArchiveCompletedSchema,
      create(ArchiveCompletedSchema, {
        eventId: randomUUID(),
        schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
        requestEventId: randomUUID(),
        gifId,
        rendition: "original",
        objectKey: contentAddressedKey(sha256, "image/gif"),
        sha256,
        sizeBytes: 1234n,
        contentType: "image/gif",
        facts: { width: 10, height: 20, frameCount: 3, durationMs: 300 },
      }),
    ),
  );
}

/** A consumer that hands the test the eachMessage handler and records commits. */
function memoryConsumer() {
  let handler: ((payload: ResultMessagePayload) => Promise<void>) | undefined;
  const commits: { topic: string; partition: number; offset: string }[] = [];
  const subscribed: string[] = [];
  const pauses = { paused: 0, resumed: 0 };
  const consumer: MessageConsumer = {
    connect: () => Promise.resolve(),
    subscribe: ({ topics }) => {
      subscribed.push(...topics);
      return Promise.resolve();
    },
    run: ({ eachMessage }) => {
      handler = eachMessage;
      return Promise.resolve();
    },
    commitOffsets: (offsets) => {
      commits.push(...offsets);
      return Promise.resolve();
    },
  };
  const deliver = (topic: string, offset: string, value: Buffer | null, key = "gif1") => {
    if (handler === undefined) throw new Error("not running");
    return handler({
      topic,
      partition: 0,
      message: { key: Buffer.from(key), value, offset, headers: { traceparent: "tp" } },
      pause: () => {
        pauses.paused += 1;
        return () => {
          pauses.resumed += 1;
        };
      },
    });
  };
  return { consumer, commits, subscribed, pauses, deliver };
}

async function setup(
  apply: (result: ArchiveResult, topic: string) => Promise<ArchiveResultOutcome>,
) {
  const kafka = memoryConsumer();
  const dead: Parameters<DeadLetter>[0][] = [];
  let deadLetterDown = false;
  const outcomes: ResultOutcome[] = [];
  const retries: { attempt: number; delayMs: number }[] = [];
  const applied: { result: ArchiveResult; topic: string }[] = [];
  const results = await startResultsConsumer({
    consumer: kafka.consumer,
    apply: (result, topic) => {
      applied.push({ result, topic });
      return apply(result, topic);
    },
    logger: silent,
    deadLetter: (input) => {
      if (deadLetterDown) return Promise.reject(new Error("broker down"));
      dead.push(input);
      return Promise.resolve();
    },
    topics: [COMPLETED, FAILED],
    retry: { initialMs: 1_000, maxMs: 8_000 },
    onOutcome: (_topic, outcome) => outcomes.push(outcome),
    onRetry: (_topic, attempt, delayMs) => retries.push({ attempt, delayMs }),
  });
  return {
    ...kafka,
    results,
    dead,
    outcomes,
    retries,
    applied,
    setDeadLetterDown: (down: boolean) => {
      deadLetterDown = down;
    },
  };
}

describe("the archive results consumer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("subscribes to both result topics and commits past a result once it is applied", async () => {
    const s = await setup(() => Promise.resolve({ kind: "applied" }));
    expect(s.subscribed).toEqual([COMPLETED, FAILED]);
    await s.deliver(COMPLETED, "41", completedValue("gif1"));
    expect(s.applied).toMatchObject([
      { topic: COMPLETED, result: { kind: "completed", gifId: "gif1" } },
    ]);
    expect(s.commits).toEqual([{ topic: COMPLETED, partition: 0, offset: "42" }]);
    expect(s.outcomes).toEqual(["applied"]);
    expect(s.dead).toEqual([]);
  });

  it("dead-letters a malformed message as EVENT.MALFORMED, intact, without applying it", async () => {
    const s = await setup(() => Promise.resolve({ kind: "applied" }));
    const value = Buffer.from("not protobuf \xff\xff");
    await s.deliver(COMPLETED, "7", value);
    expect(s.applied).toEqual([]);
    expect(s.dead).toHaveLength(1);
    expect(s.dead[0]).toMatchObject({
      code: "EVENT.MALFORMED",
      message: {
        topic: COMPLETED,
        partition: 0,
        offset: "7",
        key: Buffer.from("gif1"),
        value,
        headers: { traceparent: "tp" },
      },
    });
    expect(s.commits).toEqual([{ topic: COMPLETED, partition: 0, offset: "8" }]);
    expect(s.outcomes).toEqual(["malformed"]);
  });

  it("dead-letters a message whose key is not its gif_id as malformed", async () => {
    const s = await setup(() => Promise.resolve({ kind: "applied" }));
    await s.deliver(COMPLETED, "0", completedValue("gif1"), "someone-else");
    expect(s.dead[0]?.code).toBe("EVENT.MALFORMED");
    expect(s.dead[0]?.reason).toMatch(/key/);
  });

  for (const [kind, code] of [
    ["unbound", "EVENT.UNBOUND"],
    ["rejected", "EVENT.DATABASE_REJECTED"],
  ] as const)
    it(`dead-letters a result the use case refuses as ${kind} with ${code} and its reason`, async () => {
      const s = await setup(() => Promise.resolve({ kind, reason: `why ${kind}` }));
      await s.deliver(COMPLETED, "3", completedValue("gif1"));
      expect(s.dead).toMatchObject([{ code, reason: `why ${kind}` }]);
      expect(s.commits).toEqual([{ topic: COMPLETED, partition: 0, offset: "4" }]);
      expect(s.outcomes).toEqual([kind]);
    });

  it("on a transient failure pauses the partition, commits nothing, and resumes after the backoff", async () => {
    let down = true;
    const s = await setup(() =>
      down ? Promise.reject(new Error("postgres down")) : Promise.resolve({ kind: "applied" }),
    );
    const value = completedValue("gif1");
    await expect(s.deliver(COMPLETED, "5", value)).rejects.toThrow("postgres down");
    expect(s.commits).toEqual([]);
    expect(s.dead).toEqual([]);
    expect(s.pauses).toEqual({ paused: 1, resumed: 0 });
    expect(s.retries).toHaveLength(1);
    const [first] = s.retries;
    expect(first?.attempt).toBe(1);
    // Full jitter under the first ceiling, never below the floor.
    expect(first?.delayMs).toBeGreaterThanOrEqual(50);
    expect(first?.delayMs).toBeLessThanOrEqual(1_000);
    await vi.advanceTimersByTimeAsync(first?.delayMs ?? 0);
    expect(s.pauses.resumed).toBe(1);

    await expect(s.deliver(COMPLETED, "5", value)).rejects.toThrow();
    expect(s.retries.map((r) => r.attempt)).toEqual([1, 2]);

    // Redelivered once the database is back: applied and committed; the count resets.
    down = false;
    await s.deliver(COMPLETED, "5", value);
    expect(s.commits).toEqual([{ topic: COMPLETED, partition: 0, offset: "6" }]);
    down = true;
    await expect(s.deliver(COMPLETED, "6", value)).rejects.toThrow();
    expect(s.retries.map((r) => r.attempt)).toEqual([1, 2, 1]);
    s.results.stop();
  });

  it("treats a dead-letter topic it cannot reach as transient: the message waits", async () => {
    const s = await setup(() => Promise.resolve({ kind: "applied" }));
    s.setDeadLetterDown(true);
    await expect(s.deliver(COMPLETED, "9", Buffer.from("garbage"))).rejects.toThrow("broker down");
    expect(s.commits).toEqual([]);
    expect(s.pauses.paused).toBe(1);
    s.results.stop();
  });

  it("stop() cancels pending resumes", async () => {
    const s = await setup(() => Promise.reject(new Error("postgres down")));
    await expect(s.deliver(COMPLETED, "1", completedValue("gif1"))).rejects.toThrow();
    s.results.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.pauses.resumed).toBe(0);
  });
});

// The consumer's decisions with an in-memory Kafka consumer: which offsets it
// commits, when it pauses a partition for a retry, how one key's messages wait for
// each other while other keys overlap, and how stop() drains and aborts.
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "@gifmesh/shared/logging";
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../domain/archive-error.ts";
import type { HandleRequest, Outcome } from "../application/handle-request.ts";
import type { ConsumerMetrics, RawRequest } from "../application/ports.ts";
import {
  createArchiveConsumer,
  type ArchiveBatchPayload,
  type BatchConsumer,
} from "./archive-consumer.ts";

const TOPIC = "requests";
const logger = createLogger({ service: "test", level: "error", stream: new PassThrough() });

/** A Kafka consumer that hands eachBatch the batches a test delivers, and records commits. */
class FakeConsumer implements BatchConsumer {
  readonly subscribed: string[] = [];
  readonly commits: string[] = [];
  disconnected = false;
  private eachBatch: ((payload: ArchiveBatchPayload) => Promise<void>) | undefined;

  subscribe(subscription: { topics: string[] }): Promise<void> {
    this.subscribed.push(...subscription.topics);
    return Promise.resolve();
  }

  run(config: { eachBatch: (payload: ArchiveBatchPayload) => Promise<void> }): Promise<void> {
    this.eachBatch = config.eachBatch;
    return Promise.resolve();
  }

  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    for (const o of offsets) this.commits.push(o.offset);
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }

  /** Delivers one batch of `keys` (offsets 0, 1, …) on partition 0 and waits for eachBatch. */
  async deliver(keys: readonly string[]) {
    const seen = { resolved: [] as string[], paused: 0, resumed: 0 };
    const payload: ArchiveBatchPayload = {
      batch: {
        topic: TOPIC,
        partition: 0,
        messages: keys.map((key, offset) => ({
          offset: String(offset),
          key: Buffer.from(key),
          value: Buffer.from("request"),
        })),
        offsetLag: () => "0",
      },
      resolveOffset: (offset) => {
        seen.resolved.push(offset);
      },
      pause: () => {
        seen.paused += 1;
        return () => {
          seen.resumed += 1;
        };
      },
      isRunning: () => true,
      isStale: () => false,
    };
    if (this.eachBatch === undefined) throw new Error("consumer not started");
    await this.eachBatch(payload);
    return seen;
  }
}

/** Counts by label value, in memory. */
function recordingMetrics() {
  const counts = new Map<string, number>();
  const bump = (name: string) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  const metrics: ConsumerMetrics = {
    consumed: {
      inc: () => {
        bump("consumed");
      },
    },
    processed: {
      inc: ({ result }) => {
        bump(`processed:${result}`);
      },
    },
    failed: {
      inc: ({ code }) => {
        bump(`failed:${code}`);
      },
    },
    retries: {
      inc: ({ code }) => {
        bump(`retry:${code}`);
      },
    },
    inFlight: {
      inc: () => {
        bump("inFlight+");
      },
      dec: () => {
        bump("inFlight-");
      },
    },
    consumerLag: { set: () => undefined },
  };
  return { metrics, counts };
}

const completed: Outcome = { kind: "completed", alreadyStored: false };
const retryIn = (delayMs: number): Outcome => ({
  kind: "retry",
  delayMs,
  attempt: 1,
  error: new ArchiveError("ARCHIVE.STORAGE_UNAVAILABLE", "S3 is down"),
});

async function setup(handle: HandleRequest, partitionConcurrency = 4) {
  const consumer = new FakeConsumer();
  const { metrics, counts } = recordingMetrics();
  const archiveConsumer = createArchiveConsumer({
    consumer,
    topic: TOPIC,
    concurrency: 8,
    partitionConcurrency,
    partitionsConcurrently: 1,
    handle,
    metrics,
    logger,
  });
  await archiveConsumer.start();
  return { consumer, counts, archiveConsumer };
}

/** A handle whose outcome per offset is given; it records the offsets it was called for. */
function scripted(outcomes: Record<string, Outcome>) {
  const calls: string[] = [];
  const handle: HandleRequest = (raw: RawRequest) => {
    calls.push(raw.offset);
    return Promise.resolve(outcomes[raw.offset] ?? completed);
  };
  return { calls, handle };
}

describe("archive consumer", () => {
  it("subscribes to its topic and commits past a batch that all completed", async () => {
    const { calls, handle } = scripted({});
    const { consumer, counts } = await setup(handle);
    const seen = await consumer.deliver(["a", "b", "c"]);
    expect(consumer.subscribed).toEqual([TOPIC]);
    expect(calls.sort()).toEqual(["0", "1", "2"]);
    expect(consumer.commits.at(-1)).toBe("3");
    expect(seen.paused).toBe(0);
    expect(counts.get("processed:completed")).toBe(3);
    expect(counts.get("inFlight+")).toBe(counts.get("inFlight-"));
  });

  it("a message failed for good is committed past, dead-lettered ones counted as such", async () => {
    const { handle } = scripted({
      "0": { kind: "failed", code: "ARCHIVE.BAD_MESSAGE" },
      "1": { kind: "failed", code: "ARCHIVE.NOT_A_GIF" },
    });
    const { consumer, counts } = await setup(handle);
    await consumer.deliver(["a", "b", "c"]);
    expect(consumer.commits.at(-1)).toBe("3");
    expect(counts.get("processed:dead_lettered")).toBe(1);
    expect(counts.get("processed:failed")).toBe(1);
    expect(counts.get("failed:ARCHIVE.NOT_A_GIF")).toBe(1);
  });

  it("a retry stops the batch there: commits only before it, pauses, resumes after the delay", async () => {
    const { calls, handle } = scripted({ "1": retryIn(20) });
    const { consumer, counts } = await setup(handle, 1);
    const seen = await consumer.deliver(["a", "b", "c"]);
    expect(calls).toEqual(["0", "1"]); // offset 2 is left for the redelivery
    expect(consumer.commits).toEqual(["1"]);
    expect(seen.resolved).toEqual(["0"]);
    expect(counts.get("retry:ARCHIVE.STORAGE_UNAVAILABLE")).toBe(1);
    expect(seen).toMatchObject({ paused: 1, resumed: 0 });
    await sleep(60);
    expect(seen.resumed).toBe(1);
  });

  it("runs one key's messages in order and other keys alongside; commits only the finished prefix", async () => {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const handle: HandleRequest = (raw) => {
      started.push(raw.offset);
      return new Promise((resolve) => {
        release.set(raw.offset, () => {
          resolve(completed);
        });
      });
    };
    const { consumer } = await setup(handle);
    const batch = consumer.deliver(["a", "a", "b"]);
    await sleep(10);
    expect(started).toEqual(["0", "2"]); // offset 1 waits for offset 0 (same key)
    release.get("2")?.();
    await sleep(10);
    expect(consumer.commits).toEqual([]); // 2 is done, but 0 is not
    release.get("0")?.();
    await sleep(10);
    expect(started).toEqual(["0", "2", "1"]);
    expect(consumer.commits).toEqual(["1"]);
    release.get("1")?.();
    await batch;
    expect(consumer.commits.at(-1)).toBe("3");
  });

  it("stop() waits for in-flight work, aborts what outlives the drain, then disconnects", async () => {
    let signalSeen: AbortSignal | undefined;
    const handle: HandleRequest = (_raw, signal) => {
      signalSeen = signal;
      return new Promise((resolve) => {
        signal.addEventListener("abort", () => {
          resolve(retryIn(1));
        });
      });
    };
    const { consumer, archiveConsumer } = await setup(handle);
    const batch = consumer.deliver(["a"]);
    await sleep(10);
    await archiveConsumer.stop(30);
    expect(signalSeen?.aborted).toBe(true);
    expect(consumer.disconnected).toBe(true);
    await batch;
    expect(consumer.commits).toEqual([]); // abandoned work stays uncommitted
  });
});

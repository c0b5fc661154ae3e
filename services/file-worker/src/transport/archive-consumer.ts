// The Kafka side of the worker: one consumer group on the request topic, manual
// commits, per-key order, bounded concurrency within and across partitions.
//
// Within a partition, messages with different keys (GIF ids) run concurrently and
// one key's messages run in offset order. In-flight work (and memory) is bounded per
// partition and overall. Offsets finish out of order, so only the contiguous
// watermark (offset-tracker.ts) is resolved and committed: a crash never skips an
// unfinished message. "Finished" means S3 confirmed and the result event was acked.
// A retry never sleeps inside eachBatch (that would starve the poll loop past
// max.poll.interval.ms): dispatching stops, the batch's in-flight work completes,
// the partition is paused, the client seeks back to the first unfinished offset, and
// a timer resumes the partition after the backoff, while other partitions keep flowing.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import type { Logger } from "@gifmesh/shared/logging";
import { headersToStrings } from "@gifmesh/shared/kafka";
import { extractTraceContext, kafkaAttributes } from "@gifmesh/shared/tracing";
import type { HandleRequest, Outcome } from "../application/handle-request.ts";
import type { ConsumerMetrics, RawRequest } from "../application/ports.ts";
import { createLimiter } from "./limiter.ts";
import { createOffsetTracker } from "./offset-tracker.ts";

/** The part of a fetched batch the consumer reads (a KafkaJS.EachBatchPayload fits it). */
export interface ArchiveBatchPayload {
  readonly batch: {
    readonly topic: string;
    readonly partition: number;
    readonly messages: readonly {
      readonly offset: string;
      readonly key: Buffer | null;
      readonly value: Buffer | null;
      readonly headers?: KafkaJS.IHeaders;
    }[];
    offsetLag(): string;
  };
  resolveOffset(offset: string): void;
  /** Pauses the batch's partition; the returned function resumes it. */
  pause(): () => void;
  isRunning(): boolean;
  isStale(): boolean;
}

/** What the consumer needs of a Kafka consumer (a connected KafkaJS.Consumer fits it). */
export interface BatchConsumer {
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: {
    eachBatch: (payload: ArchiveBatchPayload) => Promise<void>;
    eachBatchAutoResolve: boolean;
    partitionsConsumedConcurrently: number;
  }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ArchiveConsumerOptions {
  readonly consumer: BatchConsumer;
  readonly topic: string;
  /** Messages in flight over all partitions (the memory bound is this × the in-memory size limit). */
  readonly concurrency: number;
  /** Messages in flight within one partition (different keys; one key is always sequential). */
  readonly partitionConcurrency: number;
  /** Partitions whose batches are processed at the same time. */
  readonly partitionsConcurrently: number;
  readonly handle: HandleRequest;
  readonly metrics: ConsumerMetrics;
  readonly logger: Logger;
  /** Recorded on consume spans as `messaging.consumer.group.name`. */
  readonly groupId?: string;
}

export interface ArchiveConsumer {
  /** Subscribes and starts consuming (the consumer must be connected). */
  start(): Promise<void>;
  /** Stops taking new messages, waits up to `drainMs` for in-flight ones, then aborts them and disconnects. */
  stop(drainMs: number): Promise<void>;
}

const tracer = trace.getTracer("gifmesh-file-worker");

/** Keys longer than this are shown cut, with their size: a key can be up to a megabyte. */
const SHOWN_KEY_CHARS = 128;

/** The message key as logs and spans show it (GIF ids are at most 64 characters). */
export function shownKey(key: Buffer | null): string | undefined {
  if (key === null) return undefined;
  if (key.length <= SHOWN_KEY_CHARS) return key.toString();
  return `${key.subarray(0, SHOWN_KEY_CHARS).toString()}… (${key.length} bytes)`;
}

export function createArchiveConsumer(options: ArchiveConsumerOptions): ArchiveConsumer {
  const { consumer, metrics, logger } = options;
  const inFlight = new Set<Promise<Outcome>>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  const abortInFlight = new AbortController();
  const state = { stopping: false };

  /** The outcome's log line, written while the consume span is active (trace_id, span_id). */
  function logOutcome(raw: RawRequest, outcome: Outcome): void {
    const log = logger.child({
      topic: raw.topic,
      partition: raw.partition,
      offset: raw.offset,
      gif_id: shownKey(raw.key),
    });
    if (outcome.kind === "retry")
      log.warn("archive attempt failed; will retry", {
        code: outcome.error.code,
        reason: outcome.error.message,
        attempt: outcome.attempt,
        delayMs: outcome.delayMs,
      });
    else if (outcome.kind === "failed")
      log.warn("archive request failed for good", { code: outcome.code });
    else log.info("archived", { alreadyStored: outcome.alreadyStored });
  }

  async function process(raw: RawRequest): Promise<Outcome> {
    // A CONSUMER span, child of the producer's context in the message headers.
    const parent = extractTraceContext(raw.headers, ROOT_CONTEXT);
    return context.with(parent, () =>
      tracer.startActiveSpan(
        `process ${raw.topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: kafkaAttributes("process", {
            topic: raw.topic,
            partition: raw.partition,
            offset: raw.offset,
            key: shownKey(raw.key),
            consumerGroup: options.groupId,
          }),
        },
        async (span) => {
          metrics.consumed.inc();
          metrics.inFlight.inc();
          const work = options.handle(raw, abortInFlight.signal);
          inFlight.add(work);
          try {
            const outcome = await work;
            span.setAttribute("archive.outcome", outcome.kind);
            logOutcome(raw, outcome); // inside the span: the line carries its trace_id
            if (outcome.kind !== "completed")
              span.setStatus({
                code: SpanStatusCode.ERROR,
                message: outcome.kind === "failed" ? outcome.code : outcome.error.code,
              });
            return outcome;
          } finally {
            inFlight.delete(work);
            metrics.inFlight.dec();
            span.end();
          }
        },
      ),
    );
  }

  /** Bound on in-flight messages over all partitions (backpressure on fetching). */
  const overall = createLimiter(options.concurrency);

  /** Commits `watermark + 1` unless a higher offset was already committed for this batch. */
  function committer(topic: string, partition: number) {
    let committed = -1n;
    let chain = Promise.resolve();
    let failure: Error | undefined;
    return {
      commit(watermark: bigint): void {
        chain = chain.then(async () => {
          if (watermark + 1n <= committed) return;
          try {
            await consumer.commitOffsets([
              { topic, partition, offset: (watermark + 1n).toString() },
            ]);
            committed = watermark + 1n;
            failure = undefined;
          } catch (error) {
            failure = error instanceof Error ? error : new Error(String(error)); // a later commit covers it; the last one is rethrown at batch end
          }
        });
      },
      async settled(): Promise<void> {
        await chain;
        if (failure !== undefined) throw failure;
      },
    };
  }

  const eachBatch = async (payload: ArchiveBatchPayload): Promise<void> => {
    const { batch } = payload;
    metrics.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
    const perPartition = createLimiter(options.partitionConcurrency);
    const tracker = createOffsetTracker();
    const commits = committer(batch.topic, batch.partition);
    /** Last task per message key: a GIF's messages run in offset order, other keys overlap. */
    const tails = new Map<string, Promise<void>>();
    const tasks: Promise<void>[] = [];
    const halt: { delayMs?: number } = {};
    const halted = () =>
      halt.delayMs !== undefined || state.stopping || !payload.isRunning() || payload.isStale();

    async function run(raw: RawRequest, offset: bigint, previous: Promise<void> | undefined) {
      if (previous) await previous;
      // An earlier message (maybe this key's) must be retried: leave this one unfinished,
      // so it is redelivered after it, in order.
      if (halted()) return;
      const outcome = await process(raw);
      if (outcome.kind === "retry") {
        metrics.retries.inc({ code: outcome.error.code });
        halt.delayMs = Math.max(halt.delayMs ?? 0, outcome.delayMs);
        return;
      }
      if (outcome.kind === "failed") {
        metrics.failed.inc({ code: outcome.code });
        metrics.processed.inc({
          result: outcome.code === "ARCHIVE.BAD_MESSAGE" ? "dead_lettered" : "failed",
        });
      } else {
        metrics.processed.inc({ result: outcome.alreadyStored ? "deduplicated" : "completed" });
      }
      const watermark = tracker.finish(offset);
      if (watermark === undefined) return;
      payload.resolveOffset(watermark.toString());
      commits.commit(watermark);
    }

    for (const message of batch.messages) {
      if (halted()) break;
      const releasePartition = await perPartition.acquire();
      const releaseOverall = await overall.acquire();
      if (halted()) {
        releaseOverall();
        releasePartition();
        break;
      }
      const raw: RawRequest = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: headersToStrings(message.headers),
      };
      const offset = BigInt(message.offset);
      // No key, no order to keep: the message gets a lane of its own.
      const lane = message.key ? message.key.toString("base64") : `offset:${message.offset}`;
      tracker.start(offset);
      const task = run(raw, offset, tails.get(lane))
        .catch((error: unknown) => {
          logger.error("archive task crashed; the message will be redelivered", {
            topic: raw.topic,
            partition: raw.partition,
            offset: raw.offset,
            error: error instanceof Error ? error.message : String(error),
          });
          halt.delayMs = Math.max(halt.delayMs ?? 0, 1_000);
        })
        .finally(() => {
          releaseOverall();
          releasePartition();
          if (tails.get(lane) === task) tails.delete(lane);
        });
      tails.set(lane, task);
      tasks.push(task);
    }
    await Promise.all(tasks);
    await commits.settled();
    // Unfinished offsets stay unresolved: the client seeks back to the watermark + 1.
    if (halt.delayMs === undefined || state.stopping) return;
    const resume = payload.pause();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      if (!state.stopping) resume();
    }, halt.delayMs);
    resumeTimers.add(timer);
  };

  return {
    async start() {
      await consumer.subscribe({ topics: [options.topic] });
      await consumer.run({
        eachBatch,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently,
      });
    },
    async stop(drainMs) {
      state.stopping = true;
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      const drained = Promise.allSettled([...inFlight]);
      const timedOut = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((r) =>
          setTimeout(() => {
            r(true);
          }, drainMs).unref(),
        ),
      ]);
      if (timedOut) {
        logger.warn("in-flight archive work did not finish in time; abandoning it uncommitted", {
          inFlight: inFlight.size,
        });
        abortInFlight.abort(new Error("shutting down"));
        await drained;
      }
      await consumer.disconnect();
    },
  };
}

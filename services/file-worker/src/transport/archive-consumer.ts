// The Kafka side of the worker: one consumer group on the request topic, manual
// commits, per-partition order, WORKER_CONCURRENCY partitions in parallel.
//
// Each partition handles one message at a time, so in-flight work (and memory) is
// bounded by the concurrency. An offset is committed only after the handler said
// "done", which means S3 confirmed and the result event was acknowledged. A retry
// never sleeps inside eachBatch (that would starve the poll loop past
// max.poll.interval.ms): the partition is paused, the client seeks back to the
// unresolved message, and a timer resumes the partition after the backoff, while
// other partitions keep flowing.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import type { Logger } from "@gifmesh/shared/logging";
import { headersToStrings } from "@gifmesh/shared/kafka";
import { extractTraceContext, kafkaAttributes } from "@gifmesh/shared/tracing";
import type { HandleRequest, Outcome } from "../application/handle-request.ts";
import type { RawRequest } from "../application/ports.ts";
import type { WorkerMetrics } from "../infrastructure/worker-metrics.ts";

export interface ArchiveConsumerOptions {
  readonly consumer: KafkaJS.Consumer;
  readonly topic: string;
  readonly concurrency: number;
  readonly handle: HandleRequest;
  readonly metrics: WorkerMetrics;
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

export function createArchiveConsumer(options: ArchiveConsumerOptions): ArchiveConsumer {
  const { consumer, metrics, logger } = options;
  const inFlight = new Set<Promise<Outcome>>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  const abortInFlight = new AbortController();
  const state = { stopping: false };
  const isStopping = () => state.stopping;

  /** The outcome's log line, written while the consume span is active (trace_id, span_id). */
  function logOutcome(raw: RawRequest, outcome: Outcome): void {
    const log = logger.child({
      topic: raw.topic,
      partition: raw.partition,
      offset: raw.offset,
      gif_id: raw.key?.toString(),
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
            key: raw.key,
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

  const eachBatch = async (payload: KafkaJS.EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    metrics.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
    for (const message of batch.messages) {
      if (state.stopping || !payload.isRunning() || payload.isStale()) return;
      const raw: RawRequest = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: headersToStrings(message.headers),
      };
      const outcome = await process(raw);
      if (outcome.kind === "retry") {
        metrics.retries.inc({ code: outcome.error.code });
        if (isStopping()) return; // uncommitted: redelivered to whoever owns the partition next
        const resume = payload.pause();
        const timer = setTimeout(() => {
          resumeTimers.delete(timer);
          if (!state.stopping) resume();
        }, outcome.delayMs);
        resumeTimers.add(timer);
        return; // the client seeks back to the first unresolved offset
      }
      if (outcome.kind === "failed") {
        metrics.failed.inc({ code: outcome.code });
        metrics.processed.inc({
          result: outcome.code === "ARCHIVE.BAD_MESSAGE" ? "dead_lettered" : "failed",
        });
      } else {
        metrics.processed.inc({ result: outcome.alreadyStored ? "deduplicated" : "completed" });
      }
      await consumer.commitOffsets([
        {
          topic: raw.topic,
          partition: raw.partition,
          offset: (BigInt(raw.offset) + 1n).toString(),
        },
      ]);
      payload.resolveOffset(raw.offset);
    }
  };

  return {
    async start() {
      await consumer.subscribe({ topics: [options.topic] });
      await consumer.run({
        eachBatch,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
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

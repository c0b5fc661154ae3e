// Consumes the file worker's results (archive.completed / archive.failed): decodes
// and checks each message (result-events.ts) and hands it to the apply use case
// (application/apply-archive-result.ts), one transaction per message keyed on event
// id. Offsets are committed only after the database commit, or after the broker
// acknowledged the message's dead-letter copy. No message stalls its partition, and
// none is dropped because a dependency was down. Every failure ends in one of two ways:
// - malformed, not bound to a request, or refused by the database as data: it can
//   never apply, so it goes to the dead-letter topic with a stable code and the
//   reason, and the partition moves on;
// - anything else (PostgreSQL or Kafka unreachable, timeouts, deadlocks): the
//   partition is paused, the message is handed back to the client (thrown, so it
//   seeks back to it), and the partition resumes after an exponential backoff with
//   jitter. Other partitions keep flowing; nothing is committed past the message.
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import { headersToStrings, type IHeaders } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import { ROOT_CONTEXT, trace, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { extractTraceContext, kafkaAttributes } from "@gifmesh/shared/tracing";
import type {
  ApplyArchiveResult,
  ArchiveResultOutcome,
} from "../../application/apply-archive-result.ts";
import type { DeadLetter } from "../../application/ports.ts";
import { decodeResult } from "./result-events.ts";

/** Stable codes of a result event storage cannot apply (DLQ header, logs). */
export const RESULT_ERROR_CODES = {
  /** Undecodable, or a field outside what the contract and the schema allow. */
  malformed: "EVENT.MALFORMED",
  /** request_event_id names no ArchiveRequested row of this GIF and rendition. */
  unbound: "EVENT.UNBOUND",
  /** PostgreSQL refused it as data (SQLSTATE class 22, 23, 54). */
  rejected: "EVENT.DATABASE_REJECTED",
} as const;

/** What became of one message; the three dead-lettered kinds name their code. */
export type ResultOutcome = ArchiveResultOutcome["kind"] | keyof typeof RESULT_ERROR_CODES;

/** One result message as the consumer handles it (a KafkaJS EachMessagePayload fits). */
export interface ResultMessagePayload {
  readonly topic: string;
  readonly partition: number;
  readonly message: {
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly offset: string;
    readonly headers?: IHeaders;
  };
  /** Pauses the message's partition; the returned function resumes it. */
  pause(): () => void;
}

/** What the results consumer needs of a Kafka consumer (a KafkaJS.Consumer fits it). */
export interface MessageConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: { eachMessage: (payload: ResultMessagePayload) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

export interface ResultsConsumerOptions {
  readonly consumer: MessageConsumer;
  /** Applies a checked result (the use case). */
  readonly apply: ApplyArchiveResult;
  readonly logger: Logger;
  /** Where messages that can never apply go before their offset is committed. */
  readonly deadLetter: DeadLetter;
  /** [completed, failed] topics; default the contract's. */
  readonly topics?: readonly [string, string];
  /** Backoff of a partition after a transient failure; defaults 200 ms doubling to 30 s. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  readonly onOutcome?: (topic: string, outcome: ResultOutcome) => void;
  /** A transient failure: the message will be retried after `delayMs`. */
  readonly onRetry?: (topic: string, attempt: number, delayMs: number) => void;
}

export interface ResultsConsumer {
  /** Clears the backoff timers (the consumer itself is disconnected by its owner). */
  stop(): void;
}

/** A message that cannot apply, with its DLQ code and reason. */
interface Unapplicable {
  readonly kind: keyof typeof RESULT_ERROR_CODES;
  readonly reason: string;
}

/** What the use case made of a message, or why it never reached it. */
type Settled = ArchiveResultOutcome | Unapplicable;

/** The delay floor: full jitter can draw 0, which must still not be a hot loop. */
const MIN_RETRY_DELAY_MS = 50;

/** Subscribes and runs; resolves once the consumer is running. */
export async function startResultsConsumer(
  options: ResultsConsumerOptions,
): Promise<ResultsConsumer> {
  const { consumer, apply, logger, deadLetter } = options;
  const tracer = trace.getTracer("gifmesh-storage");
  const [completedTopic, failedTopic] = options.topics ?? [
    ARCHIVE_TOPICS.completed,
    ARCHIVE_TOPICS.failed,
  ];
  const retry = options.retry ?? { initialMs: 200, maxMs: 30_000 };
  /** Consecutive transient failures per partition; reset by any settled message. */
  const failures = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  /** Applies the message, or says why it can never apply; throws only transient errors. */
  async function attempt({ topic, message }: ResultMessagePayload): Promise<Settled> {
    const kind = topic === completedTopic ? "completed" : "failed";
    const event = decodeResult(kind, message.value, message.key);
    if (typeof event === "string") return { kind: "malformed", reason: event };
    return apply(event, topic);
  }

  async function handle(payload: ResultMessagePayload): Promise<ResultOutcome> {
    const { topic, partition, message } = payload;
    const result = await attempt(payload);
    if (!("reason" in result)) return result.kind;
    const code = RESULT_ERROR_CODES[result.kind];
    const raw = {
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: headersToStrings(message.headers),
    };
    await deadLetter({ message: raw, code, reason: result.reason });
    logger.error("archive result sent to the dead-letter topic", {
      code,
      reason: result.reason,
      topic,
      partition,
      offset: message.offset,
    });
    return result.kind;
  }

  /** Pauses the partition for the backoff; the caller rethrows so the client seeks back. */
  function backOff(payload: ResultMessagePayload, error: unknown): void {
    const { topic, partition, message } = payload;
    const slot = `${topic}:${partition}`;
    const attemptNo = (failures.get(slot) ?? 0) + 1;
    failures.set(slot, attemptNo);
    const delayMs = Math.max(
      MIN_RETRY_DELAY_MS,
      backoffDelay(attemptNo, { initial: retry.initialMs, max: retry.maxMs }),
    );
    const resume = payload.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        resume();
      } catch {
        // Disconnected meanwhile (shutdown or rebalance): nothing left to resume.
      }
    }, delayMs);
    timers.add(timer);
    options.onRetry?.(topic, attemptNo, delayMs);
    logger.warn("archive result not applied; retrying after a backoff", {
      err: error,
      topic,
      partition,
      offset: message.offset,
      attempt: attemptNo,
      nextDelayMs: delayMs,
    });
  }

  await consumer.connect();
  await consumer.subscribe({ topics: [completedTopic, failedTopic] });
  await consumer.run({
    eachMessage: async (payload: ResultMessagePayload) => {
      const { topic, partition, message } = payload;
      // A CONSUMER span, child of the worker's publish (context in the headers).
      const parent = extractTraceContext(message.headers ?? {}, ROOT_CONTEXT);
      const outcome = await tracer.startActiveSpan(
        `process ${topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: kafkaAttributes("process", {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.subarray(0, 128),
          }),
        },
        parent,
        async (span) => {
          try {
            const result = await handle(payload);
            span.setAttribute("gifmesh.outcome", result);
            return result;
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            backOff(payload, error);
            throw error;
          } finally {
            span.end();
          }
        },
      );
      options.onOutcome?.(topic, outcome);
      try {
        await consumer.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      } catch (error) {
        // Redelivered after the backoff: a duplicate then, or a second dead-letter copy.
        backOff(payload, error);
        throw error;
      }
      failures.delete(`${topic}:${partition}`);
    },
  });
  return {
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

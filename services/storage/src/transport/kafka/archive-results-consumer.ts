// Consumes the file worker's results (archive.completed / archive.failed) and
// updates archive state, one transaction per message keyed on event id (see
// result-events.ts). Offsets are committed only after the database commit. A
// malformed message can never become valid: it goes to the dead-letter topic with
// the reason in its headers, and only once the broker acknowledged that copy is
// its offset committed; if the dead-letter publish fails, the message is retried.
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import type { Consumer, EachMessagePayload } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import { ROOT_CONTEXT, trace, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { extractTraceContext, kafkaAttributes } from "@gifmesh/shared/tracing";
import type { Kysely } from "kysely";
import type { DeadLetter } from "../../infrastructure/kafka/dead-letter.ts";
import type { DB } from "../../infrastructure/db/schema.ts";
import { applyEvent, decodeResult, type ResultOutcome } from "./result-events.ts";

export type { ResultOutcome } from "./result-events.ts";

/** Stable code of a result event storage cannot apply. */
export const MALFORMED_EVENT = "EVENT.MALFORMED";

export interface ResultsConsumerOptions {
  readonly consumer: Consumer;
  readonly db: Kysely<DB>;
  readonly logger: Logger;
  /** Where malformed messages go before their offset is committed. */
  readonly deadLetter: DeadLetter;
  /** [completed, failed] topics; default the contract's. */
  readonly topics?: readonly [string, string];
  readonly onOutcome?: (topic: string, outcome: ResultOutcome) => void;
}

/** Subscribes and runs; resolves once the consumer is running. */
export async function startResultsConsumer(options: ResultsConsumerOptions): Promise<void> {
  const { consumer, db, logger, deadLetter } = options;
  const tracer = trace.getTracer("gifmesh-storage");
  const [completedTopic, failedTopic] = options.topics ?? [
    ARCHIVE_TOPICS.completed,
    ARCHIVE_TOPICS.failed,
  ];

  async function handle({ topic, partition, message }: EachMessagePayload): Promise<ResultOutcome> {
    const event = decodeResult(topic === completedTopic ? "completed" : "failed", message.value);
    if (typeof event !== "string") return applyEvent(db, event, topic, new Date());
    await deadLetter({ topic, partition, message, code: MALFORMED_EVENT, reason: event });
    logger.error("malformed archive result sent to the dead-letter topic", {
      code: MALFORMED_EVENT,
      reason: event,
      topic,
      partition,
      offset: message.offset,
    });
    return "malformed";
  }

  await consumer.connect();
  await consumer.subscribe({ topics: [completedTopic, failedTopic] });
  await consumer.run({
    eachMessage: async (payload: EachMessagePayload) => {
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
            key: message.key,
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
            throw error;
          } finally {
            span.end();
          }
        },
      );
      options.onOutcome?.(topic, outcome);
      await consumer.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    },
  });
}

// Consumes the file worker's results (archive.completed / archive.failed) and
// updates archive state in one transaction per message, keyed on event id, so a
// redelivered event is a no-op. Offsets are committed only after the commit; a
// malformed message is logged and skipped (it can never become valid).
import { fromBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ARCHIVE_TOPICS,
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
} from "@gifmesh/shared/contracts";
import type { Consumer, EachMessagePayload } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import { context, trace, SpanKind } from "@opentelemetry/api";
import { extractTraceContext } from "@gifmesh/shared/tracing";
import type { Kysely } from "kysely";
import {
  markArchived,
  markEventProcessed,
  markFailed,
} from "../../infrastructure/db/archive-repository.ts";
import type { DB } from "../../infrastructure/db/schema.ts";

export type ResultOutcome = "applied" | "duplicate" | "ignored" | "malformed";

/** Applies one result message. Exported for tests. */
export async function applyResult(
  db: Kysely<DB>,
  kind: "completed" | "failed",
  topic: string,
  value: Buffer | null,
  now: Date,
): Promise<ResultOutcome> {
  if (value === null) return "malformed";
  let event;
  try {
    event =
      kind === "completed"
        ? { kind: "completed" as const, msg: fromBinary(ArchiveCompletedSchema, value) }
        : { kind: "failed" as const, msg: fromBinary(ArchiveFailedSchema, value) };
  } catch {
    return "malformed";
  }
  const { msg } = event;
  if (msg.eventId === "" || !/^[A-Za-z0-9_-]{1,64}$/.test(msg.gifId)) return "malformed";
  return db.transaction().execute(async (trx) => {
    if (!(await markEventProcessed(trx, msg.eventId, topic))) return "duplicate";
    const at = msg.occurredAt ? timestampDate(msg.occurredAt) : now;
    const changed =
      event.kind === "completed"
        ? await markArchived(trx, {
            gifId: event.msg.gifId,
            objectKey: event.msg.objectKey,
            sha256: event.msg.sha256,
            sizeBytes: Number(event.msg.sizeBytes),
            contentType: event.msg.contentType,
            rendition: event.msg.rendition,
            width: event.msg.facts?.width ?? 0,
            height: event.msg.facts?.height ?? 0,
            frameCount: event.msg.facts?.frameCount ?? 0,
            durationMs: event.msg.facts?.durationMs ?? 0,
            at,
          })
        : await markFailed(trx, {
            gifId: event.msg.gifId,
            code: event.msg.code,
            reason: event.msg.reason,
            attempts: event.msg.attempts,
            at,
          });
    return changed ? "applied" : "ignored";
  });
}

export interface ResultsConsumerOptions {
  readonly consumer: Consumer;
  readonly db: Kysely<DB>;
  readonly logger: Logger;
  /** [completed, failed] topics; default the contract's. */
  readonly topics?: readonly [string, string];
  readonly onOutcome?: (topic: string, outcome: ResultOutcome) => void;
}

/** Subscribes and runs; resolves once the consumer is running. */
export async function startResultsConsumer(options: ResultsConsumerOptions): Promise<void> {
  const { consumer, db, logger } = options;
  const tracer = trace.getTracer("gifmesh-storage");
  const [completedTopic, failedTopic] = options.topics ?? [
    ARCHIVE_TOPICS.completed,
    ARCHIVE_TOPICS.failed,
  ];
  await consumer.connect();
  await consumer.subscribe({ topics: [completedTopic, failedTopic] });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }: EachMessagePayload) => {
      const parent = extractTraceContext(message.headers ?? {}, context.active());
      const outcome = await tracer.startActiveSpan(
        `${topic} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: { "messaging.system": "kafka", "messaging.destination.name": topic },
        },
        parent,
        async (span) => {
          try {
            return await applyResult(
              db,
              topic === completedTopic ? "completed" : "failed",
              topic,
              message.value,
              new Date(),
            );
          } finally {
            span.end();
          }
        },
      );
      if (outcome === "malformed")
        logger.error("malformed archive result skipped", {
          code: "EVENT.MALFORMED",
          topic,
          partition,
          offset: message.offset,
        });
      options.onOutcome?.(topic, outcome);
      await consumer.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    },
  });
}

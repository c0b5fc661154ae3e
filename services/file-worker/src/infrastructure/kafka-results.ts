// The ResultPublisher adapter: archive.completed / archive.failed events and the
// dead-letter copy of the original request, on an idempotent acks=all producer.
// It resolves only once the broker acknowledged, so the consumer may commit after it.
import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  DEAD_LETTER_HEADERS,
  deadLetterCopy,
  MediaFactsSchema,
} from "@gifmesh/shared/contracts";
import { trace } from "@opentelemetry/api";
import { withProducerSpan } from "@gifmesh/shared/tracing";
import { ArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob } from "../domain/archive-job.ts";
import type { ResultPublisher } from "../application/ports.ts";

/** Topic names; configurable so tests can use their own. */
export interface ResultTopics {
  readonly completed: string;
  readonly failed: string;
  readonly deadLetter: string;
}

const tracer = trace.getTracer("gifmesh-file-worker");

/** What archive.completed and archive.failed both say: a new event answering `job`. */
function resultEnvelope(job: ArchiveJob) {
  return {
    eventId: randomUUID(),
    occurredAt: timestampNow(),
    schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
    requestEventId: job.eventId,
    gifId: job.gifId,
    rendition: job.rendition,
    sourceUrl: job.sourceUrl,
  };
}

export function createKafkaResultPublisher(
  producer: KafkaJS.Producer,
  topics: ResultTopics,
): ResultPublisher {
  const send = async (batch: KafkaJS.TopicMessages[]) => {
    try {
      await producer.sendBatch({ topicMessages: batch });
    } catch (error) {
      throw new ArchiveError(
        "ARCHIVE.STORAGE_UNAVAILABLE",
        "could not publish the result to Kafka",
        { cause: error },
      );
    }
  };

  return {
    async completed(job, media) {
      const event = create(ArchiveCompletedSchema, {
        ...resultEnvelope(job),
        bucket: media.bucket,
        objectKey: media.key,
        sha256: media.sha256Hex,
        sizeBytes: BigInt(media.sizeBytes),
        contentType: media.contentType,
        facts: create(MediaFactsSchema, {
          width: media.facts.width,
          height: media.facts.height,
          frameCount: media.facts.frameCount,
          durationMs: media.facts.durationMs,
        }),
      });
      // A PRODUCER span per event; its context rides in the headers, so storage's
      // consume of the result joins the request's trace.
      const info = { topic: topics.completed, key: job.gifId, messageId: event.eventId };
      await withProducerSpan(tracer, info, (headers) =>
        send([
          {
            topic: topics.completed,
            messages: [
              {
                key: job.gifId,
                value: Buffer.from(toBinary(ArchiveCompletedSchema, event)),
                headers,
              },
            ],
          },
        ]),
      );
    },

    async failed(job, raw, error, attempts) {
      const failedAt = new Date().toISOString();
      // Bounded, so that an oversized original cannot make its copy unpublishable.
      const copy = deadLetterCopy(raw, {
        [DEAD_LETTER_HEADERS.code]: error.code,
        [DEAD_LETTER_HEADERS.reason]: error.message.slice(0, 1024),
        [DEAD_LETTER_HEADERS.attempts]: String(attempts),
        [DEAD_LETTER_HEADERS.topic]: raw.topic,
        [DEAD_LETTER_HEADERS.partition]: String(raw.partition),
        [DEAD_LETTER_HEADERS.offset]: raw.offset,
        [DEAD_LETTER_HEADERS.failedAt]: failedAt,
      });
      const dlq: KafkaJS.TopicMessages = { topic: topics.deadLetter, messages: [copy] };
      if (job === undefined) return send([dlq]);
      const event = create(ArchiveFailedSchema, {
        ...resultEnvelope(job),
        code: error.code,
        reason: error.message.slice(0, 1024),
        attempts,
      });
      const info = { topic: topics.failed, key: job.gifId, messageId: event.eventId };
      // DLQ first in the batch: if only one side lands, the retry republishes both (at-least-once).
      return withProducerSpan(tracer, info, (headers) => {
        const failedEvent = {
          key: job.gifId,
          value: Buffer.from(toBinary(ArchiveFailedSchema, event)),
          headers,
        };
        return send([dlq, { topic: topics.failed, messages: [failedEvent] }]);
      });
    },
  };
}

// Once the schema is migrated: the archive topics are created when missing, then the
// results consumer subscribes, both retried (logged) until Kafka answers or shutdown
// aborts. Storage serves searches meanwhile; results wait in Kafka, none is lost.
import type { Kafka, Consumer } from "@gifmesh/shared/kafka";
import { ensureTopics } from "@gifmesh/shared/kafka";
import { retryUntil } from "@gifmesh/shared/lifecycle";
import type { Logger } from "@gifmesh/shared/logging";
import type { ApplyArchiveResult } from "../application/apply-archive-result.ts";
import type { DeadLetter } from "../application/ports.ts";
import type { StorageMetrics } from "../metrics.ts";
import {
  startResultsConsumer,
  type ResultsConsumer,
} from "../transport/kafka/archive-results-consumer.ts";
import { storageTopicSpecs, type StorageTopics, type TopicLayout } from "./archive-topics.ts";

/** The first backoff of a partition whose result failed for a transient reason. */
const RESULTS_RETRY_INITIAL_MS = 200;

export interface ArchiveResultsDeps {
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly topics: StorageTopics;
  /** Partitions, replication factor and min ISR of a topic it creates. */
  readonly topicLayout: TopicLayout;
  readonly apply: ApplyArchiveResult;
  readonly deadLetter: DeadLetter;
  readonly metrics: StorageMetrics;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** The backoff cap of a partition (RESULTS_RETRY_MAX_MS). */
  readonly retryMaxMs: number;
}

/**
 * Starts consuming after `migrated`. Resolves with the running consumer, or with
 * undefined when start-up was aborted (or migrations never finished): it never rejects.
 */
export function consumeArchiveResults(
  migrated: Promise<void>,
  deps: ArchiveResultsDeps,
): Promise<ResultsConsumer | undefined> {
  const { kafka, topics, metrics, logger, signal } = deps;
  const eventOf = (topic: string) =>
    topic === topics.completed ? "completed" : topic === topics.failed ? "failed" : "unknown";
  return migrated
    .then(() =>
      retryUntil(
        "archive results consumer",
        async () => {
          await ensureTopics(kafka, storageTopicSpecs(topics, deps.topicLayout));
          return startResultsConsumer({
            consumer: deps.consumer,
            apply: deps.apply,
            topics: [topics.completed, topics.failed],
            retry: { initialMs: RESULTS_RETRY_INITIAL_MS, maxMs: deps.retryMaxMs },
            onRetry: (topic) => {
              metrics.resultRetries.inc({ event: eventOf(topic) });
            },
            deadLetter: deps.deadLetter,
            logger: logger.child({ component: "results" }),
            onOutcome: (topic, outcome) => {
              metrics.resultsConsumed.inc({ event: eventOf(topic), outcome });
            },
          });
        },
        { logger, signal },
      ),
    )
    .catch(() => undefined);
}

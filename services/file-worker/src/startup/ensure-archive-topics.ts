// Creates the four archive topics the worker reads and writes, when they are missing.
// The broker's auto-create is off, and storage, the worker and scripts/infra may each
// be first to start, so every one of them creates a topic the same way: from the
// shared archiveTopicSpecs, with the names this deployment configured.
import { archiveTopicSpecs, type ArchiveTopicSpec } from "@gifmesh/shared/contracts";
import { ensureTopics, topicLayoutOf, type Kafka } from "@gifmesh/shared/kafka";
import { retryUntil, type RetryOptions } from "@gifmesh/shared/lifecycle";
import type { WorkerConfig } from "../config.ts";

type TopicConfig = Pick<
  WorkerConfig,
  | "TOPIC_ARCHIVE_REQUESTED"
  | "TOPIC_ARCHIVE_COMPLETED"
  | "TOPIC_ARCHIVE_FAILED"
  | "TOPIC_ARCHIVE_DLQ"
  | "KAFKA_TOPIC_PARTITIONS"
  | "KAFKA_TOPIC_REPLICATION_FACTOR"
  | "KAFKA_TOPIC_MIN_INSYNC_REPLICAS"
>;

/** The topics the worker uses, with the names and layout this deployment configured. */
export function fileWorkerTopicSpecs(config: TopicConfig): ArchiveTopicSpec[] {
  return archiveTopicSpecs(["requested", "completed", "failed", "requestedDeadLetter"], {
    names: {
      requested: config.TOPIC_ARCHIVE_REQUESTED,
      completed: config.TOPIC_ARCHIVE_COMPLETED,
      failed: config.TOPIC_ARCHIVE_FAILED,
      requestedDeadLetter: config.TOPIC_ARCHIVE_DLQ,
    },
    ...topicLayoutOf(config),
  });
}

/** Creates the missing topics, retrying (logged) until the broker answers or `retry.signal` aborts. */
export async function ensureArchiveTopics(
  kafka: Kafka,
  config: TopicConfig,
  retry: RetryOptions,
): Promise<void> {
  const topics = fileWorkerTopicSpecs(config);
  await retryUntil("kafka topics", () => ensureTopics(kafka, topics), retry);
}

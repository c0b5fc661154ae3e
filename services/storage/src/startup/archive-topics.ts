// The archive topics storage writes to and reads from, created when missing. The
// broker's auto-create is off, and storage, the file worker and scripts/infra may
// each be first to start, so every one of them creates a topic the same way: from
// the shared archiveTopicSpecs, with the names this deployment configured.
import {
  archiveTopicSpecs,
  type ArchiveTopicLayout,
  type ArchiveTopicSpec,
} from "@gifmesh/shared/contracts";
import type { StorageConfig } from "../config.ts";

/** Topic names (from config); tests override them so runs never share a topic. */
export interface StorageTopics {
  readonly requested: string;
  readonly completed: string;
  readonly failed: string;
  /** Malformed result events. */
  readonly resultsDeadLetter: string;
}

export function configuredTopics(
  config: Pick<
    StorageConfig,
    | "TOPIC_ARCHIVE_REQUESTED"
    | "TOPIC_ARCHIVE_COMPLETED"
    | "TOPIC_ARCHIVE_FAILED"
    | "TOPIC_ARCHIVE_RESULTS_DLQ"
  >,
): StorageTopics {
  return {
    requested: config.TOPIC_ARCHIVE_REQUESTED,
    completed: config.TOPIC_ARCHIVE_COMPLETED,
    failed: config.TOPIC_ARCHIVE_FAILED,
    resultsDeadLetter: config.TOPIC_ARCHIVE_RESULTS_DLQ,
  };
}

/** Partitions, replication factor and min ISR (KAFKA_TOPIC_*); unset: the contract's and the brokers'. */
export type TopicLayout = Omit<ArchiveTopicLayout, "names">;

/** The four topics storage uses, under the configured names and layout. */
export function storageTopicSpecs(
  topics: StorageTopics,
  layout: TopicLayout = {},
): ArchiveTopicSpec[] {
  return archiveTopicSpecs(["requested", "completed", "failed", "resultsDeadLetter"], {
    ...layout,
    names: topics,
  });
}

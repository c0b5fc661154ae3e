// Kafka topics of the archive flow and the payload schema version producers stamp.
// The major version lives in the topic name; compatible additions bump the number.

/** schema_version written into every archive event payload. */
export const ARCHIVE_EVENT_SCHEMA_VERSION = 1;

/** One topic per event type; keys are GIF ids, so one GIF's events stay in order. */
export const ARCHIVE_TOPICS = {
  requested: "gifmesh.archive.requested.v1",
  completed: "gifmesh.archive.completed.v1",
  failed: "gifmesh.archive.failed.v1",
  requestedDeadLetter: "gifmesh.archive.requested.v1.dlq",
  /** Result events (completed/failed) storage could not decode or validate. */
  resultsDeadLetter: "gifmesh.archive.results.v1.dlq",
} as const;

/**
 * Partitions of each archive topic when a service has to create it. Storage, the
 * file worker and scripts/infra all create topics, whichever starts first, so they
 * take the counts from here. `requested` has the most: it bounds how many workers
 * can share the archiving.
 */
export const ARCHIVE_TOPIC_PARTITIONS: Readonly<Record<keyof typeof ARCHIVE_TOPICS, number>> = {
  requested: 6,
  completed: 3,
  failed: 3,
  requestedDeadLetter: 1,
  resultsDeadLetter: 1,
};

/** The archive topics by their role; each service names the ones it uses. */
export type ArchiveTopicRole = keyof typeof ARCHIVE_TOPICS;

/** One archive topic as it is created: the same shape as ensureTopics' TopicSpec. */
export interface ArchiveTopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Unset: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** How a deployment wants its topics; every field falls back to the contract. */
export interface ArchiveTopicLayout {
  /** Topic names by role (tests give each run its own). Default: ARCHIVE_TOPICS. */
  readonly names?: Partial<Record<ArchiveTopicRole, string>>;
  /** One partition count for every topic (tests use 1). Default: ARCHIVE_TOPIC_PARTITIONS. */
  readonly partitions?: number;
  /** Replicas of each partition. Default: the broker's default. */
  readonly replicationFactor?: number;
  /** min.insync.replicas of each topic. Default: the broker's default. */
  readonly minInSyncReplicas?: number;
}

/**
 * The specs of the archive topics `roles` names, in that order. Storage, the file
 * worker, the tests and scripts/infra all create topics from this one function, so
 * a topic is created the same way whoever gets there first.
 */
export function archiveTopicSpecs(
  roles: readonly ArchiveTopicRole[] = Object.keys(ARCHIVE_TOPICS) as ArchiveTopicRole[],
  layout: ArchiveTopicLayout = {},
): ArchiveTopicSpec[] {
  const config =
    layout.minInSyncReplicas === undefined
      ? undefined
      : { "min.insync.replicas": String(layout.minInSyncReplicas) };
  return roles.map((role) => ({
    topic: layout.names?.[role] ?? ARCHIVE_TOPICS[role],
    numPartitions: layout.partitions ?? ARCHIVE_TOPIC_PARTITIONS[role],
    ...(layout.replicationFactor === undefined
      ? {}
      : { replicationFactor: layout.replicationFactor }),
    ...(config === undefined ? {} : { config }),
  }));
}

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

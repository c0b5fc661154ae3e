// Every environment variable the file worker reads, validated once at start-up.
// README.md documents each one; keep the two in step.
import { tmpdir } from "node:os";
import { baseConfigSchema, bool, csv, durationMs, int, str } from "@gifmesh/shared/config";
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import {
  kafkaConnectionShape,
  kafkaTopicLayoutShape,
  refineKafkaConnection,
  refineTopicLayout,
} from "@gifmesh/shared/kafka";
import { s3ConfigShape } from "@gifmesh/shared/s3";
import { z } from "zod";

/**
 * The hosts Giphy serves media from (its API's rendition URLs point at these); the
 * only ones downloaded from by default. The fixture's host is added per deployment.
 */
const GIPHY_MEDIA_HOSTS = [
  "media.giphy.com",
  "media0.giphy.com",
  "media1.giphy.com",
  "media2.giphy.com",
  "media3.giphy.com",
  "media4.giphy.com",
  "i.giphy.com",
] as const;

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/i, "entries must be host:port");

const configFields = baseConfigSchema({ adminPort: 9466 }).extend({
  ...s3ConfigShape,
  /** KAFKA_BROKERS and TLS/SASL (docs/security.md, "Kafka TLS/SASL"). */
  ...kafkaConnectionShape,
  KAFKA_CLIENT_ID: str("gifmesh-file-worker"),
  KAFKA_GROUP_ID: str("gifmesh-file-worker"),
  KAFKA_MAX_BATCH_SIZE: int({ default: 32, min: 1, max: 1000 }),
  KAFKA_MAX_POLL_INTERVAL_MS: durationMs(300_000),
  KAFKA_SESSION_TIMEOUT_MS: durationMs(45_000),
  TOPIC_ARCHIVE_REQUESTED: str(ARCHIVE_TOPICS.requested),
  TOPIC_ARCHIVE_COMPLETED: str(ARCHIVE_TOPICS.completed),
  TOPIC_ARCHIVE_FAILED: str(ARCHIVE_TOPICS.failed),
  TOPIC_ARCHIVE_DLQ: str(ARCHIVE_TOPICS.requestedDeadLetter),
  /** Create the topics above at start-up (layout below) when missing. */
  KAFKA_ENSURE_TOPICS: bool(true),
  /** Partitions, replication factor and min ISR of a topic it creates (as storage's). */
  ...kafkaTopicLayoutShape,
  /** Messages in flight over all partitions; memory bound = this × ARCHIVE_MEMORY_MAX_BYTES. */
  WORKER_CONCURRENCY: int({ default: 32, min: 1, max: 1024 }),
  /** Messages in flight within one partition (different GIF ids; one id is sequential). */
  WORKER_PARTITION_CONCURRENCY: int({ default: 16, min: 1, max: 1024 }),
  /** Partitions whose batches are processed at once (partitionsConsumedConcurrently). */
  WORKER_PARTITIONS_CONCURRENTLY: int({ default: 4, min: 1, max: 256 }),
  ARCHIVE_MAX_BYTES: int({ default: 50 * 1024 * 1024, min: 1 }),
  /** Downloads up to this size stay in memory; larger ones spill to the spool directory. */
  ARCHIVE_MEMORY_MAX_BYTES: int({ default: 4 * 1024 * 1024, min: 0 }),
  ARCHIVE_SPOOL_DIR: str(tmpdir()),
  DOWNLOAD_CONNECT_TIMEOUT_MS: durationMs(5_000),
  DOWNLOAD_TIMEOUT_MS: durationMs(60_000),
  DOWNLOAD_MAX_REDIRECTS: int({ default: 3, min: 0, max: 10 }),
  DOWNLOAD_ALLOWED_HOSTS: csv(GIPHY_MEDIA_HOSTS),
  DOWNLOAD_PRIVATE_ALLOWED_HOSTS: csv([]).pipe(z.array(hostPort)),
  RETRY_MAX_ATTEMPTS: int({ default: 5, min: 1, max: 100 }),
  RETRY_INITIAL_DELAY_MS: durationMs(1_000),
  RETRY_MAX_DELAY_MS: durationMs(60_000),
  S3_TIMEOUT_MS: durationMs(60_000),
  S3_PART_SIZE_BYTES: int({ default: 8 * 1024 * 1024, min: 5 * 1024 * 1024 }),
  /** PUT with If-None-Match: * (412 = already stored) instead of HeadObject first; falls back by itself if unsupported. */
  S3_CONDITIONAL_PUT: bool(true),
});

export const configSchema = configFields
  .superRefine(refineKafkaConnection)
  .superRefine(refineTopicLayout);

export type WorkerConfig = z.output<typeof configSchema>;

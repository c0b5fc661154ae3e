// How a deployment wants the archive topics created when they are missing, as a config
// fragment storage and the file worker both spread into their schemas: either may be
// first to start, so both must create a topic with the same partitions, replication
// factor and min.insync.replicas. Unset variables fall back to the contract's partition
// counts and the brokers' defaults (one broker in development, 3 and 2 in production).
import type { z } from "zod";
import type { ArchiveTopicLayout } from "../contracts/topics.ts";
import { int } from "../config/fields.ts";

/**
 * - `KAFKA_TOPIC_PARTITIONS`: one partition count for every archive topic (tests use 1);
 * - `KAFKA_TOPIC_REPLICATION_FACTOR`: replicas of each partition (production: 3);
 * - `KAFKA_TOPIC_MIN_INSYNC_REPLICAS`: replicas that must acknowledge an acks=all write
 *   (production: 2, so one broker can be lost without refusing writes).
 *
 * Spread it into a schema and add {@link refineTopicLayout}.
 */
export const kafkaTopicLayoutShape = {
  KAFKA_TOPIC_PARTITIONS: int({ min: 1, max: 1000 }).optional(),
  KAFKA_TOPIC_REPLICATION_FACTOR: int({ min: 1, max: 32 }).optional(),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: int({ min: 1, max: 32 }).optional(),
};

/** The parsed topic-layout variables. */
export interface KafkaTopicLayoutConfig {
  readonly KAFKA_TOPIC_PARTITIONS?: number | undefined;
  readonly KAFKA_TOPIC_REPLICATION_FACTOR?: number | undefined;
  readonly KAFKA_TOPIC_MIN_INSYNC_REPLICAS?: number | undefined;
}

/**
 * A min ISR above the replication factor makes every acks=all write fail with
 * NOT_ENOUGH_REPLICAS: refuse it at start-up instead.
 */
export function refineTopicLayout(config: KafkaTopicLayoutConfig, ctx: z.RefinementCtx): void {
  const rf = config.KAFKA_TOPIC_REPLICATION_FACTOR;
  const minIsr = config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS;
  if (rf !== undefined && minIsr !== undefined && minIsr > rf)
    ctx.addIssue({
      code: "custom",
      path: ["KAFKA_TOPIC_MIN_INSYNC_REPLICAS"],
      message: `must not exceed KAFKA_TOPIC_REPLICATION_FACTOR (${String(rf)})`,
    });
}

/** The configured layout, for archiveTopicSpecs; unset variables stay unset. */
export function topicLayoutOf(config: KafkaTopicLayoutConfig): Omit<ArchiveTopicLayout, "names"> {
  return {
    ...(config.KAFKA_TOPIC_PARTITIONS === undefined
      ? {}
      : { partitions: config.KAFKA_TOPIC_PARTITIONS }),
    ...(config.KAFKA_TOPIC_REPLICATION_FACTOR === undefined
      ? {}
      : { replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR }),
    ...(config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS === undefined
      ? {}
      : { minInSyncReplicas: config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS }),
  };
}

import { ARCHIVE_TOPIC_PARTITIONS, ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { topicLayoutOf } from "@gifmesh/shared/kafka";
import { describe, expect, it } from "vitest";
import { storageConfigSchema } from "../config.ts";
import { configuredTopics, storageTopicSpecs } from "./archive-topics.ts";

describe("storage's archive topics", () => {
  it("are the contract's names by default", () => {
    const config = storageConfigSchema.parse({});
    expect(configuredTopics(config)).toEqual({
      requested: ARCHIVE_TOPICS.requested,
      completed: ARCHIVE_TOPICS.completed,
      failed: ARCHIVE_TOPICS.failed,
      resultsDeadLetter: ARCHIVE_TOPICS.resultsDeadLetter,
    });
  });

  it("are created under the configured names with the contract's partition counts", () => {
    const specs = storageTopicSpecs({
      requested: "run.requested",
      completed: "run.completed",
      failed: "run.failed",
      resultsDeadLetter: "run.dlq",
    });
    expect(specs).toEqual([
      { topic: "run.requested", numPartitions: ARCHIVE_TOPIC_PARTITIONS.requested },
      { topic: "run.completed", numPartitions: ARCHIVE_TOPIC_PARTITIONS.completed },
      { topic: "run.failed", numPartitions: ARCHIVE_TOPIC_PARTITIONS.failed },
      { topic: "run.dlq", numPartitions: ARCHIVE_TOPIC_PARTITIONS.resultsDeadLetter },
    ]);
  });

  it("are created with the layout KAFKA_TOPIC_* configure", () => {
    const config = storageConfigSchema.parse({
      KAFKA_TOPIC_REPLICATION_FACTOR: "3",
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2",
    });
    const specs = storageTopicSpecs(configuredTopics(config), topicLayoutOf(config));
    for (const spec of specs) {
      expect(spec.replicationFactor).toBe(3);
      expect(spec.config).toEqual({ "min.insync.replicas": "2" });
    }
  });
});

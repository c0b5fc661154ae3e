import { ARCHIVE_TOPIC_PARTITIONS } from "@gifmesh/shared/contracts";
import { describe, expect, it } from "vitest";
import { fileWorkerTopicSpecs } from "./ensure-archive-topics.ts";

const names = {
  TOPIC_ARCHIVE_REQUESTED: "run.requested",
  TOPIC_ARCHIVE_COMPLETED: "run.completed",
  TOPIC_ARCHIVE_FAILED: "run.failed",
  TOPIC_ARCHIVE_DLQ: "run.dlq",
  KAFKA_TOPIC_PARTITIONS: undefined,
  KAFKA_TOPIC_REPLICATION_FACTOR: undefined,
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: undefined,
};

describe("the worker's archive topics", () => {
  it("are the configured names with the contract's partition counts by default", () => {
    expect(fileWorkerTopicSpecs(names)).toEqual([
      { topic: "run.requested", numPartitions: ARCHIVE_TOPIC_PARTITIONS.requested },
      { topic: "run.completed", numPartitions: ARCHIVE_TOPIC_PARTITIONS.completed },
      { topic: "run.failed", numPartitions: ARCHIVE_TOPIC_PARTITIONS.failed },
      { topic: "run.dlq", numPartitions: ARCHIVE_TOPIC_PARTITIONS.requestedDeadLetter },
    ]);
  });

  it("take one partition count for all when KAFKA_TOPIC_PARTITIONS is set", () => {
    const specs = fileWorkerTopicSpecs({ ...names, KAFKA_TOPIC_PARTITIONS: 1 });
    expect(specs.map((s) => s.numPartitions)).toEqual([1, 1, 1, 1]);
  });

  it("are created with the configured replication factor and min ISR", () => {
    const specs = fileWorkerTopicSpecs({
      ...names,
      KAFKA_TOPIC_REPLICATION_FACTOR: 3,
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: 2,
    });
    for (const spec of specs) {
      expect(spec.replicationFactor).toBe(3);
      expect(spec.config).toEqual({ "min.insync.replicas": "2" });
    }
  });
});

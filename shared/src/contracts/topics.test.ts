import { describe, expect, it } from "vitest";
import { ARCHIVE_TOPIC_PARTITIONS, ARCHIVE_TOPICS, archiveTopicSpecs } from "./topics.ts";

describe("archiveTopicSpecs", () => {
  it("lists every archive topic with its contract partition count by default", () => {
    const specs = archiveTopicSpecs();
    expect(specs.map((spec) => spec.topic)).toEqual(Object.values(ARCHIVE_TOPICS));
    expect(specs.find((spec) => spec.topic === ARCHIVE_TOPICS.requested)?.numPartitions).toBe(
      ARCHIVE_TOPIC_PARTITIONS.requested,
    );
    expect(
      specs.every((spec) => spec.replicationFactor === undefined && spec.config === undefined),
    ).toBe(true);
  });

  it("takes names, one partition count, replication and min ISR from the layout", () => {
    const [requested, failed] = archiveTopicSpecs(["requested", "failed"], {
      names: { requested: "t-req" },
      partitions: 1,
      replicationFactor: 3,
      minInSyncReplicas: 2,
    });
    expect(requested).toEqual({
      topic: "t-req",
      numPartitions: 1,
      replicationFactor: 3,
      config: { "min.insync.replicas": "2" },
    });
    expect(failed?.topic).toBe(ARCHIVE_TOPICS.failed);
  });
});

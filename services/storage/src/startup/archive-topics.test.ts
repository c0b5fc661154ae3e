import { ARCHIVE_TOPIC_PARTITIONS, ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
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
});

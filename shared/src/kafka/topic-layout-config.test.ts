import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "../config/index.ts";
import { archiveTopicSpecs } from "../contracts/index.ts";
import { kafkaTopicLayoutShape, refineTopicLayout, topicLayoutOf } from "./index.ts";

const schema = z.object(kafkaTopicLayoutShape).superRefine(refineTopicLayout);

describe("kafkaTopicLayoutShape", () => {
  it("leaves every field unset by default, so the contract and the brokers decide", () => {
    expect(topicLayoutOf(loadConfig(schema, {}))).toEqual({});
  });

  it("gives archiveTopicSpecs the configured partitions, replication factor and min ISR", () => {
    const layout = topicLayoutOf(
      loadConfig(schema, {
        KAFKA_TOPIC_PARTITIONS: "6",
        KAFKA_TOPIC_REPLICATION_FACTOR: "3",
        KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2",
      }),
    );
    expect(archiveTopicSpecs(["requested"], { ...layout, names: { requested: "r" } })).toEqual([
      {
        topic: "r",
        numPartitions: 6,
        replicationFactor: 3,
        config: { "min.insync.replicas": "2" },
      },
    ]);
  });

  it.each([
    [
      { KAFKA_TOPIC_REPLICATION_FACTOR: "2", KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "3" },
      "must not exceed",
    ],
    [{ KAFKA_TOPIC_REPLICATION_FACTOR: "0" }, "KAFKA_TOPIC_REPLICATION_FACTOR"],
    [{ KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "two" }, "KAFKA_TOPIC_MIN_INSYNC_REPLICAS"],
  ])("refuses %o at start-up", (env, message) => {
    expect(() => loadConfig(schema, env)).toThrow(ConfigError);
    expect(() => loadConfig(schema, env)).toThrow(message);
  });
});

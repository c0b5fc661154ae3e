// Plain @confluentinc/kafka-javascript (no gifmesh code): the raw pipeline baseline
// and the bench's own topic set-up use it, so the baseline measures the library alone.
import kafkaJavascript from "@confluentinc/kafka-javascript";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { setTimeout as sleep } from "node:timers/promises";

export const kafkaJs = kafkaJavascript.KafkaJS;

export function createBenchKafka(brokers: readonly string[], clientId: string): KafkaJS.Kafka {
  return new kafkaJs.Kafka({
    kafkaJS: { brokers: [...brokers], clientId, logLevel: kafkaJs.logLevel.ERROR },
  });
}

/** Creates the topics and waits until every partition has a leader. */
export async function createTopics(
  kafka: KafkaJS.Kafka,
  topics: readonly { topic: string; numPartitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((t) => ({ ...t, replicationFactor: 1 })) });
    const deadline = Date.now() + 15_000;
    for (;;) {
      // Right after creation the metadata may not know the topic yet: that is "not ready".
      const meta = await admin
        .fetchTopicMetadata({ topics: topics.map((t) => t.topic) })
        .catch(() => []);
      const ready =
        meta.length === topics.length &&
        meta.every((t) => t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
      if (Date.now() > deadline) throw new Error("topic partitions have no leader after 15 s");
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: KafkaJS.Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes consumer groups (absent ones are fine); the services' groups outlive them. */
export async function deleteGroups(kafka: KafkaJS.Kafka, groups: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

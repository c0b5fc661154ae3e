// Topics are created by the services (and tests) that need them, because the
// broker's auto-create is off: that keeps partition counts deliberate. Creating
// is idempotent, and we wait for partition leaders so the first send succeeds.
import { setTimeout as sleep } from "node:timers/promises";
import type { KafkaJS } from "@confluentinc/kafka-javascript";

/** A topic to create if missing. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ "retention.ms": "604800000" }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/** Options for {@link ensureTopics}. */
export interface EnsureTopicsOptions {
  /** Bound on creation plus waiting for leaders; default 15000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are)
 * and resolves once every partition of every listed topic has a leader.
 * Returns the names of the topics it created.
 */
export async function ensureTopics(
  kafka: KafkaJS.Kafka,
  topics: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics({ timeout: timeoutMs }));
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        timeout: timeoutMs,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          ...(spec.replicationFactor === undefined
            ? {}
            : { replicationFactor: spec.replicationFactor }),
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({
            name,
            value,
          })),
        })),
      });
    }
    await waitForLeaders(
      admin,
      topics.map((spec) => spec.topic),
      deadline,
    );
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(
  admin: KafkaJS.Admin,
  topics: string[],
  deadline: number,
): Promise<void> {
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({
        topics,
        timeout: Math.max(1_000, deadline - Date.now()),
      });
      const ready = metadata.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready && metadata.length === topics.length) return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(`topics have no partition leaders yet: ${topics.join(", ")}`);
    await sleep(100);
  }
}

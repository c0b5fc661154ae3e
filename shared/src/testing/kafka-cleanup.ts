// Removes a test's Kafka topics and consumer groups from a broker (the shared one by
// default), at the end of the test file (cleanup.ts) or earlier. Names that do not
// exist (never created, already deleted, or on a private broker that is gone) are
// skipped, so registering a name before it is used is safe.
import { deferCleanup } from "./cleanup.ts";
import { testKafka, withKafkaAdmin } from "./test-kafka.ts";

export interface KafkaNames {
  readonly topics?: readonly string[];
  readonly groups?: readonly string[];
}

const SHARED_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/** Deletes those of `names` that exist on `brokers`. */
export async function deleteKafkaNames(
  names: KafkaNames,
  brokers: readonly string[] = SHARED_BROKERS,
): Promise<void> {
  await withKafkaAdmin(testKafka(brokers, "gifmesh-test-cleanup"), async (admin) => {
    const wanted = new Set(names.topics ?? []);
    if (wanted.size > 0) {
      const topics = (await admin.listTopics({ timeout: 10_000 })).filter((t) => wanted.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    }
    const groups = new Set(names.groups ?? []);
    if (groups.size > 0) {
      const { groups: listed } = await admin.listGroups({ timeout: 10_000 });
      const existing = listed.map((g) => g.groupId).filter((id) => groups.has(id));
      if (existing.length > 0) await admin.deleteGroups(existing, { timeout: 30_000 });
    }
  });
}

/** deleteKafkaNames at the end of the test file; returns a function that runs it now. */
export function deferKafkaCleanup(
  names: KafkaNames,
  brokers: readonly string[] = SHARED_BROKERS,
): () => Promise<void> {
  const what = [...(names.topics ?? []), ...(names.groups ?? [])].join(", ");
  return deferCleanup(`kafka ${what}`, () => deleteKafkaNames(names, brokers));
}

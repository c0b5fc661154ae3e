// Removes a test's Kafka topics and consumer groups from a broker (the shared one by
// default), at the end of the test file (cleanup.ts) or earlier. Names that do not
// exist (never created, already deleted, or on a private broker that is gone) are
// skipped, so registering a name before it is used is safe.
import { PassThrough } from "node:stream";
import { createKafka } from "../kafka/index.ts";
import { createLogger } from "../logging/index.ts";
import { deferCleanup } from "./cleanup.ts";

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
  const admin = createKafka({
    brokers,
    clientId: "gifmesh-test-cleanup",
    logger: createLogger({ service: "test-cleanup", level: "error", stream: new PassThrough() }),
    logLevel: "error",
  }).admin();
  await admin.connect();
  try {
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
  } finally {
    await admin.disconnect();
  }
}

/** deleteKafkaNames at the end of the test file; returns a function that runs it now. */
export function deferKafkaCleanup(
  names: KafkaNames,
  brokers: readonly string[] = SHARED_BROKERS,
): () => Promise<void> {
  const what = [...(names.topics ?? []), ...(names.groups ?? [])].join(", ");
  return deferCleanup(`kafka ${what}`, () => deleteKafkaNames(names, brokers));
}

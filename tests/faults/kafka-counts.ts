// `node tests/faults/kafka-counts.ts <brokers> <group> <requested topic> <topics...>`:
// prints {"topicMessages": {...}, "workerLag": n} as JSON. The fault suite runs it as
// a child process, not in its own process, because librdkafka's admin
// fetchOffsets can SEGFAULT while a just-restarted broker still loads its group
// coordinator (NOT_COORDINATOR handled with no consumer group:
// confluentinc/confluent-kafka-javascript#374). Here that costs one failed read,
// retried a second later, instead of the whole suite (exit 139, no report).
import { PassThrough } from "node:stream";
import { createKafka } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";

export interface KafkaCounts {
  /** Messages on each topic (sum of end offsets). */
  readonly topicMessages: Record<string, number>;
  /** Messages of the requested topic the group has not committed yet. */
  readonly workerLag: number;
}

async function main(): Promise<void> {
  const [brokers, groupId, requested, ...topics] = process.argv.slice(2);
  if (brokers === undefined || groupId === undefined || requested === undefined)
    throw new Error("usage: kafka-counts.ts <brokers> <group> <requested topic> <topics...>");
  const kafka = createKafka({
    brokers: brokers.split(","),
    clientId: "fault-suite-truth",
    logger: createLogger({ service: "fault-suite", level: "error", stream: new PassThrough() }),
    logLevel: "error",
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topicMessages: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      topicMessages[topic] = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    const [group] = await admin.fetchOffsets({ groupId, topics: [requested] });
    const ends = await admin.fetchTopicOffsets(requested);
    let workerLag = 0;
    for (const end of ends) {
      const committed = group?.partitions.find((p) => p.partition === end.partition);
      const at = committed === undefined ? 0 : Math.max(0, Number(committed.offset));
      workerLag += Number(end.high) - at;
    }
    const counts: KafkaCounts = { topicMessages, workerLag };
    process.stdout.write(JSON.stringify(counts));
  } finally {
    await admin.disconnect();
  }
}

await main();

// `node tests/cluster/layout.ts <brokers> <topics...>`: prints the partitions of those
// topics as JSON ([{topic, partition, leader, replicas, isr}]), from the cluster's
// metadata. A child process for the reason kafka-counts.ts is one (tests/faults): a
// librdkafka admin call against a broker that just came back may crash its process.
import { PassThrough } from "node:stream";
import { createKafka } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";

export interface PartitionLayout {
  readonly topic: string;
  readonly partition: number;
  /** Broker id (node.id = the broker's number in scripts/cluster); -1 when none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

async function main(): Promise<void> {
  const [brokers, ...topics] = process.argv.slice(2);
  if (brokers === undefined || topics.length === 0)
    throw new Error("usage: layout.ts <brokers> <topics...>");
  const kafka = createKafka({
    brokers: brokers.split(","),
    clientId: "cluster-layout",
    logger: createLogger({ service: "cluster-runner", level: "error", stream: new PassThrough() }),
    logLevel: "error",
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics, timeout: 10_000 });
    const layout: PartitionLayout[] = metadata.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    );
    process.stdout.write(JSON.stringify(layout));
  } finally {
    await admin.disconnect();
  }
}

// Only as a script: the runner imports the type.
if (import.meta.main) await main();

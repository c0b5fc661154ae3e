// `node scripts/cluster/ensure-topics.ts <bootstrap> <replication factor> <min ISR>`:
// creates the archive topics (the contract's names and partition counts) on the
// 3-broker cluster with that replication factor and min.insync.replicas, the way
// storage and the file worker create them (archiveTopicSpecs, ensureTopics), and waits
// until every partition has a leader. Topics that exist are left as they are.
import { PassThrough } from "node:stream";
import { archiveTopicSpecs } from "@gifmesh/shared/contracts";
import { createKafka, ensureTopics } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";

const [bootstrap, replication, minIsr] = process.argv.slice(2);
const replicationFactor = Number(replication);
const minInSyncReplicas = Number(minIsr);
if (
  bootstrap === undefined ||
  !Number.isInteger(replicationFactor) ||
  !Number.isInteger(minInSyncReplicas)
)
  throw new Error("usage: ensure-topics.ts <bootstrap> <replication factor> <min ISR>");
const kafka = createKafka({
  brokers: bootstrap.split(","),
  clientId: "cluster-topics",
  logger: createLogger({ service: "cluster-topics", level: "error", stream: new PassThrough() }),
  logLevel: "error",
});
const created = await ensureTopics(
  kafka,
  archiveTopicSpecs(undefined, { replicationFactor, minInSyncReplicas }),
  { timeoutMs: 60_000 },
);
process.stdout.write(
  created.length === 0 ? "topics already there\n" : `created ${created.join(", ")}\n`,
);

// Prints the archive topics as `name:partitions`, one per line, for the shell
// scripts that create them (scripts/infra), so their layout comes from the same
// contract as the services': `node shared/src/contracts/print-topics.ts`.
import { archiveTopicSpecs } from "./topics.ts";

for (const spec of archiveTopicSpecs())
  process.stdout.write(`${spec.topic}:${spec.numPartitions}\n`);

// Kafka clients for test code and its tools (clean-up, the leak check, stack set-up,
// the fault and cluster suites): the client's log, librdkafka's included, kept to
// errors and dropped, so what a test prints is the test's own; and an admin client
// that is disconnected again whatever the work on it did.
import { PassThrough } from "node:stream";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { createKafka } from "../kafka/index.ts";
import { createLogger } from "../logging/index.ts";

/** A quiet Kafka client on `brokers` (plaintext, as the test servers are). */
export function testKafka(brokers: readonly string[], clientId: string): KafkaJS.Kafka {
  return createKafka({
    brokers,
    clientId,
    logger: createLogger({ service: clientId, level: "error", stream: new PassThrough() }),
    logLevel: "error",
  });
}

/** Connects an admin client of `kafka`, runs `use` on it, and disconnects it even when `use` threw. */
export async function withKafkaAdmin<T>(
  kafka: KafkaJS.Kafka,
  use: (admin: KafkaJS.Admin) => Promise<T>,
): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

// The dead-letter topic of storage's results consumer: a message storage cannot
// apply (malformed, not bound to a request, refused by PostgreSQL as data) is
// copied there with headers saying why, so no data is lost and the partition moves
// on. Header names and the size bound are the shared dead-letter contract
// (@gifmesh/shared/contracts, dead-letter.ts), so one tool reads both dead-letter
// topics, and a copy always fits what our producer may send: an oversized original
// (another client's limits) is cut and says so, instead of being refused and
// retried as an outage forever.
import { DEAD_LETTER_HEADERS, deadLetterCopy } from "@gifmesh/shared/contracts";
import type { Producer } from "@gifmesh/shared/kafka";
import type { DeadLetter } from "../../application/ports.ts";

/** A dead-letter publisher over an idempotent acks=all producer (connected lazily). */
export function createDeadLetter(
  producer: Producer,
  topic: string,
): DeadLetter & { close(): Promise<void> } {
  let connected: Promise<void> | undefined;
  const publish: DeadLetter = async ({ message, code, reason }) => {
    connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    await connected;
    const copy = deadLetterCopy(
      { key: message.key, value: message.value, headers: { ...message.headers } },
      {
        [DEAD_LETTER_HEADERS.code]: code,
        [DEAD_LETTER_HEADERS.reason]: reason.slice(0, 1024),
        [DEAD_LETTER_HEADERS.topic]: message.topic,
        [DEAD_LETTER_HEADERS.partition]: String(message.partition),
        [DEAD_LETTER_HEADERS.offset]: message.offset,
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      },
    );
    await producer.send({ topic, messages: [copy] });
  };
  return Object.assign(publish, {
    async close() {
      if (connected === undefined) return;
      await connected.catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  });
}

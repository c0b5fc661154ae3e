// The dead-letter topic of storage's results consumer: a message storage cannot
// apply (it can never become valid) is copied there unchanged (key, value, original
// headers) with headers saying why, so no data is lost and the partition moves on.
// Header names are the file worker's, so one tool reads both dead-letter topics.
import type { KafkaMessage, Producer } from "@gifmesh/shared/kafka";

export const DEAD_LETTER_HEADERS = {
  code: "x-gifmesh-error-code",
  reason: "x-gifmesh-error-reason",
  topic: "x-gifmesh-original-topic",
  partition: "x-gifmesh-original-partition",
  offset: "x-gifmesh-original-offset",
  failedAt: "x-gifmesh-failed-at",
} as const;

export interface DeadLetterInput {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  /** Stable code, e.g. EVENT.MALFORMED. */
  readonly code: string;
  readonly reason: string;
}

/** Publishes one message to the dead-letter topic; resolves once the broker acknowledged. */
export type DeadLetter = (input: DeadLetterInput) => Promise<void>;

/** A dead-letter publisher over an idempotent acks=all producer (connected lazily). */
export function createDeadLetter(
  producer: Producer,
  topic: string,
): DeadLetter & { close(): Promise<void> } {
  let connected: Promise<void> | undefined;
  const publish = async (input: DeadLetterInput): Promise<void> => {
    connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    await connected;
    await producer.send({
      topic,
      messages: [
        {
          key: input.message.key,
          value: input.message.value,
          headers: {
            ...input.message.headers,
            [DEAD_LETTER_HEADERS.code]: input.code,
            [DEAD_LETTER_HEADERS.reason]: input.reason.slice(0, 1024),
            [DEAD_LETTER_HEADERS.topic]: input.topic,
            [DEAD_LETTER_HEADERS.partition]: String(input.partition),
            [DEAD_LETTER_HEADERS.offset]: input.message.offset,
            [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
  };
  return Object.assign(publish, {
    async close() {
      if (connected === undefined) return;
      await connected.catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  });
}

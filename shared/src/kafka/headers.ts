// Kafka delivers header values as Buffers (or lists of them); application code
// wants plain strings.
import type { KafkaJS } from "@confluentinc/kafka-javascript";

/**
 * Decodes message headers to UTF-8 strings. For a repeated header the last value
 * wins, as in Java's `Headers.lastHeader`. Undefined values are dropped.
 */
export function headersToStrings(headers: KafkaJS.IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) out[key] = last.toString();
  }
  return out;
}

/**
 * A consumed message as it came off its topic, headers decoded: what a consumer
 * keeps so that a message it cannot handle reaches the dead-letter topic intact.
 */
export interface RawKafkaMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

// Which producer errors mean "this message can never be published" rather than
// "Kafka is not reachable right now". The outbox relay parks a row only for the
// first kind (after a bound), and only retries the second: an outage must delay
// rows, never park them. librdkafka reports both through a numeric `code`
// (KafkaJSError.code, or the plain Error a synchronous produce() throws).
//
// A missing topic is deliberately NOT in the list: with auto-create off it shows as
// "Local: Message timed out", the same as an unreachable broker, and it is an
// operator's fix (storage creates its topics at start).

/** librdkafka error codes about the message itself (rdkafka.h RD_KAFKA_RESP_ERR_*). */
const UNPUBLISHABLE_CODES = new Map<number, string>([
  [2, "CORRUPT_MESSAGE"],
  [10, "MSG_SIZE_TOO_LARGE"],
  [17, "TOPIC_EXCEPTION"],
  [18, "RECORD_LIST_TOO_LARGE"],
  [87, "INVALID_RECORD"],
  [-186, "_INVALID_ARG"],
]);

/** The reason a message can never be published, or undefined when a retry may work. */
export function unpublishableReason(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "number") return undefined;
  const name = UNPUBLISHABLE_CODES.get(code);
  if (name === undefined) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message}`;
}

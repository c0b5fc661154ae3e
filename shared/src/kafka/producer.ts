// Producers that do not lose or duplicate events: acks from all in-sync
// replicas and librdkafka idempotence (which also keeps per-partition order
// across retries). Compression is a per-producer setting in this client.
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { kafkaJs } from "./client.ts";

/** Options for {@link createProducer}. */
export interface ProducerOptions {
  /** Exactly-once per partition within a producer session; default true. */
  readonly idempotent?: boolean;
  /** Default "lz4": cheap on CPU, good on small Protobuf payloads. */
  readonly compression?: "none" | "lz4" | "zstd" | "gzip";
  /** How long to wait to fill a batch (librdkafka `linger.ms`); default 5. */
  readonly lingerMs?: number;
  /** Extra librdkafka producer properties. */
  readonly config?: Readonly<Omit<KafkaJS.ProducerConstructorConfig, "kafkaJS">>;
}

const COMPRESSION: Readonly<
  Record<NonNullable<ProducerOptions["compression"]>, KafkaJS.CompressionTypes>
> = {
  none: kafkaJs.CompressionTypes.None,
  lz4: kafkaJs.CompressionTypes.LZ4,
  zstd: kafkaJs.CompressionTypes.ZSTD,
  gzip: kafkaJs.CompressionTypes.GZIP,
};

/** Creates (does not connect) a producer with acks=all and idempotence. */
export function createProducer(
  kafka: KafkaJS.Kafka,
  options: ProducerOptions = {},
): KafkaJS.Producer {
  return kafka.producer({
    "linger.ms": options.lingerMs ?? 5,
    ...options.config,
    kafkaJS: {
      acks: -1,
      idempotent: options.idempotent ?? true,
      compression: COMPRESSION[options.compression ?? "lz4"],
    },
  });
}

// The one place that loads @confluentinc/kafka-javascript (a CommonJS module with
// a native librdkafka binding) and builds its KafkaJS-compatible client, with
// librdkafka's own log lines routed into our JSON logger, and the connection's TLS and
// SASL properties (connection-config.ts) applied to every producer, consumer and admin.
import kafkaJavascript from "@confluentinc/kafka-javascript";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import type { Logger } from "../logging/index.ts";
import type { KafkaSecurityProperties } from "./connection-config.ts";
import { createKafkaLogger } from "./kafka-logger.ts";

/** The runtime KafkaJS-compatible namespace (classes, enums, error types). */
export const kafkaJs = kafkaJavascript.KafkaJS;

/** librdkafka verbosity. */
export type KafkaLogLevel = "error" | "warn" | "info" | "debug";

/** Options for {@link createKafka}. */
export interface KafkaOptions {
  /** host:port list, e.g. ["127.0.0.1:9092"]. */
  readonly brokers: readonly string[];
  /**
   * TLS and SASL properties, as `kafkaConnection(config)` maps them from KAFKA_*;
   * default plaintext. They win over the same keys in `config`.
   */
  readonly security?: Readonly<KafkaSecurityProperties>;
  /** Shown in broker logs and metrics; use the service name. */
  readonly clientId: string;
  readonly logger: Logger;
  /** Lowest client level passed on; default "info" (connects and disconnects, low volume). */
  readonly logLevel?: KafkaLogLevel;
  /** Extra librdkafka global properties (e.g. `{ "socket.keepalive.enable": true }`). */
  readonly config?: Readonly<Omit<KafkaJS.CommonConstructorConfig, "kafkaJS">>;
}

const LEVELS: Readonly<Record<KafkaLogLevel, KafkaJS.logLevel>> = {
  error: kafkaJs.logLevel.ERROR,
  warn: kafkaJs.logLevel.WARN,
  info: kafkaJs.logLevel.INFO,
  debug: kafkaJs.logLevel.DEBUG,
};

/** Creates the process's Kafka client; producers, consumers and admins come from it. */
export function createKafka(options: KafkaOptions): KafkaJS.Kafka {
  const level = LEVELS[options.logLevel ?? "info"];
  return new kafkaJs.Kafka({
    ...options.config,
    ...options.security,
    kafkaJS: {
      brokers: [...options.brokers],
      clientId: options.clientId,
      logLevel: level,
      logger: createKafkaLogger({ logger: options.logger }),
    },
  });
}

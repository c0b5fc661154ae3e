// Public face of @gifmesh/shared/kafka: thin helpers over @confluentinc/kafka-javascript.
// Services own their consumers; this module gives them a configured client,
// safe producers, topic creation and header decoding. Topic names live with the
// contracts (`ARCHIVE_TOPICS` in @gifmesh/shared/contracts).
import type { KafkaJS } from "@confluentinc/kafka-javascript";

export { createKafka, kafkaJs, type KafkaLogLevel, type KafkaOptions } from "./client.ts";
export {
  kafkaConnection,
  kafkaConnectionProblems,
  kafkaConnectionShape,
  refineKafkaConnection,
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  type KafkaConnection,
  type KafkaConnectionConfig,
  type KafkaSaslMechanism,
  type KafkaSecurityProperties,
  type KafkaSecurityProtocol,
} from "./connection-config.ts";
export { createProducer, type ProducerOptions } from "./producer.ts";
export { ensureTopics, type EnsureTopicsOptions, type TopicSpec } from "./ensure-topics.ts";
export { headersToStrings, type RawKafkaMessage } from "./headers.ts";
export {
  kafkaTopicLayoutShape,
  refineTopicLayout,
  topicLayoutOf,
  type KafkaTopicLayoutConfig,
} from "./topic-layout-config.ts";

export type Kafka = KafkaJS.Kafka;
export type Producer = KafkaJS.Producer;
export type Consumer = KafkaJS.Consumer;
export type Admin = KafkaJS.Admin;
export type KafkaMessage = KafkaJS.KafkaMessage;
export type EachMessagePayload = KafkaJS.EachMessagePayload;
export type EachBatchPayload = KafkaJS.EachBatchPayload;
export type IHeaders = KafkaJS.IHeaders;

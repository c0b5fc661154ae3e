// Public face of @gifmesh/shared/tracing: SDK start-up, the auto-instrumentations,
// W3C context helpers, and Kafka and HTTP span helpers after the semantic conventions.
// Start services with the preload: `node --import @gifmesh/shared/tracing/register src/main.ts`.
export {
  preloadedServiceName,
  registerContextPropagation,
  startTracing,
  type Tracing,
  type TracingOptions,
} from "./start-tracing.ts";
export {
  createInstrumentations,
  isUntracedPath,
  REDACTED_QUERY_PARAMS,
  UNTRACED_PATHS,
} from "./instrumentations.ts";
export { extractTraceContext, injectTraceHeaders, type MessageHeaders } from "./propagation.ts";
export { withSpan } from "./with-span.ts";
export {
  endSpan,
  kafkaAttributes,
  startProducerSpan,
  withConsumerSpan,
  withProducerSpan,
  type KafkaMessageInfo,
  type ProducerSpan,
} from "./messaging.ts";
export { activeTraceId, setHttpRoute } from "./http-route.ts";
export { redactQuery, startHttpServerSpan, type HttpServerSpan } from "./http-server-span.ts";

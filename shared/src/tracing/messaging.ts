// Kafka spans after the OpenTelemetry messaging semantic conventions: a PRODUCER
// span per message sent (`send <topic>`), whose context goes into the message's
// `traceparent`/`tracestate`/`baggage` headers, and a CONSUMER span per message
// processed (`process <topic>`), a child of the context those headers carry, so
// one trace follows a request across the broker. @confluentinc/kafka-javascript
// has no OpenTelemetry auto-instrumentation, hence these helpers.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { extractTraceContext, injectTraceHeaders, type MessageHeaders } from "./propagation.ts";

/** What the conventions record about one Kafka message. */
export interface KafkaMessageInfo {
  readonly topic: string;
  readonly key?: string | Buffer | null;
  readonly partition?: number;
  /** Kafka offsets are int64; the client hands them over as strings. */
  readonly offset?: string;
  readonly consumerGroup?: string;
  /** Our event id (`gifmesh-event-id`), as `messaging.message.id`. */
  readonly messageId?: string;
}

/** `messaging.*` attributes for `operation` on `info`. */
export function kafkaAttributes(
  operation: "send" | "receive" | "process",
  info: KafkaMessageInfo,
): Attributes {
  const attributes: Attributes = {
    "messaging.system": "kafka",
    "messaging.operation.type": operation,
    "messaging.operation.name": operation,
    "messaging.destination.name": info.topic,
  };
  if (info.key !== undefined && info.key !== null)
    attributes["messaging.kafka.message.key"] = info.key.toString();
  if (info.partition !== undefined)
    attributes["messaging.destination.partition.id"] = String(info.partition);
  if (info.offset !== undefined) {
    const offset = Number(info.offset);
    if (Number.isSafeInteger(offset)) attributes["messaging.kafka.offset"] = offset;
  }
  if (info.consumerGroup) attributes["messaging.consumer.group.name"] = info.consumerGroup;
  if (info.messageId) attributes["messaging.message.id"] = info.messageId;
  return attributes;
}

/** A started PRODUCER span and the headers that carry its context. */
export interface ProducerSpan {
  readonly span: Span;
  /** `traceparent` (+ `tracestate`, `baggage`): merge into the message headers. */
  readonly headers: Record<string, string>;
}

/**
 * Starts (does not activate) a PRODUCER span `send <topic>` as a child of `parent`
 * (default: the active context). The outbox relay passes the context stored with
 * the row, so the publish joins the trace of the request that wrote it.
 */
export function startProducerSpan(
  tracer: Tracer,
  info: KafkaMessageInfo,
  parent: Context = context.active(),
  links: Link[] = [],
): ProducerSpan {
  const span = tracer.startSpan(
    `send ${info.topic}`,
    { kind: SpanKind.PRODUCER, attributes: kafkaAttributes("send", info), links },
    parent,
  );
  return { span, headers: injectTraceHeaders(trace.setSpan(parent, span)) };
}

/** Ends `span`, marking it failed with `error` when given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const err = error instanceof Error ? error : new Error(JSON.stringify(error));
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  }
  span.end();
}

/**
 * Sends one message inside a PRODUCER span: `send` gets the trace headers to put
 * on the message; the span ends (failed, on a throw) when `send` settles.
 */
export async function withProducerSpan<T>(
  tracer: Tracer,
  info: KafkaMessageInfo,
  send: (headers: Record<string, string>, span: Span) => Promise<T>,
): Promise<T> {
  const { span, headers } = startProducerSpan(tracer, info);
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () =>
      send(headers, span),
    );
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/**
 * Processes one consumed message in an active CONSUMER span `process <topic>`, a
 * child of the context in `headers` (a new trace when they carry none). A throw
 * marks the span failed and is rethrown.
 */
export async function withConsumerSpan<T>(
  tracer: Tracer,
  info: KafkaMessageInfo & { readonly headers: MessageHeaders },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(info.headers, ROOT_CONTEXT);
  return tracer.startActiveSpan(
    `process ${info.topic}`,
    { kind: SpanKind.CONSUMER, attributes: kafkaAttributes("process", info) },
    parent,
    async (span) => {
      try {
        const result = await fn(span);
        span.end();
        return result;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
  );
}
